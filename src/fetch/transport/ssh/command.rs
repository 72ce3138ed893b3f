//! The ssh command line, chosen as git chooses it: `GIT_SSH_COMMAND` (run
//! through `sh -c`), git's `core.sshCommand`, `GIT_SSH` (a program, no
//! shell), else `ssh`; and which client family it is (`GIT_SSH_VARIANT`,
//! `ssh.variant`, else its name), which decides the options plat may add.

use anyhow::{bail, Context as _, Result};
use std::ffi::OsString;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::target::SshTarget;
use super::{wait_with_deadline, SshSettings};

/// The client family, as git's `ssh.variant` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Variant {
    /// OpenSSH: `-p`, `-o Option=value`.
    Ssh,
    /// PuTTY's plink: `-P`, `-batch`.
    Plink,
    /// TortoisePlink: like plink, and always `-batch`.
    TortoisePlink,
    /// Only a destination and a command: no port, no options.
    Simple,
    /// Unknown: `-G` tells OpenSSH from the rest, as git does.
    Auto,
}

impl Variant {
    /// `GIT_SSH_VARIANT` / `ssh.variant`: any other value means OpenSSH.
    fn named(name: &str) -> Variant {
        match name {
            "auto" => Variant::Auto,
            "plink" | "putty" => Variant::Plink,
            "tortoiseplink" => Variant::TortoisePlink,
            "simple" => Variant::Simple,
            _ => Variant::Ssh,
        }
    }

    /// From the program's file name.
    fn of_program(program: &str) -> Variant {
        let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
        let base = base.to_ascii_lowercase();
        match base.strip_suffix(".exe").unwrap_or(&base) {
            "ssh" => Variant::Ssh,
            "plink" => Variant::Plink,
            "tortoiseplink" => Variant::TortoisePlink,
            _ => Variant::Auto,
        }
    }
}

/// The ssh client to run.
#[derive(Debug, Clone)]
pub(super) struct Program {
    /// A program, or a shell command line when `shell`.
    pub command: OsString,
    pub shell: bool,
    pub variant: Variant,
}

/// What git's own config says about ssh.
#[derive(Debug, Clone, Default)]
pub(super) struct GitSshConfig {
    /// `core.sshCommand`.
    pub command: Option<String>,
    /// `ssh.variant`.
    pub variant: Option<String>,
}

impl GitSshConfig {
    /// Reads the user's and the system's git config (no repository's).
    pub fn read() -> Result<GitSshConfig> {
        let config = git2::Config::open_default()
            .and_then(|mut c| c.snapshot())
            .context("reading git's config for core.sshCommand")?;
        let get = |name: &str| config.get_string(name).ok().filter(|v| !v.is_empty());
        Ok(GitSshConfig {
            command: get("core.sshCommand"),
            variant: get("ssh.variant"),
        })
    }
}

impl Program {
    /// The client git would run with these settings and config.
    pub fn choose(settings: &SshSettings, config: &GitSshConfig) -> Program {
        let shell_command = settings.command.clone().or_else(|| config.command.clone());
        let (command, shell) = match (shell_command, &settings.program) {
            (Some(line), _) => (OsString::from(line), true),
            (None, Some(program)) => (program.clone().into_os_string(), false),
            (None, None) => (OsString::from("ssh"), false),
        };
        let name = command.to_string_lossy();
        let first = if shell {
            first_word(&name)
        } else {
            name.to_string()
        };
        let variant = match settings.variant.as_deref().or(config.variant.as_deref()) {
            Some(named) => Variant::named(named),
            None => Variant::of_program(&first),
        };
        Program {
            command,
            shell,
            variant,
        }
    }

