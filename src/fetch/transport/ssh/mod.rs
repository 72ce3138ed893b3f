//! ssh for libgit2 through the OpenSSH client, as git does it: ssh-agent,
//! `~/.ssh/config`, keys with passphrases, known_hosts and
//! `GIT_SSH_COMMAND` work because ssh itself does the work. plat starts
//! the client with `[options] [user@]host "git-upload-pack '<path>'"` (or
//! `git-receive-pack` to push, only under a [`super::PushPermit`]) and
//! speaks git's protocol over its stdin and stdout.

mod command;
mod diagnose;
mod stream;
pub mod target;

use anyhow::{Context as _, Result};
use git2::transport::{Service, SmartSubtransport, SmartSubtransportStream, Transport};
use std::path::PathBuf;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use super::Network;
use command::{GitSshConfig, Program};
use diagnose::Connection;
use stream::SshStream;
use target::SshTarget;

/// How plat runs ssh: what git's variables say, and whether ssh may ask
/// the person at the terminal.
#[derive(Debug, Clone, Default)]
pub struct SshSettings {
    /// `GIT_SSH_COMMAND`: a shell command line; plat's arguments follow it.
    pub command: Option<String>,
    /// `GIT_SSH`: a program, run without a shell.
    pub program: Option<PathBuf>,
    /// `GIT_SSH_VARIANT`: `ssh`, `plink`, `putty`, `tortoiseplink`,
    /// `simple` or `auto`, when the program's name does not tell.
    pub variant: Option<String>,
    /// ssh may ask on the terminal (a passphrase, a new host key). False
    /// (the default) runs it in BatchMode: it fails instead of asking, so a
    /// run without a person never hangs on a prompt.
    pub interactive: bool,
}

/// Registers `ssh://` (and git's old spellings `ssh+git://`, `git+ssh://`)
/// with libgit2. libgit2 sends scp-like `host:path` URLs to whatever is
/// registered for `ssh://`.
pub(super) fn register() -> Result<()> {
    for scheme in target::SCHEMES {
        // SAFETY: libgit2 wants registration serialised with the creation
        // of transports: this runs once, inside `transport::register`'s
        // OnceLock, before plat's first fetch.
        unsafe { git2::transport::register(scheme, factory) }
            .with_context(|| format!("registering the {scheme}:// transport"))?;
    }
    Ok(())
}

fn factory(remote: &git2::Remote<'_>) -> std::result::Result<Transport, git2::Error> {
    // Stateful: fetching goes on over the connection that listed the refs.
    Transport::smart(remote, false, Ssh)
}

struct Ssh;

impl SmartSubtransport for Ssh {
    fn action(
        &self,
        url: &str,
        action: Service,
    ) -> std::result::Result<Box<dyn SmartSubtransportStream>, git2::Error> {
        let refuse = |message: String| git2::Error::from_str(&message.replace('\0', " "));
        let program = match action {
            Service::UploadPackLs => "git-upload-pack",
            Service::ReceivePackLs if super::may_push() => "git-receive-pack",
            Service::ReceivePackLs => return Err(refuse(format!("ssh: {}", super::READ_ONLY))),
            // git2 hands libgit2 the stream of the listing again and never asks.
            Service::UploadPack | Service::ReceivePack => {
                return Err(refuse("ssh: no connection to use".into()))
            }
        };
        match connect(url, program, super::settings()) {
            Ok(stream) => Ok(Box::new(stream)),
            Err(e) => Err(refuse(format!("{e:#}"))),
        }
    }

    fn close(&self) -> std::result::Result<(), git2::Error> {
        Ok(())
    }
}

/// Starts ssh for `url`, asking the server to run `service`
/// (`git-upload-pack`, `git-receive-pack`), and returns the stream git's
/// protocol runs over.
fn connect(url: &str, service: &'static str, net: &Network) -> Result<SshStream> {
    let target = SshTarget::parse(url)?;
    let config = GitSshConfig::read()?;
    let program = Program::choose(&net.ssh, &config).settle(&target, net.connect_timeout);
    let args = command::arguments(
        program.variant,
        &target,
        service,
        &net.ssh,
        net.connect_timeout,
    )?;
    let conn = Connection {
        program: program.command.to_string_lossy().into_owned(),
        destination: target.destination(),
        host: target.host.clone(),
        port: target.port,
        path: target.path.clone(),
        service,
        batch: !net.ssh.interactive,
        connect_timeout: net.connect_timeout,
        idle_timeout: net.idle_timeout,
    };
    SshStream::spawn(program.command(&args), conn)
}

/// Waits for `child` to exit, at most `patience`; None if it is still
/// running.
fn wait_with_deadline(child: &mut Child, patience: Duration) -> Option<ExitStatus> {
    let until = Instant::now() + patience;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(5)),
            _ => return None,
        }
    }
}
