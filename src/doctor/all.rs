//! `plat doctor --all DIR`: every service under a directory, checked in
//! parallel. The walk honours .gitignore files and skips `.git`,
//! `node_modules` and `target`, the directories that hold most files in a
//! checkout and never a service.

use anyhow::{bail, Context as _, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::{check, Options, ServiceReport, Summary};
use crate::error::InputError;
use crate::scaffold::MANIFEST_FILE;

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

/// Directory names never descended into.
const SKIP: &[&str] = &[".git", "node_modules", "target"];

/// Every platform.yaml under `root`, sorted.
pub fn find_manifests(root: &Path, jobs: usize) -> Vec<PathBuf> {
    let found = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .parents(true)
        .threads(jobs)
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && SKIP.iter().any(|s| e.file_name() == *s))
        })
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                if let Ok(e) = entry {
                    if e.file_name() == MANIFEST_FILE && e.file_type().is_some_and(|t| t.is_file())
                    {
                        if let Ok(mut f) = found.lock() {
                            f.push(e.into_path());
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    let mut found = found.into_inner().unwrap_or_default();
    found.sort();
    found
}

/// Checks every service under `dir` with `jobs` threads.
pub fn check_all(dir: &Path, opts: &Options, jobs: usize) -> Result<AllReport> {
    let meta = std::fs::metadata(dir).with_context(|| {
        format!(
            "cannot read `{}`; pass an existing directory to --all",
            dir.display()
        )
    })?;
    if !meta.is_dir() {
        bail!(InputError(format!(
            "`{}` is not a directory; --all takes the directory to search for services",
            dir.display()
        )));
    }
    let root =
        std::fs::canonicalize(dir).with_context(|| format!("resolving {}", dir.display()))?;
    let jobs = jobs.max(1);
    let manifests = find_manifests(&root, jobs);
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<ServiceReport>>>> =
        manifests.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| -> Result<()> {
        let mut handles = Vec::new();
        for _ in 0..jobs.min(manifests.len()) {
            let h = std::thread::Builder::new()
                .name("doctor".into())
                .stack_size(64 * 1024 * 1024)
                .spawn_scoped(scope, || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = manifests.get(i) else { break };
                    let result = crate::service::locate(path).map(|located| check(&located, opts));
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(result);
                    }
                })
                .context("starting a doctor thread")?;
            handles.push(h);
        }
        for h in handles {
            if h.join().is_err() {
                bail!("a doctor thread stopped unexpectedly");
            }
        }
        Ok(())
    })?;
    let mut services = Vec::with_capacity(slots.len());
    for slot in slots {
        match slot.into_inner().ok().flatten() {
            Some(Ok(r)) => services.push(r),
            Some(Err(e)) => return Err(e),
            None => bail!("a service was not checked"),
        }
    }
    Ok(AllReport { root, services })
}
