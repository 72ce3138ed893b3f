//! plat's cache of git repositories: one bare repository per URL under
//! `$PLAT_CACHE_DIR` (else `$XDG_CACHE_HOME/plat/git`), named by the URL
//! without credentials. A commit already there never touches the network;
//! a tag is fetched once (tags do not move) unless asked to refresh; a
//! branch is fetched every time, unless offline.

use anyhow::{bail, Result};
use git2::{Oid, Repository};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::download::{self, FETCHED_FILE, SOURCE_FILE};
use super::refs::{self, Found, Want};
use super::{transport, Network, Reporter};
use crate::error::InputError;
use crate::util::git_url::GitUrl;

/// The cache's directory.
#[derive(Debug, Clone)]
pub struct Cache {
    pub root: PathBuf,
}

/// A commit of a cached repository, ready to read.
pub struct Resolved {
    pub repo: Repository,
    pub commit: Oid,
    /// The bare repository it was read from.
    pub path: PathBuf,
}

/// When to fetch.
#[derive(Debug, Clone, Copy, Default)]
pub struct Freshness {
    /// Never touch the network.
    pub offline: bool,
    /// Fetch even when a tag is cached.
    pub refresh: bool,
}

/// One cached repository, for `plat cache list`.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    pub url: String,
    pub fetched: Option<SystemTime>,
    pub bytes: u64,
}

impl Cache {
    /// The directory a repository is (or would be) cached in.
    pub fn entry(&self, url: &GitUrl) -> PathBuf {
        self.root.join(url.cache_key())
    }

    /// The commit `want` names in `url`, fetching only when the cache
    /// cannot answer and `fresh` allows it. Notes for the user (a fallback
    /// to the cache, a damaged entry fetched afresh) go to `reporter`.
    pub fn resolve(
        &self,
        url: &GitUrl,
        want: &Want,
        fresh: Freshness,
        net: &Network,
        reporter: &dyn Reporter,
    ) -> Result<Resolved> {
        let path = self.entry(url);
        let cached = self.open_entry(url, &path, reporter);
        let found = cached.as_ref().and_then(|r| refs::lookup(r, want));
        match found {
            Some(Found::Fixed(commit)) if !fresh.refresh => {
                return resolved(cached, commit, path);
            }
            _ if fresh.offline => return offline(url, want, cached, found, path, reporter),
            _ => {}
        }
        drop(cached);
        if let Err(e) = self.fetch(url, &path, net, reporter) {
            let Some(found) = found else { return Err(e) };
            reporter.note(format!(
                "{e:#}; using the copy of {url} cached {}",
                age(&path)
            ));
            return resolved(None, found.commit(), path);
        }
        let repo = Repository::open_bare(&path)?;
        match refs::lookup(&repo, want) {
            Some(found) => resolved(Some(repo), found.commit(), path),
            None => Err(refs::missing(&repo, want, &url.to_string())),
        }
    }

    /// Fetches `url` into its entry, registering the network transports
    /// first when it needs them.
    fn fetch(
        &self,
        url: &GitUrl,
        path: &Path,
        net: &Network,
        reporter: &dyn Reporter,
    ) -> Result<()> {
        if url.scheme.is_network() {
            transport::register(net)?;
        }
        crate::effects::deadline::paused(|| download::fetch(url, path, reporter))
    }

    /// The cached repository, if there is one that opens; a damaged entry
    /// is removed (and said so), to be fetched afresh.
    fn open_entry(&self, url: &GitUrl, path: &Path, reporter: &dyn Reporter) -> Option<Repository> {
        if !path.exists() {
            return None;
        }
        match Repository::open_bare(path) {
            Ok(repo) if refs_readable(&repo) => Some(repo),
            _ => {
                reporter.note(format!(
                    "the cached copy of {url} is damaged; fetching it afresh"
                ));
                let _ = discard(path);
                None
            }
        }
    }

    /// Removes the entry of `url` after its objects turned out damaged, so
    /// the next resolve fetches it afresh.
    pub fn discard(&self, url: &GitUrl) -> Result<()> {
        discard(&self.entry(url))
    }

