//! A `--values` file: any text gives answers or an error, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = plat::new::answers::parse_values(text, "values.yaml");
    }
});
