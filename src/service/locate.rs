//! Finding the service a command runs on: the nearest `platform.yaml` at
//! or above a path, never above the repository root, and the state of the
//! git repository around it.

use anyhow::{bail, Context as _, Result};
use std::path::{Path, PathBuf};

use crate::effects::git::{self, RepoState};
use crate::error::InputError;
use crate::manifest::MANIFEST_FILE;

/// Where a command found (or did not find) its service.
#[derive(Debug, Clone)]
pub struct Located {
    /// The directory holding platform.yaml; without one, the repository's
    /// working tree, or the directory asked for.
    pub root: PathBuf,
    /// `root/platform.yaml` when it exists.
    pub manifest: Option<PathBuf>,
    pub repo: RepoState,
    /// Directories searched for platform.yaml, nearest first.
    pub searched: Vec<PathBuf>,
}

/// Finds the service for `path`: a directory (searched upwards) or a
/// platform.yaml file itself. An unreadable path is an input error.
pub fn locate(path: &Path, ceilings: &[PathBuf]) -> Result<Located> {
    let meta = std::fs::metadata(path).map_err(|e| {
        InputError(format!(
            "cannot read `{}` ({e}); pass a directory inside a service repository",
            path.display()
        ))
    })?;
    let abs =
        std::fs::canonicalize(path).with_context(|| format!("resolving `{}`", path.display()))?;
    if meta.is_dir() {
        Ok(search_upwards(abs, ceilings))
    } else {
        located_manifest(path, abs, ceilings)
    }
}

/// `path` names a file: it must be a platform.yaml, and its directory is
/// the service.
fn located_manifest(path: &Path, abs: PathBuf, ceilings: &[PathBuf]) -> Result<Located> {
    let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
    if abs.file_name().and_then(|n| n.to_str()) != Some(MANIFEST_FILE) {
        let what = if std::fs::metadata(&abs).is_ok_and(|m| m.is_file()) {
            "a file"
        } else {
            "neither a file nor a directory (a FIFO, a device or a socket)"
        };
        bail!(InputError(format!(
            "`{}` is {what}, not a directory or a {MANIFEST_FILE}; pass the service's directory",
            path.display()
        )));
    }
    Ok(Located {
        repo: git::discover(&dir, ceilings),
        searched: vec![dir.clone()],
        manifest: Some(abs),
        root: dir,
    })
}

/// Looks for platform.yaml in `dir` and its parents up to the working
/// tree's root. Outside a working tree there is no root to stop at: only
/// `dir` itself is searched, so plat never picks up (or writes beside) a
/// manifest in some unrelated directory above.
fn search_upwards(dir: PathBuf, ceilings: &[PathBuf]) -> Located {
    let repo = git::discover(&dir, ceilings);
    let stop = match repo.workdir() {
        Some(w) => git::normalize(w),
        None => dir.clone(),
    };
    let mut searched = Vec::new();
    let mut at = dir.as_path();
    loop {
        searched.push(at.to_path_buf());
        let candidate = at.join(MANIFEST_FILE);
        if std::fs::symlink_metadata(&candidate).is_ok() {
            return Located {
                root: at.to_path_buf(),
                manifest: Some(candidate),
                repo,
                searched,
            };
        }
        if stop == at {
            break;
        }
        match at.parent() {
            Some(parent) => at = parent,
            None => break,
        }
    }
    let root = repo.workdir().map(git::normalize).unwrap_or(dir);
    Located {
        root,
        manifest: None,
        repo,
        searched,
    }
}
