//! Git through libgit2, no `git` binary needed: where a path's repository
//! is, and the first commit of a new project.

use anyhow::{anyhow, bail, Context, Result};
use git2::{IndexEntry, IndexTime, Repository, RepositoryInitOptions, Signature};
use std::path::{Path, PathBuf};

use crate::error::InputError;

/// What happened on the git side of `plat new`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum GitOutcome {
    /// Repository created and the first commit made.
    Committed { branch: String, commit: String },
    /// Repository created, but no identity to commit with.
    NoIdentity { branch: String },
    /// The target is inside an existing repository; nothing was added.
    InsideRepository { repository: PathBuf },
    /// `--no-git`.
    Disabled,
}

/// The git repository around a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoState {
    /// No repository at or above the path.
    None,
    /// A bare repository: history without a working tree.
    Bare { git_dir: PathBuf },
    /// A working tree whose branch has no commit yet.
    Unborn { workdir: PathBuf },
    /// A working tree with at least one commit.
    Ready { workdir: PathBuf },
}

impl RepoState {
    pub fn workdir(&self) -> Option<&Path> {
        match self {
            RepoState::Unborn { workdir } | RepoState::Ready { workdir } => Some(workdir),
            _ => None,
        }
    }
}

/// The repository at or above `dir`, not searching above any of
/// `ceilings` (git's GIT_CEILING_DIRECTORIES, which the caller reads).
pub fn discover(dir: &Path, ceilings: &[PathBuf]) -> RepoState {
    let Ok(repo) = Repository::open_ext(dir, git2::RepositoryOpenFlags::empty(), ceilings) else {
        return RepoState::None;
    };
    match repo.workdir() {
        None => RepoState::Bare {
            git_dir: normalize(repo.path()),
        },
        Some(w) => {
            let workdir = normalize(w);
            match repo.head() {
                Err(e) if e.code() == git2::ErrorCode::UnbornBranch => {
                    RepoState::Unborn { workdir }
                }
                _ => RepoState::Ready { workdir },
            }
        }
    }
}

/// The repository around `path`, which may not exist yet: found from its
/// nearest existing ancestor.
pub fn enclosing(path: &Path, ceilings: &[PathBuf]) -> RepoState {
    let start = path
        .ancestors()
        .find(|p| p.as_os_str().is_empty() || p.exists())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    discover(start, ceilings)
}

/// Removes a trailing separator and `.` segments, so paths from git2 and
/// from the user compare equal.
pub fn normalize(p: &Path) -> PathBuf {
    p.components().collect()
}

/// Checks a branch name before anything is written.
pub fn check_branch(branch: &str) -> Result<()> {
    if !git2::Reference::is_valid_name(&format!("refs/heads/{branch}")) {
        bail!(InputError(format!(
            "`{branch}` is not a valid git branch name (--branch)"
        )));
    }
    Ok(())
}

/// The identity variables git reads from the environment, gathered by the
/// caller (the core reads no environment).
#[derive(Debug, Clone, Default)]
pub struct IdentityEnv {
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub committer_name: Option<String>,
    pub committer_email: Option<String>,
    /// `EMAIL`: git's last resort for the address.
    pub email: Option<String>,
}

/// Who commits, decided as git does: `GIT_{AUTHOR,COMMITTER}_{NAME,EMAIL}`,
/// then the `author.*`/`committer.*` config, then `user.name` and
/// `user.email`, then (for the address only) `EMAIL`.
struct Identity {
    author: Signature<'static>,
    committer: Signature<'static>,
}

fn identity(repo: &Repository, env: &IdentityEnv) -> Option<Identity> {
    let config = repo.config().ok().and_then(|mut c| c.snapshot().ok());
    let from_config = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    let pick = |role: &str, name: &Option<String>, email: &Option<String>| {
        let name = name
            .clone()
            .or_else(|| from_config(&format!("{role}.name")))
            .or_else(|| from_config("user.name"))
            .filter(|s| !s.trim().is_empty())?;
        let email = email
            .clone()
            .or_else(|| from_config(&format!("{role}.email")))
            .or_else(|| from_config("user.email"))
            .or_else(|| env.email.clone())
            .filter(|s| !s.trim().is_empty())?;
        Signature::now(&name, &email).ok()
    };
    Some(Identity {
        author: pick("author", &env.author_name, &env.author_email)?,
        committer: pick("committer", &env.committer_name, &env.committer_email)?,
    })
}

/// Projects up to this size (a typical service is under 100 KiB) are
/// committed as one packfile written at the
/// end (a few system calls); larger ones stream loose objects as each file
/// is written, so the project is never held in memory at once.
const PACK_LIMIT: usize = 256 * 1024;

/// A repository being filled for its first commit. Blobs come from the
/// bytes in memory, never re-read from disk; index entries take their stat
/// data from the written files, so the new work tree is clean.
pub struct NewRepo {
    repo: Repository,
    index: git2::Index,
    dir: PathBuf,
    branch: String,
    /// Files held back for one packfile, while they fit in [`PACK_LIMIT`].
    pending: Vec<(String, Vec<u8>, bool)>,
    pending_bytes: usize,
    streaming: bool,
}

