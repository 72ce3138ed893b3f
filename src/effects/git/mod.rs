//! Git without a `git` binary: where a path's repository is (libgit2), and
//! the first commit of a new project ([`first_commit`], which writes its
//! objects as one packfile itself, [`pack`]) and its remote ([`remote`]).

pub mod branch;
mod first_commit;
mod hashing;
mod index;
mod pack;
pub mod remote;

pub use first_commit::{first_commit, Committed};

use anyhow::{bail, Result};
use git2::{Repository, Signature};
use std::path::{Path, PathBuf};

use crate::error::InputError;

/// What happened on the git side of `plat new`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum GitOutcome {
    /// Repository created and the first commit made.
    Committed { branch: String, commit: String },
    /// Repository created, but no identity to commit with.
    NoIdentity { branch: String },
    /// The target is inside an existing repository; nothing was added.
    InsideRepository { repository: PathBuf },
    /// `--no-git`.
    Disabled,
}

/// The git repository around a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoState {
    /// No repository at or above the path.
    None,
    /// A bare repository: history without a working tree.
    Bare { git_dir: PathBuf },
    /// A working tree whose branch has no commit yet.
    Unborn { workdir: PathBuf },
    /// A working tree with at least one commit.
    Ready { workdir: PathBuf },
}

impl RepoState {
    pub fn workdir(&self) -> Option<&Path> {
        match self {
            RepoState::Unborn { workdir } | RepoState::Ready { workdir } => Some(workdir),
            _ => None,
        }
    }
}

/// The repository at or above `dir`, not searching above any of
/// `ceilings` (git's GIT_CEILING_DIRECTORIES, which the caller reads).
pub fn discover(dir: &Path, ceilings: &[PathBuf]) -> RepoState {
    let Ok(repo) = Repository::open_ext(dir, git2::RepositoryOpenFlags::empty(), ceilings) else {
        return RepoState::None;
    };
    match repo.workdir() {
        None => RepoState::Bare {
            git_dir: normalize(repo.path()),
        },
        Some(w) => {
            let workdir = normalize(w);
            match repo.head() {
                Err(e) if e.code() == git2::ErrorCode::UnbornBranch => {
                    RepoState::Unborn { workdir }
                }
                _ => RepoState::Ready { workdir },
            }
        }
    }
}

/// The repository around `path`, which may not exist yet: found from its
/// nearest existing ancestor.
pub fn enclosing(path: &Path, ceilings: &[PathBuf]) -> RepoState {
    let start = path
        .ancestors()
        .find(|p| p.as_os_str().is_empty() || p.exists())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    discover(start, ceilings)
}

/// Removes a trailing separator and `.` segments, so paths from git2 and
/// from the user compare equal.
pub fn normalize(p: &Path) -> PathBuf {
    p.components().collect()
}

/// Checks a branch name before anything is written, by git's own rules
/// (`git check-ref-format --branch`: not `HEAD`, not starting with `-`).
pub fn check_branch(branch: &str) -> Result<()> {
    if !git2::Branch::name_is_valid(branch).unwrap_or(false) {
        bail!(InputError(format!(
            "`{branch}` is not a valid git branch name (--branch); git refuses it (`git check-ref-format --branch`)"
        )));
    }
    Ok(())
}

/// Refuses to write at `path` (which may not exist yet) when it is part of
/// a repository's own files: in a bare repository (its hooks and config
/// are there), or under any `.git` directory. `around` is the repository
/// around `path`.
pub fn refuse_repository_files(path: &Path, around: &RepoState) -> Result<()> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let existing = absolute
        .ancestors()
        .find(|p| p.exists())
        .and_then(|p| std::fs::canonicalize(p).ok())
        .unwrap_or_else(|| absolute.clone());
    let in_git_dir = [absolute.as_path(), existing.as_path()].iter().any(|p| {
        p.components()
            .any(|c| c.as_os_str().to_string_lossy().eq_ignore_ascii_case(".git"))
    });
    if in_git_dir {
        bail!(InputError(format!(
            "`{}` is inside a `.git` directory; plat never writes into git's own files",
            path.display()
        )));
    }
    if let RepoState::Bare { git_dir } = around {
        bail!(InputError(format!(
            "`{}` is inside the bare repository at {}: it has no working tree, and its files (hooks, config) are git's; run plat in a clone, or choose a directory outside it",
            path.display(),
            git_dir.display()
        )));
    }
    Ok(())
}

/// The identity variables git reads from the environment, gathered by the
/// caller (the core reads no environment).
#[derive(Debug, Clone, Default)]
pub struct IdentityEnv {
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub committer_name: Option<String>,
    pub committer_email: Option<String>,
    /// `EMAIL`: git's last resort for the address.
    pub email: Option<String>,
}

/// Who commits, decided as git does: `GIT_{AUTHOR,COMMITTER}_{NAME,EMAIL}`,
/// then the `author.*`/`committer.*` config, then `user.name` and
/// `user.email`, then (for the address only) `EMAIL`.
struct Identity {
    author: Signature<'static>,
    committer: Signature<'static>,
}

fn identity(repo: &Repository, env: &IdentityEnv) -> Option<Identity> {
    let config = repo.config().ok().and_then(|mut c| c.snapshot().ok());
    let from_config = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    let pick = |role: &str, name: &Option<String>, email: &Option<String>| {
        let name = name
            .clone()
            .or_else(|| from_config(&format!("{role}.name")))
            .or_else(|| from_config("user.name"))
            .filter(|s| !s.trim().is_empty())?;
        let email = email
            .clone()
            .or_else(|| from_config(&format!("{role}.email")))
            .or_else(|| from_config("user.email"))
            .or_else(|| env.email.clone())
            .filter(|s| !s.trim().is_empty())?;
        Signature::now(&name, &email).ok()
    };
    Some(Identity {
        author: pick("author", &env.author_name, &env.author_email)?,
        committer: pick("committer", &env.committer_name, &env.committer_email)?,
    })
}
