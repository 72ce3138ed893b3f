//! Putting a plan on disk without ever leaving half a project behind: a new
//! project is written into a staging directory beside the target and renamed
//! into place; `--force` into an existing directory stages the same way and
//! then replaces only the planned files, one atomic rename each.
//! Ctrl-C/SIGTERM while staging removes the staging directory (exit 130).

use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use crate::error::{InputError, Interrupted};
use crate::render::Plan;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Directories to remove if the process is interrupted.
static CLEANUP: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Pause after each staged file, in milliseconds: lets tests interrupt a
/// write deterministically (`PLAT_TEST_WRITE_DELAY_MS`).
static WRITE_DELAY_MS: AtomicU64 = AtomicU64::new(0);

pub fn set_write_delay(ms: u64) {
    WRITE_DELAY_MS.store(ms, Ordering::Relaxed);
}

/// Installs the Ctrl-C/SIGTERM handler. Outside a write it exits at once
/// with 130; during a write it lets the writer stop and clean up.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let busy = CLEANUP.lock().map(|c| !c.is_empty()).unwrap_or(true);
        if !busy {
            let _ = dialoguer::console::Term::stderr().show_cursor();
            anstream::eprintln!("\ninterrupted");
            std::process::exit(i32::from(crate::error::exit::INTERRUPTED));
        }
    });
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

fn check_interrupt() -> Result<()> {
    if interrupted() {
        bail!(Interrupted);
    }
    Ok(())
}

/// A directory that is removed when dropped unless kept.
pub struct Staging {
    path: PathBuf,
    keep: bool,
}

impl Staging {
    fn new(beside: &Path) -> Result<Staging> {
        let parent = beside
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = beside
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = parent.join(format!(".{name}.plat-staging-{}", std::process::id()));
        CLEANUP
            .lock()
            .map_err(|_| anyhow::anyhow!("lock poisoned"))?
            .push(path.clone());
        if let Err(e) = fs::create_dir(&path) {
            unregister(&path);
            return Err(e).with_context(|| {
                format!(
                    "cannot create a directory in {}; check that it exists and is writable",
                    parent.display()
                )
            });
        }
        Ok(Staging { path, keep: false })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
        unregister(&self.path);
    }
}

fn unregister(path: &Path) {
    if let Ok(mut c) = CLEANUP.lock() {
        c.retain(|p| p != path);
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
        Err(e) => Err(e).with_context(|| format!("reading {}", target.display())),
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

/// Writes `plan` into a fresh staging directory beside `target`, then calls
/// `finish` on it (git init and commit happen there, so they are part of
/// the all-or-nothing step) and renames it into place.
pub fn write_new(
    plan: &Plan,
    target: &Path,
    finish: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    let state = target_state(target)?;
    if state == TargetState::NonEmpty {
        bail!(InputError(format!(
            "target directory `{}` is not empty; pass --force to write the template's files into it (plat never deletes files)",
            target.display()
        )));
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut staging = Staging::new(target)?;
    write_files(plan, staging.path())?;
    check_interrupt()?;
    finish(staging.path())?;
    check_interrupt()?;
    if state == TargetState::Empty {
        fs::remove_dir(target).with_context(|| format!("replacing empty {}", target.display()))?;
    }
    fs::rename(staging.path(), target)
        .with_context(|| format!("moving the new project into place at {}", target.display()))?;
    staging.keep = true;
    Ok(())
}

/// `--force`: stages the plan, then moves each planned file over its
/// counterpart in `target`. Files not in the plan are left alone.
pub fn write_over(plan: &Plan, target: &Path) -> Result<()> {
    // Every obstacle is found before the first file moves.
    for f in &plan.files {
        let mut at = target.to_path_buf();
        let segments: Vec<&str> = f.path.split('/').collect();
        for (i, seg) in segments.iter().enumerate() {
            at.push(seg);
            let last = i + 1 == segments.len();
            match fs::symlink_metadata(&at) {
                Ok(m) if last && m.is_dir() => bail!(InputError(format!(
                    "`{}` is a directory, but the template writes a file there; move it away first",
                    at.display()
                ))),
                Ok(m) if !last && !m.is_dir() => bail!(InputError(format!(
                    "`{}` is a file, but the template needs a directory there (for `{}`); move it away first",
                    at.display(),
                    f.path
                ))),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }
    let staging = Staging::new(target)?;
    write_files(plan, staging.path())?;
    check_interrupt()?;
    for f in &plan.files {
        let dest = target.join(&f.path);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::rename(staging.path().join(&f.path), &dest)
            .with_context(|| format!("writing {}", dest.display()))?;
    }
    Ok(())
}

fn write_files(plan: &Plan, root: &Path) -> Result<()> {
    let mut made = std::collections::HashSet::new();
    for f in &plan.files {
        check_interrupt()?;
        let dest = root.join(&f.path);
        if let Some(parent) = dest.parent() {
            if made.insert(parent.to_path_buf()) {
                fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
        }
        fs::write(&dest, &f.contents).with_context(|| format!("writing {}", dest.display()))?;
        if f.executable {
            set_executable(&dest)?;
        }
        let delay = WRITE_DELAY_MS.load(Ordering::Relaxed);
        if delay > 0 {
            std::thread::sleep(std::time::Duration::from_millis(delay));
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