    /// A command running this client with `args`: through `sh -c` for a
    /// command line (the arguments as `"$@"`, never spliced into it), as
    /// git runs `GIT_SSH_COMMAND`.
    pub fn command(&self, args: &[String]) -> Command {
        let mut cmd = if self.shell {
            let mut line = self.command.clone();
            line.push(" \"$@\"");
            let mut sh = Command::new("sh");
            sh.arg("-c").arg(line).arg(&self.command);
            sh
        } else {
            Command::new(&self.command)
        };
        cmd.args(args);
        // The repository plat runs in is none of ssh's business.
        for name in LOCAL_REPO_ENV {
            cmd.env_remove(name);
        }
        cmd
    }

    /// Settles [`Variant::Auto`]: a client that understands `-G` (print
    /// the configuration, connect nowhere) is OpenSSH; anything else is
    /// `simple`.
    pub fn settle(mut self, target: &SshTarget, timeout: Duration) -> Program {
        if self.variant != Variant::Auto {
            return self;
        }
        let mut args = vec!["-G".to_string()];
        if let Some(port) = target.port {
            args.extend(["-p".to_string(), port.to_string()]);
        }
        args.push(target.destination());
        let probe = self
            .command(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let openssh = probe.is_ok_and(|mut child| {
            let status = wait_with_deadline(&mut child, timeout);
            if status.is_none() {
                let _ = child.kill();
                let _ = child.wait();
            }
            status.is_some_and(|s| s.success())
        });
        self.variant = if openssh {
            Variant::Ssh
        } else {
            Variant::Simple
        };
        self
    }
}

/// Everything plat passes to the client after the program: options,
/// destination, and the command the server runs.
pub(super) fn arguments(
    variant: Variant,
    target: &SshTarget,
    service: &str,
    settings: &SshSettings,
    connect_timeout: Duration,
) -> Result<Vec<String>> {
    let mut args = Vec::new();
    let port = target.port.map(|p| p.to_string());
    match variant {
        Variant::Ssh | Variant::Auto => {
            if !settings.interactive {
                args.extend(["-o".into(), "BatchMode=yes".into()]);
            }
            let secs = connect_timeout.as_millis().div_ceil(1000).max(1);
            args.extend(["-o".into(), format!("ConnectTimeout={secs}")]);
            if let Some(port) = port {
                args.extend(["-p".into(), port]);
            }
            args.push("--".into());
        }
        Variant::Plink | Variant::TortoisePlink => {
            if !settings.interactive || variant == Variant::TortoisePlink {
                args.push("-batch".into());
            }
            if let Some(port) = port {
                args.extend(["-P".into(), port]);
            }
        }
        Variant::Simple => {
            if port.is_some() {
                bail!("the ssh client is of the `simple` kind (GIT_SSH_VARIANT or ssh.variant), which cannot be given a port; set the port in ~/.ssh/config or use an OpenSSH client");
            }
        }
    }
    args.push(target.destination());
    args.push(target.remote_command(service));
    Ok(args)
}

/// The first word of a shell command line, quotes removed (git's
/// `split_cmdline`, enough to name the program).
fn first_word(line: &str) -> String {
    let mut word = String::new();
    let mut quote: Option<char> = None;
    for c in line.trim_start().chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => break,
            (_, c) => word.push(c),
        }
    }
    word
}

