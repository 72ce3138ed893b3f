//! What went wrong, from what ssh said on stderr: the failures people
//! meet (unknown host key, no key accepted, nothing listening, a timeout,
//! no git on the server, no such repository) become a sentence that says
//! what to do next.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::target::printable;

/// How much of ssh's stderr plat keeps: the end, where ssh says why it
/// gave up.
const KEEP: usize = 16 * 1024;

/// The last [`KEEP`] bytes of ssh's stderr, filled by a reader thread.
#[derive(Default)]
pub(super) struct Tail {
    state: Mutex<(Vec<u8>, bool)>,
    finished: Condvar,
}

impl Tail {
    pub fn push(&self, bytes: &[u8]) {
        if let Ok(mut state) = self.state.lock() {
            let kept = &mut state.0;
            kept.extend_from_slice(bytes);
            if kept.len() > KEEP {
                let extra = kept.len() - KEEP;
                kept.drain(..extra);
            }
        }
    }

    /// ssh closed its stderr.
    pub fn finish(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.1 = true;
        }
        self.finished.notify_all();
    }

    /// What ssh said, once it closed stderr or `patience` passed.
    pub fn text(&self, patience: Duration) -> String {
        let until = Instant::now() + patience;
        let Ok(mut state) = self.state.lock() else {
            return String::new();
        };
        while !state.1 {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match self.finished.wait_timeout(state, left) {
                Ok((s, _)) => state = s,
                Err(_) => return String::new(),
            }
        }
        String::from_utf8_lossy(&state.0).into_owned()
    }
}

/// What a message needs to know about the connection.
#[derive(Debug, Clone)]
pub(super) struct Connection {
    /// The client as the user named it (`ssh`, `GIT_SSH_COMMAND`, ...).
    pub program: String,
    /// `[user@]host`.
    pub destination: String,
    pub host: String,
    pub port: Option<u16>,
    pub path: String,
    /// What the server runs: `git-upload-pack` or `git-receive-pack`.
    pub service: &'static str,
    /// ssh runs with BatchMode: it cannot ask for a passphrase.
    pub batch: bool,
    pub connect_timeout: Duration,
    pub idle_timeout: Duration,
}

/// How the conversation with ssh ended.
#[derive(Debug)]
pub(super) enum Ending {
    /// ssh closed its output or stopped reading: it exited (`status`).
    Closed(Option<String>),
    /// Nothing arrived for this long.
    Silent(Duration),
}

