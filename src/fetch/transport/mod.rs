//! The network transports plat registers with libgit2. git2 is built
//! without its `https` and `ssh` features (they initialise OpenSSL in every
//! process that touches git2); plat brings its own: smart HTTP on ureq and
//! rustls ([`http`]) and ssh through the OpenSSH client ([`ssh`]). They are
//! registered the first time a network source is fetched (or a new
//! service pushed), never before. `file://` and `git://` are libgit2's own.
//! They read (upload-pack) for any caller, and write (receive-pack) only
//! while a [`PushPermit`] is held on the same thread: a fetch never pushes.

pub mod http;
pub mod ssh;

use anyhow::Result;
use std::cell::Cell;
use std::sync::OnceLock;
use std::time::Duration;

/// How plat reaches git servers: everything the transports need, read from
/// the environment once by the rim.
#[derive(Debug, Clone)]
pub struct Network {
    /// Never touch the network (`--offline`, `PLAT_OFFLINE=1`).
    pub offline: bool,
    /// Connecting to a server fails after this long.
    pub connect_timeout: Duration,
    /// A server that sends nothing for this long fails the fetch.
    pub idle_timeout: Duration,
    pub http: http::HttpSettings,
    pub ssh: ssh::SshSettings,
}

impl Default for Network {
    fn default() -> Network {
        Network {
            offline: false,
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            http: http::HttpSettings::default(),
            ssh: ssh::SshSettings::default(),
        }
    }
}

/// The settings the registered transports use: libgit2 calls them through
/// plain function pointers, so they cannot carry their own.
static SETTINGS: OnceLock<Network> = OnceLock::new();

/// The settings given to [`register`].
pub fn settings() -> &'static Network {
    SETTINGS.get_or_init(Network::default)
}

/// Registers the https, http and ssh transports with libgit2, once per
/// process; later calls change nothing.
pub fn register(net: &Network) -> Result<()> {
    static DONE: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        let _ = SETTINGS.set(net.clone());
        set_libgit2_timeouts(net)?;
        http::register().map_err(|e| format!("{e:#}"))?;
        ssh::register().map_err(|e| format!("{e:#}"))
    })
    .clone()
    .map_err(|e| anyhow::anyhow!("registering plat's git transports: {e}"))
}

/// libgit2's own `git://` transport honours these.
fn set_libgit2_timeouts(net: &Network) -> std::result::Result<(), String> {
    let ms = |d: Duration| i32::try_from(d.as_millis()).unwrap_or(i32::MAX);
    // SAFETY: called once, inside `register`'s OnceLock, before any fetch.
    unsafe {
        git2::opts::set_server_connect_timeout_in_milliseconds(ms(net.connect_timeout))
            .and_then(|()| git2::opts::set_server_timeout_in_milliseconds(ms(net.idle_timeout)))
            .map_err(|e| e.message().to_string())
    }
}

thread_local! {
    /// True while this thread holds a [`PushPermit`].
    static PUSHING: Cell<bool> = const { Cell::new(false) };
}

/// Lets the transports run receive-pack on this thread until dropped.
/// libgit2 drives a transport on the thread that called it, so a fetch on
/// any other thread (or after the push) is still refused one.
pub(crate) struct PushPermit(());

impl PushPermit {
    pub(crate) fn acquire() -> PushPermit {
        PUSHING.with(|p| p.set(true));
        PushPermit(())
    }
}

impl Drop for PushPermit {
    fn drop(&mut self) {
        PUSHING.with(|p| p.set(false));
    }
}

/// True when this thread may push (it holds a [`PushPermit`]).
fn may_push() -> bool {
    PUSHING.with(Cell::get)
}

/// The error for a receive-pack nobody asked for.
const READ_ONLY: &str = "plat only pushes for `plat new --push`; this connection may only read";

#[cfg(test)]
mod tests {
    use super::*;

    /// A push outside `plat new --push` (no permit) stops at the
    /// transport, before anything is sent; with a permit it gets as far as
    /// the server (none listens here).
    #[test]
    fn receive_pack_needs_a_permit_on_this_thread() {
        register(&Network {
            connect_timeout: Duration::from_millis(500),
            ..Network::default()
        })
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let spec = ["refs/heads/main:refs/heads/main"];
        for url in ["https://127.0.0.1:9/x.git", "ssh://git@127.0.0.1:9/x.git"] {
            let mut remote = repo.remote_anonymous(url).unwrap();
            let err = remote.push(&spec, None).unwrap_err();
            assert!(err.message().contains(READ_ONLY), "{url}: {err}");
            let permitted = {
                let _permit = PushPermit::acquire();
                remote.push(&spec, None).unwrap_err()
            };
            assert!(
                !permitted.message().contains(READ_ONLY),
                "{url}: {permitted}"
            );
            let after = remote.push(&spec, None).unwrap_err();
            assert!(after.message().contains(READ_ONLY), "{url}: {after}");
        }
    }
}
