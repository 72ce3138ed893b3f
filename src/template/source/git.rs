//! A template read straight from a commit's objects in plat's cache: no
//! checkout, nothing written. The same rules as a directory on disk apply:
//! symbolic links only to the template's own files, a size limit per file;
//! and two of git's own: a submodule or a Git LFS pointer is refused, named,
//! since plat would otherwise render an empty directory or a pointer.

use anyhow::{anyhow, bail, Result};
use git2::{Blob, FileMode, ObjectType, Repository, Tree};
use std::sync::Arc;

use super::{Origin, SourceData, SourceFile, Template};
use crate::error::InputError;
use crate::fetch::Resolved;
use crate::template::definition::Definition;
use crate::template::spec::GitSpec;
use crate::util::read::Input;

/// How many symbolic links one path may pass through, as on Linux.
const MAX_LINKS: usize = 40;
/// How deep the search for templates in a repository goes.
const LISTING_DEPTH: usize = 4;
/// The first line of every Git LFS pointer file.
const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/v1";

/// An object of the cached repository could not be read: the cache entry
/// is damaged, and fetching it afresh may help.
#[derive(Debug)]
struct Damaged(String);

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Damaged {}

/// True when `e` says the cached objects are damaged.
pub fn is_damaged(e: &anyhow::Error) -> bool {
    e.downcast_ref::<Damaged>().is_some()
}

/// Loads the template at `spec.subdir` of the resolved commit.
pub fn load(spec: &GitSpec, resolved: &Resolved) -> Result<Template> {
    let repo = &resolved.repo;
    let mut origin = spec.clone();
    origin.commit = Some(resolved.commit.to_string());
    let at = at(spec, resolved);
    let reader = Reader { repo, at: &at };
    let (top, root) = reader.trees(resolved.commit, &spec.subdir)?;
    let text = reader.definition(&top, &root, &spec.subdir)?;
    let definition = Definition::parse(&text, &format!("{at}: template.yaml"))?;
    let files = reader.walk(&root, "files")?;
    let mut partials = Vec::new();
    for f in reader.walk(&root, "partials")? {
        let SourceData::Bytes(bytes) = &f.data else {
            continue;
        };
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
            InputError(format!(
                "{at}: partials/{}: partials must be UTF-8 text",
                f.path
            ))
        })?;
        partials.push((f.path, text));
    }
    Ok(Template {
        origin: Origin::Git(origin),
        definition,
        files,
        partials,
        parents: Vec::new(),
    })
}

/// The text of the template.yaml at `spec.subdir` of the resolved
/// commit, unchecked (`plat template lint`).
pub fn definition_text(spec: &GitSpec, resolved: &Resolved) -> Result<String> {
    let at = at(spec, resolved);
    let reader = Reader {
        repo: &resolved.repo,
        at: &at,
    };
    let (top, root) = reader.trees(resolved.commit, &spec.subdir)?;
    reader.definition(&top, &root, &spec.subdir)
}

/// The directories under `spec.subdir` of the resolved commit that hold a
/// template: `spec.subdir` itself if it does.
pub fn templates_at(spec: &GitSpec, resolved: &Resolved) -> Result<Vec<String>> {
    let repo = &resolved.repo;
    let at = at(spec, resolved);
    let reader = Reader { repo, at: &at };
    let (_, root) = reader.trees(resolved.commit, &spec.subdir)?;
    if root.get_name("template.yaml").is_some() {
        return Ok(vec![spec.subdir.clone()]);
    }
    let mut found = Vec::new();
    reader.templates_in(&root, &spec.subdir, 0, &mut found);
    Ok(found)
}

/// What messages call the template: the source as written minus the ref,
/// and the commit instead.
fn at(spec: &GitSpec, resolved: &Resolved) -> String {
    let mut s = spec.clone();
    s.reference = None;
    let commit = resolved.commit.to_string();
    format!("{s} at commit {}", &commit[..12])
}

/// Reads one commit's template, naming `at` in every message.
struct Reader<'a> {
    repo: &'a Repository,
    at: &'a str,
}

impl<'a> Reader<'a> {
    fn damaged(&self, e: git2::Error) -> anyhow::Error {
        anyhow!(Damaged(format!(
            "{}: reading plat's cached copy failed ({})",
            self.at,
            e.message()
        )))
    }

    /// The text of `root`'s template.yaml (`root` is `top` at `subdir`).
    fn definition(&self, top: &Tree<'a>, root: &Tree<'a>, subdir: &str) -> Result<String> {
        let blob = match root.get_name("template.yaml") {
            Some(e) if e.kind() == Some(ObjectType::Blob) => self.blob(e.id(), "template.yaml")?,
            _ => bail!(self.not_a_template(top, subdir)),
        };
        self.text(&blob, "template.yaml", Input::Definition)
    }

