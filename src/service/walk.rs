//! Walking a service's files, as every check and drift comparison sees
//! them: `.git`, `node_modules` and `target` are skipped, and so is any
//! directory with its own platform.yaml (another service).

use std::path::Path;

use crate::manifest::MANIFEST_FILE;

/// Directories never searched for services or their files: git's own, and
/// the dependency and build trees that hold most files of a checkout.
pub const SKIP_DIRS: &[&str] = &[".git", "node_modules", "target"];

/// The files under `root` (only under `root/TOP` for each of `tops`, when
/// given), as `/`-separated paths relative to `root`, sorted. Symbolic
/// links are not followed; `.gitignore` files count when `gitignore` is set.
pub fn files(root: &Path, tops: Option<&[String]>, gitignore: bool) -> Vec<String> {
    let starts: Vec<std::path::PathBuf> = match tops {
        Some(tops) => tops.iter().map(|t| root.join(t)).collect(),
        None => vec![root.to_path_buf()],
    };
    let Some((first, rest)) = starts.split_first() else {
        return Vec::new();
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for s in rest {
        builder.add(s);
    }
    let service = root.to_path_buf();
    builder
        .standard_filters(false)
        .git_ignore(gitignore)
        .require_git(false)
        .parents(gitignore)
        .filter_entry(move |e| {
            let dir = e.file_type().is_some_and(|t| t.is_dir());
            let skipped = dir && SKIP_DIRS.iter().any(|s| e.file_name() == *s);
            let nested = dir && e.path() != service && e.path().join(MANIFEST_FILE).is_file();
            !skipped && !nested
        });
    let mut out: Vec<String> = builder
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| super::relative(e.path(), root))
        .collect();
    out.sort();
    out.dedup();
    out
}
