//! `template.yaml`: any text is loaded or refused, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = plat::template::definition::Definition::parse(text, "template.yaml");
    }
});
