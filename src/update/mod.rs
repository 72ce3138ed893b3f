//! `plat update`: a service moves to a newer version of its template
//! without losing a local change. The template as the service was made
//! from it (base) and the new version (theirs) are both rendered with the
//! service's recorded answers ([`sides`]); each file on disk (ours) is
//! compared with both and decided on its own ([`merge`]): taken, kept,
//! merged, or written with conflict markers. platform.yaml is merged the
//! same way, then the managed files are rendered from it as `plat sync`
//! renders them. Everything is decided before the first file is written
//! ([`apply`]).

pub mod apply;
mod files;
pub mod fleet;
pub mod merge;
pub mod sides;
mod target;

use anyhow::{bail, Context as _, Result};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use crate::error::InputError;
use crate::manifest::{Manifest, MANIFEST_FILE};
use crate::new::answers::{secret_placeholder, Inputs, Prompter, ENV_PREFIX};
use crate::service::locate::Located;
use crate::template::source::Sources;
use crate::template::Template;
use merge::{Action, Labels, Outcome};
use sides::Side;

pub use target::{Available, Version};

/// What the user asked of `plat update`.
#[derive(Debug, Clone, Default)]
pub struct UpdateRequest {
    /// `--to VERSION|REF`.
    pub to: Option<String>,
    /// `--set`, `--values` and `PLAT_VAR_*`: answers for variables the new
    /// version adds (or new answers for old ones, from `--set`/`--values`).
    pub inputs: Inputs,
    pub render_timeout: Duration,
}

/// One file's part in an update.
#[derive(Debug, Clone)]
pub struct FileUpdate {
    /// Relative to the service root, `/`-separated.
    pub path: String,
    pub outcome: Outcome,
    pub action: Action,
    /// For a rename: the path the file had.
    pub renamed_from: Option<String>,
    pub executable: bool,
    /// The file on disk now, for diffs (None: no such file).
    pub ours: Option<Vec<u8>>,
    pub conflicts: usize,
}

/// Everything an update will do, decided before anything is written.
pub struct Update {
    pub root: PathBuf,
    pub from: Version,
    pub to: Version,
    /// Every file either render or the disk has, in path order.
    pub files: Vec<FileUpdate>,
    /// platform.yaml's new text (with conflict markers if it has any).
    pub manifest: FileUpdate,
    /// False when the base could not be had: files changed on both sides
    /// were merged two ways, every difference a conflict.
    pub base_known: bool,
    /// Answers the new version asked for that the service did not have.
    pub new_answers: BTreeMap<String, Value>,
    pub warnings: Vec<String>,
}

impl Update {
    /// Conflict blocks written across every file.
    pub fn conflicts(&self) -> usize {
        self.files.iter().map(|f| f.conflicts).sum::<usize>() + self.manifest.conflicts
    }

    /// The files it writes, removes or writes beside, platform.yaml last.
    pub fn touched(&self) -> impl Iterator<Item = &FileUpdate> {
        self.files
            .iter()
            .chain(std::iter::once(&self.manifest))
            .filter(|f| f.action != Action::Nothing)
    }
}

/// Where the service stands: up to date, or an update to compute.
pub enum Plan {
    UpToDate(Version),
    Update(Box<Update>),
}

