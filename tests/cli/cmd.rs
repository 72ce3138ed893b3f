//! The command-line surface as data: each `tests/cmd/NAME.toml` is one run
//! of plat (arguments, an input tree in `NAME.in/`, no inherited
//! environment) with its whole expected stdout, stderr and exit code beside
//! it. After an intended change, bless them with
//! `TRYCMD=overwrite cargo test --test cli cmd` and review the diff.

#[test]
fn cli_surface() {
    trycmd::TestCases::new()
        .register_bin("plat", std::path::Path::new(env!("CARGO_BIN_EXE_plat")))
        .case("tests/cmd/*.toml");
}
