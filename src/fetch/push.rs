//! Pushing a new repository's branch to its `origin` (`plat new --push`),
//! through the same transports as fetching: libgit2's own for `file://`
//! and `git://`, plat's for https and ssh, which run receive-pack only
//! under the [`PushPermit`] taken here. Each ref's result is checked: a
//! ref the server refused is an error with the server's reason.

use anyhow::{bail, Context, Result};
use git2::{PushOptions, RemoteCallbacks, Repository};
use std::cell::RefCell;
use std::path::Path;

use super::transport::http::printable;
use super::transport::{self, Network, PushPermit};
use super::FetchFailed;
use crate::effects::git::remote::{self, ORIGIN};
use crate::effects::interrupt;
use crate::util::git_url::{redact, GitUrl, Scheme};

/// Pushes `branch` of the repository at `dir` to the same branch of its
/// `origin`, then makes that its upstream.
pub fn push(dir: &Path, branch: &str, net: &Network) -> Result<()> {
    let repo = Repository::open(dir)
        .with_context(|| format!("opening the git repository at {}", dir.display()))?;
    let mut origin = repo
        .find_remote(ORIGIN)
        .with_context(|| format!("{} has no remote `{ORIGIN}`", dir.display()))?;
    let written = origin.url().unwrap_or_default().to_string();
    let url = GitUrl::parse(&written)?.with_context(|| {
        format!(
            "the remote `{ORIGIN}` is `{}`, not a git URL",
            redact(&written)
        )
    })?;
    let public = url.to_string();
    if url.scheme.is_network() {
        if net.offline {
            bail!(FetchFailed(format!(
                "plat is offline (--offline or PLAT_OFFLINE) and will not push to {public}"
            )));
        }
        transport::register(net)?;
    }
    let refname = format!("refs/heads/{branch}");
    let rejected = RefCell::new(Vec::new());
    let said = RefCell::new(Vec::new());
    let result = {
        let mut callbacks = RemoteCallbacks::new();
        callbacks.sideband_progress(|text| {
            // The last of it: a hook's reason comes after its chatter.
            let mut said = said.borrow_mut();
            said.extend_from_slice(text);
            let over = said.len().saturating_sub(MAX_SAID);
            said.drain(..over);
            interrupt::check().is_ok()
        });
        callbacks.push_update_reference(|name, status| {
            if let Some(reason) = status {
                rejected
                    .borrow_mut()
                    .push(format!("{name} ({})", printable(reason, 200)));
            }
            Ok(())
        });
        let mut options = PushOptions::new();
        options.remote_callbacks(callbacks);
        let _permit = PushPermit::acquire();
        origin.push(&[format!("{refname}:{refname}")], Some(&mut options))
    };
    interrupt::check()?;
    result.map_err(|e| push_error(&e, &url, &refname))?;
    let rejected = rejected.into_inner();
    if !rejected.is_empty() {
        bail!(FetchFailed(format!(
            "pushing to {public}: the server rejected {}{}",
            rejected.join(", "),
            server_said(&said.into_inner())
        )));
    }
    remote::set_upstream(dir, branch)
}

/// A failed push, in plat's words and without any credential.
fn push_error(e: &git2::Error, url: &GitUrl, refname: &str) -> anyhow::Error {
    let public = url.to_string();
    if e.code() == git2::ErrorCode::NotFastForward {
        return FetchFailed(format!(
            "pushing to {public}: {refname} there already holds commits this new repository does not have (non-fast-forward); push to an empty repository, or to a branch it does not have yet (--branch)"
        ))
        .into();
    }
    let hint = if url.scheme == Scheme::Git {
        "; git:// is read-only on most servers (git daemon accepts a push only with --enable=receive-pack, and from anyone): push over ssh:// or https:// instead"
    } else {
        ""
    };
    FetchFailed(format!(
        "pushing to {public}: {}{hint}",
        redact(e.message())
    ))
    .into()
}

/// How much of what the server says while it receives (its hooks' output)
/// plat keeps, the last of it, for a rejection's message.
const MAX_SAID: usize = 4096;

/// `; the server said: ...`: the last lines a server's hooks printed.
fn server_said(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<String> = text
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| printable(l, 200))
        .collect();
    let last = &lines[lines.len().saturating_sub(3)..];
    if last.is_empty() {
        String::new()
    } else {
        format!("; the server said: {}", last.join(" / "))
    }
}
