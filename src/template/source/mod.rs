//! Where a template comes from: the built-ins embedded in the binary
//! (`builtin`), a directory on disk (`dir`), or a commit of a git
//! repository in plat's cache (`git`). Whatever the source, the result is
//! the same in-memory [`Template`], read once, with symlinks resolved and
//! checked. [`Sources`] turns what the user wrote into one.

mod builtin;
mod catalog;
mod dir;
mod git;

use anyhow::{bail, Result};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::definition::Definition;
use super::spec::{Aliases, GitSpec, Spec};
use crate::error::InputError;
use crate::fetch::refs::Upstream;
use crate::fetch::{Cache, Freshness, Network, Reporter, Want};
use crate::manifest::ParentRef;
use crate::util::read::{self, Input};

pub use builtin::{builtin_names, builtin_versions, load_builtin, load_builtin_at};
pub use catalog::Catalogue;
pub use dir::load_dir;

/// A file of a built-in template, embedded in the binary by build.rs.
pub struct BuiltinFile {
    pub path: &'static str,
    pub contents: &'static [u8],
    pub executable: bool,
}

/// A built-in template: its name, every file of its directory, and the
/// earlier versions this plat shipped.
pub struct BuiltinTemplate {
    pub name: &'static str,
    pub files: &'static [BuiltinFile],
    pub releases: &'static [BuiltinRelease],
}

/// An earlier released version of a built-in template, byte for byte as it
/// shipped (`templates/releases/<name>/<version>/`).
pub struct BuiltinRelease {
    pub version: &'static str,
    pub files: &'static [BuiltinFile],
}

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// Where a template was loaded from, recorded in platform.yaml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin(String),
    Local(PathBuf),
    /// A commit of a git repository: `spec.commit` is always set.
    Git(GitSpec),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Builtin(name) => write!(f, "builtin:{name}"),
            Origin::Local(path) => write!(f, "{}", path.display()),
            Origin::Git(spec) => {
                write!(f, "{spec}")?;
                match &spec.commit {
                    Some(c) => write!(f, " (commit {})", &c[..c.len().min(12)]),
                    None => Ok(()),
                }
            }
        }
    }
}

impl Origin {
    /// `source`, and for git `path`, `ref` and `commit`: how platform.yaml
    /// records where a project came from. Never a credential.
    pub fn provenance(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut m = serde_json::Map::new();
        match self {
            Origin::Git(g) => {
                m.insert("source".into(), g.url.to_string().into());
                if !g.subdir.is_empty() {
                    m.insert("path".into(), g.subdir.clone().into());
                }
                if let Some(r) = &g.reference {
                    m.insert("ref".into(), r.clone().into());
                }
                if let Some(c) = &g.commit {
                    m.insert("commit".into(), c.clone().into());
                }
            }
            other => {
                m.insert("source".into(), other.to_string().into());
            }
        }
        m
    }
}

/// Where a file's bytes are: in the binary, on disk (read only when the
/// file is rendered, so a large template is never all in memory), or read
/// from a git object.
#[derive(Debug, Clone)]
pub enum SourceData {
    Static(&'static [u8]),
    File(PathBuf),
    Bytes(Arc<[u8]>),
}

/// One file under `files/`, before rendering.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to `files/`, `/`-separated.
    pub path: String,
    pub data: SourceData,
    pub executable: bool,
}

impl SourceFile {
    /// The file's bytes: borrowed for a built-in, copied from a git
    /// object, read from disk otherwise.
    pub fn bytes(&self) -> Result<Cow<'static, [u8]>> {
        match &self.data {
            SourceData::Static(b) => Ok(Cow::Borrowed(*b)),
            SourceData::Bytes(b) => Ok(Cow::Owned(b.to_vec())),
            SourceData::File(p) => read::open_resolved(p)
                .and_then(|f| f.read_all(Input::TemplateFile))
                .map(Cow::Owned)
                .map_err(|r| r.into_error(p, Input::TemplateFile)),
        }
    }
}

/// A loaded template: its definition, the list of its files, and its
/// partials (`partials/`: templates the files may `include`, or whose
/// components they may use, never written themselves).
#[derive(Clone)]
pub struct Template {
    pub origin: Origin,
    pub definition: Definition,
    pub files: Vec<SourceFile>,
    pub partials: Vec<(String, String)>,
    /// The templates this one extends, nearest first (`extends:`), already
    /// composed into it: what platform.yaml records of the chain.
    pub parents: Vec<ParentRef>,
}

