//! Drift: what a service's managed files should hold, rendered from its
//! platform.yaml now, against what is on disk. `plat doctor` reports the
//! difference; `plat sync` and `doctor --fix` apply it.

use anyhow::Result;
use globset::GlobSet;
use std::path::Path;

use crate::error::InputError;
use crate::manifest::{Manifest, MANIFEST_FILE};
use crate::template::spec::Spec;
use crate::template::{Contexts, Engine, PlannedFile, Scope, Template, MANAGED_MARKER};
use crate::util::read::{self, Input, Opened, Refused};

/// Which template renders a service's managed files: `--template` if
/// given, else the one platform.yaml records (`builtin:NAME`, a git source
/// at its recorded commit, or a directory, relative to the service if the
/// path is relative). None when neither names one.
pub fn template_spec(
    manifest: &Manifest,
    given: Option<&Spec>,
    service_root: &Path,
) -> Option<Result<Spec>> {
    if let Some(spec) = given {
        return Some(Ok(spec.clone()));
    }
    let rec = manifest.template.as_ref()?;
    Some(Spec::recorded(rec, service_root))
}

/// How the template in hand stands to the one platform.yaml records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Nothing to compare: no recorded template, or `--template` named
    /// another one. The string says which.
    Unrecorded(String),
    Same,
    /// The service is on an older version: a sync moves it to `available`.
    Older {
        recorded: String,
        available: String,
    },
    /// platform.yaml records a newer version than this plat has.
    Newer {
        recorded: String,
        available: String,
    },
}

/// Compares versions by SemVer when both are, else any difference counts
/// as older (the template in hand is the one to move to).
pub fn standing(manifest: &Manifest, template: &Template) -> Standing {
    let def = &template.definition;
    let Some(rec) = &manifest.template else {
        return Standing::Unrecorded("platform.yaml records no template".into());
    };
    if rec.name != def.name {
        return Standing::Unrecorded(format!(
            "the template given is `{}`, platform.yaml records `{}`",
            def.name, rec.name
        ));
    }
    let (recorded, available) = (rec.version.clone(), def.version.clone());
    let order = order(&recorded, &available);
    match order {
        std::cmp::Ordering::Equal => Standing::Same,
        std::cmp::Ordering::Less => Standing::Older {
            recorded,
            available,
        },
        std::cmp::Ordering::Greater => Standing::Newer {
            recorded,
            available,
        },
    }
}

/// SemVer order when both versions are SemVer; otherwise equal only when
/// the same text, and any other difference counts as older.
pub fn order(recorded: &str, available: &str) -> std::cmp::Ordering {
    match (
        semver::Version::parse(recorded),
        semver::Version::parse(available),
    ) {
        (Ok(r), Ok(a)) => r.cmp(&a),
        _ if recorded == available => std::cmp::Ordering::Equal,
        _ => std::cmp::Ordering::Less,
    }
}

/// Moving a service to a newer template version: platform.yaml's new text.
#[derive(Debug, Clone)]
pub struct Upgrade {
    pub from: String,
    pub to: String,
    /// platform.yaml with only `template.version` changed.
    pub manifest: String,
}

impl Upgrade {
    /// The upgrade `standing` calls for, computed before anything is
    /// written so a manifest plat cannot edit stops the whole sync.
    pub fn of(standing: &Standing, manifest_text: &str) -> Result<Option<Upgrade>> {
        let Standing::Older {
            recorded,
            available,
        } = standing
        else {
            return Ok(None);
        };
        Ok(Some(Upgrade {
            from: recorded.clone(),
            to: available.clone(),
            manifest: with_template_version(manifest_text, recorded, available)?,
        }))
    }
}

/// platform.yaml's text with only the `template.version` scalar replaced,
/// keeping every comment and the developer's formatting.
fn with_template_version(text: &str, old: &str, new: &str) -> Result<String> {
    let positions = crate::manifest::Positions::of(text);
    let unmovable = || {
        anyhow::anyhow!(InputError(format!(
            "{MANIFEST_FILE}: cannot find `template.version: {old}` to update it to {new}; set it by hand and run plat sync again"
        )))
    };
    let (line, column) = positions.value("template.version").ok_or_else(unmovable)?;
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum::<usize>()
        + text
            .split_inclusive('\n')
            .nth(line - 1)
            .and_then(|l| l.char_indices().nth(column - 1).map(|(i, _)| i))
            .ok_or_else(unmovable)?;
    let rest = &text[start..];
    let quote = rest
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')
        .map_or(0, char::len_utf8);
    if !rest[quote..].starts_with(old) {
        return Err(unmovable());
    }
    let at = start + quote;
    Ok(format!("{}{new}{}", &text[..at], &text[at + old.len()..]))
}

/// The managed files a manifest renders to, and the globs that say which
/// paths are plat's.
pub struct Expected {
    pub files: Vec<PlannedFile>,
    globs: GlobSet,
    /// First path segments of the globs, when all of them are literal: the
    /// only places a stale managed file can be.
    tops: Option<Vec<String>>,
}

