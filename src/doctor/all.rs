//! `plat doctor --all DIR`: every service under a directory, checked in
//! parallel. The walk honours .gitignore files and skips `.git`,
//! `node_modules` and `target`, the directories that hold most files in a
//! checkout and never a service.

use anyhow::{bail, Context as _, Result};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::finding::{ServiceReport, Summary};
use super::{check, Options};
use crate::service::find::{search_root, walk};
use crate::service::locate::locate;
use crate::util::progress::Progress;

/// The reports of every service under `root`, in path order.
pub struct AllReport {
    pub root: PathBuf,
    pub services: Vec<ServiceReport>,
}

impl AllReport {
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for r in &self.services {
            s.add(&r.summary());
        }
        s
    }

    /// Services whose findings fail the run.
    pub fn failing(&self, strict: bool) -> usize {
        self.services
            .iter()
            .filter(|r| r.summary().fails(strict))
            .count()
    }
}

/// Checks every service under `dir` with `jobs` threads. Services are
/// checked while the walk goes on, so the disk and the CPU work at once;
/// `progress` hears of each service found and checked.
pub fn check_all(
    dir: &Path,
    opts: &Options,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<AllReport> {
    let root = search_root(dir)?;
    let jobs = jobs.max(1);
    let (tx, rx) = std::sync::mpsc::channel::<PathBuf>();
    let rx = Mutex::new(rx);
    let results: Mutex<Vec<(PathBuf, Result<ServiceReport>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| -> Result<()> {
        let mut handles = Vec::new();
        for _ in 0..jobs {
            let h = std::thread::Builder::new()
                .name("doctor".into())
                .stack_size(64 * 1024 * 1024)
                .spawn_scoped(scope, || loop {
                    let next = rx.lock().ok().and_then(|r| r.recv().ok());
                    let Some(path) = next else { break };
                    let result = locate(&path, &opts.ceilings).map(|located| check(&located, opts));
                    progress.done(
                        1,
                        &crate::service::relative(path.parent().unwrap_or(&path), &root),
                    );
                    if let Ok(mut r) = results.lock() {
                        r.push((path, result));
                    }
                })
                .context("starting a doctor thread")?;
            handles.push(h);
        }
        let tx = Mutex::new(tx);
        walk(&root, jobs, &|p| {
            if let Ok(tx) = tx.lock() {
                progress.found(1);
                let _ = tx.send(p);
            }
        });
        drop(tx); // the checkers stop when the channel is empty
        for h in handles {
            if h.join().is_err() {
                bail!("a doctor thread stopped unexpectedly");
            }
        }
        Ok(())
    })?;
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut services = Vec::with_capacity(results.len());
    for (_, r) in results {
        services.push(r?);
    }
    Ok(AllReport { root, services })
}