/// What identifies a template in an `extends:` chain, for cycles.
fn key(spec: &Spec) -> String {
    match spec {
        Spec::Local(p) => std::fs::canonicalize(p)
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string(),
        other => other.to_string(),
    }
}

/// One template of an `extends:` chain as platform.yaml records it: where
/// it came from (as [`Origin::provenance`] says) and what it is.
pub fn parent_ref(origin: &Origin, def: &Definition) -> ParentRef {
    let p = origin.provenance();
    let text = |k: &str| p.get(k).and_then(|v| v.as_str()).map(str::to_string);
    ParentRef {
        source: text("source").unwrap_or_default(),
        path: text("path"),
        reference: text("ref"),
        commit: text("commit"),
        name: def.name.clone(),
        version: def.version.clone(),
    }
}

/// Everything loading a template may need beyond its name: the aliases of
/// plat's config, the git cache and how to reach servers, and who hears
/// about fetches.
#[derive(Clone)]
pub struct Sources {
    pub aliases: Aliases,
    /// None when no cache directory is known (no HOME, no
    /// XDG_CACHE_HOME, no PLAT_CACHE_DIR): git sources then fail.
    pub cache: Option<Cache>,
    pub network: Network,
    pub freshness: Freshness,
    pub reporter: Arc<dyn Reporter + Send>,
}

impl Default for Sources {
    /// Built-ins and directories only: no aliases, no cache.
    fn default() -> Sources {
        Sources {
            aliases: Aliases::default(),
            cache: None,
            network: Network::default(),
            freshness: Freshness::default(),
            reporter: Arc::new(crate::fetch::Silent),
        }
    }
}

impl Sources {
    /// Parses a template argument (`--ref` in `reference`).
    pub fn parse(&self, text: &str, reference: Option<&str>) -> Result<Spec> {
        Spec::parse(text, &self.aliases, reference)
    }

    /// Parses and loads a template argument.
    pub fn load_text(&self, text: &str) -> Result<Template> {
        self.load(&self.parse(text, None)?)
    }

    /// Loads the template `spec` names, fetching it first if it is in git
    /// and the cache cannot answer, composed with the templates it extends.
    pub fn load(&self, spec: &Spec) -> Result<Template> {
        let template = self.load_one(spec)?;
        self.extended(template, &mut vec![key(spec)])
    }

    /// `template` composed with its `extends:` chain; `seen` holds the
    /// chain so far, to refuse cycles and chains too deep.
    fn extended(&self, template: Template, seen: &mut Vec<String>) -> Result<Template> {
        let Some(text) = template.definition.extends.clone() else {
            return Ok(template);
        };
        let spec = self.parent_spec(&template, &text)?;
        seen.push(key(&spec));
        let chain = seen.join(" -> ");
        if seen[..seen.len() - 1].contains(seen.last().unwrap_or(&String::new())) {
            bail!(InputError(format!(
                "`extends:` goes round in a circle: {chain}; a template cannot extend itself"
            )));
        }
        if seen.len() > crate::template::compose::MAX_DEPTH + 1 {
            bail!(InputError(format!(
                "`extends:` chain too deep: {chain}; a template extends at most {} others in a row",
                crate::template::compose::MAX_DEPTH
            )));
        }
        let parent = self.load_one(&spec).map_err(|e| {
            anyhow::anyhow!(
                "{e:#}\n(loading `{text}`, which `{}` extends)",
                template.definition.name
            )
        })?;
        let parent = self.extended(parent, seen)?;
        crate::template::compose::compose(parent, template, &chain)
    }

    /// What a child's `extends:` names, pinned, with relative directories
    /// taken from the child: beside it, or in its git repository at its
    /// commit.
    fn parent_spec(&self, child: &Template, text: &str) -> Result<Spec> {
        let spec = self.parse(text, None)?;
        let unpinned = |what: &str| {
            InputError(format!(
                "template `{}`: `extends: {text}` must be pinned: {what}",
                child.definition.name
            ))
        };
        Ok(match (spec, &child.origin) {
            (Spec::Local(p), Origin::Local(dir)) if p.is_relative() => Spec::Local(dir.join(p)),
            (Spec::Local(p), Origin::Git(g)) if p.is_relative() => Spec::Git(GitSpec {
                subdir: crate::template::spec::join_relative(&g.subdir, &p.to_string_lossy())
                    .map_err(|e| InputError(format!("`extends: {text}`: {e}")))?,
                reference: g.reference.clone(),
                ..g.clone()
            }),
            (Spec::Local(_), Origin::Git(_) | Origin::Builtin(_)) => bail!(InputError(format!(
                "template `{}`: `extends: {text}`: a template from git or a built-in can only extend a template in the same repository (a relative path), a built-in or a git source",
                child.definition.name
            ))),
            (Spec::Builtin(name), _) => bail!(unpinned(&format!(
                "name the version, `{name}?ref=VERSION` (this plat carries {})",
                builtin_versions(&name).join(", ")
            ))),
            (Spec::Git(g), _) if g.reference.is_none() && g.commit.is_none() => {
                bail!(unpinned("add `?ref=TAG` or a commit id"))
            }
            (spec, _) => spec,
        })
    }

