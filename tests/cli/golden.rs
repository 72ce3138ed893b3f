//! Golden output: the built-in `service` template with fixed answers, one
//! case per language, must produce exactly the trees in `tests/golden/`.
//! After an intended change, regenerate them with
//! `PLAT_UPDATE_GOLDEN=1 cargo test golden` and review the diff.

use crate::support::*;
use std::path::Path;

fn golden_case(dir: &str, args: &[&str]) {
    let s = Scratch::new();
    let mut cmd = s.plat();
    cmd.args([
        "new",
        "service",
        "payments-api",
        "--no-input",
        "--no-git",
        "--output",
        "out",
    ])
    .args(args);
    run(&mut cmd).code(0);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(dir);
    if std::env::var_os("PLAT_UPDATE_GOLDEN").is_some() {
        bless(&s.join("out"), &golden, dir);
        return;
    }
    let actual = s.tree("out");
    let expected = files_under(&golden);
    let mut problems = Vec::new();
    for f in expected.iter().filter(|f| !actual.contains(f)) {
        problems.push(format!(
            "missing: {f} (in tests/golden/{dir}, not rendered)"
        ));
    }
    for f in actual.iter().filter(|f| !expected.contains(f)) {
        problems.push(format!("extra: {f} (rendered, not in tests/golden/{dir})"));
    }
    for f in actual.iter().filter(|f| expected.contains(f)) {
        let got = std::fs::read(s.join("out").join(f)).unwrap();
        let want = std::fs::read(golden.join(f)).unwrap();
        if got != want {
            problems.push(diff(&format!("tests/golden/{dir}/{f}"), &want, &got));
        }
    }
    assert!(
        problems.is_empty(),
        "the rendered tree differs from tests/golden/{dir} (bless an intended change with PLAT_UPDATE_GOLDEN=1 cargo test golden):\n{}",
        problems.join("\n")
    );
}

/// A unified diff from the golden file to the rendered one.
fn diff(name: &str, want: &[u8], got: &[u8]) -> String {
    match (std::str::from_utf8(want), std::str::from_utf8(got)) {
        (Ok(want), Ok(got)) => similar::TextDiff::from_lines(want, got)
            .unified_diff()
            .context_radius(3)
            .header(name, "rendered")
            .to_string(),
        _ => format!("Binary files {name} and rendered differ"),
    }
}

/// Replaces the golden tree with the rendered one, saying what changed.
fn bless(rendered: &Path, golden: &Path, dir: &str) {
    let before = files_under(golden);
    let after = files_under(rendered);
    let mut changed = Vec::new();
    for f in &after {
        let new = std::fs::read(rendered.join(f)).unwrap();
        match std::fs::read(golden.join(f)) {
            Ok(old) if old == new => {}
            Ok(_) => changed.push(format!("updated tests/golden/{dir}/{f}")),
            Err(_) => changed.push(format!("added tests/golden/{dir}/{f}")),
        }
    }
    for f in before.iter().filter(|f| !after.contains(f)) {
        changed.push(format!("removed tests/golden/{dir}/{f}"));
    }
    let _ = std::fs::remove_dir_all(golden);
    copy_tree(rendered, golden);
    if changed.is_empty() {
        eprintln!("tests/golden/{dir}: unchanged");
    }
    for c in changed {
        eprintln!("{c}");
    }
}

const FIXED: &[&str] = &[
    "--set",
    "owner=team-payments",
    "--set",
    "description=Takes payments",
    "--set",
    "port=9000",
];

#[test]
fn rust_service_on_github_matches_the_golden_tree() {
    golden_case(
        "service-rust",
        &[FIXED, &["--set", "language=rust"]].concat(),
    );
}

#[test]
fn go_service_on_gitlab_with_backing_services_matches_the_golden_tree() {
    golden_case(
        "service-go",
        &[
            FIXED,
            &[
                "--set",
                "language=go",
                "--set",
                "ci=gitlab",
                "--set",
                "database=postgres",
                "--set",
                "cache=redis",
                "--set",
                "environments=dev,prod",
            ],
        ]
        .concat(),
    );
}

#[test]
fn python_service_matches_the_golden_tree() {
    golden_case(
        "service-python",
        &[
            FIXED,
            &[
                "--set",
                "language=python",
                "--set",
                "environments=staging,prod",
                "--set",
                "database=postgres",
            ],
        ]
        .concat(),
    );
}

#[test]
fn typescript_service_on_gitlab_matches_the_golden_tree() {
    golden_case(
        "service-typescript",
        &[
            FIXED,
            &[
                "--set",
                "language=typescript",
                "--set",
                "ci=gitlab",
                "--set",
                "cache=redis",
            ],
        ]
        .concat(),
    );
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

fn copy_tree(from: &Path, to: &Path) {
    for f in files_under(from) {
        let dest = to.join(&f);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&f), dest).unwrap();
    }
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
