//! `plat sync`: bring the managed files back in step with platform.yaml.
//! The same steps serve `plat doctor --fix`: plan the changes (drift), refuse
//! to overwrite uncommitted work, then replace each file whole, atomically.

use anyhow::{bail, Context as _, Result};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::drift::{self, Change, ChangeKind, Upgrade};
use crate::error::InputError;
use crate::manifest::{self, Manifest};
use crate::scaffold::MANIFEST_FILE;
use crate::service::{Located, RepoState};

/// What sync would do to one service.
pub struct Plan {
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
pub fn plan(located: &Located, template: Option<&str>) -> Result<Plan> {
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
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let m = manifest::parse(&text).map_err(|problems| {
        InputError(format!(
            "{} is not valid; fix it first (`plat manifest validate` shows the same):\n{}",
            path.display(),
            crate::error::bullets(&problems)
        ))
    })?;
    let Some(spec) = drift::template_spec(&m, template, &located.root) else {
        bail!(InputError(format!(
            "{} records no template (`template:`), so plat manages none of its files; pass --template to name one",
            path.display()
        )));
    };
    let tpl = crate::source::load(&spec).with_context(|| {
        format!("loading the template `{spec}` named in {MANIFEST_FILE}; pass --template PATH if it moved")
    })?;
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
    let expected = drift::expected(&tpl, &m, None)?;
    let changes = drift::compare(&located.root, &expected)?;
    Ok(Plan {
        root: located.root.clone(),
        manifest: m,
        changes,
        upgrade,
        template: (tpl.definition.name.clone(), tpl.definition.version.clone()),
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
    existing
        .into_iter()
        .filter(|p| match git.status_file(&prefix.join(p)) {
            Ok(s) => !s.is_empty(),
            Err(_) => true,
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

/// Applies `changes` under `root`: each file written to a temporary file
/// beside it and renamed over the old one; removed files take their
/// emptied directories with them. Then platform.yaml, for an upgrade.
pub fn apply(root: &Path, changes: &[Change], upgrade: Option<&Upgrade>) -> Result<()> {
    for c in changes {
        refuse_symlinks(root, &c.path)?;
    }
    if upgrade.is_some() {
        refuse_symlinks(root, MANIFEST_FILE)?;
    }
    for (done, c) in changes.iter().enumerate() {
        crate::write::check_interrupt().with_context(|| {
            format!(
                "stopped after replacing {done} of {} files, each whole; run plat sync again to finish",
                changes.len()
            )
        })?;
        let path = root.join(&c.path);
        match c.kind {
            ChangeKind::Create | ChangeKind::Update => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
                write_atomic(&path, &c.new, c.executable)?;
            }
            ChangeKind::Remove => {
                std::fs::remove_file(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
                let mut dir = path.parent();
                while let Some(d) = dir.filter(|d| *d != root && d.starts_with(root)) {
                    if std::fs::remove_dir(d).is_err() {
                        break; // not empty
                    }
                    dir = d.parent();
                }
            }
        }
    }
    if let Some(u) = upgrade {
        write_atomic(&root.join(MANIFEST_FILE), u.manifest.as_bytes(), false)?;
    }
    Ok(())
}

/// Refuses a path that goes through a symbolic link inside the service:
/// writing through it could change files outside the repository.
fn refuse_symlinks(root: &Path, rel: &str) -> Result<()> {
    let mut path = root.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => bail!(InputError(format!(
                "refusing to write {rel}: `{}` is a symbolic link, and plat only writes plain files inside the service; replace the link with the directory or file itself",
                path.display()
            ))),
            Ok(_) => {}
            Err(_) => break, // missing: created as a plain directory or file
        }
    }
    Ok(())
}

/// Replaces `path` whole: readers see the old file or the new one, never
/// a mix. An existing file keeps its permissions.
pub fn write_atomic(path: &Path, contents: &[u8], executable: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.plat-tmp-{}", std::process::id()));
    let _busy = crate::write::Replacing::start(&tmp);
    let result = (|| -> Result<()> {
        let mut f =
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        f.write_all(contents)
            .with_context(|| format!("writing {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("writing {}", tmp.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = match std::fs::metadata(path) {
                Ok(m) => m.permissions().mode() & 0o7777,
                Err(_) if executable => 0o755,
                Err(_) => 0o644,
            };
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))
                .with_context(|| format!("setting the mode of {}", tmp.display()))?;
        }
        #[cfg(not(unix))]
        let _ = executable;
        std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
