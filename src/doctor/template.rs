//! The template checks (PLAT600, PLAT601) and drift (PLAT500-502): the
//! managed files rendered from platform.yaml now, against the disk.

use std::path::Path;

use super::{LoadedTemplate, Location, ManifestDoc, Run};
use crate::drift::{self, Change, ChangeKind};

const DRIFT: &[&str] = &["PLAT500", "PLAT501", "PLAT502"];

/// What the drift checks found, for `--fix`.
pub(super) struct Outcome {
    pub changes: Vec<Change>,
    /// `(recorded, available)` when the template is newer than recorded.
    pub upgrade: Option<(String, String)>,
}

/// PLAT600/601 and the drift checks, which need the template.
pub(super) fn check(run: &mut Run, root: &Path, doc: &ManifestDoc) -> Option<Outcome> {
    let recorded = doc.manifest.template.as_ref();
    let spec = match (&run.opts.template, recorded) {
        (Some(spec), _) => spec.clone(),
        (None, Some(t)) => crate::sync::recorded_source(&t.source, root),
        (None, None) => {
            run.skip(&["PLAT600", "PLAT601"], "platform.yaml records no template");
            run.skip(
                DRIFT,
                "platform.yaml records no template, so no file is managed",
            );
            return None;
        }
    };
    let loaded = run.opts.templates.get(&spec);
    let (template, compiled) = match loaded.as_ref() {
        Ok(LoadedTemplate {
            template: t,
            compiled,
        }) => {
            run.pass(
                "PLAT601",
                format!("template `{}` loaded", t.definition.name),
            );
            (t.clone(), compiled.as_ref())
        }
        Err(e) => {
            run.fail(
                "PLAT601",
                format!("the template `{spec}` cannot be loaded: {e}"),
                doc.at("template.source"),
            );
            run.skip(&["PLAT600"], "the template cannot be loaded (PLAT601)");
            run.skip(DRIFT, "the template cannot be loaded (PLAT601)");
            return None;
        }
    };
    let available = template.definition.version.clone();
    let Some(recorded_version) = recorded.map(|t| t.version.clone()) else {
        run.skip(
            &["PLAT600"],
            "platform.yaml records no template version (--template names the template)",
        );
        return drift(run, root, doc, &template, compiled, None);
    };
    let newer = crate::sync::compare_versions(&recorded_version, &available);
    match newer {
        std::cmp::Ordering::Less => {
            let f = run.fail(
                "PLAT600",
                format!(
                    "platform.yaml records template {} {recorded_version}; {available} is available",
                    template.definition.name
                ),
                doc.at("template.version"),
            );
            f.fixable = true;
        }
        std::cmp::Ordering::Equal => run.pass(
            "PLAT600",
            format!(
                "template {} {available} is the newest",
                template.definition.name
            ),
        ),
        std::cmp::Ordering::Greater => {
            let f = run.fail(
                "PLAT600",
                format!(
                    "platform.yaml records template {} {recorded_version}, newer than the {available} this plat has",
                    template.definition.name
                ),
                doc.at("template.version"),
            );
            f.remediation =
                Some("upgrade plat (or pass --template with the newer template)".into());
            f.fixable = false;
            run.skip(
                DRIFT,
                "the recorded template is newer than this plat's (PLAT600)",
            );
            return None;
        }
    }
    let upgrade = (newer == std::cmp::Ordering::Less).then_some((recorded_version, available));
    drift(run, root, doc, &template, compiled, upgrade)
}

/// PLAT500-502: the managed files rendered now against the disk.
fn drift(
    run: &mut Run,
    root: &Path,
    doc: &ManifestDoc,
    template: &crate::source::Template,
    compiled: Option<&crate::render::Compiled>,
    upgrade: Option<(String, String)>,
) -> Option<Outcome> {
    let expected = match drift::expected(template, doc.manifest, compiled) {
        Ok(e) => e,
        Err(e) => {
            let reason = format!("the template does not render from platform.yaml: {e:#}");
            for id in DRIFT {
                let f = run.fail(id, reason.clone(), doc.at("template"));
                f.fixable = false;
                f.remediation = Some(
                    "fix platform.yaml or the template so `plat sync --dry-run` renders".into(),
                );
            }
            return None;
        }
    };
    let changes = match drift::compare(root, &expected) {
        Ok(c) => c,
        Err(e) => {
            for id in DRIFT {
                let f = run.fail(id, format!("{e:#}"), None);
                f.fixable = false;
            }
            return None;
        }
    };
    let count = |k: ChangeKind| changes.iter().filter(|c| c.kind == k).count();
    for (id, kind, ok) in [
        (
            "PLAT500",
            ChangeKind::Update,
            "managed files match platform.yaml",
        ),
        ("PLAT501", ChangeKind::Create, "every managed file exists"),
        ("PLAT502", ChangeKind::Remove, "no stale managed file"),
    ] {
        if count(kind) == 0 {
            run.pass(id, format!("{} ({} files)", ok, expected.files.len()));
        }
        for c in changes.iter().filter(|c| c.kind == kind) {
            let message = match kind {
                ChangeKind::Update => format!("{} differs from what platform.yaml renders", c.path),
                ChangeKind::Create => format!("{} is missing", c.path),
                ChangeKind::Remove => format!(
                    "{} is a managed file platform.yaml no longer renders",
                    c.path
                ),
            };
            let f = run.fail(id, message, Some(Location::file(c.path.clone())));
            f.diff = Some(c.diff());
        }
    }
    Some(Outcome { changes, upgrade })
}
