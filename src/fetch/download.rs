//! One fetch: into a temporary bare repository beside the cache entry,
//! then renamed into place. A first fetch renames the whole repository; a
//! later one borrows the entry's objects (git's `alternates`) and refs, so
//! only what is new crosses the network, then moves its packs and one
//! `packed-refs` file into the entry. Every step that others can see is one
//! rename, so a reader (another plat, at the same moment) finds the old
//! state or the new, never half of one; an interrupt leaves the entry as it
//! was and a temporary directory the next fetch removes.

use anyhow::{Context, Result};
use git2::{AutotagOption, FetchOptions, FetchPrune, RemoteCallbacks, Repository};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::refs;
use super::Reporter;
use crate::effects::interrupt::{self, Cleanup};
use crate::effects::stale;
use crate::util::git_url::GitUrl;

/// Files of a cache entry plat writes beside git's own.
pub const SOURCE_FILE: &str = "plat-source";
pub const FETCHED_FILE: &str = "plat-fetched";

/// Fetches every branch and tag of `url` into the cache entry `entry`
/// (created if absent).
pub fn fetch(url: &GitUrl, entry: &Path, reporter: &dyn Reporter) -> Result<()> {
    let parent = entry.parent().context("the cache entry has no parent")?;
    fs::create_dir_all(parent)
        .with_context(|| format!("creating plat's cache at {}", parent.display()))?;
    stale::remove_left_behind(parent, "fetch");
    let tmp = temporary(parent, entry);
    let _cleanup = Cleanup::register(&tmp);
    let result = fetch_via(url, entry, &tmp, reporter);
    let _ = fs::remove_dir_all(&tmp);
    result
}

/// `.KEY-N.plat-fetch-PID`: unique within the process, removable by any
/// later plat once this process is gone.
fn temporary(parent: &Path, entry: &Path) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let key = entry
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNT.fetch_add(1, Ordering::SeqCst);
    parent.join(format!(".{key}-{n}.plat-fetch-{}", std::process::id()))
}

fn fetch_via(url: &GitUrl, entry: &Path, tmp: &Path, reporter: &dyn Reporter) -> Result<()> {
    let repo = Repository::init_bare(tmp)
        .with_context(|| format!("creating a repository in {}", tmp.display()))?;
    let existing = entry.join("objects").is_dir();
    if existing {
        borrow(entry, tmp)?;
    }
    download(&repo, url, reporter)?;
    interrupt::check()?;
    let refs = refs::packed_refs(&repo)?;
    let head = fs::read(tmp.join("HEAD")).unwrap_or_default();
    drop(repo);
    write_atomic(&tmp.join(SOURCE_FILE), url.to_string().as_bytes())?;
    write_atomic(&tmp.join(FETCHED_FILE), now().as_bytes())?;
    if existing {
        return publish_into(tmp, entry, &refs, &head);
    }
    write_atomic(&tmp.join("packed-refs"), refs.as_bytes())?;
    for dir in ["refs/heads", "refs/tags"] {
        let _ = fs::remove_dir_all(tmp.join(dir));
        fs::create_dir_all(tmp.join(dir))?;
    }
    match fs::rename(tmp, entry) {
        Ok(()) => Ok(()),
        // Another plat fetched the same repository meanwhile: theirs is as
        // good as ours.
        Err(_) if entry.join("objects").is_dir() => Ok(()),
        Err(e) => Err(e).with_context(|| format!("moving the fetch into {}", entry.display())),
    }
}

/// Lets the temporary repository see the entry's objects and refs, so the
/// server sends only what the entry lacks.
fn borrow(entry: &Path, tmp: &Path) -> Result<()> {
    let objects = fs::canonicalize(entry.join("objects"))?;
    fs::write(
        tmp.join("objects/info/alternates"),
        format!("{}\n", objects.display()),
    )?;
    if let Ok(packed) = fs::read(entry.join("packed-refs")) {
        fs::write(tmp.join("packed-refs"), packed)?;
    }
    Ok(())
}

/// The fetch itself: every branch and tag, pruning what the server no
/// longer has, with the remote's default branch as HEAD.
fn download(repo: &Repository, url: &GitUrl, reporter: &dyn Reporter) -> Result<()> {
    let public = url.to_string();
    let mut remote = repo.remote_anonymous(&url.with_credentials())?;
    let mut callbacks = RemoteCallbacks::new();
    callbacks.transfer_progress(|p| {
        reporter.progress(p.received_objects(), p.total_objects(), p.received_bytes());
        interrupt::check().is_ok()
    });
    let mut options = FetchOptions::new();
    options
        .remote_callbacks(callbacks)
        .download_tags(AutotagOption::All)
        .prune(FetchPrune::On)
        .update_fetchhead(false);
    reporter.fetch_started(&public);
    let result = remote.fetch(
        &["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"],
        Some(&mut options),
        None,
    );
    reporter.fetch_finished();
    interrupt::check()?;
    result.map_err(|e| fetch_error(e, &public))?;
    if let Ok(branch) = remote.default_branch() {
        if let Ok(name) = branch.as_str() {
            repo.set_head(name)?;
        }
    }
    Ok(())
}

/// A failed fetch, said without libgit2's noise or any credential.
fn fetch_error(e: git2::Error, public: &str) -> anyhow::Error {
    let message = crate::util::git_url::redact(e.message());
    anyhow::anyhow!(super::FetchFailed(format!("fetching {public}: {message}")))
}

/// Moves what a later fetch brought into the entry: packs (each `.pack`
/// before its index, so no reader finds an index without its pack), any
/// loose objects, then the refs and HEAD, each with one rename.
fn publish_into(tmp: &Path, entry: &Path, refs: &str, head: &[u8]) -> Result<()> {
    let from = tmp.join("objects/pack");
    let to = entry.join("objects/pack");
    fs::create_dir_all(&to)?;
    let mut names: Vec<PathBuf> = fs::read_dir(&from)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x != "keep"))
        .collect();
    names.sort_by_key(|p| p.extension().is_some_and(|x| x != "pack"));
    for p in names {
        if let Some(name) = p.file_name() {
            fs::rename(&p, to.join(name))
                .with_context(|| format!("moving {} into the cache", p.display()))?;
        }
    }
    move_loose_objects(&tmp.join("objects"), &entry.join("objects"))?;
    write_atomic(&entry.join("packed-refs"), refs.as_bytes())?;
    if !head.is_empty() {
        write_atomic(&entry.join("HEAD"), head)?;
    }
    for file in [SOURCE_FILE, FETCHED_FILE] {
        fs::rename(tmp.join(file), entry.join(file))?;
    }
    Ok(())
}

fn move_loose_objects(from: &Path, to: &Path) -> Result<()> {
    for dir in fs::read_dir(from)?.flatten() {
        let name = dir.file_name();
        let is_fanout = name.len() == 2
            && name
                .to_string_lossy()
                .chars()
                .all(|c| c.is_ascii_hexdigit());
        if !is_fanout {
            continue;
        }
        fs::create_dir_all(to.join(&name))?;
        for object in fs::read_dir(dir.path())?.flatten() {
            let target = to.join(&name).join(object.file_name());
            if !target.exists() {
                fs::rename(object.path(), target)?;
            }
        }
    }
    Ok(())
}

/// Writes `path` whole: a temporary file beside it, then a rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, Ordering::SeqCst);
    let tmp = path.with_extension(format!("{n}.plat-tmp-{}", std::process::id()));
    fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))
}

/// Seconds since the Unix epoch, as text.
fn now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs().to_string())
        .unwrap_or_default()
}
