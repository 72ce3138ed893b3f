//! A rendered project against an expected tree: what differs, file by
//! file (the bytes as a unified diff, files missing or extra, the
//! executable bit); and writing a render as the new expected tree, staged
//! beside the old one and swapped in whole.

use anyhow::{bail, Context as _, Result};
use std::collections::BTreeMap;
use std::path::Path;

use crate::effects::staging::Staging;
use crate::error::InputError;
use crate::template::Plan;
use crate::util::diff;
use crate::util::read::{self, Input};

/// How a file of the render differs from the expected tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mismatch {
    /// Both hold the file, with other bytes.
    Changed,
    /// The expected tree holds the file; the render does not.
    Missing,
    /// The render holds the file; the expected tree does not.
    Extra,
    /// Both hold the file; one of them is executable.
    Mode,
}

/// One difference between a render and its expected tree.
#[derive(Debug, Clone)]
pub struct Difference {
    /// Relative to the project root, `/`-separated.
    pub path: String,
    pub mismatch: Mismatch,
    /// For `Changed`: a unified diff from the expected file to the render.
    pub diff: String,
    /// Whether the rendered file is executable (`Extra`, `Mode`).
    pub executable: bool,
}

/// One file of an expected tree.
struct Expected {
    contents: Vec<u8>,
    executable: bool,
}

/// Every difference between `plan` and the tree at `expected` (none there
/// yet: every file is extra), in path order.
pub fn compare(plan: &Plan, expected: &Path) -> Result<Vec<Difference>> {
    let mut want = read_tree(expected)?;
    let mut out = Vec::new();
    for f in &plan.files {
        let found = |mismatch, diff| Difference {
            path: f.path.clone(),
            mismatch,
            diff,
            executable: f.executable,
        };
        let Some(e) = want.remove(&f.path) else {
            out.push(found(Mismatch::Extra, String::new()));
            continue;
        };
        if e.contents != *f.contents {
            let (a, b) = (
                format!("expected/{}", f.path),
                format!("rendered/{}", f.path),
            );
            let text = diff::unified(&e.contents, &f.contents, &a, &b);
            out.push(found(Mismatch::Changed, text));
        }
        if cfg!(unix) && e.executable != f.executable {
            out.push(found(Mismatch::Mode, String::new()));
        }
    }
    out.extend(want.into_iter().map(|(path, e)| Difference {
        path,
        mismatch: Mismatch::Missing,
        diff: String::new(),
        executable: e.executable,
    }));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Makes `plan` the tree at `expected`: written beside it, then swapped
/// for the old one whole.
pub fn write(plan: &Plan, expected: &Path) -> Result<()> {
    let mut staged = Staging::beside(expected)?;
    for f in &plan.files {
        staged.write_file(&f.path, &f.contents, f.executable)?;
    }
    staged.replace(expected)
}

/// Every file under `root` by `/`-separated path; none when `root` does
/// not exist. An expected tree holds plain files and directories only.
fn read_tree(root: &Path) -> Result<BTreeMap<String, Expected>> {
    let mut out = BTreeMap::new();
    if std::fs::symlink_metadata(root).is_err() {
        return Ok(out);
    }
    let mut dirs = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = dirs.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .collect::<Result<_, _>>()
            .with_context(|| format!("reading {}", dir.display()))?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let rel = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry
                .file_type()
                .with_context(|| format!("reading {}", path.display()))?;
            if kind.is_dir() {
                dirs.push((path, format!("{rel}/")));
                continue;
            }
            if kind.is_symlink() {
                bail!(InputError(format!(
                    "{} is a symbolic link; an expected tree holds only files and directories, as `plat new` writes them: remove it",
                    path.display()
                )));
            }
            let file =
                read::open_resolved(&path).map_err(|r| r.into_error(&path, Input::TemplateFile))?;
            let executable = is_executable(&file.file)?;
            let contents = file
                .read_all(Input::TemplateFile)
                .map_err(|r| r.into_error(&path, Input::TemplateFile))?;
            out.insert(
                rel,
                Expected {
                    contents,
                    executable,
                },
            );
        }
    }
    Ok(out)
}

#[cfg(unix)]
fn is_executable(file: &std::fs::File) -> Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    Ok(file.metadata()?.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::File) -> Result<bool> {
    Ok(false)
}
