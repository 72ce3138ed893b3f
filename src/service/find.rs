//! Every service under a directory (`--all DIR` of doctor and update):
//! each platform.yaml found by a parallel walk that honours .gitignore
//! files and skips `.git`, `node_modules` and `target`, the directories
//! that hold most files in a checkout and never a service.

use anyhow::{bail, Context as _, Result};
use std::path::{Path, PathBuf};

use super::walk::SKIP_DIRS;
use crate::error::InputError;
use crate::manifest::MANIFEST_FILE;

/// Walks `root` with `threads` threads, calling `found` with every
/// platform.yaml as soon as it is seen.
pub fn walk(root: &Path, threads: usize, found: &(dyn Fn(PathBuf) + Sync)) {
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .ignore(false) // only .gitignore files count, as git sees them
        .require_git(false)
        .parents(true)
        .threads(threads)
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && SKIP_DIRS.iter().any(|s| e.file_name() == *s))
        })
        .build_parallel()
        .run(|| {
            Box::new(move |entry| {
                if let Ok(e) = entry {
                    if e.file_name() == MANIFEST_FILE && e.file_type().is_some_and(|t| t.is_file())
                    {
                        found(e.into_path());
                    }
                }
                ignore::WalkState::Continue
            })
        });
}

/// `dir` as an absolute path, or an input error when it is not a
/// directory.
pub fn search_root(dir: &Path) -> Result<PathBuf> {
    let meta = std::fs::metadata(dir).map_err(|e| {
        InputError(format!(
            "cannot read `{}` ({e}); pass an existing directory to --all",
            dir.display()
        ))
    })?;
    if !meta.is_dir() {
        bail!(InputError(format!(
            "`{}` is not a directory; --all takes the directory to search for services",
            dir.display()
        )));
    }
    std::fs::canonicalize(dir).with_context(|| format!("resolving {}", dir.display()))
}