/// The variables git removes before it runs a command outside the
/// repository (git's `local_repo_env`).
const LOCAL_REPO_ENV: [&str; 16] = [
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
    "GIT_QUARANTINE_PATH",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(
        command: Option<&str>,
        program: Option<&str>,
        variant: Option<&str>,
    ) -> SshSettings {
        SshSettings {
            command: command.map(str::to_string),
            program: program.map(Into::into),
            variant: variant.map(str::to_string),
            interactive: false,
        }
    }

    fn chosen(s: &SshSettings, config: &GitSshConfig) -> (String, bool, Variant) {
        let p = Program::choose(s, config);
        (p.command.to_string_lossy().into_owned(), p.shell, p.variant)
    }

    #[test]
    fn the_client_is_chosen_in_gits_order() {
        let none = GitSshConfig::default();
        let config = GitSshConfig {
            command: Some("ssh -i k".into()),
            variant: None,
        };
        assert_eq!(
            chosen(&settings(None, None, None), &none),
            ("ssh".into(), false, Variant::Ssh)
        );
        assert_eq!(
            chosen(&settings(None, None, None), &config),
            ("ssh -i k".into(), true, Variant::Ssh)
        );
        let env = settings(
            Some("'/opt/my ssh/plink.exe' -v"),
            Some("/usr/bin/ssh"),
            None,
        );
        assert_eq!(
            chosen(&env, &config),
            ("'/opt/my ssh/plink.exe' -v".into(), true, Variant::Plink)
        );
        let program = settings(None, Some("/usr/local/bin/TortoisePlink.exe"), None);
        assert_eq!(chosen(&program, &none).2, Variant::TortoisePlink);
        assert_eq!(
            chosen(&settings(None, Some("/bin/wrap"), None), &none).2,
            Variant::Auto
        );
        assert_eq!(
            chosen(&settings(None, Some("/bin/wrap"), Some("simple")), &none).2,
            Variant::Simple
        );
        let variant = GitSshConfig {
            command: None,
            variant: Some("putty".into()),
        };
        assert_eq!(
            chosen(&settings(None, None, None), &variant).2,
            Variant::Plink
        );
        assert_eq!(
            chosen(&settings(None, None, Some("anything")), &variant).2,
            Variant::Ssh
        );
    }

    #[test]
    fn openssh_gets_batch_mode_a_timeout_the_port_and_an_end_of_options() {
        let t = SshTarget::parse("ssh://git@h.example:2222/r.git").unwrap();
        let args = arguments(
            Variant::Ssh,
            &t,
            "git-upload-pack",
            &settings(None, None, None),
            Duration::from_millis(1500),
        )
        .unwrap();
        assert_eq!(
            args,
            [
                "-o",
                "BatchMode=yes",
                "-o",
                "ConnectTimeout=2",
                "-p",
                "2222",
                "--",
                "git@h.example",
                "git-upload-pack '/r.git'"
            ]
        );
        let mut interactive = settings(None, None, None);
        interactive.interactive = true;
        let args = arguments(
            Variant::Ssh,
            &t,
            "git-upload-pack",
            &interactive,
            Duration::from_secs(10),
        )
        .unwrap();
        assert!(!args.iter().any(|a| a.contains("BatchMode")), "{args:?}");
    }

    #[test]
    fn other_clients_get_only_what_they_understand() {
        let t = SshTarget::parse("ssh://h.example:2222/r.git").unwrap();
        let s = settings(None, None, None);
        let up = "git-upload-pack";
        let plink = arguments(Variant::Plink, &t, up, &s, Duration::from_secs(5)).unwrap();
        assert_eq!(
            plink,
            [
                "-batch",
                "-P",
                "2222",
                "h.example",
                "git-upload-pack '/r.git'"
            ]
        );
        let err = arguments(Variant::Simple, &t, up, &s, Duration::from_secs(5)).unwrap_err();
        assert!(err.to_string().contains("cannot be given a port"), "{err}");
        let t = SshTarget::parse("h.example:r.git").unwrap();
        let simple = arguments(Variant::Simple, &t, up, &s, Duration::from_secs(5)).unwrap();
        assert_eq!(simple, ["h.example", "git-upload-pack 'r.git'"]);
        let push = "git-receive-pack";
        let simple = arguments(Variant::Simple, &t, push, &s, Duration::from_secs(5)).unwrap();
        assert_eq!(simple, ["h.example", "git-receive-pack 'r.git'"]);
    }

    #[test]
    fn a_command_line_runs_through_sh_with_the_arguments_as_parameters() {
        let p = Program::choose(
            &settings(Some("ssh -F cfg"), None, None),
            &GitSshConfig::default(),
        );
        let cmd = p.command(&["h; touch x".to_string()]);
        assert_eq!(cmd.get_program(), "sh");
        let args: Vec<_> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            ["-c", "ssh -F cfg \"$@\"", "ssh -F cfg", "h; touch x"]
        );
    }
}
