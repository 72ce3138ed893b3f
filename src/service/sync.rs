//! `plat sync`: bring the managed files back in step with platform.yaml.
//! The same steps serve `plat doctor --fix`: find the drift, refuse to
//! overwrite uncommitted work, then replace each file whole, atomically.

use anyhow::{bail, Context as _, Result};
use std::path::{Path, PathBuf};

use super::drift::{self, Change, ChangeKind, Upgrade};
use super::locate::Located;
use crate::effects::git::{self, RepoState};
use crate::effects::{interrupt, replace};
use crate::error::InputError;
use crate::manifest::{self, Manifest, MANIFEST_FILE};
use crate::template::source::Sources;
use crate::template::spec::Spec;
use crate::template::{Engine, Template};
use crate::util::read::{self, Input};

/// How far one service is from its platform.yaml: what sync would do.
pub struct Drift {
    pub root: PathBuf,
    pub manifest: Manifest,
    pub changes: Vec<Change>,
    /// Set when the template is newer than the version platform.yaml
    /// records: `template.version` moves too.
    pub upgrade: Option<Upgrade>,
    /// Name and version of the template rendered with.
    pub template: (String, String),
}

/// Reads the service's manifest and template and compares the render with
/// the disk. Anything that stops a faithful render is an input error.
pub fn drift(located: &Located, template: Option<&Spec>, sources: &Sources) -> Result<Drift> {
    let Some(path) = &located.manifest else {
        bail!(InputError(format!(
            "no {MANIFEST_FILE} in `{}`{}; run plat sync inside a service created by `plat new`",
            located.searched.first().unwrap_or(&located.root).display(),
            if located.searched.len() > 1 {
                " or above it"
            } else {
                ""
            }
        )));
    };
    let (text, m) = read_manifest(&located.root, path)?;
    let tpl = load_template(&m, template, located, path, sources)?;
    let standing = drift::standing(&m, &tpl);
    if let drift::Standing::Newer {
        recorded,
        available,
    } = &standing
    {
        bail!(InputError(format!(
            "{MANIFEST_FILE} records template {} {recorded}, newer than the {available} this plat has; upgrade plat",
            tpl.definition.name
        )));
    }
    let upgrade = Upgrade::of(&standing, &text)?;
    let engine = Engine::new(&tpl)?;
    let expected = drift::expected(&tpl, &engine, &m)?;
    let changes = drift::compare(&located.root, &expected)?;
    Ok(Drift {
        root: located.root.clone(),
        manifest: m,
        changes,
        upgrade,
        template: (tpl.definition.name.clone(), tpl.definition.version.clone()),
    })
}

/// platform.yaml's text, kept for an upgrade's edit (or an update's
/// merge), and the manifest it holds, which must be valid.
pub fn read_manifest(root: &Path, path: &Path) -> Result<(String, Manifest)> {
    let text = read::read_text_in(root, path, Input::Manifest)?;
    let m = manifest::parse(&text).map_err(|problems| {
        InputError(format!(
            "{} is not valid; fix it first (`plat manifest validate` shows the same):\n{}",
            path.display(),
            crate::error::bullets(&problems)
        ))
    })?;
    Ok((text, m))
}

/// The template `--template` names, else the one the manifest at `path`
/// records.
fn load_template(
    m: &Manifest,
    given: Option<&Spec>,
    located: &Located,
    path: &Path,
    sources: &Sources,
) -> Result<Template> {
    let Some(spec) = drift::template_spec(m, given, &located.root) else {
        bail!(InputError(format!(
            "{} records no template (`template:`), so plat manages none of its files; pass --template to name one",
            path.display()
        )));
    };
    let spec = spec?;
    sources.load(&spec).with_context(|| {
        format!("loading the template `{spec}` named in {MANIFEST_FILE}; pass --template SOURCE if it moved")
    })
}

