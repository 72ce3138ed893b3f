//! Putting a new project on disk without ever leaving half of it behind: it
//! is written into a staging directory beside the target and renamed into
//! place; `--force` into an existing directory stages the same way and then
//! moves only the template's files, one atomic rename each. A whole
//! directory that is rewritten (a template test's expected tree) is staged
//! too and swapped for the old one. An error, an interrupt or a deadline
//! removes the staging directory.

use anyhow::{bail, Context, Result};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::interrupt::{self, Cleanup, Replacing};
use crate::error::InputError;

/// [`interrupt::check`] inside a staged write, which leaves nothing behind.
fn check_interrupt() -> Result<()> {
    interrupt::check().context("stopped; nothing was written")
}

/// A directory beside the target that receives the new files, removed
/// when dropped (error, interrupt) unless published.
pub struct Staging {
    path: PathBuf,
    keep: bool,
    made: HashSet<PathBuf>,
    _cleanup: Cleanup,
}

impl Staging {
    /// Creates the staging directory beside `target` (and `target`'s
    /// parents, which plat leaves in place).
    pub fn beside(target: &Path) -> Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).with_context(|| {
            format!(
                "creating {}; check that the --output path is writable",
                parent.display()
            )
        })?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        super::stale::remove_left_behind(parent, "staging");
        let path = parent.join(format!(".{name}.plat-staging-{}", std::process::id()));
        let cleanup = Cleanup::register(&path);
        fs::create_dir(&path).with_context(|| {
            format!(
                "cannot create a directory in {}; check that it exists and is writable",
                parent.display()
            )
        })?;
        Ok(Staging {
            path,
            keep: false,
            made: HashSet::new(),
            _cleanup: cleanup,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one file (relative path) into the staging directory.
    pub fn write_file(&mut self, rel: &str, contents: &[u8], executable: bool) -> Result<()> {
        check_interrupt()?;
        let dest = self.path.join(rel);
        if let Some(parent) = dest.parent() {
            if self.made.insert(parent.to_path_buf()) {
                fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
        }
        fs::write(&dest, contents).with_context(|| format!("writing {}", dest.display()))?;
        if executable {
            set_executable(&dest)?;
        }
        Ok(())
    }

    /// Moves the whole staging directory into place at `target`, which must
    /// be missing or an empty directory.
    pub fn publish(mut self, target: &Path) -> Result<()> {
        check_interrupt()?;
        if target_state(target)? == TargetState::Empty {
            fs::remove_dir(target)
                .with_context(|| format!("replacing empty {}", target.display()))?;
        }
        fs::rename(&self.path, target).with_context(|| {
            format!("moving the new project into place at {}", target.display())
        })?;
        self.keep = true;
        Ok(())
    }

    /// Puts the staging directory in the place of `target`, a directory
    /// or nothing: the old one is moved aside, the new one renamed into
    /// place (the old one is put back if that fails), then the old one is
    /// removed.
    pub fn replace(mut self, target: &Path) -> Result<()> {
        check_interrupt()?;
        let parent = self.path.parent().unwrap_or(Path::new("."));
        super::stale::remove_left_behind(parent, "replaced");
        let existed = match fs::symlink_metadata(target) {
            Ok(m) if m.is_dir() => true,
            Ok(_) => bail!(InputError(format!(
                "`{}` is not a directory; move it away first",
                target.display()
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e).with_context(|| format!("reading {}", target.display())),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let aside = parent.join(format!(".{name}.plat-replaced-{}", std::process::id()));
        let _busy = Replacing::start();
        if existed {
            fs::rename(target, &aside)
                .with_context(|| format!("moving {} aside", target.display()))?;
        }
        if let Err(e) = fs::rename(&self.path, target) {
            if existed {
                let _ = fs::rename(&aside, target);
            }
            return Err(e)
                .with_context(|| format!("moving the new {} into place", target.display()));
        }
        self.keep = true;
        if existed {
            fs::remove_dir_all(&aside).with_context(|| {
                format!(
                    "removing the old {} (now {})",
                    target.display(),
                    aside.display()
                )
            })?;
        }
        Ok(())
    }

    /// `--force`: moves each of `paths` over its counterpart in `target`;
    /// files not in `paths` are left alone. Call [`check_obstacles`] first.
    pub fn move_into(self, target: &Path, paths: &[&str]) -> Result<()> {
        check_interrupt()?;
        for rel in paths {
            let dest = target.join(rel);
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            fs::rename(self.path.join(rel), &dest)
                .with_context(|| format!("writing {}", dest.display()))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// What is at the target before writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetState {
    Missing,
    Empty,
    NonEmpty,
}

pub fn target_state(target: &Path) -> Result<TargetState> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TargetState::Missing),
        Err(e) => bail!(InputError(format!(
            "target `{}` cannot be used ({e}); choose another --output",
            target.display()
        ))),
        Ok(m) if !m.is_dir() => bail!(InputError(format!(
            "target `{}` exists and is not a directory; choose another --output",
            target.display()
        ))),
        Ok(_) => {
            let mut entries =
                fs::read_dir(target).with_context(|| format!("reading {}", target.display()))?;
            Ok(if entries.next().is_some() {
                TargetState::NonEmpty
            } else {
                TargetState::Empty
            })
        }
    }
}

/// `--force`: finds every obstacle before the first file moves: a
/// directory where a file goes, or a file where a directory goes.
pub fn check_obstacles(target: &Path, paths: &[&str]) -> Result<()> {
    for rel in paths {
        let mut at = target.to_path_buf();
        let segments: Vec<&str> = rel.split('/').collect();
        for (i, seg) in segments.iter().enumerate() {
            at.push(seg);
            let last = i + 1 == segments.len();
            match fs::symlink_metadata(&at) {
                Ok(m) if last && m.is_dir() => bail!(InputError(format!(
                    "`{}` is a directory, but the template writes a file there; move it away first",
                    at.display()
                ))),
                Ok(m) if !last && !m.is_dir() => bail!(InputError(format!(
                    "`{}` is a file, but the template needs a directory there (for `{rel}`); move it away first",
                    at.display()
                ))),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut perm = fs::metadata(path)?.permissions();
    perm.set_mode(perm.mode() | ((perm.mode() & 0o444) >> 2));
    fs::set_permissions(path, perm).with_context(|| format!("chmod {}", path.display()))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_directory_replaces_the_old_one_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("expected");
        let mut first = Staging::beside(&target).unwrap();
        first.write_file("a/old.txt", b"old", false).unwrap();
        first.write_file("kept.txt", b"v1", false).unwrap();
        first.replace(&target).unwrap();
        assert_eq!(fs::read(target.join("a/old.txt")).unwrap(), b"old");
        let mut second = Staging::beside(&target).unwrap();
        second.write_file("kept.txt", b"v2", true).unwrap();
        second.replace(&target).unwrap();
        assert!(!target.join("a").exists(), "the old tree is gone whole");
        assert_eq!(fs::read(target.join("kept.txt")).unwrap(), b"v2");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "nothing beside it: {left:?}");
    }

    #[test]
    fn a_file_in_the_way_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("expected");
        fs::write(&target, "a file").unwrap();
        let staged = Staging::beside(&target).unwrap();
        let err = staged.replace(&target).unwrap_err().to_string();
        assert!(err.contains("is not a directory"), "{err}");
        assert_eq!(fs::read(&target).unwrap(), b"a file");
    }
}
