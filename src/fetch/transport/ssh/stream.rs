//! The conversation with the ssh client: its stdin and stdout carry git's
//! protocol, the end of its stderr is kept to explain a failure. A read
//! waits at most the idle timeout and stops soon after Ctrl-C; the client
//! is ended and reaped when the stream is dropped.

use anyhow::{Context as _, Result};
use std::io::{self, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::diagnose::{explain, Connection, Ending, Tail};
use super::wait_with_deadline;
use crate::effects::interrupt;

/// How often a waiting read looks for Ctrl-C.
const TICK: Duration = Duration::from_millis(50);
/// The size of one read from ssh, and how many may wait unread.
const CHUNK: usize = 64 * 1024;
const QUEUED: usize = 8;

/// A running ssh client speaking git's protocol.
pub(super) struct SshStream {
    child: Child,
    /// The client leads its own process group (only without a terminal),
    /// so ending it ends a `sh -c` wrapper's ssh too.
    own_group: bool,
    stdin: Option<ChildStdin>,
    chunks: Receiver<Vec<u8>>,
    pending: Vec<u8>,
    offset: usize,
    stderr: Arc<Tail>,
    conn: Connection,
    /// How long the first byte may take; None waits for a person typing
    /// a passphrase (ssh's ConnectTimeout still bounds the network).
    first_byte: Option<Duration>,
    received: bool,
    /// Once failed, every later call repeats why.
    failed: Option<String>,
}

impl SshStream {
    /// Starts `cmd` with its standard streams piped to plat.
    pub fn spawn(mut cmd: Command, conn: Connection) -> Result<SshStream> {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        if conn.batch {
            std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        }
        let mut child = cmd.spawn().map_err(|e| spawn_error(&e, &conn.program))?;
        let stdin = child.stdin.take();
        let (stdout, stderr) = match (child.stdout.take(), child.stderr.take()) {
            (Some(out), Some(err)) => (out, err),
            _ => anyhow::bail!("ssh started without its output pipes"),
        };
        let (tx, chunks) = mpsc::sync_channel(QUEUED);
        let tail = Arc::new(Tail::default());
        let stream = SshStream {
            child,
            own_group: conn.batch,
            stdin,
            chunks,
            pending: Vec::new(),
            offset: 0,
            stderr: tail.clone(),
            first_byte: conn
                .batch
                .then_some(conn.connect_timeout + conn.idle_timeout),
            conn,
            received: false,
            failed: None,
        };
        // On failure `stream` is dropped here, which ends the client.
        pump(
            "ssh-stdout",
            stdout,
            move |bytes| tx.send(bytes.to_vec()).is_ok(),
            || (),
        )?;
        let keep = tail.clone();
        pump(
            "ssh-stderr",
            stderr,
            move |bytes| {
                keep.push(bytes);
                true
            },
            move || tail.finish(),
        )?;
        Ok(stream)
    }

    /// Waits for the next chunk from ssh, at most the idle timeout.
    fn fill(&mut self) -> io::Result<()> {
        let wait = if self.received {
            Some(self.conn.idle_timeout)
        } else {
            self.first_byte
        };
        let start = Instant::now();
        loop {
            if interrupt::check().is_err() {
                return Err(self.fail_with("interrupted".into()));
            }
            let left = wait.map(|w| w.saturating_sub(start.elapsed()));
            if let (Some(w), Some(Duration::ZERO)) = (wait, left) {
                return Err(self.fail(Ending::Silent(w)));
            }
            match self.chunks.recv_timeout(left.map_or(TICK, |l| l.min(TICK))) {
                Ok(chunk) => {
                    self.pending = chunk;
                    self.offset = 0;
                    self.received = true;
                    return Ok(());
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Err(self.fail(Ending::Closed(None))),
            }
        }
    }

    /// Ends the conversation and says why, from what ssh said.
    fn fail(&mut self, ending: Ending) -> io::Error {
        let ending = match ending {
            Ending::Closed(_) => {
                drop(self.stdin.take());
                let status = wait_with_deadline(&mut self.child, Duration::from_secs(2));
                Ending::Closed(status.map(|s| s.to_string()))
            }
            silent => {
                self.stop();
                silent
            }
        };
        let stderr = self.stderr.text(Duration::from_millis(500));
        self.fail_with(explain(&self.conn, &stderr, &ending))
    }

    fn fail_with(&mut self, message: String) -> io::Error {
        self.stop();
        let message = message.replace('\0', " ");
        self.failed = Some(message.clone());
        io::Error::other(message)
    }

    fn failure(&self) -> Option<io::Error> {
        self.failed.as_ref().map(|m| io::Error::other(m.clone()))
    }

    /// Ends the client (its whole process group when it has one) and
    /// reaps it.
    fn stop(&mut self) {
        drop(self.stdin.take());
        #[cfg(unix)]
        if self.own_group {
            if let Ok(pid) = i32::try_from(self.child.id()) {
                // SAFETY: kill(2) with the client's own process group: the
                // group outlives its leader until the leader is reaped below.
                unsafe { libc::kill(-pid, libc::SIGTERM) };
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Read for SshStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = self.failure() {
            return Err(e);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        if self.offset >= self.pending.len() {
            self.fill()?;
        }
        let ready = &self.pending[self.offset..];
        let n = ready.len().min(buf.len());
        buf[..n].copy_from_slice(&ready[..n]);
        self.offset += n;
        Ok(n)
    }
}

impl Write for SshStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(e) = self.failure() {
            return Err(e);
        }
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(io::Error::other("ssh: the connection is closed"));
        };
        match stdin.write(buf) {
            Err(e) if e.kind() != io::ErrorKind::Interrupted => {
                Err(self.fail(Ending::Closed(None)))
            }
            done => done,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.stdin.as_mut() {
            Some(stdin) => stdin.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for SshStream {
    /// A finished upload-pack ends when its input does, and ssh with it;
    /// a client that lingers (or a fetch cut short) is ended.
    fn drop(&mut self) {
        drop(self.stdin.take());
        let patience = if self.failed.is_some() || interrupt::check().is_err() {
            Duration::ZERO
        } else {
            Duration::from_millis(200)
        };
        if wait_with_deadline(&mut self.child, patience).is_none() {
            self.stop();
        }
    }
}

/// Copies `from` to `sink` on a thread of its own until the end, a read
/// error, or `sink` declines; then calls `done`.
fn pump(
    name: &str,
    mut from: impl Read + Send + 'static,
    mut sink: impl FnMut(&[u8]) -> bool + Send + 'static,
    done: impl FnOnce() + Send + 'static,
) -> Result<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let mut buf = vec![0; CHUNK];
            loop {
                match from.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) if !sink(&buf[..n]) => break,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            done();
        })
        .map(drop)
        .with_context(|| format!("starting the {name} thread"))
}

fn spawn_error(e: &io::Error, program: &str) -> anyhow::Error {
    if e.kind() == io::ErrorKind::NotFound {
        anyhow::anyhow!("ssh: cannot run `{program}`: it is not installed or not on PATH; install OpenSSH's client (Debian and Ubuntu: openssh-client) or set GIT_SSH_COMMAND")
    } else {
        anyhow::anyhow!("ssh: cannot run `{program}`: {e}")
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn conn(idle_ms: u64) -> Connection {
        Connection {
            program: "sh".into(),
            destination: "git@h.example".into(),
            host: "h.example".into(),
            port: None,
            path: "/t.git".into(),
            service: "git-upload-pack",
            batch: true,
            connect_timeout: Duration::from_millis(idle_ms),
            idle_timeout: Duration::from_millis(idle_ms),
        }
    }

    fn sh(script: &str, idle_ms: u64) -> SshStream {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script);
        SshStream::spawn(cmd, conn(idle_ms)).unwrap()
    }

    #[test]
    fn what_the_client_writes_is_read_and_what_plat_writes_reaches_it() {
        let mut s = sh("printf 'hello '; head -c 5", 5000);
        let mut buf = [0u8; 6];
        s.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hello ");
        s.write_all(b"world").unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"world");
        let err = s.read(&mut buf).unwrap_err().to_string();
        assert!(
            err.contains("ended before the fetch finished (exit status: 0)"),
            "{err}"
        );
    }

    #[test]
    fn an_early_end_is_explained_from_stderr_and_repeated() {
        let mut s = sh("echo 'Permission denied (publickey).' >&2; exit 255", 5000);
        let first = s.read(&mut [0u8; 8]).unwrap_err().to_string();
        assert!(first.contains("did not accept any key"), "{first}");
        let again = s.write(b"x").unwrap_err().to_string();
        assert_eq!(first, again);
    }

    #[test]
    fn silence_ends_the_read_and_the_whole_process_group() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let script = format!("sleep 30 & echo $! > '{}'; wait", pid_file.display());
        let mut s = sh(&script, 300);
        let start = Instant::now();
        let err = s.read(&mut [0u8; 8]).unwrap_err().to_string();
        assert!(err.contains("sent nothing for 0.6 s"), "{err}");
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        assert!(ends(pid.trim()), "the grandchild {pid} survived");
    }

    /// Whether process `pid` ends (or is a zombie) within two seconds.
    fn ends(pid: &str) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                Err(_) => return true,
                Ok(stat)
                    if stat
                        .rsplit(')')
                        .next()
                        .is_some_and(|s| s.trim_start().starts_with('Z')) =>
                {
                    return true
                }
                Ok(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        false
    }

    #[test]
    fn dropping_the_stream_ends_the_client() {
        let s = sh("sleep 30", 5000);
        let pid = s.child.id().to_string();
        let start = Instant::now();
        drop(s);
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        assert!(ends(&pid), "the client {pid} survived");
    }
}
