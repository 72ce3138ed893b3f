//! A closed stdout (`plat ... | head`, a reader that is gone) ends plat
//! quietly: no panic, no "Broken pipe", and the exit code it would have had.

use std::process::Stdio;

use crate::doctor::{drift_prod_service, service};
use crate::support::*;

/// Runs `cmd` with a stdout whose reader is gone before plat starts.
fn closed_stdout(cmd: &mut std::process::Command) -> Run {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = cmd
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("running plat");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[track_caller]
fn quiet(r: &Run, code: i32) {
    r.code(code);
    for bad in ["panicked", "Broken pipe", "error"] {
        assert!(!r.stderr.contains(bad), "stderr has {bad:?}:\n{}", r.stderr);
    }
}

#[test]
fn new_ends_quietly_when_stdout_is_closed() {
    let s = Scratch::new();
    let r = closed_stdout(
        s.plat()
            .args(["new", "service", "demo", "--dry-run", "--no-input"]),
    );
    quiet(&r, 0);
    assert!(!s.join("demo").exists());
    let r = closed_stdout(s.plat_with_identity().args([
        "new",
        "service",
        "demo",
        "--no-input",
        "--format",
        "json",
    ]));
    quiet(&r, 0);
    assert!(
        s.join("demo/platform.yaml").is_file(),
        "the project is made"
    );
}

#[test]
fn templates_and_manifest_end_quietly_when_stdout_is_closed() {
    let s = Scratch::new();
    quiet(&closed_stdout(s.plat().args(["templates", "list"])), 0);
    quiet(
        &closed_stdout(s.plat().args(["templates", "show", "service"])),
        0,
    );
    quiet(&closed_stdout(s.plat().args(["manifest", "schema"])), 0);
    s.write("platform.yaml", "apiVersion: plat.dev/v1\nkind: Service\n");
    quiet(&closed_stdout(s.plat().args(["manifest", "validate"])), 1);
}

#[test]
fn doctor_and_sync_end_quietly_when_stdout_is_closed() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    drift_prod_service(&s, "api");
    quiet(&closed_stdout(s.plat().args(["doctor", "--list"])), 0);
    for format in ["human", "json", "sarif", "markdown"] {
        quiet(
            &closed_stdout(s.plat().args(["doctor", "api", "--format", format])),
            1,
        );
    }
    quiet(&closed_stdout(s.plat().args(["sync", "api", "--check"])), 1);
    quiet(
        &closed_stdout(s.plat().args(["sync", "api", "--dry-run"])),
        0,
    );
    quiet(
        &closed_stdout(
            s.plat()
                .args(["sync", "api", "--dry-run", "--format", "json"]),
        ),
        0,
    );
}
