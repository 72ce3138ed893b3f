//! A new repository's remote: `origin` and the upstream of its branch, as
//! `git remote add origin URL` and `git push -u` would leave them.

use anyhow::{Context, Result};
use git2::Repository;
use std::path::Path;

/// The remote `plat new --remote` sets.
pub const ORIGIN: &str = "origin";

/// Adds `origin` with `url` (credential-free) and git's default fetch
/// refspec to the repository at `dir`.
pub fn add_origin(dir: &Path, url: &str) -> Result<()> {
    let repo = open(dir)?;
    repo.remote(ORIGIN, url)
        .with_context(|| format!("setting the remote `{ORIGIN}` of {}", dir.display()))?;
    Ok(())
}

/// Makes `origin`'s `branch` the upstream of the local `branch`
/// (`branch.<b>.remote`, `branch.<b>.merge`), as `git push -u` does.
pub fn set_upstream(dir: &Path, branch: &str) -> Result<()> {
    let repo = open(dir)?;
    let mut config = repo
        .config()
        .and_then(|c| c.open_level(git2::ConfigLevel::Local))
        .with_context(|| format!("opening the git config of {}", dir.display()))?;
    config
        .set_str(&format!("branch.{branch}.remote"), ORIGIN)
        .and_then(|()| {
            config.set_str(
                &format!("branch.{branch}.merge"),
                &format!("refs/heads/{branch}"),
            )
        })
        .with_context(|| format!("setting the upstream of `{branch}` in {}", dir.display()))
}

fn open(dir: &Path) -> Result<Repository> {
    Repository::open(dir)
        .with_context(|| format!("opening the git repository at {}", dir.display()))
}
