//! The built-in `service` template: its test cases
//! (`templates/service/tests/`, one per language) pass, every version plat
//! shipped still renders, and the same answers always give the same bytes.
//! After an intended change to the template, bless its cases with
//! `cargo run -- template test templates/service --bless` and review the
//! diff.

use crate::support::*;
use std::path::Path;

#[test]
fn the_service_template_passes_its_own_tests() {
    let s = Scratch::new();
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/service");
    let r = run(s.plat().arg("template").arg("test").arg(&template));
    assert_eq!(
        r.code, 0,
        "templates/service/tests/ differ from what the template renders; if the change is intended, run `cargo run -- template test templates/service --bless` and review the diff\n{}{}",
        r.stdout, r.stderr
    );
    for case in [
        "rust-github",
        "go-gitlab-postgres-redis",
        "python-postgres",
        "typescript-gitlab-redis",
    ] {
        r.stdout_has(&format!("ok      {case}\n"));
    }
}

/// Every version of `service` plat shipped before stays renderable, in
/// every language: `plat update` renders a service's version as the base of
/// its merge. The copies in templates/releases/ are the bytes plat embeds.
#[test]
fn every_released_version_of_the_service_template_still_renders() {
    let releases = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/releases/service");
    let mut versions = 0;
    for entry in std::fs::read_dir(&releases).unwrap() {
        let dir = entry.unwrap().path();
        let version = dir.file_name().unwrap().to_str().unwrap().to_string();
        versions += 1;
        for language in ["rust", "go", "python", "typescript"] {
            let s = Scratch::new();
            let mut cmd = s.plat();
            cmd.arg("new")
                .arg(&dir)
                .args(["payments-api", "--no-input", "--no-git", "--output", "out"])
                .args(["--set", &format!("language={language}")]);
            run(&mut cmd).code(0);
            assert!(
                s.read("out/platform.yaml")
                    .contains(&format!("\n  version: {version}\n")),
                "service {version} ({language}) records another version"
            );
            assert!(s.tree("out").contains(&"README.md".to_string()));
        }
    }
    assert!(versions > 0, "no release in {}", releases.display());
}

/// Maps in the manifest (probes, env) iterate in a fixed order, so the
/// same answers always give the same bytes: drift checks depend on it.
#[test]
fn rendering_is_deterministic() {
    let s = Scratch::new();
    let args = |out: &'static str| {
        [
            "new",
            "service",
            "payments-api",
            "--no-input",
            "--no-git",
            "--output",
            out,
            "--set",
            "language=go",
            "--set",
            "database=postgres",
            "--set",
            "cache=redis",
        ]
    };
    run(s.plat().args(args("a"))).code(0);
    for out in ["b", "c", "d"] {
        run(s.plat().args(args(out))).code(0);
        for f in s.tree("a") {
            assert_eq!(
                s.read(&format!("a/{f}")),
                s.read(&format!("{out}/{f}")),
                "{f} differs between runs"
            );
        }
    }
}