/// One message for the failure: what happened, where, and what to do.
pub(super) fn explain(conn: &Connection, stderr: &str, ending: &Ending) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !is_noise(l))
        .collect();
    let find = |needles: &[&str]| {
        lines
            .iter()
            .rev()
            .find(|l| {
                let l = l.to_ascii_lowercase();
                needles.iter().any(|n| l.contains(n))
            })
            .map(|l| clip(l))
    };
    let host = &conn.host;
    let port_arg = conn.port.map(|p| format!("-p {p} ")).unwrap_or_default();
    if let Some(line) = find(&["remote host identification has changed"]) {
        return format!("ssh: the host key of {host} is not the one recorded in known_hosts ({line}); it changed, or someone is in between. Ask the server's administrators for its fingerprint; if the change is expected, remove the old key with `ssh-keygen -R {host}` and connect once with `ssh {port_arg}{}` to check and record the new one", conn.destination);
    }
    if let Some(line) = find(&["host key verification failed", "no matching host key"]) {
        return format!("ssh: {host} is not a known host ({line}); plat refuses unknown host keys, as git does. Check the key's fingerprint with the server's administrators, then record it in ~/.ssh/known_hosts: connect once with `ssh {port_arg}{}` and answer yes, or `ssh-keyscan {port_arg}{host} >> ~/.ssh/known_hosts` after comparing the fingerprint", conn.destination);
    }
    if let Some(line) = find(&["permission denied", "too many authentication failures"]) {
        let batch = if conn.batch {
            " plat runs ssh without a terminal here (BatchMode), so a key with a passphrase must be in ssh-agent first (`ssh-add`)."
        } else {
            ""
        };
        return format!("ssh: {} did not accept any key ssh offered ({line}). Check that ssh-agent holds your key (`ssh-add -l`) or that ~/.ssh/config names it (IdentityFile), that this key is registered on the server for user `{}`, and try `ssh -T {port_arg}{}`.{batch}", conn.destination, conn.destination.rsplit_once('@').map_or("(your login name)", |(u, _)| u), conn.destination);
    }
    if let Some(line) = find(&["connection refused"]) {
        return format!(
            "ssh: nothing accepts ssh connections at {host}{} ({line}); check the host and port",
            port_suffix(conn.port)
        );
    }
    if let Some(line) = find(&["timed out", "timeout"]) {
        return format!("ssh: connecting to {host}{} timed out after {} ({line}); check that the host is reachable from here (VPN, firewall), or raise PLAT_CONNECT_TIMEOUT_MS", port_suffix(conn.port), seconds(conn.connect_timeout));
    }
    if let Some(line) = find(&[
        "could not resolve hostname",
        "name or service not known",
        "nodename nor servname",
    ]) {
        return format!("ssh: cannot find the host {host} ({line}); check its spelling, or the `Host` entry in ~/.ssh/config if it is an alias");
    }
    let service = conn.service;
    if let Some(line) = find(&[service.trim_start_matches("git-")]).filter(|l| is_missing(l)) {
        return format!("ssh: {host} has no {service} on its PATH ({line}); is it a git server? plat needs git installed there");
    }
    if let Some(line) = find(&[
        "does not appear to be a git repository",
        "not a git repository",
        "repository not found",
        "could not be found",
        "no such repository",
        "access denied",
    ]) {
        let may = if service == "git-receive-pack" {
            "push to"
        } else {
            "read"
        };
        return format!("ssh: no repository `{}` on {host} that you may {may} ({line}); check the path (an scp-like `host:path` is relative to the login's home directory) and that your key has access", printable(&conn.path));
    }
    let said = said(&lines);
    if let Ending::Closed(Some(status)) = ending {
        if status.ends_with(" 127") && lines.iter().any(|l| is_missing(l)) {
            return format!("ssh: cannot run the ssh command `{}` ({status}){said}; check GIT_SSH_COMMAND, GIT_SSH or git's core.sshCommand", printable(&conn.program));
        }
    }
    match ending {
        Ending::Silent(after) => format!("ssh: {host} sent nothing for {}; giving up (PLAT_NETWORK_TIMEOUT_MS sets how long plat waits){said}", seconds(*after)),
        Ending::Closed(status) => {
            let status = status.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
            let doing = if service == "git-receive-pack" { "push" } else { "fetch" };
            format!("ssh: the connection to {} ended before the {doing} finished{status}{said}", conn.destination)
        }
    }
}

/// ssh's chatter that never explains a failure.
fn is_noise(line: &str) -> bool {
    line.starts_with("Warning: Permanently added")
        || line.starts_with("** ")
        || line.contains("post-quantum")
}

fn is_missing(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    [
        "not found",
        "no such file",
        "not recognized",
        "unknown command",
    ]
    .iter()
    .any(|n| l.contains(n))
}

/// The last lines ssh said, for a failure plat cannot name.
fn said(lines: &[&str]) -> String {
    let last: Vec<String> = lines.iter().rev().take(3).rev().map(|l| clip(l)).collect();
    if last.is_empty() {
        String::new()
    } else {
        format!("; ssh said: {}", last.join(" / "))
    }
}

/// One line of ssh's output, printable and short.
fn clip(line: &str) -> String {
    let line = printable(line.trim_end_matches('.'));
    match line.char_indices().nth(300) {
        Some((i, _)) => format!("{}...", &line[..i]),
        None => line,
    }
}