    /// The commit's whole tree and its tree at `subdir`.
    fn trees(&self, commit: git2::Oid, subdir: &str) -> Result<(Tree<'a>, Tree<'a>)> {
        let commit = self.repo.find_commit(commit).map_err(|e| self.damaged(e))?;
        let top = commit.tree().map_err(|e| self.damaged(e))?;
        let root = self.template_root(&top, subdir)?;
        Ok((top, root))
    }

    /// The tree at `subdir`, or an error listing the templates there are.
    fn template_root(&self, top: &Tree<'a>, subdir: &str) -> Result<Tree<'a>> {
        if subdir.is_empty() {
            return Ok(top.clone());
        }
        let entry = top
            .get_path(std::path::Path::new(subdir))
            .ok()
            .filter(|e| e.kind() == Some(ObjectType::Tree));
        match entry {
            Some(e) => self.repo.find_tree(e.id()).map_err(|e| self.damaged(e)),
            None => Err(self.not_a_template(top, subdir)),
        }
    }

    /// No template at `subdir`: what the repository does hold.
    fn not_a_template(&self, top: &Tree, subdir: &str) -> anyhow::Error {
        let mut found = Vec::new();
        self.templates_in(top, "", 0, &mut found);
        let place = if subdir.is_empty() {
            "has no template.yaml at its root".to_string()
        } else {
            format!("has no template at `{subdir}` (a directory with a template.yaml)")
        };
        let hint = match found.as_slice() {
            [] => "it holds no template.yaml at all".to_string(),
            list => {
                let nearest =
                    crate::util::suggest::did_you_mean(subdir, list.iter().map(String::as_str))
                        .map(|t| format!("did you mean `//{t}`? "))
                        .unwrap_or_default();
                format!(
                    "{nearest}templates in it: {} (name one with `//PATH`)",
                    list.join(", ")
                )
            }
        };
        InputError(format!("{} {place}; {hint}", self.at)).into()
    }

    /// Directories holding a template.yaml, to [`LISTING_DEPTH`] levels.
    fn templates_in(&self, tree: &Tree, prefix: &str, depth: usize, out: &mut Vec<String>) {
        if depth > 0 && tree.get_name("template.yaml").is_some() {
            out.push(prefix.to_string());
            return;
        }
        if depth >= LISTING_DEPTH {
            return;
        }
        for e in tree.iter() {
            let (Some(ObjectType::Tree), Ok(name)) = (e.kind(), e.name()) else {
                continue;
            };
            if let Ok(sub) = self.repo.find_tree(e.id()) {
                let path = if prefix.is_empty() {
                    name.to_string()
                } else {
                    format!("{prefix}/{name}")
                };
                self.templates_in(&sub, &path, depth + 1, out);
            }
        }
    }

    fn blob(&self, id: git2::Oid, path: &str) -> Result<Blob<'_>> {
        let blob = self.repo.find_blob(id).map_err(|e| self.damaged(e))?;
        if blob.content().starts_with(LFS_POINTER) {
            bail!(InputError(format!(
                "{}: `{path}` is a Git LFS pointer, not the file; plat reads templates from git objects and never fetches LFS content: commit the file itself",
                self.at
            )));
        }
        Ok(blob)
    }

    fn text(&self, blob: &Blob, path: &str, input: Input) -> Result<String> {
        self.within_limit(blob, path, input)?;
        String::from_utf8(blob.content().to_vec()).map_err(|_| {
            InputError(format!(
                "{}: {path} is not UTF-8 text; save it as UTF-8",
                self.at
            ))
            .into()
        })
    }

    fn within_limit(&self, blob: &Blob, path: &str, input: Input) -> Result<()> {
        let limit = input.limit();
        if blob.size() as u64 > limit {
            bail!(InputError(format!(
                "{}: {path} is {} bytes, more than the {} MiB plat reads of a template file",
                self.at,
                blob.size(),
                limit / (1024 * 1024)
            )));
        }
        Ok(())
    }

