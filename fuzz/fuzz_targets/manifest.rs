//! platform.yaml: any text is a manifest or a list of problems, never a
//! panic; and a manifest plat accepts survives writing and reading again.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(manifest) = plat::manifest::parse(text) else {
        return;
    };
    assert!(
        manifest.validate().is_empty(),
        "parse accepted what validate refuses"
    );
    let written = plat::manifest::to_yaml(&manifest).expect("a manifest serialises");
    let again = plat::manifest::parse(&written)
        .unwrap_or_else(|p| panic!("plat cannot read what it wrote: {p:?}\n{written}"));
    assert_eq!(again, manifest, "writing and reading changed the manifest");
});