    /// Every cached repository, by URL.
    pub fn list(&self) -> Result<Vec<Entry>> {
        let mut entries = Vec::new();
        let Ok(dir) = fs::read_dir(&self.root) else {
            return Ok(entries);
        };
        for e in dir.flatten() {
            let path = e.path();
            let name = e.file_name();
            if name.to_string_lossy().starts_with('.') || !path.join("objects").is_dir() {
                continue;
            }
            let url = fs::read_to_string(path.join(SOURCE_FILE))
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|_| "(unknown source)".into());
            entries.push(Entry {
                fetched: fetched(&path),
                bytes: size(&path),
                url,
                path,
            });
        }
        entries.sort_by(|a, b| a.url.cmp(&b.url));
        Ok(entries)
    }

    /// Removes the cached copies of `urls`, or everything when empty;
    /// returns what was removed.
    pub fn clean(&self, urls: &[GitUrl]) -> Result<Vec<Entry>> {
        let all = self.list()?;
        let chosen: Vec<Entry> = if urls.is_empty() {
            all
        } else {
            let keys: Vec<PathBuf> = urls.iter().map(|u| self.entry(u)).collect();
            all.into_iter().filter(|e| keys.contains(&e.path)).collect()
        };
        for e in &chosen {
            discard(&e.path)?;
        }
        if urls.is_empty() {
            crate::effects::stale::remove_left_behind(&self.root, "fetch");
        }
        Ok(chosen)
    }
}

fn resolved(repo: Option<Repository>, commit: Oid, path: PathBuf) -> Result<Resolved> {
    let repo = match repo {
        Some(r) => r,
        None => Repository::open_bare(&path)?,
    };
    Ok(Resolved { repo, commit, path })
}

/// Answers from the cache alone: a branch as last fetched (said so), or
/// an error that says how to get the source.
fn offline(
    url: &GitUrl,
    want: &Want,
    cached: Option<Repository>,
    found: Option<Found>,
    path: PathBuf,
    reporter: &dyn Reporter,
) -> Result<Resolved> {
    let Some(repo) = cached else {
        bail!(InputError(format!(
            "{url} is not in plat's cache, and working offline (--offline or PLAT_OFFLINE) forbids fetching it; run once without --offline"
        )));
    };
    let Some(found) = found else {
        return Err(refs::missing(
            &repo,
            want,
            &format!("the cached copy of {url} (offline)"),
        ));
    };
    if let (Found::Moving(_), Want::Ref(r)) = (found, want) {
        reporter.note(format!(
            "offline: using {} of {url} as fetched {}",
            r.as_deref()
                .map_or("the default branch".to_string(), |r| format!(
                    "branch `{r}`"
                )),
            age(&path)
        ));
    }
    resolved(Some(repo), found.commit(), path)
}

/// Whether every ref's commit can be read: a cheap check that catches a
/// truncated pack or lost objects before anything relies on them.
fn refs_readable(repo: &Repository) -> bool {
    let Ok(odb) = repo.odb() else { return false };
    let Ok(refs) = repo.references() else {
        return false;
    };
    refs.into_iter().all(|r| {
        r.ok()
            .and_then(|r| r.peel_to_commit().ok())
            .is_some_and(|c| odb.read(c.id()).is_ok() && c.tree().is_ok())
    })
}

/// Moves `path` aside, then removes it: a reader never sees half of it.
fn discard(path: &Path) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let aside = path.with_file_name(format!(
        ".{}.plat-fetch-{}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    fs::rename(path, &aside)
        .and_then(|()| fs::remove_dir_all(&aside))
        .map_err(|e| anyhow::anyhow!("removing {} from plat's cache: {e}", path.display()))
}

fn fetched(path: &Path) -> Option<SystemTime> {
    let secs: u64 = fs::read_to_string(path.join(FETCHED_FILE))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// "3 hours ago", or "at an unknown time".
pub fn age(path: &Path) -> String {
    let Some(when) = fetched(path) else {
        return "at an unknown time".into();
    };
    let secs = SystemTime::now()
        .duration_since(when)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    match secs {
        0..=89 => "just now".into(),
        90..=5399 => format!("{} minutes ago", (secs + 30) / 60),
        5400..=129_599 => format!("{} hours ago", (secs + 1800) / 3600),
        _ => format!("{} days ago", (secs + 43_200) / 86_400),
    }
}

/// Bytes under `path`, links not followed.
fn size(path: &Path) -> u64 {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    fs::read_dir(path)
        .map(|d| d.flatten().map(|e| size(&e.path())).sum())
        .unwrap_or(0)
}
