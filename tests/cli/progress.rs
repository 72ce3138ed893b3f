//! Progress of long operations (`doctor --all`, `update --all`): a bar on
//! a terminal's stderr, removed before the report; nothing on a pipe, with
//! `--quiet` or in a format for machines.

use crate::doctor::service;
use crate::support::*;

/// Two services under `org/`, and a bar allowed at once.
fn fleet() -> Scratch {
    let s = Scratch::new();
    for name in ["alpha", "beta"] {
        service(&s, name, &[]);
        std::fs::create_dir_all(s.join("org")).unwrap();
        std::fs::rename(s.join(name), s.join(&format!("org/{name}"))).unwrap();
    }
    s
}

const AT_ONCE: (&str, &str) = ("PLAT_PROGRESS_DELAY_MS", "0");

#[test]
fn a_pipe_gets_no_progress() {
    let s = fleet();
    for args in [
        &["doctor", "--all", "org"][..],
        &["update", "--all", "org", "--check"],
    ] {
        let r = run(s.plat().env(AT_ONCE.0, AT_ONCE.1).args(args));
        r.stdout_has("alpha").stdout_has("beta");
        assert!(!r.stderr.contains("Checking"), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("Updating"), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains('['), "{args:?}: {}", r.stderr);
    }
}

#[cfg(unix)]
#[test]
fn a_terminal_sees_progress_then_the_whole_report() {
    use crate::prompt::on_terminal_with;
    let s = fleet();
    let r = on_terminal_with(&s, &[AT_ONCE], "doctor --all org --color never", "");
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("Checking ["), "{}", r.stdout);
    assert!(r.stdout.contains("/2 services"), "{}", r.stdout);
    // The report after the bar, whole.
    let report = &r.stdout[r.stdout.rfind("Checking [").unwrap()..];
    for line in ["alpha", "beta", "2 services: 2 passing"] {
        assert!(report.contains(line), "{line} not in {report}");
    }

    let r = on_terminal_with(&s, &[AT_ONCE], "update --all org --check --color never", "");
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("Updating ["), "{}", r.stdout);
    assert!(r.stdout.contains("2 services under"), "{}", r.stdout);

    // Machines and --quiet get none, even on a terminal.
    for args in [
        "doctor --all org --format json",
        "doctor --all org --format sarif",
        "doctor --all org --quiet",
        "update --all org --check --format json",
    ] {
        let r = on_terminal_with(&s, &[AT_ONCE], args, "");
        assert!(!r.stdout.contains("Checking ["), "{args}: {}", r.stdout);
        assert!(!r.stdout.contains("Updating ["), "{args}: {}", r.stdout);
    }
    // A run quicker than the delay shows no bar at all.
    let later = ("PLAT_PROGRESS_DELAY_MS", "60000");
    let r = on_terminal_with(&s, &[later], "doctor --all org --color never", "");
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(!r.stdout.contains("Checking ["), "{}", r.stdout);
    run(s
        .plat()
        .env("PLAT_PROGRESS_DELAY_MS", "soon")
        .args(["doctor", "--all", "org"]))
    .code(2)
    .stderr_has("PLAT_PROGRESS_DELAY_MS is `soon`");
}