fn port_suffix(port: Option<u16>) -> String {
    port.map(|p| format!(" port {p}")).unwrap_or_default()
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64()).replace(".0 s", " s")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        Connection {
            program: "ssh".into(),
            destination: "git@h.example".into(),
            host: "h.example".into(),
            port: Some(2222),
            path: "/acme.git".into(),
            service: "git-upload-pack",
            batch: true,
            connect_timeout: Duration::from_millis(1500),
            idle_timeout: Duration::from_secs(30),
        }
    }

    fn closed(stderr: &str) -> String {
        explain(
            &conn(),
            stderr,
            &Ending::Closed(Some("exit status: 255".into())),
        )
    }

    #[test]
    fn the_common_failures_get_a_hint() {
        for (stderr, expect) in [
            ("No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n", "ssh-keyscan -p 2222 h.example"),
            ("@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n", "ssh-keygen -R h.example"),
            ("git@127.0.0.1: Permission denied (publickey).\n", "ssh-add -l"),
            ("ssh: connect to host 127.0.0.1 port 2222: Connection refused\n", "nothing accepts ssh connections at h.example port 2222"),
            ("Connection timed out during banner exchange\nConnection to 127.0.0.1 port 2222 timed out\n", "timed out after 1.5 s"),
            ("ssh: Could not resolve hostname nowhere.invalid: Name or service not known\n", "cannot find the host"),
            ("bash: line 1: git-upload-pack: command not found\n", "no git-upload-pack"),
            ("fatal: '/acme.git' does not appear to be a git repository\n", "no repository `/acme.git`"),
            ("ERROR: Repository not found.\n", "no repository"),
        ] {
            let message = closed(stderr);
            assert!(message.contains(expect), "{stderr:?} gave {message}");
        }
    }

    #[test]
    fn a_command_that_cannot_run_is_named() {
        let message = explain(
            &conn(),
            "sh: 1: no-such-ssh: not found\n",
            &Ending::Closed(Some("exit status: 127".into())),
        );
        assert!(
            message.contains("cannot run the ssh command `ssh`"),
            "{message}"
        );
    }

    #[test]
    fn batch_mode_explains_passphrases() {
        let message = closed("Permission denied (publickey).");
        assert!(message.contains("must be in ssh-agent"), "{message}");
        let mut c = conn();
        c.batch = false;
        let message = explain(&c, "Permission denied (publickey).", &Ending::Closed(None));
        assert!(!message.contains("BatchMode"), "{message}");
    }

    #[test]
    fn unknown_failures_quote_ssh_and_silence_names_the_timeout() {
        let message = closed(
            "Warning: Permanently added 'x' (ED25519) to the list of known hosts.\nsomething odd\n",
        );
        assert!(
            message.contains("ssh said: something odd") && message.contains("exit status: 255"),
            "{message}"
        );
        assert!(!message.contains("Permanently"), "{message}");
        let message = explain(&conn(), "", &Ending::Silent(Duration::from_secs(2)));
        assert!(
            message.contains("sent nothing for 2 s") && message.contains("PLAT_NETWORK_TIMEOUT_MS"),
            "{message}"
        );
    }

    #[test]
    fn control_characters_and_long_lines_are_tamed() {
        let message = closed(&format!("evil\u{1b}[2J\0{}\n", "x".repeat(1000)));
        assert!(
            !message.contains('\u{1b}') && !message.contains('\0'),
            "{message}"
        );
        assert!(message.len() < 600, "{}", message.len());
    }

    #[test]
    fn the_tail_keeps_the_end() {
        let tail = Tail::default();
        tail.push(&vec![b'a'; KEEP]);
        tail.push(b"the end");
        tail.finish();
        let text = tail.text(Duration::from_secs(1));
        assert_eq!(text.len(), KEEP);
        assert!(text.ends_with("the end"));
    }
}
