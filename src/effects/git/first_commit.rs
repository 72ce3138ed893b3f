//! The first commit of a new project, written directly: libgit2 creates
//! the repository; the objects (blobs, trees, the commit) go into one
//! packfile ([`super::pack`]), the index is written in one pass
//! ([`super::index`]), and the branch and its reflog are plain files. Every
//! step is one pass over the files, so the cost per file stays the same
//! whatever the project's size, and nothing is read back.

use anyhow::{Context, Result};
use git2::{Repository, RepositoryInitOptions, Signature};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::index;
use super::pack::{hex, object_id, Kind, ObjectId, PackWriter};
use super::{identity, GitOutcome, IdentityEnv};

/// A file already written at `dir/path`, to be committed as `contents`.
pub struct Committed<'a> {
    pub path: &'a str,
    pub contents: &'a [u8],
    pub executable: bool,
}

/// Creates a repository in `dir` on `branch`, adds `files` (already on
/// disk there) and, when an identity is known, makes the first commit.
pub fn first_commit(
    dir: &Path,
    branch: &str,
    files: &[Committed],
    message: &str,
    env: &IdentityEnv,
) -> Result<GitOutcome> {
    let repo = init(dir, branch)?;
    let identity = identity(&repo, env);
    let blobs: Vec<ObjectId> = files
        .iter()
        .map(|f| object_id(Kind::Blob, f.contents))
        .collect();
    let mut objects = Objects::default();
    for (f, id) in files.iter().zip(&blobs) {
        objects.push(*id, Kind::Blob, f.contents);
    }
    let commit = match &identity {
        Some(who) => {
            let tree = tree_objects(files, &blobs, &mut objects);
            let text = commit_text(&tree, &who.author, &who.committer, message);
            Some(objects.push_owned(Kind::Commit, text.into_bytes()))
        }
        None => None,
    };
    objects.write(&repo.path().join("objects/pack"))?;
    write_index(repo.path(), dir, files, &blobs)?;
    let Some((commit, who)) = commit.zip(identity) else {
        return Ok(GitOutcome::NoIdentity {
            branch: branch.to_string(),
        });
    };
    update_branch(repo.path(), branch, &commit, &who.committer, message)?;
    Ok(GitOutcome::Committed {
        branch: branch.to_string(),
        commit: hex(&commit),
    })
}

/// `git init`, honouring a configured `init.templateDir` (an organisation's
/// hooks); without one, git's sample hooks are not copied (a third of the
/// cost of creating the repository).
fn init(dir: &Path, branch: &str) -> Result<Repository> {
    let mut opts = RepositoryInitOptions::new();
    opts.initial_head(branch);
    let template_dir = git2::Config::open_default()
        .ok()
        .and_then(|c| c.get_path("init.templatedir").ok());
    opts.external_template(template_dir.is_some());
    Repository::init_opts(dir, &opts)
        .with_context(|| format!("initialising a git repository in {}", dir.display()))
}

/// The objects of the commit, each once, in the order they are packed.
#[derive(Default)]
struct Objects<'a> {
    seen: HashSet<ObjectId>,
    list: Vec<(ObjectId, Kind, std::borrow::Cow<'a, [u8]>)>,
}

impl<'a> Objects<'a> {
    fn push(&mut self, id: ObjectId, kind: Kind, data: &'a [u8]) {
        if self.seen.insert(id) {
            self.list.push((id, kind, data.into()));
        }
    }

    fn push_owned(&mut self, kind: Kind, data: Vec<u8>) -> ObjectId {
        let id = object_id(kind, &data);
        if self.seen.insert(id) {
            self.list.push((id, kind, data.into()));
        }
        id
    }

    fn write(&self, dir: &Path) -> Result<()> {
        let mut pack = PackWriter::create(dir, self.list.len() as u32)?;
        for (id, kind, data) in &self.list {
            pack.add(*id, *kind, data)?;
        }
        pack.finish().context("writing the git packfile")
    }
}

/// A directory of the commit: names to files (mode, id) or directories.
#[derive(Default)]
struct Dir<'a> {
    entries: BTreeMap<&'a str, Entry<'a>>,
}

