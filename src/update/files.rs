//! Every file of an update decided: the scaffolded files three ways
//! (renames first), platform.yaml like any of them, the managed files
//! rendered from the merged platform.yaml as `plat sync` renders them.

use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet};

use super::merge::{self, Action, Decision, Labels, Outcome};
use super::sides::Side;
use super::FileUpdate;
use crate::error::InputError;
use crate::manifest::{self, MANIFEST_FILE};
use crate::service::drift;
use crate::service::locate::Located;
use crate::template::Engine;
use crate::util::read::{self, Input};

type Files = BTreeMap<String, (Vec<u8>, bool)>;

fn file_update(path: &str, d: Decision, ours: Option<Vec<u8>>, executable: bool) -> FileUpdate {
    FileUpdate {
        path: path.to_string(),
        outcome: d.outcome,
        action: d.action,
        renamed_from: None,
        executable,
        ours,
        conflicts: d.conflicts,
    }
}

/// platform.yaml merged like any file: base and theirs as `plat new` would
/// write them, ours as it is. The new version, commit and answers come in
/// from theirs; the developer's comments and edits stay.
pub fn manifest(
    ours: &str,
    base: Option<&Side>,
    theirs: &Side,
    labels: &Labels,
) -> Result<FileUpdate> {
    let t = theirs.manifest_text.as_bytes();
    let decision = match base {
        Some(b) => merge::decide(
            Some(b.manifest_text.as_bytes()),
            Some(t),
            Some(ours.as_bytes()),
            labels,
        )?,
        None => merge::two_way(ours.as_bytes(), t, labels)?,
    };
    Ok(file_update(
        MANIFEST_FILE,
        decision,
        Some(ours.as_bytes().to_vec()),
        false,
    ))
}

/// Every scaffolded path of either render, decided against the disk;
/// renames first, declared or found by identical content. Without a base,
/// a file on disk that the new version also has is merged two ways.
pub fn scaffolded(
    located: &Located,
    base: Option<&Side>,
    theirs: &Side,
    labels: &Labels,
) -> Result<Vec<FileUpdate>> {
    let empty = Files::new();
    let base_files = base.map_or(&empty, |b| &b.files);
    let managed: BTreeSet<&String> = theirs
        .managed
        .iter()
        .chain(base.iter().flat_map(|b| b.managed.iter()))
        .collect();
    let mut paths: BTreeSet<&String> = base_files.keys().chain(theirs.files.keys()).collect();
    paths.retain(|p| !managed.contains(p) && p.as_str() != MANIFEST_FILE);
    let mut out = Vec::new();
    for (from, to) in renames(base_files, &theirs.files, &theirs.renames) {
        paths.remove(&from);
        paths.remove(&to);
        out.extend(rename(
            located,
            base_files,
            &theirs.files,
            &from,
            &to,
            labels,
        )?);
    }
    for path in paths {
        let ours = read_ours(located, path)?;
        let b = base_files.get(path).map(|(c, _)| c.as_slice());
        let (t, executable) = match theirs.files.get(path) {
            Some((c, x)) => (Some(c.as_slice()), *x),
            None => (None, false),
        };
        let decision = match (base, t, ours.as_deref()) {
            (None, Some(t), Some(o)) => merge::two_way(o, t, labels)?,
            _ => merge::decide(b, t, ours.as_deref(), labels)?,
        };
        out.push(file_update(path, decision, ours, executable));
    }
    Ok(out)
}

/// Moves the template made: declared in template.yaml (`renamed:`), or a
/// file removed whose exact content the new version adds at one new path.
fn renames(base: &Files, theirs: &Files, declared: &[(String, String)]) -> Vec<(String, String)> {
    let gone: Vec<&String> = base.keys().filter(|p| !theirs.contains_key(*p)).collect();
    let new: Vec<&String> = theirs.keys().filter(|p| !base.contains_key(*p)).collect();
    let mut out: Vec<(String, String)> = declared
        .iter()
        .filter(|(from, to)| gone.contains(&from) && new.contains(&to))
        .cloned()
        .collect();
    for from in gone {
        if out.iter().any(|(f, _)| f == from) {
            continue;
        }
        let same: Vec<&&String> = new
            .iter()
            .filter(|to| theirs[**to].0 == base[from].0 && !out.iter().any(|(_, t)| t == **to))
            .collect();
        if let [to] = same.as_slice() {
            out.push((from.clone(), (**to).clone()));
        }
    }
    out
}

