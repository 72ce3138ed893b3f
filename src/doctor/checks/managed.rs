//! The template (PLAT600, PLAT601) and the files it manages (drift,
//! PLAT500-502): the managed files rendered from platform.yaml now,
//! against the disk.

use std::path::Path;

use super::{ManifestDoc, Run};
use crate::doctor::check_id::CheckId;
use crate::doctor::finding::Location;
use crate::doctor::options::{Loaded, LoadedTemplate};
use crate::service::drift::{self, Change, ChangeKind, Expected, Standing, Upgrade};
use crate::template::{Engine, Template};

const DRIFT: &[CheckId] = &[
    CheckId::ManagedDrift,
    CheckId::ManagedMissing,
    CheckId::ManagedStale,
];

/// What the drift checks found, for `--fix`.
pub(in crate::doctor) struct Outcome {
    pub changes: Vec<Change>,
    pub upgrade: Option<Upgrade>,
}

/// PLAT600/601 and the drift checks, which need the template.
pub(in crate::doctor) fn check(run: &mut Run, root: &Path, doc: &ManifestDoc) -> Option<Outcome> {
    let Some(spec) = drift::template_spec(doc.manifest, run.opts.template.as_ref(), root) else {
        run.skip_checks(
            &[CheckId::TemplateVersion, CheckId::TemplateAvailable],
            "platform.yaml records no template",
        );
        run.skip_checks(
            DRIFT,
            "platform.yaml records no template, so no file is managed",
        );
        return None;
    };
    let loaded = match spec {
        Ok(spec) => run.opts.templates.get(&spec, &run.opts.sources),
        Err(e) => std::sync::Arc::new(Err(format!("{e:#}"))),
    };
    let spec = doc
        .manifest
        .template
        .as_ref()
        .map(|t| t.source.clone())
        .unwrap_or_default();
    let shown = run.opts.template.as_ref().map_or(spec, |s| s.to_string());
    let LoadedTemplate { template, engine } = available(run, doc, &shown, &loaded)?;
    let standing = drift::standing(doc.manifest, template);
    if !template_version(run, doc, template, &standing) {
        return None;
    }
    let upgrade = upgrade(run, doc, &standing);
    drift(run, root, doc, template, engine, upgrade)
}

/// PLAT601: the template `spec` loaded. If not, the checks that need it
/// are skipped.
fn available<'l>(
    run: &mut Run,
    doc: &ManifestDoc,
    spec: &str,
    loaded: &'l Loaded,
) -> Option<&'l LoadedTemplate> {
    match loaded.as_ref() {
        Ok(t) => {
            run.pass(
                CheckId::TemplateAvailable,
                format!("template `{}` loaded", t.template.definition.name),
            );
            Some(t)
        }
        Err(e) => {
            run.fail(
                CheckId::TemplateAvailable,
                format!("the template `{spec}` cannot be loaded: {e}"),
                doc.at("template.source"),
            );
            let reason = "the template cannot be loaded";
            run.skip_after(
                &[CheckId::TemplateVersion],
                CheckId::TemplateAvailable,
                reason,
            );
            run.skip_after(DRIFT, CheckId::TemplateAvailable, reason);
            None
        }
    }
}

/// PLAT600: the recorded template against the one in hand. Returns false
/// when the recorded one is newer, which this plat cannot render, so the
/// drift checks are skipped.
fn template_version(
    run: &mut Run,
    doc: &ManifestDoc,
    template: &Template,
    standing: &Standing,
) -> bool {
    let name = &template.definition.name;
    match standing {
        Standing::Unrecorded(why) => run.skip_checks(&[CheckId::TemplateVersion], why),
        Standing::Same => match newer_builtin(template) {
            // The release the service was made from renders its managed
            // files; moving on is `plat update`'s (--fix cannot do it).
            Some(newest) => {
                let f = run.fail(
                    CheckId::TemplateVersion,
                    format!(
                        "platform.yaml records template {name} {}; {newest} is available",
                        template.definition.version
                    ),
                    doc.at("template.version"),
                );
                f.remediation = Some(format!(
                    "run `plat update` to bring the whole service to {newest}, keeping your edits"
                ));
                f.fixable = false;
            }
            None => run.pass(
                CheckId::TemplateVersion,
                format!(
                    "template {name} {} is the newest",
                    template.definition.version
                ),
            ),
        },
        Standing::Older {
            recorded,
            available,
        } => {
            run.fail(
                CheckId::TemplateVersion,
                format!(
                    "platform.yaml records template {name} {recorded}; {available} is available"
                ),
                doc.at("template.version"),
            )
            .remediation = Some(format!(
                "run `plat update` to bring the whole service to {available}, keeping your edits; `plat sync` / `plat doctor --fix` only re-renders the managed files"
            ));
        }
        Standing::Newer {
            recorded,
            available,
        } => {
            newer_than_plat(run, doc, name, recorded, available);
            return false;
        }
    }
    true
}