/// Reads the service at `located`, finds the version to move to and
/// decides every file. `prompter` asks for new variables on a terminal.
pub fn plan(
    located: &Located,
    req: &UpdateRequest,
    sources: &Sources,
    prompter: Option<&mut dyn Prompter>,
) -> Result<Plan> {
    let (text, m) = read_manifest(located)?;
    let recorded = m.template.clone().ok_or_else(|| {
        InputError(format!(
            "{MANIFEST_FILE} records no template (`template:`), so there is nothing to update from; it was not made by `plat new`"
        ))
    })?;
    let from = Version::recorded(&recorded);
    let theirs_template = match target::newer(&recorded, &located.root, req.to.as_deref(), sources)?
    {
        Available::UpToDate => return Ok(Plan::UpToDate(from)),
        Available::Newer(t) => *t,
    };
    let mut warnings = Vec::new();
    let base_template = match target::base(&recorded, &located.root, sources) {
        Ok(t) => Some(t),
        Err(why) => {
            warnings.push(format!(
                "the template as this service was made from it ({from}) cannot be had ({why:#}); files changed on both sides are merged two ways: every difference is marked as a conflict"
            ));
            None
        }
    };
    let name = m.metadata.name.clone();
    let recorded_answers: BTreeMap<String, Value> = recorded
        .answers
        .iter()
        .map(|(k, v)| Ok((k.clone(), serde_json::to_value(v)?)))
        .collect::<Result<_>>()?;
    let base_inputs = Inputs {
        name: name.clone(),
        recorded: recorded_answers.clone(),
        secret_placeholders: true,
        // A secret supplied now renders the same on both sides.
        set: base_template
            .as_ref()
            .map_or_else(Vec::new, |t| supplied_secrets(&req.inputs, t)),
        ..Inputs::default()
    };
    let theirs_inputs = Inputs {
        name,
        recorded: recorded_answers.clone(),
        secret_placeholders: true,
        ..req.inputs.clone()
    };
    let base = base_template
        .map(|t| {
            sides::render(t, &base_inputs, None, req.render_timeout).with_context(|| {
                format!("rendering the template as this service was made from it ({from}) with the answers {MANIFEST_FILE} records")
            })
        })
        .transpose()?;
    let theirs = sides::render(
        theirs_template,
        &theirs_inputs,
        prompter,
        req.render_timeout,
    )?;
    let to = Version::of(theirs.template());
    warnings.extend(theirs.prepared.answers.warnings.iter().cloned());
    let new_answers = theirs
        .prepared
        .answers
        .recordable()
        .into_iter()
        .filter(|(k, _)| !recorded_answers.contains_key(k))
        .collect();
    let labels_base = base
        .as_ref()
        .map_or_else(|| "base unknown".to_string(), Side::label);
    let labels_theirs = theirs.label();
    let labels = Labels {
        base: &labels_base,
        theirs: &labels_theirs,
    };
    let manifest = files::manifest(&text, base.as_ref(), &theirs, &labels)?;
    let mut files = files::scaffolded(located, base.as_ref(), &theirs, &labels)?;
    files.extend(files::managed(
        located,
        &manifest,
        base.as_ref(),
        &theirs,
        &labels,
    )?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    check_no_placeholder(&files, &manifest, theirs.template())?;
    Ok(Plan::Update(Box::new(Update {
        root: located.root.clone(),
        from,
        to,
        files,
        manifest,
        base_known: base.is_some(),
        new_answers,
        warnings,
    })))
}

/// platform.yaml's text and the manifest it holds, which must be valid.
fn read_manifest(located: &Located) -> Result<(String, Manifest)> {
    let Some(path) = &located.manifest else {
        bail!(InputError(format!(
            "no {MANIFEST_FILE} in `{}` or above it; run plat update inside a service created by `plat new`",
            located.root.display()
        )));
    };
    crate::service::sync::read_manifest(&located.root, path)
}

/// The secrets of `template` supplied by `--set`, a values file or the
/// environment, as `--set` pairs (strongest last): the base renders a
/// secret supplied now as the new version will.
fn supplied_secrets(inputs: &Inputs, template: &Template) -> Vec<(String, String)> {
    let secret = |k: &str| {
        template
            .definition
            .variables
            .iter()
            .any(|v| v.secret && v.name == k)
    };
    let mut set = Vec::new();
    for (k, v) in &inputs.env {
        let key = k[ENV_PREFIX.len()..].to_lowercase();
        set.push((key, v.clone()));
    }
    if let Some((_, map)) = &inputs.values {
        for (k, v) in map {
            if let Some(s) = v.as_str() {
                set.push((k.clone(), s.to_string()));
            }
        }
    }
    set.extend(inputs.set.iter().cloned());
    set.retain(|(k, _)| secret(k));
    set
}

/// A secret nobody supplied renders as a placeholder on both sides, so
/// its lines count as local; a file about to be written must not hold one.
fn check_no_placeholder(
    files: &[FileUpdate],
    manifest: &FileUpdate,
    template: &Template,
) -> Result<()> {
    let secrets: Vec<&str> = template
        .definition
        .variables
        .iter()
        .filter(|v| v.secret)
        .map(|v| v.name.as_str())
        .collect();
    let mut needed = BTreeSet::new();
    for f in files.iter().chain(std::iter::once(manifest)) {
        let bytes = match &f.action {
            Action::Write(b) | Action::Beside(b) => b,
            _ => continue,
        };
        for s in &secrets {
            let mark = secret_placeholder(s);
            if bytes.windows(mark.len()).any(|w| w == mark.as_bytes()) {
                needed.insert((s.to_string(), f.path.clone()));
            }
        }
    }
    if needed.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = needed
        .iter()
        .map(|(s, p)| format!("  {s} (in {p})"))
        .collect();
    bail!(InputError(format!(
        "the new version writes secret variables plat does not record into files:\n{}\npass each with --set KEY=VALUE, in a --values file, or as {}<KEY>; nothing was written",
        list.join("\n"),
        crate::new::answers::ENV_PREFIX
    )))
}
