//! Writing an update: refused over uncommitted work unless allowed; every
//! file replaced whole and atomically, one at a time, platform.yaml last,
//! so an interrupt leaves each file either as it was or as it will be and
//! platform.yaml still naming the old version (running again finishes).

use anyhow::{bail, Context as _, Result};

use super::merge::Action;
use super::{FileUpdate, Update};
use crate::effects::git;
use crate::effects::{interrupt, replace};
use crate::error::InputError;
use crate::service::locate::Located;
use crate::service::sync::uncommitted;

/// The suffix of the file that holds the template's new version of a
/// binary file changed on both sides.
pub const PLAT_NEW: &str = ".plat-new";

/// The paths a file's update writes or removes.
pub fn paths(f: &FileUpdate) -> Vec<String> {
    let mut out = match &f.action {
        Action::Nothing => Vec::new(),
        Action::Beside(_) => vec![format!("{}{PLAT_NEW}", f.path)],
        Action::Write(_) | Action::Delete => vec![f.path.clone()],
    };
    out.extend(f.renamed_from.clone());
    out
}

/// Refuses, listing each file, when the update would overwrite or remove
/// work git could not give back.
pub fn refuse_dirty(located: &Located, update: &Update) -> Result<()> {
    let touched: Vec<String> = update.touched().flat_map(paths).collect();
    let refs: Vec<&str> = touched.iter().map(String::as_str).collect();
    let dirty = uncommitted(&located.root, &located.repo, &refs);
    if dirty.is_empty() {
        return Ok(());
    }
    bail!(InputError(format!(
        "refusing to update: {} file{} it would change hold{} uncommitted work:\n{}\ncommit or stash them first (plat update merges from git's point of view), or pass --allow-dirty; nothing was written",
        dirty.len(),
        if dirty.len() == 1 { "" } else { "s" },
        if dirty.len() == 1 { "s" } else { "" },
        dirty.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
    )))
}

/// Writes the update. An interrupt stops between two files.
pub fn apply(located: &Located, update: &Update) -> Result<()> {
    let root = located.root.as_path();
    git::refuse_repository_files(root, &located.repo)?;
    let touched: Vec<&FileUpdate> = update.touched().collect();
    for f in &touched {
        for p in paths(f) {
            replace::refuse_symlinks(root, &p)?;
        }
    }
    for (done, f) in touched.iter().enumerate() {
        interrupt::check().with_context(|| {
            format!(
                "stopped after {done} of {} files, each written whole; platform.yaml still records {}: run plat update again to finish",
                touched.len(),
                update.from
            )
        })?;
        write(root, f).with_context(|| {
            format!(
                "{done} of {} files were written before {}, each whole; platform.yaml still records {}: fix the cause and run plat update again",
                touched.len(),
                f.path,
                update.from
            )
        })?;
    }
    Ok(())
}

fn write(root: &std::path::Path, f: &FileUpdate) -> Result<()> {
    match &f.action {
        Action::Nothing => {}
        Action::Write(bytes) => replace::write_atomic(&root.join(&f.path), bytes, f.executable)?,
        Action::Delete => replace::remove(root, &f.path)?,
        Action::Beside(bytes) => replace::write_atomic(
            &root.join(format!("{}{PLAT_NEW}", f.path)),
            bytes,
            f.executable,
        )?,
    }
    if let Some(from) = &f.renamed_from {
        if root.join(from).exists() {
            replace::remove(root, from)?;
        }
    }
    Ok(())
}
