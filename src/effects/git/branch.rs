//! A commit of changed files on a new branch in an existing repository:
//! what `plat update --all --branch NAME --commit` leaves ready for a pull
//! request. Only local operations; nothing is pushed.

use anyhow::{anyhow, bail, Context as _, Result};
use git2::{Repository, StatusOptions};
use std::path::Path;

use super::{identity, IdentityEnv};
use crate::error::InputError;

/// Files with uncommitted changes (modified, staged, untracked; ignored
/// files do not count) in the repository whose working tree is `workdir`.
pub fn uncommitted(workdir: &Path) -> Result<Vec<String>> {
    let repo = open(workdir)?;
    let mut opts = StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    let statuses = repo.statuses(Some(&mut opts)).map_err(|e| {
        anyhow!(
            "reading the status of {}: {}",
            workdir.display(),
            e.message()
        )
    })?;
    Ok(statuses
        .iter()
        .filter(|s| !s.status().is_empty())
        .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
        .collect())
}

/// Creates `branch` at HEAD's commit and makes it HEAD. The working tree
/// and index stay as they are (the commit is the same). A branch of that
/// name that already exists is refused.
pub fn start_branch(workdir: &Path, branch: &str) -> Result<()> {
    super::check_branch(branch)?;
    let repo = open(workdir)?;
    if repo.find_branch(branch, git2::BranchType::Local).is_ok() {
        bail!(InputError(format!(
            "{}: a branch `{branch}` already exists; pick another --branch (or delete it: `git branch -D {branch}`)",
            workdir.display()
        )));
    }
    let head = repo.head().and_then(|h| h.peel_to_commit()).map_err(|e| {
        anyhow!(
            "{}: no commit to branch from ({})",
            workdir.display(),
            e.message()
        )
    })?;
    repo.branch(branch, &head, false).map_err(|e| {
        anyhow!(
            "{}: creating branch {branch}: {}",
            workdir.display(),
            e.message()
        )
    })?;
    repo.set_head(&format!("refs/heads/{branch}"))
        .map_err(|e| {
            anyhow!(
                "{}: switching to {branch}: {}",
                workdir.display(),
                e.message()
            )
        })?;
    Ok(())
}

/// Stages `paths` (relative to `workdir`, `/`-separated; a path that no
/// longer exists is removed from the index) and commits them on HEAD.
/// Returns the commit id, or None when nothing changed.
pub fn commit_paths(
    workdir: &Path,
    paths: &[String],
    message: &str,
    env: &IdentityEnv,
) -> Result<Option<String>> {
    let repo = open(workdir)?;
    let who = identity(&repo, env).ok_or_else(|| {
        InputError(format!(
            "{}: no git identity to commit with; set `git config --global user.name` and `user.email` (or GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL)",
            workdir.display()
        ))
    })?;
    let mut index = repo.index().context("reading the git index")?;
    for p in paths {
        let rel = Path::new(p);
        let result = if workdir.join(rel).exists() {
            index.add_path(rel)
        } else {
            index.remove_path(rel)
        };
        result.map_err(|e| anyhow!("staging {p}: {}", e.message()))?;
    }
    index.write().context("writing the git index")?;
    let tree_id = index
        .write_tree()
        .map_err(|e| anyhow!("writing the tree: {}", e.message()))?;
    let parent = repo.head().and_then(|h| h.peel_to_commit())?;
    if parent.tree_id() == tree_id {
        return Ok(None);
    }
    let tree = repo.find_tree(tree_id)?;
    let id = repo
        .commit(
            Some("HEAD"),
            &who.author,
            &who.committer,
            message,
            &tree,
            &[&parent],
        )
        .map_err(|e| anyhow!("committing: {}", e.message()))?;
    Ok(Some(id.to_string()))
}

fn open(workdir: &Path) -> Result<Repository> {
    Repository::open(workdir).map_err(|e| {
        anyhow!(
            "opening the git repository at {}: {}",
            workdir.display(),
            e.message()
        )
    })
}
