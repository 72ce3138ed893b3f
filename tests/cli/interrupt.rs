//! Ctrl-C and SIGTERM while writing: exit 130 and nothing left behind.

use crate::support::*;
use std::time::{Duration, Instant};

#[cfg(unix)]
fn interrupt_during_write(signal: &str) {
    let s = Scratch::new();
    let files: Vec<(String, String)> = (0..40)
        .map(|i| (format!("f{i:02}.txt"), format!("{i}")))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &refs,
    );
    let mut cmd = s.plat_with_identity();
    cmd.env("PLAT_TEST_WRITE_DELAY_MS", "100")
        .args(["new", &t, "api", "--no-input"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    // Wait until staging has begun, then signal.
    let start = Instant::now();
    loop {
        let staging = s.entries().into_iter().any(|e| e.contains("plat-staging"));
        if staging {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "staging never began"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(250));
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert_eq!(s.entries(), ["t"], "staging or target left behind");
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_writing_removes_the_staging_directory() {
    interrupt_during_write("-INT");
}

#[cfg(unix)]
#[test]
fn sigterm_while_writing_removes_the_staging_directory() {
    interrupt_during_write("-TERM");
}