/// One renamed file: the local edits move with it to the new path.
fn rename(
    located: &Located,
    base: &Files,
    theirs: &Files,
    from: &str,
    to: &str,
    labels: &Labels,
) -> Result<Vec<FileUpdate>> {
    let b = base[from].0.as_slice();
    let (t, executable) = (theirs[to].0.as_slice(), theirs[to].1);
    let old = read_ours(located, from)?;
    let new = read_ours(located, to)?;
    Ok(match (old, new) {
        // Moved (or deleted) by hand already: an ordinary file at `to`.
        (None, new) => {
            let d = merge::decide(Some(b), Some(t), new.as_deref(), labels)?;
            vec![file_update(to, d, new, executable)]
        }
        (Some(o), None) => {
            let d = merge::decide(Some(b), Some(t), Some(&o), labels)?;
            let bytes = match &d.action {
                // Binary and changed on both sides: stays where it is,
                // the new version beside it.
                Action::Beside(_) => return Ok(vec![file_update(from, d, Some(o), executable)]),
                Action::Write(bytes) => bytes.clone(),
                _ => o.clone(),
            };
            let mut f = file_update(to, d, None, executable);
            f.action = Action::Write(bytes);
            if f.outcome != Outcome::Conflict {
                f.outcome = Outcome::Renamed;
            }
            f.renamed_from = Some(from.to_string());
            f.ours = Some(o);
            vec![f]
        }
        // Both paths exist: `to` merged; `from` removed if never edited.
        (Some(o_old), Some(o_new)) => {
            let d = merge::decide(Some(b), Some(t), Some(&o_new), labels)?;
            let gone = merge::decide(Some(b), None, Some(&o_old), labels)?;
            vec![
                file_update(to, d, Some(o_new), executable),
                file_update(from, gone, Some(o_old), false),
            ]
        }
    })
}

/// The managed files rendered from the merged platform.yaml, as `plat
/// sync` renders them. None while platform.yaml has conflicts: `plat
/// sync` renders them once they are resolved.
pub fn managed(
    located: &Located,
    manifest_file: &FileUpdate,
    base: Option<&Side>,
    theirs: &Side,
    labels: &Labels,
) -> Result<Vec<FileUpdate>> {
    if manifest_file.outcome == Outcome::Conflict {
        return Ok(Vec::new());
    }
    let bytes = match &manifest_file.action {
        Action::Write(bytes) => bytes.as_slice(),
        _ => manifest_file.ours.as_deref().unwrap_or_default(),
    };
    let text = String::from_utf8_lossy(bytes);
    let template = theirs.template();
    let m = manifest::parse(&text).map_err(|problems| {
        InputError(format!(
            "{MANIFEST_FILE} merged with template {} {} is not valid; nothing was written:\n{}",
            template.definition.name,
            template.definition.version,
            crate::error::bullets(&problems)
        ))
    })?;
    let engine = Engine::new(template)?;
    let expected = drift::expected(template, &engine, &m)?;
    let mut out = Vec::new();
    for c in drift::compare(&located.root, &expected)? {
        // A file the service was given as its own, now managed: the
        // developer's edits are merged in, never overwritten.
        let was_scaffolded = base.and_then(|b| b.files.get(&c.path));
        if let (Some((b, _)), drift::ChangeKind::Create | drift::ChangeKind::Update) =
            (was_scaffolded, c.kind)
        {
            let ours = read_ours(located, &c.path)?;
            let mut d = merge::decide(Some(b), Some(&c.new), ours.as_deref(), labels)?;
            if matches!(d.outcome, Outcome::Updated | Outcome::Added) {
                d.outcome = Outcome::Managed;
            }
            out.push(file_update(&c.path, d, ours, c.executable));
            continue;
        }
        out.push(FileUpdate {
            action: match c.kind {
                drift::ChangeKind::Remove => Action::Delete,
                _ => Action::Write(c.new),
            },
            ours: (c.kind != drift::ChangeKind::Create).then_some(c.old),
            path: c.path,
            outcome: Outcome::Managed,
            renamed_from: None,
            executable: c.executable,
            conflicts: 0,
        });
    }
    Ok(out)
}

/// The file at `rel` under the service, None when there is none.
pub fn read_ours(located: &Located, rel: &str) -> Result<Option<Vec<u8>>> {
    let path = located.root.join(rel);
    match read::open_in(&located.root, &path).and_then(|o| o.read_all(Input::ServiceFile)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(r) if r.is_missing() => Ok(None),
        Err(r) => Err(r.into_error(&path, Input::ServiceFile)),
    }
}
