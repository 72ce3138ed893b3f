//! Ctrl-C and SIGTERM: exit 130, promptly, and nothing left behind.

use crate::support::*;
use std::time::{Duration, Instant};

/// A template of many small files: writing them takes long enough to be
/// caught in the act.
fn many_files(s: &Scratch) -> String {
    let root = s.join("t/files");
    for d in 0..100 {
        let dir = root.join(format!("d{d:03}"));
        std::fs::create_dir_all(&dir).unwrap();
        for f in 0..100 {
            std::fs::write(dir.join(format!("f{f:03}.txt")), format!("{d} {f}\n")).unwrap();
        }
    }
    s.write(
        "t/template.yaml",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
    );
    "./t".to_string()
}

/// Blocks until `plat new` has created its staging directory in `s`.
#[cfg(unix)]
fn wait_for_staging(s: &Scratch) {
    let start = Instant::now();
    while !s.entries().iter().any(|e| e.contains("plat-staging")) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "staging never began"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[cfg(unix)]
fn interrupt_during_write(sig: &str) {
    let s = Scratch::new();
    let t = many_files(&s);
    let child = spawn(
        s.plat_with_identity()
            .args(["new", &t, "api", "--no-input"]),
    );
    // Signal as soon as staging has begun.
    wait_for_staging(&s);
    let (code, stderr, _) = signal(child, sig);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
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

/// A render that would run for minutes stops at Ctrl-C with 130, not at
/// its deadline (a minute here, which would exit 2).
#[cfg(unix)]
#[test]
fn ctrl_c_during_an_endless_render_stops_at_once() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("a.txt", ENDLESS_LOOP)],
    );
    let child = spawn(s.plat().env("PLAT_RENDER_TIMEOUT_MS", "60000").args([
        "new",
        &t,
        "api",
        "--no-input",
    ]));
    std::thread::sleep(Duration::from_millis(500));
    let (code, stderr, took) = signal(child, "-INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(took < Duration::from_secs(30), "took {took:?} to stop");
    assert_eq!(s.entries(), ["t"]);
}

/// SIGKILL cannot be caught: the staging directory stays. The next
/// `plat new` beside it sees that its process is gone and removes it.
#[cfg(unix)]
#[test]
fn the_next_new_removes_what_a_killed_one_left() {
    let s = Scratch::new();
    let t = many_files(&s);
    let child = spawn(
        s.plat_with_identity()
            .args(["new", &t, "api", "--no-input"]),
    );
    wait_for_staging(&s);
    let (code, _, _) = signal(child, "-KILL");
    assert_eq!(code, None, "killed by a signal");
    let left: Vec<String> = s
        .entries()
        .into_iter()
        .filter(|e| e.contains("plat-staging"))
        .collect();
    assert_eq!(left.len(), 1, "{:?}", s.entries());
    run(s
        .plat()
        .args(["new", "service", "web", "--no-input", "--no-git"]))
    .code(0);
    assert_eq!(
        s.entries(),
        ["t", "web"],
        "the killed run's staging is gone"
    );
}