/// Renders the managed files of `template` from `manifest` alone.
pub fn expected(template: &Template, engine: &Engine, manifest: &Manifest) -> Result<Expected> {
    // Rendered as platform.yaml will be after a sync: on this template.
    let mut manifest = manifest.clone();
    if let Some(t) = manifest.template.as_mut() {
        t.version = template.definition.version.clone();
    }
    let ctxs = Contexts::managed_only(template, &manifest);
    let plan = engine.render(template, &ctxs, Scope::Managed)?;
    let mut tops = Some(Vec::new());
    for rule in template.definition.rules.iter().filter(|r| r.managed) {
        for p in &rule.paths {
            let first = p.split('/').next().unwrap_or_default();
            match tops.as_mut() {
                Some(t) if !first.contains(['*', '?', '[', '{']) => t.push(first.to_string()),
                _ => tops = None,
            }
        }
    }
    if let Some(t) = tops.as_mut() {
        t.sort();
        t.dedup();
    }
    Ok(Expected {
        files: plan.files,
        globs: engine.managed_globs().clone(),
        tops,
    })
}

/// What a sync does to one managed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A managed file that should exist and does not.
    Create,
    /// A managed file whose contents differ from the render.
    Update,
    /// A file plat wrote (it carries the managed marker) that the manifest
    /// no longer renders, such as an environment's removed manifests.
    Remove,
}

impl ChangeKind {
    /// `Created`, or `Would create` when nothing is written.
    pub fn verb(self, written: bool) -> &'static str {
        match (self, written) {
            (ChangeKind::Create, true) => "Created",
            (ChangeKind::Update, true) => "Updated",
            (ChangeKind::Remove, true) => "Removed",
            (ChangeKind::Create, false) => "Would create",
            (ChangeKind::Update, false) => "Would update",
            (ChangeKind::Remove, false) => "Would remove",
        }
    }
}

/// One managed file out of step with platform.yaml.
#[derive(Debug, Clone)]
pub struct Change {
    /// Relative to the service root, `/`-separated.
    pub path: String,
    pub kind: ChangeKind,
    /// What is on disk now (empty for `Create`).
    pub old: Vec<u8>,
    /// What should be there (empty for `Remove`).
    pub new: Vec<u8>,
    pub executable: bool,
}

impl Change {
    /// A unified diff from the file on disk to the render, `a/` and `b/`
    /// prefixed as git writes them.
    pub fn diff(&self) -> String {
        let (a, b) = match self.kind {
            ChangeKind::Create => ("/dev/null".to_string(), format!("b/{}", self.path)),
            ChangeKind::Remove => (format!("a/{}", self.path), "/dev/null".to_string()),
            ChangeKind::Update => (format!("a/{}", self.path), format!("b/{}", self.path)),
        };
        crate::util::diff::unified(&self.old, &self.new, &a, &b)
    }
}

/// Compares the render with the files under `root`, in path order.
pub fn compare(root: &Path, expected: &Expected) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    let mut wanted = std::collections::HashSet::with_capacity(expected.files.len());
    for f in &expected.files {
        wanted.insert(f.path.as_str());
        let path = root.join(&f.path);
        match read_bounded(root, &path, f.contents.len()) {
            Ok(old) if old == *f.contents => {}
            Ok(old) => changes.push(Change {
                path: f.path.clone(),
                kind: ChangeKind::Update,
                old,
                new: f.contents.to_vec(),
                executable: f.executable,
            }),
            Err(r) if r.is_missing() => changes.push(Change {
                path: f.path.clone(),
                kind: ChangeKind::Create,
                old: Vec::new(),
                new: f.contents.to_vec(),
                executable: f.executable,
            }),
            Err(r) => return Err(r.into_error(&path, Input::ServiceFile)),
        }
    }
    for rel in managed_paths_on_disk(root, expected) {
        if wanted.contains(rel.as_str()) {
            continue;
        }
        let path = root.join(&rel);
        // The marker is in the header: the start of the file is enough.
        let head = read_bounded(root, &path, HEAD_BYTES)
            .map_err(|r| r.into_error(&path, Input::ServiceFile))?;
        if head
            .windows(MANAGED_MARKER.len())
            .any(|w| w == MANAGED_MARKER.as_bytes())
        {
            let old = read_bounded(root, &path, crate::template::tera_env::MAX_OUTPUT_BYTES)
                .map_err(|r| r.into_error(&path, Input::ServiceFile))?;
            changes.push(Change {
                path: rel,
                kind: ChangeKind::Remove,
                old,
                new: Vec::new(),
                executable: false,
            });
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(changes)
}

const HEAD_BYTES: usize = 64 * 1024;

/// A file's bytes for comparing with `want` bytes: all of them when the
/// sizes agree, else enough for a diff, so a huge file costs no more than
/// a normal one.
fn read_bounded(root: &Path, path: &Path, want: usize) -> Result<Vec<u8>, Refused> {
    use std::io::Read as _;
    let Opened { file: f, len } = read::open_in(root, path)?;
    let cap = if len == want as u64 {
        len
    } else {
        len.min(want as u64 + HEAD_BYTES as u64)
    };
    let mut bytes = Vec::with_capacity(cap as usize);
    f.take(cap).read_to_end(&mut bytes).map_err(Refused::Io)?;
    if (bytes.len() as u64) < len {
        bytes.extend_from_slice(
            format!(
                "\n[plat: {} more bytes not shown]\n",
                len - bytes.len() as u64
            )
            .as_bytes(),
        );
    }
    Ok(bytes)
}

/// Files under `root` matching the managed globs. Only the top-level
/// entries the globs name are walked, when they name any.
fn managed_paths_on_disk(root: &Path, expected: &Expected) -> Vec<String> {
    super::walk::files(root, expected.tops.as_deref(), false)
        .into_iter()
        .filter(|p| expected.globs.is_match(p.as_str()))
        .collect()
}
