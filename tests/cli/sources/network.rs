//! Slow, silent and interrupted servers; credentials in URLs.

use super::*;

#[test]
fn credentials_in_a_url_appear_nowhere() {
    let s = Scratch::new();
    let port = servers::free_port(); // nothing listens there
    let source = format!("https://bot:hunter2@127.0.0.1:{port}/acme.git//service");
    let r = run(s.plat().env("PLAT_CONNECT_TIMEOUT_MS", "2000").args([
        "new",
        &source,
        "api",
        "--no-input",
    ]));
    assert_ne!(r.code, 0);
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
    assert!(!r.stderr.contains("bot:"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("https://127.0.0.1:{port}/acme.git")),
        "{}",
        r.stderr
    );
    let names: Vec<String> = files_under(&s.join(".home"))
        .into_iter()
        .chain(s.entries())
        .collect();
    assert!(names.iter().all(|n| !n.contains("hunter2")), "{names:?}");
}

#[test]
fn a_server_that_never_answers_fails_the_fetch_in_seconds() {
    let s = Scratch::new();
    let silent = servers::Silent::start(None);
    let started = std::time::Instant::now();
    let r = run(s.plat().env("PLAT_NETWORK_TIMEOUT_MS", "1500").args([
        "new",
        &format!("git://127.0.0.1:{}/acme.git//service", silent.port),
        "api",
        "--no-input",
    ]));
    r.code(3).stderr_has(&format!(
        "fetching git://127.0.0.1:{}/acme.git",
        silent.port
    ));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(s.entries(), Vec::<String>::new(), "nothing was created");
}

/// Ctrl-C while a fetch hangs: plat ends at once with 130 and the cache
/// holds what it held before, nothing half-written.
#[cfg(unix)]
#[test]
fn ctrl_c_during_a_fetch_leaves_the_cache_as_it_was() {
    let (s, _) = catalogue();
    let d = servers::git_daemon(&s.join("remote"));
    let port = d.port;
    let url = format!("git://127.0.0.1:{port}/acme.git//service");
    new_from(&s, &url, "a").code(0);
    let before = files_under(&cache_dir(&s));
    drop(d);
    let silent = servers::Silent::start(Some(port));
    let child = spawn(
        s.plat_with_identity()
            .args(["new", &url, "b", "--no-input"]),
    );
    std::thread::sleep(std::time::Duration::from_millis(700));
    let (code, stderr, took) = signal(child, "-INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    drop(silent);
    let after = files_under(&cache_dir(&s));
    assert_eq!(before, after, "the cache is as it was, no temporary left");
    run(s
        .plat_with_identity()
        .args(["new", &url, "c", "--no-input", "--offline"]))
    .code(0);
}

#[cfg(unix)]
#[test]
fn a_slow_fetch_shows_progress_on_a_terminal_and_nothing_on_a_pipe() {
    let (s, cat) = catalogue();
    cat.commit(&[("service/files/big.txt".into(), noise())], "big");
    cat.tag("big");
    cat.publish();
    let d = servers::git_daemon(&s.join("remote"));
    let slow = servers::Throttle::start(d.port, 256 * 1024);
    let url = format!("git://127.0.0.1:{}/acme.git//service?ref=big", slow.port);
    let tty = crate::prompt::on_terminal(&s, &format!("new {url} a --no-input --no-git"), "");
    tty.code(0);
    assert!(tty.stdout.contains("Receiving"), "{}", tty.stdout);
    assert!(tty.stdout.contains("objects"), "{}", tty.stdout);
    std::fs::remove_dir_all(cache_dir(&s)).unwrap();
    let pipe = run(s.plat().args(["new", &url, "b", "--no-input", "--no-git"]));
    pipe.code(0).stderr_has("Fetching");
    assert!(!pipe.stderr.contains("Receiving"), "{}", pipe.stderr);
    assert!(!pipe.stderr.contains('\r'), "{}", pipe.stderr);
}

/// Ctrl-C halfway through receiving a pack: nothing of it stays.
#[cfg(unix)]
#[test]
fn ctrl_c_halfway_through_a_first_fetch_leaves_no_trace() {
    let (s, cat) = catalogue();
    cat.commit(&[("service/files/big.txt".into(), noise())], "big");
    cat.publish();
    let d = servers::git_daemon(&s.join("remote"));
    let slow = servers::Throttle::start(d.port, 128 * 1024);
    let url = format!("git://127.0.0.1:{}/acme.git//service", slow.port);
    let child = spawn(
        s.plat_with_identity()
            .args(["new", &url, "a", "--no-input"]),
    );
    // Wait for the temporary repository to appear, then a moment more.
    let start = std::time::Instant::now();
    while !cache_dir(&s).is_dir() || std::fs::read_dir(cache_dir(&s)).unwrap().next().is_none() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "no fetch began"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (code, stderr, _) = signal(child, "-INT");
    assert_eq!(code, Some(130), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(cache_dir(&s)).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(s.entries(), ["remote"], "no project either");
}
