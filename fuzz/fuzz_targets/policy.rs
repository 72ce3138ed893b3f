//! A policy file: any text is a policy or a list of problems, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = plat::doctor::policy::Policy::parse(&[("policy.yaml".into(), text.into())]);
    }
});
