//! Real servers on 127.0.0.1 for the git-source tests, started by the test
//! that needs them and stopped when it ends (the guard's `Drop`), and the
//! template repositories they serve.
//!
//! The servers come from Debian's packages (scripts/test installs them).
//! A missing one fails the test that needs it, CI or not: a skipped check
//! is a defect.

pub mod http;
pub mod repo;
pub mod ssh;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// Where `program` is: on PATH, or in the directories Debian puts servers
/// and git's helpers in. Panics when it is absent, naming the package.
pub fn need(program: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/sbin", "/usr/lib/git-core"].map(PathBuf::from));
    dirs.iter()
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{program}` is not installed; scripts/test installs the servers these tests \
                 need (or: apt-get install {})",
                package(program)
            )
        })
}

/// The Debian package that brings `program`.
fn package(program: &str) -> &str {
    match program {
        "git-daemon" | "git-http-backend" | "git-upload-pack" => "git",
        "sshd" => "openssh-server",
        "ssh" | "ssh-keygen" | "ssh-agent" | "ssh-add" => "openssh-client",
        other => other,
    }
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
pub fn git_daemon(base: &Path) -> Server {
    git_daemon_with(base, &[])
}

/// [`git_daemon`] with `extra` options (`--enable=receive-pack`).
pub fn git_daemon_with(base: &Path, extra: &[&str]) -> Server {
    // git-daemon itself, not `git daemon`, which would leave it running
    // when killed.
    let daemon = need("git-daemon");
    let port = free_port();
    let child = std::process::Command::new(daemon)
        .args(["--reuseaddr", "--export-all", "--listen=127.0.0.1"])
        .args(extra)
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
    server
}

/// A server that accepts connections on `port` (a free one if `None`),
/// reads what clients send and never says a word: a server that hangs.
/// It stops when dropped (or after two minutes, should a test forget).
pub struct Silent {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Silent {
    pub fn start(port: Option<u16>) -> Silent {
        use std::io::Read;
        let listener = TcpListener::bind(("127.0.0.1", port.unwrap_or(0))).expect("binding");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            for _ in 0..6000 {
                if flag.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                while let Ok((conn, _)) = listener.accept() {
                    let _ = conn.set_nonblocking(true);
                    held.push(conn);
                }
                for conn in &mut held {
                    let _ = conn.read(&mut [0; 4096]);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        Silent { port, stop }
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A TCP proxy on a free port that forwards to `target` on 127.0.0.1, the
/// server's replies at most `bytes_per_sec`: a slow network, for progress
/// bars and interrupts in the middle of a transfer.
pub struct Throttle {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Throttle {
    pub fn start(target: u16, bytes_per_sec: usize) -> Throttle {
        use std::io::{Read, Write};
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                let Ok((client, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                client.set_nonblocking(false).unwrap();
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let (mut c_read, mut s_write) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut c_read, &mut s_write);
                    let _ = s_write.shutdown(std::net::Shutdown::Write);
                });
                let (mut s_read, mut c_write) = (server, client);
                let flag = flag.clone();
                std::thread::spawn(move || {
                    let chunk = (bytes_per_sec / 20).max(1);
                    let mut buf = vec![0u8; chunk];
                    while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                        match s_read.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                if c_write.write_all(&buf[..n]).is_err() {
                                    break;
                                }
                                std::thread::sleep(Duration::from_millis(50));
                            }
                        }
                    }
                    let _ = c_write.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        Throttle { port, stop }
    }
}

impl Drop for Throttle {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}
