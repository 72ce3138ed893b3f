//! Finding the service a command runs on: the nearest `platform.yaml` at
//! or above a path, never above the repository root, and the state of the
//! git repository around it.

use anyhow::{bail, Context as _, Result};
use std::path::{Path, PathBuf};

use crate::error::InputError;
use crate::scaffold::MANIFEST_FILE;

/// Directories never searched for services or their files: git's own, and
/// the dependency and build trees that hold most files of a checkout.
pub const SKIP_DIRS: &[&str] = &[".git", "node_modules", "target"];

/// The git repository a service lives in, as far as doctor cares.
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

/// Opens the repository at or above `dir` (honouring
/// GIT_CEILING_DIRECTORIES, as git does).
pub fn repository(dir: &Path) -> RepoState {
    let ceilings: Vec<PathBuf> = std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    let Ok(repo) = git2::Repository::open_ext(dir, git2::RepositoryOpenFlags::empty(), &ceilings)
    else {
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

/// Finds the service for `path`: a directory (searched upwards) or a
/// platform.yaml file itself. An unreadable path is an input error.
pub fn locate(path: &Path) -> Result<Located> {
    let meta = std::fs::metadata(path).with_context(|| {
        format!(
            "cannot read `{}`; pass a directory inside a service repository",
            path.display()
        )
    })?;
    let abs =
        std::fs::canonicalize(path).with_context(|| format!("resolving `{}`", path.display()))?;
    if meta.is_file() {
        let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        if abs.file_name().and_then(|n| n.to_str()) != Some(MANIFEST_FILE) {
            bail!(InputError(format!(
                "`{}` is a file, not a directory or a {MANIFEST_FILE}; pass the service's directory",
                path.display()
            )));
        }
        return Ok(Located {
            repo: repository(&dir),
            searched: vec![dir.clone()],
            manifest: Some(abs),
            root: dir,
        });
    }
    let repo = repository(&abs);
    // Outside a working tree there is no root to stop at: only PATH itself
    // is searched, so plat never picks up (or writes beside) a manifest in
    // some unrelated directory above.
    let stop = match repo.workdir() {
        Some(w) => normalize(w),
        None => abs.clone(),
    };
    let mut searched = Vec::new();
    let mut dir = abs.as_path();
    loop {
        searched.push(dir.to_path_buf());
        let candidate = dir.join(MANIFEST_FILE);
        if candidate.is_file() {
            return Ok(Located {
                root: dir.to_path_buf(),
                manifest: Some(candidate),
                repo,
                searched,
            });
        }
        if stop == dir {
            break;
        }
        match dir.parent() {
            Some(parent) => dir = parent,
            None => break,
        }
    }
    let root = repo.workdir().map(normalize).unwrap_or(abs);
    Ok(Located {
        root,
        manifest: None,
        repo,
        searched,
    })
}

/// Removes a trailing separator and `.` segments, so paths from git2 and
/// from the user compare equal.
fn normalize(p: &Path) -> PathBuf {
    p.components().collect()
}

/// `path` relative to `base`, `/`-separated, for reports.
pub fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}
