//! The new project's repository, through libgit2: no `git` binary needed.

use anyhow::{anyhow, bail, Context, Result};
use git2::{Repository, RepositoryInitOptions, Signature};
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

/// Checks a branch name before anything is written.
pub fn check_branch(branch: &str) -> Result<()> {
    if !git2::Reference::is_valid_name(&format!("refs/heads/{branch}")) {
        bail!(InputError(format!(
            "`{branch}` is not a valid git branch name (--branch)"
        )));
    }
    Ok(())
}

/// The work tree of the repository containing `path` (or its nearest
/// existing ancestor), if any.
pub fn enclosing_repository(path: &Path) -> Option<PathBuf> {
    let mut probe = Some(path);
    while let Some(p) = probe {
        if p.exists() {
            break;
        }
        probe = p.parent();
    }
    let start = match probe {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let repo = Repository::discover(&start).ok()?;
    Some(
        repo.workdir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| repo.path().to_path_buf()),
    )
}

/// The identity for commits: `GIT_AUTHOR_*`/`GIT_COMMITTER_*`, then git
/// config (`user.name`, `user.email`), as git itself does.
pub struct Identity {
    pub author: Signature<'static>,
    pub committer: Signature<'static>,
}

fn identity(repo: &Repository) -> Option<Identity> {
    let config = repo.config().ok();
    let from_config = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    let pick = |role: &str| -> Option<Signature<'static>> {
        let name = std::env::var(format!("GIT_{role}_NAME"))
            .ok()
            .or_else(|| from_config("user.name"))
            .filter(|s| !s.trim().is_empty())?;
        let email = std::env::var(format!("GIT_{role}_EMAIL"))
            .ok()
            .or_else(|| std::env::var("EMAIL").ok())
            .or_else(|| from_config("user.email"))
            .filter(|s| !s.trim().is_empty())?;
        Signature::now(&name, &email).ok()
    };
    Some(Identity {
        author: pick("AUTHOR")?,
        committer: pick("COMMITTER")?,
    })
}

/// Initialises a repository in `dir` on `branch`, adds `paths` and commits.
pub fn init_and_commit(
    dir: &Path,
    branch: &str,
    paths: &[&str],
    message: &str,
) -> Result<GitOutcome> {
    let mut opts = RepositoryInitOptions::new();
    opts.initial_head(branch);
    let repo = Repository::init_opts(dir, &opts)
        .with_context(|| format!("initialising a git repository in {}", dir.display()))?;
    let mut index = repo.index().context("opening the git index")?;
    for p in paths {
        index
            .add_path(Path::new(p))
            .with_context(|| format!("adding {p} to the git index"))?;
    }
    index.write().context("writing the git index")?;
    let Some(id) = identity(&repo) else {
        return Ok(GitOutcome::NoIdentity {
            branch: branch.to_string(),
        });
    };
    let tree_id = index.write_tree().context("writing the git tree")?;
    let tree = repo.find_tree(tree_id)?;
    let commit = repo
        .commit(Some("HEAD"), &id.author, &id.committer, message, &tree, &[])
        .map_err(|e| anyhow!("making the first commit: {}", e.message()))?;
    Ok(GitOutcome::Committed {
        branch: branch.to_string(),
        commit: commit.to_string(),
    })
}