enum Entry<'a> {
    File { executable: bool, id: ObjectId },
    Dir(Dir<'a>),
}

/// Adds the tree of every directory to `objects`; returns the root's id.
fn tree_objects(files: &[Committed], blobs: &[ObjectId], objects: &mut Objects) -> ObjectId {
    let mut root = Dir::default();
    for (f, id) in files.iter().zip(blobs) {
        let mut dir = &mut root;
        let mut parts = f.path.split('/').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                let file = Entry::File {
                    executable: f.executable,
                    id: *id,
                };
                dir.entries.insert(part, file);
                break;
            }
            let entry = dir
                .entries
                .entry(part)
                .or_insert_with(|| Entry::Dir(Dir::default()));
            dir = match entry {
                Entry::Dir(d) => d,
                // A file and a directory of the same name: the plan's
                // path checks rule it out.
                Entry::File { .. } => break,
            };
        }
    }
    write_tree(&root, objects)
}

/// Encodes `dir` as a tree object (after its subdirectories): entries in
/// git's order, where a directory sorts as its name followed by `/`.
fn write_tree(dir: &Dir, objects: &mut Objects) -> ObjectId {
    let mut rows: Vec<(Vec<u8>, &str, &str, ObjectId)> = dir
        .entries
        .iter()
        .map(|(name, entry)| match entry {
            Entry::File { executable, id } => {
                let mode = if *executable { "100755" } else { "100644" };
                (name.as_bytes().to_vec(), mode, *name, *id)
            }
            Entry::Dir(sub) => {
                let mut key = name.as_bytes().to_vec();
                key.push(b'/');
                (key, "40000", *name, write_tree(sub, objects))
            }
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut data = Vec::with_capacity(rows.len() * 40);
    for (_, mode, name, id) in rows {
        data.extend_from_slice(mode.as_bytes());
        data.push(b' ');
        data.extend_from_slice(name.as_bytes());
        data.push(0);
        data.extend_from_slice(&id);
    }
    objects.push_owned(Kind::Tree, data)
}

/// `Name <email> 1700000000 +0100`, as commits and reflogs write people.
fn person(sig: &Signature) -> String {
    let when = sig.when();
    let offset = when.offset_minutes();
    format!(
        "{} <{}> {} {}{:02}{:02}",
        String::from_utf8_lossy(sig.name_bytes()),
        String::from_utf8_lossy(sig.email_bytes()),
        when.seconds(),
        if offset < 0 { '-' } else { '+' },
        offset.abs() / 60,
        offset.abs() % 60
    )
}

fn commit_text(
    tree: &ObjectId,
    author: &Signature,
    committer: &Signature,
    message: &str,
) -> String {
    let mut text = format!(
        "tree {}\nauthor {}\ncommitter {}\n\n{message}",
        hex(tree),
        person(author),
        person(committer)
    );
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The index, with each file's stat data, so the new work tree is clean.
fn write_index(git_dir: &Path, dir: &Path, files: &[Committed], blobs: &[ObjectId]) -> Result<()> {
    let entries = files.iter().zip(blobs).map(|(f, id)| {
        let on_disk = dir.join(f.path);
        let meta = std::fs::metadata(&on_disk)
            .with_context(|| format!("reading {}", on_disk.display()))?;
        Ok(index::Entry {
            path: f.path,
            id: *id,
            executable: f.executable,
            meta,
        })
    });
    index::write(git_dir, files.len(), entries)
}

/// `refs/heads/BRANCH` and the reflogs of the branch and HEAD, as git
/// writes them for a first commit.
fn update_branch(
    git_dir: &Path,
    branch: &str,
    commit: &ObjectId,
    committer: &Signature,
    message: &str,
) -> Result<()> {
    let id = hex(commit);
    let subject = message.lines().next().unwrap_or_default();
    let log = format!(
        "{} {id} {}\tcommit (initial): {subject}\n",
        "0".repeat(40),
        person(committer)
    );
    let reference = format!("refs/heads/{branch}");
    for (path, text) in [
        (git_dir.join(&reference), format!("{id}\n")),
        (git_dir.join("logs").join(&reference), log.clone()),
        (git_dir.join("logs/HEAD"), log),
    ] {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