/// Files among `paths` (relative to `root`) that exist and hold work git
/// could not give back: modified, staged, untracked or ignored; outside a
/// repository, every existing file.
pub fn uncommitted(root: &Path, repo: &RepoState, paths: &[&str]) -> Vec<String> {
    let existing: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|p| root.join(p).exists())
        .collect();
    let workdir = match repo {
        RepoState::Ready { workdir } => workdir,
        _ => return existing.iter().map(|p| p.to_string()).collect(),
    };
    let Ok(git) = git2::Repository::open(workdir) else {
        return existing.iter().map(|p| p.to_string()).collect();
    };
    let prefix = root.strip_prefix(workdir).unwrap_or(Path::new(""));
    // One status scan of the service's directory, not one per file. An
    // untracked or ignored directory is one entry (`target/`): whatever is
    // below it counts.
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(false)
        .include_ignored(true)
        .recurse_ignored_dirs(false);
    if !prefix.as_os_str().is_empty() {
        opts.pathspec(prefix);
    }
    let Ok(statuses) = git.statuses(Some(&mut opts)) else {
        return existing.iter().map(|p| p.to_string()).collect();
    };
    let dirty: Vec<String> = statuses
        .iter()
        .filter(|s| !s.status().is_empty())
        .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
        .collect();
    let exact: std::collections::HashSet<&str> = dirty.iter().map(String::as_str).collect();
    let dirs: Vec<&str> = dirty
        .iter()
        .filter(|d| d.ends_with('/'))
        .map(String::as_str)
        .collect();
    existing
        .into_iter()
        .filter(|p| {
            let full = crate::service::relative(&prefix.join(p), Path::new(""));
            exact.contains(full.as_str()) || dirs.iter().any(|d| full.starts_with(d))
        })
        .map(str::to_string)
        .collect()
}

/// Refuses, listing every file, when a change would overwrite or remove
/// uncommitted work and `allow_dirty` is off.
pub fn refuse_dirty(located: &Located, changes: &[Change], allow_dirty: bool) -> Result<()> {
    if allow_dirty {
        return Ok(());
    }
    let paths: Vec<&str> = changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Create)
        .map(|c| c.path.as_str())
        .collect();
    let dirty = uncommitted(&located.root, &located.repo, &paths);
    if dirty.is_empty() {
        return Ok(());
    }
    let why = match &located.repo {
        RepoState::Ready { .. } => "they have uncommitted changes",
        RepoState::Unborn { .. } => {
            "the repository has no commit yet, so git could not give them back"
        }
        _ => "the service is not in a git repository, so nothing could give them back",
    };
    bail!(InputError(format!(
        "refusing to overwrite {} file{}: {why}:\n{}\ncommit or stash them first, or pass --allow-dirty to overwrite them anyway; nothing was written",
        dirty.len(),
        if dirty.len() == 1 { "" } else { "s" },
        dirty.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
    )))
}

/// Applies `changes` under `root`, each file replaced whole, then
/// platform.yaml for an upgrade. An interrupt stops between two files.
pub fn apply(located: &Located, changes: &[Change], upgrade: Option<&Upgrade>) -> Result<()> {
    let root = located.root.as_path();
    git::refuse_repository_files(root, &located.repo)?;
    for c in changes {
        replace::refuse_symlinks(root, &c.path)?;
    }
    if upgrade.is_some() {
        replace::refuse_symlinks(root, MANIFEST_FILE)?;
    }
    for (done, c) in changes.iter().enumerate() {
        interrupt::check().with_context(|| {
            format!(
                "stopped after replacing {done} of {} files, each whole; run plat sync again to finish",
                changes.len()
            )
        })?;
        let result = match c.kind {
            ChangeKind::Create | ChangeKind::Update => {
                replace::write_atomic(&root.join(&c.path), &c.new, c.executable)
            }
            ChangeKind::Remove => replace::remove(root, &c.path),
        };
        result.with_context(|| {
            format!(
                "{done} of {} files were replaced before this one, each whole; {} and the rest are unchanged; fix the cause and run plat sync again",
                changes.len(),
                c.path
            )
        })?;
    }
    if let Some(u) = upgrade {
        replace::write_atomic(&root.join(MANIFEST_FILE), u.manifest.as_bytes(), false)?;
    }
    Ok(())
}
