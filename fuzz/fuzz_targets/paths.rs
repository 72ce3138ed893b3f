//! Paths and expressions from templates: checked or refused, never a
//! panic; a path that passes stays inside the project.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if plat::template::pathcheck::check_relative(text).is_ok() {
        assert!(!text.starts_with('/'), "absolute path accepted: {text:?}");
        assert!(
            !text
                .split('/')
                .any(|s| s == ".." || s == "." || s.is_empty()),
            "escaping path accepted: {text:?}"
        );
    }
    let _ = plat::template::names::roots(text);
    let _ = plat::util::glob::glob(text);
});