/// For a built-in rendered at an older release: the newest version this
/// plat carries.
fn newer_builtin(template: &Template) -> Option<String> {
    let crate::template::source::Origin::Builtin(name) = &template.origin else {
        return None;
    };
    let newest = crate::template::source::builtin_versions(name).pop()?;
    (drift::order(&template.definition.version, &newest) == std::cmp::Ordering::Less)
        .then_some(newest)
}

/// PLAT600 fails for a recorded template newer than this plat's, and the
/// drift checks wait for it.
fn newer_than_plat(run: &mut Run, doc: &ManifestDoc, name: &str, recorded: &str, available: &str) {
    let f = run.fail(
        CheckId::TemplateVersion,
        format!(
            "platform.yaml records template {name} {recorded}, newer than the {available} this plat has"
        ),
        doc.at("template.version"),
    );
    f.remediation = Some("upgrade plat (or pass --template with the newer template)".into());
    f.fixable = false;
    run.skip_after(
        DRIFT,
        CheckId::TemplateVersion,
        "the recorded template is newer than this plat's",
    );
}

/// The upgrade `--fix` would write for an older recorded template. An
/// upgrade plat cannot write is no fix: PLAT600 then says how to make it
/// one instead.
fn upgrade(run: &mut Run, doc: &ManifestDoc, standing: &Standing) -> Option<Upgrade> {
    match Upgrade::of(standing, doc.text) {
        Ok(u) => u,
        Err(e) => {
            if let Some(f) = run
                .findings
                .last_mut()
                .filter(|f| f.id == CheckId::TemplateVersion)
            {
                f.fixable = false;
                f.remediation = Some(format!("{e:#}"));
            }
            None
        }
    }
}

/// PLAT500-502: the managed files rendered now against the disk.
fn drift(
    run: &mut Run,
    root: &Path,
    doc: &ManifestDoc,
    template: &Template,
    engine: &Engine,
    upgrade: Option<Upgrade>,
) -> Option<Outcome> {
    let expected = rendered(run, doc, template, engine)?;
    let changes = compared(run, root, &expected)?;
    for (id, kind, ok) in [
        (
            CheckId::ManagedDrift,
            ChangeKind::Update,
            "managed files match platform.yaml",
        ),
        (
            CheckId::ManagedMissing,
            ChangeKind::Create,
            "every managed file exists",
        ),
        (
            CheckId::ManagedStale,
            ChangeKind::Remove,
            "no stale managed file",
        ),
    ] {
        let of_kind: Vec<&Change> = changes.iter().filter(|c| c.kind == kind).collect();
        if of_kind.is_empty() {
            run.pass(id, format!("{} ({} files)", ok, expected.files.len()));
        }
        for c in of_kind {
            let f = run.fail(id, change_message(c), Some(Location::file(c.path.clone())));
            f.diff = Some(c.diff());
        }
    }
    Some(Outcome { changes, upgrade })
}

/// The managed files as platform.yaml renders them; if it does not, every
/// drift check fails with the reason.
fn rendered(
    run: &mut Run,
    doc: &ManifestDoc,
    template: &Template,
    engine: &Engine,
) -> Option<Expected> {
    match drift::expected(template, engine, doc.manifest) {
        Ok(e) => Some(e),
        Err(e) => {
            let reason = format!("the template does not render from platform.yaml: {e:#}");
            for id in DRIFT {
                let f = run.fail(*id, reason.clone(), doc.at("template"));
                f.fixable = false;
                f.remediation = Some(
                    "fix platform.yaml or the template so `plat sync --dry-run` renders".into(),
                );
            }
            None
        }
    }
}

/// How the disk differs from `expected`. A managed path plat cannot read
/// stops the comparison once: PLAT500 fails and the others wait for it.
fn compared(run: &mut Run, root: &Path, expected: &Expected) -> Option<Vec<Change>> {
    match drift::compare(root, expected) {
        Ok(c) => Some(c),
        Err(e) => {
            let f = run.fail(CheckId::ManagedDrift, format!("{e:#}"), None);
            f.fixable = false;
            f.remediation = Some(
                "make the managed path a plain, readable file (or remove it), then run `plat sync`"
                    .into(),
            );
            run.skip_after(
                &[CheckId::ManagedMissing, CheckId::ManagedStale],
                CheckId::ManagedDrift,
                "the managed files cannot be read",
            );
            None
        }
    }
}

/// What a drift finding says about one changed file.
fn change_message(c: &Change) -> String {
    match c.kind {
        ChangeKind::Update => format!("{} differs from what platform.yaml renders", c.path),
        ChangeKind::Create => format!("{} is missing", c.path),
        ChangeKind::Remove => format!(
            "{} is a managed file platform.yaml no longer renders",
            c.path
        ),
    }
}