    /// Every file under `root/sub` (none if absent), in path order, with
    /// symbolic links resolved inside `root`.
    fn walk(&self, root: &Tree, sub: &str) -> Result<Vec<SourceFile>> {
        let mut files = Vec::new();
        let Some(entry) = root.get_name(sub) else {
            return Ok(files);
        };
        let Some(tree) = self.follow(root, sub, entry.id(), entry.filemode(), 0)? else {
            bail!(InputError(format!(
                "{}: `{sub}` must be a directory",
                self.at
            )));
        };
        self.walk_tree(root, &tree, sub, "", 0, &mut files)?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Adds the files of `tree` (at `path` under the template, `rel` under
    /// `sub`) to `out`.
    fn walk_tree(
        &self,
        root: &Tree,
        tree: &Tree,
        path: &str,
        rel: &str,
        links: usize,
        out: &mut Vec<SourceFile>,
    ) -> Result<()> {
        for e in tree.iter() {
            let name = e.name().map_err(|_| {
                InputError(format!(
                    "{}: `{path}` holds a file whose name is not UTF-8",
                    self.at
                ))
            })?;
            let here = format!("{path}/{name}");
            let rel_here = if rel.is_empty() {
                name.to_string()
            } else {
                format!("{rel}/{name}")
            };
            let mode = e.filemode();
            if mode == i32::from(FileMode::Commit) {
                bail!(InputError(format!(
                    "{}: `{here}` is a git submodule; a template from git cannot contain submodules: commit its files instead",
                    self.at
                )));
            }
            if mode == i32::from(FileMode::Link) {
                let (target_path, id, target_mode, hops) =
                    self.resolve_link(root, &here, e.id(), links)?;
                match self.follow(root, &target_path, id, target_mode, hops)? {
                    Some(t) => self.walk_tree(root, &t, &here, &rel_here, hops, out)?,
                    None => out.push(self.file(id, &here, rel_here, target_mode)?),
                }
            } else if mode == i32::from(FileMode::Tree) {
                let t = self.repo.find_tree(e.id()).map_err(|e| self.damaged(e))?;
                self.walk_tree(root, &t, &here, &rel_here, links, out)?;
            } else {
                out.push(self.file(e.id(), &here, rel_here, mode)?);
            }
        }
        Ok(())
    }

    fn file(&self, id: git2::Oid, path: &str, rel: String, mode: i32) -> Result<SourceFile> {
        let blob = self.blob(id, path)?;
        self.within_limit(&blob, path, Input::TemplateFile)?;
        Ok(SourceFile {
            path: rel,
            data: SourceData::Bytes(Arc::from(blob.content())),
            executable: mode == i32::from(FileMode::BlobExecutable),
        })
    }

    /// The tree `id` is, if it is one (following links from `path`).
    fn follow(
        &self,
        root: &Tree,
        path: &str,
        id: git2::Oid,
        mode: i32,
        links: usize,
    ) -> Result<Option<Tree<'_>>> {
        if mode == i32::from(FileMode::Link) {
            let (target, id, mode, hops) = self.resolve_link(root, path, id, links)?;
            return self.follow(root, &target, id, mode, hops);
        }
        if mode == i32::from(FileMode::Tree) {
            return self
                .repo
                .find_tree(id)
                .map(Some)
                .map_err(|e| self.damaged(e));
        }
        Ok(None)
    }

    /// Where the link at `path` points, inside the template: its path, id
    /// and mode, and the links passed so far. A link that leaves the
    /// template, points to nothing, or loops is refused.
    fn resolve_link(
        &self,
        root: &Tree,
        path: &str,
        id: git2::Oid,
        links: usize,
    ) -> Result<(String, git2::Oid, i32, usize)> {
        if links >= MAX_LINKS {
            bail!(InputError(format!(
                "{}: `{path}`: symbolic links form a loop (more than {MAX_LINKS} in a row); remove the link",
                self.at
            )));
        }
        let blob = self.repo.find_blob(id).map_err(|e| self.damaged(e))?;
        let target = String::from_utf8_lossy(blob.content()).into_owned();
        let outside = || -> anyhow::Error {
            InputError(format!(
                "{}: `{path}` is a symbolic link outside the template (to {target}); templates may only link to their own files",
                self.at
            ))
            .into()
        };
        if target.starts_with('/') || target.len() > 4096 {
            return Err(outside());
        }
        let mut parts: Vec<&str> = path.split('/').collect();
        parts.pop();
        for seg in target.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop().ok_or_else(outside)?;
                }
                s => parts.push(s),
            }
        }
        let resolved = parts.join("/");
        let entry = (!resolved.is_empty())
            .then(|| root.get_path(std::path::Path::new(&resolved)).ok())
            .flatten()
            .ok_or_else(|| {
                InputError(format!(
                    "{}: `{path}` is a symbolic link to nothing (to {target}); remove it",
                    self.at
                ))
            })?;
        Ok((resolved, entry.id(), entry.filemode(), links + 1))
    }
}
