//! Ctrl-C and SIGTERM. The handler, installed at the rim, only records the
//! request: work in progress notices it at its next step and stops, and the
//! rim removes whatever a step that does not answer in time left behind
//! (registered here as [`Cleanup`] paths). A file being replaced in place is
//! always finished first ([`Replacing`]).

use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::Interrupted;

static REQUESTED: AtomicBool = AtomicBool::new(false);
/// Staging directories to remove if the work is abandoned.
static CLEANUP: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Files being replaced right now: abandoning waits for them.
static REPLACING: AtomicUsize = AtomicUsize::new(0);

/// Records an interrupt; the work stops at its next [`check`].
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Fails with [`Interrupted`] once an interrupt was requested.
pub fn check() -> Result<()> {
    if REQUESTED.load(Ordering::SeqCst) {
        bail!(Interrupted);
    }
    Ok(())
}

/// Whether a file is being replaced in place, which must not be cut short.
pub fn replacing() -> bool {
    REPLACING.load(Ordering::SeqCst) > 0
}

/// Stops the work for good: every registered staging directory is removed
/// and later [`check`]s fail. For an interrupt or a deadline that the work
/// did not answer in time.
pub fn abandon() {
    request();
    let dirs = CLEANUP.lock().map(|d| d.clone()).unwrap_or_default();
    for d in dirs {
        let _ = std::fs::remove_dir_all(&d);
    }
}

/// A path removed by [`abandon`] while this guard lives.
pub(crate) struct Cleanup(PathBuf);

impl Cleanup {
    pub(crate) fn register(path: &Path) -> Cleanup {
        if let Ok(mut c) = CLEANUP.lock() {
            c.push(path.to_path_buf());
        }
        Cleanup(path.to_path_buf())
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Ok(mut c) = CLEANUP.lock() {
            c.retain(|p| *p != self.0);
        }
    }
}

/// Marks a file replacement in progress (see [`replacing`]).
pub(crate) struct Replacing(());

impl Replacing {
    pub(crate) fn start() -> Replacing {
        REPLACING.fetch_add(1, Ordering::SeqCst);
        Replacing(())
    }
}

impl Drop for Replacing {
    fn drop(&mut self) {
        REPLACING.fetch_sub(1, Ordering::SeqCst);
    }
}
