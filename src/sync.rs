//! `plat sync`: bring the managed files back in step with platform.yaml.
//! The same steps serve `plat doctor --fix`: plan the changes (drift), refuse
//! to overwrite uncommitted work, then replace each file whole, atomically.

use anyhow::{bail, Context as _, Result};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::drift::{self, Change, ChangeKind};
use crate::error::InputError;
use crate::manifest::{self, Manifest, Positions};
use crate::scaffold::MANIFEST_FILE;
use crate::service::{Located, RepoState};

/// What sync would do to one service.
pub struct Plan {
    pub root: PathBuf,
    pub manifest: Manifest,
    pub changes: Vec<Change>,
    /// `(recorded, available)` when the template is newer than the one
    /// platform.yaml records: its `template.version` is updated too.
    pub bump: Option<(String, String)>,
    /// Name and version of the template rendered with.
    pub template: (String, String),
}

/// Reads the service's manifest and template and compares the render with
/// the disk. Anything that stops a faithful render is an input error.
pub fn plan(located: &Located, template: Option<&str>) -> Result<Plan> {
    let Some(path) = &located.manifest else {
        bail!(InputError(format!(
            "no {MANIFEST_FILE} in `{}` or above it; run plat sync inside a service created by `plat new`",
            located.searched.first().unwrap_or(&located.root).display()
        )));
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let m = manifest::parse(&text).map_err(|problems| {
        InputError(format!(
            "{} is not valid; fix it first (`plat manifest validate` shows the same):\n{}",
            path.display(),
            problems
                .iter()
                .map(|p| format!("  - {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))
    })?;
    let spec = match (template, &m.template) {
        (Some(t), _) => t.to_string(),
        (None, Some(t)) => recorded_source(&t.source, &located.root),
        (None, None) => bail!(InputError(format!(
            "{} records no template (`template:`), so plat manages none of its files; pass --template to name one",
            path.display()
        ))),
    };
    let tpl = crate::source::load(&spec).with_context(|| {
        format!("loading the template `{spec}` named in {MANIFEST_FILE}; pass --template PATH if it moved")
    })?;
    let available = tpl.definition.version.clone();
    let recorded = m.template.as_ref().map(|t| t.version.clone());
    let mut bump = None;
    if let Some(rec) = &recorded {
        match compare_versions(rec, &available) {
            std::cmp::Ordering::Greater => bail!(InputError(format!(
                "{MANIFEST_FILE} records template {} {rec}, newer than the {available} this plat has; upgrade plat",
                tpl.definition.name
            ))),
            std::cmp::Ordering::Less => bump = Some((rec.clone(), available.clone())),
            std::cmp::Ordering::Equal => {}
        }
    }
    let expected = drift::expected(&tpl, &m, None)?;
    let changes = drift::compare(&located.root, &expected)?;
    Ok(Plan {
        root: located.root.clone(),
        manifest: m,
        changes,
        bump,
        template: (tpl.definition.name.clone(), available),
    })
}

/// The template spec platform.yaml's `template.source` names: a built-in
/// (`builtin:service`), or a directory, relative to the service if the
/// path is relative.
pub fn recorded_source(source: &str, service_root: &Path) -> String {
    if let Some(name) = source.strip_prefix("builtin:") {
        return name.to_string();
    }
    let path = Path::new(source);
    if path.is_relative() {
        service_root.join(path).display().to_string()
    } else {
        source.to_string()
    }
}

/// Orders template versions: by SemVer when both are, else any difference
/// counts as older (the template in hand is the one to move to).
pub fn compare_versions(recorded: &str, available: &str) -> std::cmp::Ordering {
    match (
        semver::Version::parse(recorded),
        semver::Version::parse(available),
    ) {
        (Ok(r), Ok(a)) => r.cmp(&a),
        _ if recorded == available => std::cmp::Ordering::Equal,
        _ => std::cmp::Ordering::Less,
    }
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
/// emptied directories with them. Then bumps `template.version`.
pub fn apply(root: &Path, changes: &[Change], bump: Option<&(String, String)>) -> Result<()> {
    for c in changes {
        refuse_symlinks(root, &c.path)?;
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
    if let Some((old, new)) = bump {
        bump_version(&root.join(MANIFEST_FILE), old, new)?;
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

/// Rewrites only the `template.version` scalar of platform.yaml, keeping
/// every comment and the developer's formatting.
fn bump_version(path: &Path, old: &str, new: &str) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let line = Positions::of(&text)
        .line("template.version")
        .with_context(|| format!("{}: `template.version` not found", path.display()))?;
    let mut out = String::with_capacity(text.len() + new.len());
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            match l
                .find("version")
                .map(|k| k + "version".len())
                .and_then(|k| l[k..].find(old).map(|j| k + j))
            {
                Some(at) => {
                    out.push_str(&l[..at]);
                    out.push_str(new);
                    out.push_str(&l[at + old.len()..]);
                }
                None => bail!(
                    "{}: cannot find `{old}` on line {line} to update it",
                    path.display()
                ),
            }
        } else {
            out.push_str(l);
        }
    }
    write_atomic(path, out.as_bytes(), false)
}
