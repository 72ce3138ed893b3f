//! sshd on 127.0.0.1 for the ssh tests: a generated host key, user keys in
//! a scratch authorized_keys, and ssh_config files for the client. OpenSSH
//! reads the home directory from the password database, never `$HOME`, so
//! a test names its client config with `GIT_SSH_COMMAND="ssh -F <config>"`
//! and never sees the machine's own ~/.ssh.

use std::fs;
use std::io::Read as _;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{free_port, need, Server};

/// The passphrase of the key that only ssh-agent may use.
pub const PASSPHRASE: &str = "correct horse battery staple";

/// A running sshd and the keys that log in to it.
pub struct Sshd {
    pub server: Server,
    /// Keys, configs and logs.
    pub dir: PathBuf,
    /// The account the tests log in as: whoever runs them.
    pub user: String,
}

impl Sshd {
    /// Starts sshd in `dir` (created).
    pub fn start(dir: &Path) -> Sshd {
        Sshd::start_with(dir, "")
    }

    /// [`Sshd::start`] with `extra` lines in sshd_config.
    pub fn start_with(dir: &Path, extra: &str) -> Sshd {
        let sshd = need("sshd");
        need("ssh");
        need("ssh-keygen");
        let upload_pack = need("git-upload-pack");
        fs::create_dir_all(dir).unwrap();
        for key in ["host_key", "user_key", "other_key"] {
            keygen(dir, key, "");
        }
        keygen(dir, "agent_key", PASSPHRASE);
        let authorized = [read(dir, "user_key.pub"), read(dir, "agent_key.pub")].concat();
        fs::write(dir.join("authorized_keys"), authorized).unwrap();
        fs::write(dir.join("empty_known_hosts"), "").unwrap();
        let port = free_port();
        let host_key = read(dir, "host_key.pub");
        let host_key: Vec<&str> = host_key.split_whitespace().take(2).collect();
        fs::write(
            dir.join("known_hosts"),
            format!("[127.0.0.1]:{port} {}\n", host_key.join(" ")),
        )
        .unwrap();
        let config = dir.join("sshd_config");
        fs::write(&config, sshd_config(dir, port, &upload_pack) + extra).unwrap();
        privilege_separation_directory();
        let log = fs::File::create(dir.join("sshd.log")).unwrap();
        let child = Command::new(sshd)
            .args(["-D", "-e", "-f"])
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("starting sshd");
        let mut server = Server { child, port };
        wait_for_sshd(&mut server, dir);
        Sshd {
            server,
            dir: dir.to_path_buf(),
            user: whoami(),
        }
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    /// Writes the client config `name`: the alias `plat-test` for this
    /// server, its host key known (or, with `known` false, no host known),
    /// and `identity`, ssh_config lines choosing the key.
    pub fn client(&self, name: &str, known: bool, identity: &str) -> PathBuf {
        let known_hosts = self.dir.join(if known {
            "known_hosts"
        } else {
            "empty_known_hosts"
        });
        let path = self.dir.join(format!("{name}_config"));
        let text = format!(
            "Host plat-test\n  HostName 127.0.0.1\n  Port {port}\n  User {user}\n\
             Host *\n  UserKnownHostsFile {known}\n  GlobalKnownHostsFile /dev/null\n  \
             UpdateHostKeys no\n  ControlMaster no\n  PasswordAuthentication no\n  \
             KbdInteractiveAuthentication no\n  IdentitiesOnly yes\n{identity}",
            port = self.port(),
            user = self.user,
            known = known_hosts.display(),
        );
        fs::write(&path, text).unwrap();
        path
    }

    /// A client logging in with the unencrypted key file `key`.
    pub fn key_file_client(&self, name: &str, key: &str) -> PathBuf {
        let identity = format!(
            "  IdentityAgent none\n  IdentityFile {}\n",
            self.dir.join(key).display()
        );
        self.client(name, true, &identity)
    }

    /// `GIT_SSH_COMMAND` for the client config `config`.
    pub fn ssh_command(config: &Path) -> String {
        format!("ssh -F '{}'", config.display())
    }

    /// `ssh://` URL of `repo` (an absolute path) on this server.
    pub fn url(&self, repo: &Path) -> String {
        format!(
            "ssh://{}@127.0.0.1:{}{}",
            self.user,
            self.port(),
            repo.display()
        )
    }
}

/// An ssh-agent holding the passphrase-protected `agent_key`, whose
/// private key file is then removed: only the agent can log in with it.
pub struct Agent {
    /// Stops the agent when dropped.
    pub _server: Server,
    pub socket: PathBuf,
}

impl Agent {
    pub fn start(sshd: &Sshd) -> Agent {
        let agent = need("ssh-agent");
        need("ssh-add");
        let socket = sshd.dir.join("agent.sock");
        let child = Command::new(agent)
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting ssh-agent");
        let server = Server { child, port: 0 };
        let start = Instant::now();
        while !socket.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "ssh-agent made no socket"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let askpass = sshd.dir.join("askpass.sh");
        fs::write(&askpass, format!("#!/bin/sh\necho '{PASSPHRASE}'\n")).unwrap();
        make_executable(&askpass);
        let key = sshd.dir.join("agent_key");
        // The socket can exist a moment before the agent listens, and the
        // askpass script can be busy ("text file busy") while another test
        // thread forks: try a few times.
        let add = || {
            Command::new("ssh-add")
                .arg(&key)
                .env("SSH_AUTH_SOCK", &socket)
                .env("SSH_ASKPASS", &askpass)
                .env("SSH_ASKPASS_REQUIRE", "force")
                .env("DISPLAY", ":0")
                .stdin(Stdio::null())
                .output()
                .expect("running ssh-add")
        };
        let mut out = add();
        for _ in 0..10 {
            if out.status.success() {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
            out = add();
        }
        assert!(
            out.status.success(),
            "ssh-add: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        fs::remove_file(&key).unwrap();
        Agent {
            _server: server,
            socket,
        }
    }

    /// ssh_config lines choosing the agent's key (by its public half).
    pub fn identity(sshd: &Sshd) -> String {
        format!(
            "  IdentityFile {}\n",
            sshd.dir.join("agent_key.pub").display()
        )
    }
}

fn sshd_config(dir: &Path, port: u16, upload_pack: &Path) -> String {
    let bin = upload_pack.parent().unwrap().display();
    format!(
        "ListenAddress 127.0.0.1:{port}\nHostKey {dir}/host_key\n\
         AuthorizedKeysFile {dir}/authorized_keys\nStrictModes no\nPidFile none\n\
         PermitRootLogin prohibit-password\nPasswordAuthentication no\n\
         KbdInteractiveAuthentication no\nUsePAM no\nLogLevel VERBOSE\n\
         SetEnv PATH={bin}:/usr/local/bin:/usr/bin:/bin\n",
        dir = dir.display(),
    )
}

/// sshd started as root wants /run/sshd, which the Debian package makes
/// only when its service starts (never in a container).
fn privilege_separation_directory() {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        let _ = fs::create_dir_all("/run/sshd");
    }
}

/// Waits until sshd answers with its banner; panics with its log if it
/// exits or never answers.
fn wait_for_sshd(server: &mut Server, dir: &Path) {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            let log = fs::read_to_string(dir.join("sshd.log")).unwrap_or_default();
            panic!("sshd exited ({status}):\n{log}");
        }
        if let Ok(mut tcp) = TcpStream::connect(("127.0.0.1", server.port)) {
            let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
            let mut banner = [0u8; 4];
            if tcp.read_exact(&mut banner).is_ok() && &banner == b"SSH-" {
                return;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "sshd never answered on 127.0.0.1:{}",
            server.port
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn keygen(dir: &Path, name: &str, passphrase: &str) {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f"])
        .arg(dir.join(name))
        .stdin(Stdio::null())
        .output()
        .expect("running ssh-keygen");
    assert!(
        out.status.success(),
        "ssh-keygen: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap()
}

fn whoami() -> String {
    let out = Command::new("id")
        .arg("-un")
        .output()
        .expect("running id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

/// Processes whose command line mentions `needle` (a scratch path): what
/// a test left running.
pub fn processes_mentioning(needle: &str) -> Vec<String> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| {
            let e = e.ok()?;
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let cmdline = fs::read(e.path().join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            let state = fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            (cmdline.contains(needle) && pid != std::process::id()).then(|| {
                format!(
                    "{pid} [{}] {cmdline}",
                    state.split_whitespace().nth(2).unwrap_or("?")
                )
            })
        })
        .collect()
}
