//! Real servers on 127.0.0.1 for the git-source tests, started by the test
//! that needs them and stopped when it ends (the guard's `Drop`), and the
//! template repositories they serve.
//!
//! The servers come from Debian's packages (scripts/test installs them).
//! Without one a test is skipped with a note, except when `CI=true`: there a
//! missing server fails the test, so CI never passes by skipping.

pub mod repo;
pub mod ssh;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// Where `program` is: on PATH, or in the directories Debian puts servers
/// and git's helpers in. None when absent (the test then returns early);
/// with `CI=true` an absent program fails the test instead.
pub fn need(program: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/sbin", "/usr/lib/git-core"].map(PathBuf::from));
    if let Some(found) = dirs.iter().map(|d| d.join(program)).find(|p| p.is_file()) {
        return Some(found);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "`{program}` is not installed; scripts/test installs the servers these tests need"
    );
    eprintln!("skipped: `{program}` is not installed (scripts/test installs it)");
    None
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding 127.0.0.1:0")
}

/// Waits until something accepts connections on `port`, or panics after
/// 20 s naming `what` (whose log the panic message should help find).
pub fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{what} never listened on 127.0.0.1:{port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running server, killed and reaped when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `git daemon` serving every repository under `base` (read-only, no
/// `git-daemon-export-ok` needed) on a free port.
pub fn git_daemon(base: &Path) -> Option<Server> {
    // git-daemon itself, not `git daemon`, which would leave it running
    // when killed.
    let daemon = need("git-daemon")?;
    let port = free_port();
    let child = std::process::Command::new(daemon)
        .args(["--reuseaddr", "--export-all", "--listen=127.0.0.1"])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", base.display()))
        .arg(base)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starting git daemon");
    let server = Server { child, port };
    wait_for_port(port, "git daemon");
    Some(server)
}