impl NewRepo {
    /// Initialises a repository in `dir` with `branch` as its unborn HEAD.
    pub fn init(dir: &Path, branch: &str) -> Result<NewRepo> {
        let mut opts = RepositoryInitOptions::new();
        opts.initial_head(branch);
        // Like `git init`, honour a configured `init.templateDir` (an
        // organisation's hooks); without one, skip copying git's sample
        // hooks, which is a third of the cost of creating the repository.
        let template_dir = git2::Config::open_default()
            .ok()
            .and_then(|c| c.get_path("init.templatedir").ok());
        opts.external_template(template_dir.is_some());
        let repo = Repository::init_opts(dir, &opts)
            .with_context(|| format!("initialising a git repository in {}", dir.display()))?;
        let index = repo.index().context("opening the git index")?;
        Ok(NewRepo {
            repo,
            index,
            dir: dir.to_path_buf(),
            branch: branch.to_string(),
            pending: Vec::new(),
            pending_bytes: 0,
            streaming: false,
        })
    }

    /// Adds a file already written at `dir/path` with these contents.
    pub fn add(&mut self, path: &str, contents: &[u8], executable: bool) -> Result<()> {
        if !self.streaming && self.pending_bytes + contents.len() <= PACK_LIMIT {
            self.pending_bytes += contents.len();
            self.pending
                .push((path.to_string(), contents.to_vec(), executable));
            return Ok(());
        }
        if !self.streaming {
            self.streaming = true;
            for (p, c, x) in std::mem::take(&mut self.pending) {
                self.add_now(&p, &c, x)?;
            }
        }
        self.add_now(path, contents, executable)
    }

    fn add_now(&mut self, path: &str, contents: &[u8], executable: bool) -> Result<()> {
        add_blob(
            &self.repo,
            &mut self.index,
            &self.dir,
            path,
            contents,
            executable,
        )
    }

    /// Writes the index and, when an identity is known, the first commit.
    pub fn commit(self, message: &str, env: &IdentityEnv) -> Result<GitOutcome> {
        let NewRepo {
            repo,
            mut index,
            dir,
            branch,
            pending,
            streaming,
            ..
        } = self;
        let identity = identity(&repo, env);
        if streaming || identity.is_none() {
            for (p, c, x) in &pending {
                add_blob(&repo, &mut index, &dir, p, c, *x)?;
            }
            return finish(&repo, &mut index, branch, identity, message);
        }
        // Everything fits: write the objects to memory, then to disk as a
        // single packfile.
        let odb = repo.odb().context("opening the git object database")?;
        let mempack = odb
            .add_new_mempack_backend(1000)
            .context("preparing the git object database")?;
        for (p, c, x) in &pending {
            add_blob(&repo, &mut index, &dir, p, c, *x)?;
        }
        let outcome = finish(&repo, &mut index, branch, identity, message)?;
        let GitOutcome::Committed { commit, .. } = &outcome else {
            bail!("the first commit was not made");
        };
        // One thread: libgit2's own mempack dump starts one per core, which
        // costs more than a small pack's delta search saves.
        let mut builder = repo.packbuilder().context("packing the first commit")?;
        builder.set_threads(1);
        builder
            .insert_commit(git2::Oid::from_str(commit)?)
            .context("packing the first commit")?;
        let mut pack = git2::Buf::new();
        builder
            .write_buf(&mut pack)
            .context("packing the first commit")?;
        drop(builder);
        let mut writer = odb.packwriter().context("writing the git packfile")?;
        std::io::Write::write_all(&mut writer, &pack).context("writing the git packfile")?;
        writer.commit().context("indexing the git packfile")?;
        mempack.reset().context("releasing the packed objects")?;
        Ok(outcome)
    }
}

fn add_blob(
    repo: &Repository,
    index: &mut git2::Index,
    dir: &Path,
    path: &str,
    contents: &[u8],
    executable: bool,
) -> Result<()> {
    let id = repo
        .blob(contents)
        .with_context(|| format!("adding {path} to git"))?;
    let on_disk = dir.join(path);
    let meta =
        std::fs::metadata(&on_disk).with_context(|| format!("reading {}", on_disk.display()))?;
    index
        .add(&index_entry(path, executable, id, &meta))
        .with_context(|| format!("adding {path} to the git index"))
}

fn finish(
    repo: &Repository,
    index: &mut git2::Index,
    branch: String,
    identity: Option<Identity>,
    message: &str,
) -> Result<GitOutcome> {
    index.write().context("writing the git index")?;
    let Some(id) = identity else {
        return Ok(GitOutcome::NoIdentity { branch });
    };
    let tree_id = index.write_tree().context("writing the git tree")?;
    let tree = repo.find_tree(tree_id)?;
    let commit = repo
        .commit(Some("HEAD"), &id.author, &id.committer, message, &tree, &[])
        .map_err(|e| anyhow!("making the first commit: {}", e.message()))?;
    Ok(GitOutcome::Committed {
        branch,
        commit: commit.to_string(),
    })
}

fn index_entry(
    path: &str,
    executable: bool,
    id: git2::Oid,
    meta: &std::fs::Metadata,
) -> IndexEntry {
    #[cfg(unix)]
    let (ctime, mtime, dev, ino, uid, gid) = {
        use std::os::unix::fs::MetadataExt;
        (
            IndexTime::new(meta.ctime() as i32, meta.ctime_nsec() as u32),
            IndexTime::new(meta.mtime() as i32, meta.mtime_nsec() as u32),
            meta.dev() as u32,
            meta.ino() as u32,
            meta.uid(),
            meta.gid(),
        )
    };
    #[cfg(not(unix))]
    let (ctime, mtime, dev, ino, uid, gid) =
        (IndexTime::new(0, 0), IndexTime::new(0, 0), 0, 0, 0, 0);
    IndexEntry {
        ctime,
        mtime,
        dev,
        ino,
        mode: if executable { 0o100755 } else { 0o100644 },
        uid,
        gid,
        file_size: meta.len() as u32,
        id,
        flags: path.len().min(0xfff) as u16,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}
