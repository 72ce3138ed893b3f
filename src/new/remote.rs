//! `plat new --remote URL [--push]`: the URL checked before anything is
//! written (no credential in it: it would be kept in `.git/config`), and
//! after the write, the push of the first commit's branch.

use anyhow::{bail, Context, Result};
use std::path::Path;

use super::NewRequest;
use crate::effects::git::{self, GitOutcome, RepoState};
use crate::error::InputError;
use crate::fetch::{push, Network};
use crate::template::spec;
use crate::util::git_url::{redact, GitUrl};

/// The remote a new repository gets.
#[derive(Debug, Clone)]
pub struct RemoteRequest {
    /// `origin`'s URL; it carries no credential.
    pub url: GitUrl,
    /// Push the first commit's branch and make it the upstream.
    pub push: bool,
}

impl RemoteRequest {
    /// Parses `--remote` (a git URL or a `gh:`/`gl:` shorthand), refusing
    /// a URL that carries a credential.
    pub fn parse(text: &str, push: bool) -> Result<RemoteRequest> {
        // A template's source may name a directory in a repository and a
        // ref; a remote is the repository itself.
        let after_scheme = text.split_once("://").map_or(text, |(_, rest)| rest);
        if after_scheme.contains("//") || text.contains('?') {
            bail!(InputError(format!(
                "--remote `{}` names a directory inside a repository or a ref (`//PATH`, `?ref=`), as a template source may; a remote is the repository itself, e.g. git@github.com:acme/payments-api.git",
                redact(text)
            )));
        }
        let url = spec::repository_url(text)
            .map_err(|e| InputError(format!("--remote: {e}")))?
            .ok_or_else(|| {
                InputError(format!(
                    "--remote `{}` is not a git URL; write https://host/org/repo.git, ssh://git@host/org/repo.git, git@host:org/repo.git, file:///path/to/repo.git or gh:OWNER/REPO",
                    redact(text)
                ))
            })?;
        if url.has_credentials() {
            bail!(InputError(format!(
                "--remote carries a credential (a user, password or token before `@`), which git would keep in .git/config for anyone who reads the repository; give it as `{url}` and let git authenticate: a credential helper (`git config --global credential.helper ...`), a token in PLAT_GIT_TOKEN_<HOST> (GH_TOKEN, GITLAB_TOKEN) for plat's push, or ssh-agent for an ssh URL (docs/networks.md)"
            )));
        }
        Ok(RemoteRequest { url, push })
    }

    /// Refuses a remote when plat creates no repository to set it in:
    /// `--no-git`, or a target inside an existing repository (`around`).
    pub fn preflight(&self, req: &NewRequest, around: &RepoState) -> Result<()> {
        if !req.git {
            bail!(InputError(
                "--remote sets `origin` in the repository plat creates, but --no-git creates none; drop one of them".into()
            ));
        }
        let repository = match around {
            RepoState::None => return Ok(()),
            RepoState::Bare { git_dir } => git_dir,
            RepoState::Unborn { workdir } | RepoState::Ready { workdir } => workdir,
        };
        bail!(InputError(format!(
            "--remote: `{}` is inside the git repository at {}, so plat creates no repository to set `origin` in; choose an --output outside it, or add the remote to that repository yourself",
            req.target.display(),
            repository.display()
        )))
    }
}

impl RemoteRequest {
    /// Refuses `--push` to a server when plat may not use the network.
    pub fn check_offline(&self, offline: bool) -> Result<()> {
        if self.push && offline && self.url.scheme.is_network() {
            bail!(InputError(format!(
                "--push would reach {}, but plat is offline (--offline or PLAT_OFFLINE=1); drop --push (origin is still set) or go online",
                self.url
            )));
        }
        Ok(())
    }
}

/// Pushes the first commit's branch to `origin` and makes it the
/// upstream. A failure leaves the project as it is; the error says so and
/// how to push later.
pub fn push(req: &NewRequest, outcome: &GitOutcome, net: &Network) -> Result<()> {
    let later = |target: &Path| {
        format!(
            "push it later with `git -C {} push -u {} {}`",
            crate::util::shell::word(&target.display().to_string()),
            git::remote::ORIGIN,
            req.branch
        )
    };
    match outcome {
        GitOutcome::Committed { branch, .. } => push::push(&req.target, branch, net).with_context(|| {
            format!(
                "created {} with its first commit and `{}`, but the push failed; {}",
                req.target.display(),
                git::remote::ORIGIN,
                later(&req.target)
            )
        }),
        GitOutcome::NoIdentity { .. } => bail!(
            "created {} and its `{}`, but made no commit to push: no git identity is set (see the warning above); commit, then {}",
            req.target.display(),
            git::remote::ORIGIN,
            later(&req.target)
        ),
        GitOutcome::InsideRepository { .. } | GitOutcome::Disabled => {
            bail!("plat created no repository, so there is nothing to push")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_git_url_form_and_shorthand_is_a_remote() {
        for (text, origin) in [
            ("git@github.com:acme/api.git", "git@github.com:acme/api.git"),
            (
                "ssh://git@git.acme.example:2222/acme/api.git",
                "ssh://git@git.acme.example:2222/acme/api.git",
            ),
            (
                "https://git.acme.example/acme/api.git",
                "https://git.acme.example/acme/api.git",
            ),
            (
                "http://127.0.0.1:8080/api.git",
                "http://127.0.0.1:8080/api.git",
            ),
            ("file:///srv/git/api.git", "file:///srv/git/api.git"),
            ("git://127.0.0.1/api.git", "git://127.0.0.1/api.git"),
            ("gh:acme/api", "https://github.com/acme/api.git"),
            ("gl:group/sub/api", "https://gitlab.com/group/sub/api.git"),
        ] {
            let remote = RemoteRequest::parse(text, true).unwrap();
            assert_eq!(remote.url.to_string(), origin, "{text}");
        }
    }

    #[test]
    fn credentials_and_non_urls_are_refused_without_repeating_a_secret() {
        for text in [
            "https://bot:hunter2@git.acme.example/acme/api.git",
            "https://hunter2@git.acme.example/acme/api.git",
            "ssh://git:hunter2@git.acme.example/acme/api.git",
            "ftp://hunter2@h.example/api.git",
            "./api",
            "gh:acme",
        ] {
            let err = RemoteRequest::parse(text, false).unwrap_err();
            assert!(err.is::<InputError>(), "{text}: {err}");
            assert!(!format!("{err:#}").contains("hunter2"), "{text}: {err:#}");
        }
    }
}