    /// One template, without its `extends:` chain.
    fn load_one(&self, spec: &Spec) -> Result<Template> {
        match spec {
            Spec::Builtin(name) => load_builtin(name).map_err(|e| self.unknown_name(name, e)),
            Spec::BuiltinAt { name, version } => match load_builtin_at(name, version)? {
                Some(t) => Ok(t),
                None => load_builtin(name),
            },
            Spec::Local(path) => load_dir(Path::new(path)),
            Spec::Git(git) => self.load_git(git),
        }
    }

    /// The text of the template.yaml `spec` names, unchecked: `plat
    /// template lint` reports every problem in it with its line, where
    /// [`Sources::load`] stops at them.
    pub fn definition_text(&self, spec: &Spec) -> Result<String> {
        match spec {
            Spec::Builtin(name) => builtin::definition_text(name, None)
                .map(str::to_string)
                .map_err(|e| self.unknown_name(name, e)),
            Spec::BuiltinAt { name, version } => {
                builtin::definition_text(name, Some(version)).map(str::to_string)
            }
            Spec::Local(path) => dir::definition_text(Path::new(path)),
            Spec::Git(git) => {
                let cache = self.cache(git)?;
                let want = match &git.commit {
                    Some(c) => Want::Commit(c.clone()),
                    None => Want::Ref(git.reference.clone()),
                };
                let resolved = cache.resolve(
                    &git.url,
                    &want,
                    self.freshness,
                    &self.network,
                    &*self.reporter,
                )?;
                git::definition_text(git, &resolved)
            }
        }
    }

    /// An unknown built-in name may be a misspelt alias: say so.
    fn unknown_name(&self, name: &str, e: anyhow::Error) -> anyhow::Error {
        let aliases: Vec<&str> = self.aliases.names().collect();
        if aliases.is_empty() {
            return e;
        }
        let hint = crate::util::suggest::did_you_mean(name, aliases.iter().copied())
            .map(|a| format!("; did you mean the source alias `{a}`?"))
            .unwrap_or_default();
        anyhow::anyhow!(InputError(format!(
            "{e}{hint} (aliases in plat's config: {})",
            aliases.join(", ")
        )))
    }

    /// Where the git source a service was made from stands now: fetched
    /// once per run unless offline, else from the cache (the second value
    /// then says how old it is).
    pub fn upstream(&self, spec: &GitSpec, commit: &str) -> Result<(Upstream, Option<String>)> {
        let cache = self.cache(spec)?;
        let commit = git2::Oid::from_str(commit)?;
        let latest = cache.latest(&spec.url, self.freshness, &self.network, &*self.reporter)?;
        let upstream =
            crate::fetch::refs::upstream(&latest.repo, spec.reference.as_deref(), commit);
        Ok((upstream, latest.stale))
    }

    /// The git cache, or why there is none.
    fn cache(&self, spec: &GitSpec) -> Result<&Cache> {
        self.cache.as_ref().ok_or_else(|| {
            InputError(format!(
                "{spec}: plat has nowhere to cache git repositories; set PLAT_CACHE_DIR (or HOME or XDG_CACHE_HOME)"
            ))
            .into()
        })
    }

    fn load_git(&self, spec: &GitSpec) -> Result<Template> {
        let cache = self.cache(spec)?;
        let want = match &spec.commit {
            Some(c) => Want::Commit(c.clone()),
            None => Want::Ref(spec.reference.clone()),
        };
        let reporter = &*self.reporter;
        let resolved = cache.resolve(&spec.url, &want, self.freshness, &self.network, reporter)?;
        match git::load(spec, &resolved) {
            Err(e) if git::is_damaged(&e) && !self.freshness.offline => {
                drop(resolved);
                reporter.note(format!(
                    "the cached copy of {} is damaged; fetching it afresh",
                    spec.url
                ));
                cache.discard(&spec.url)?;
                let resolved =
                    cache.resolve(&spec.url, &want, self.freshness, &self.network, reporter)?;
                git::load(spec, &resolved)
            }
            other => other,
        }
    }
}
