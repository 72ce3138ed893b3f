//! The template checks (PLAT600, PLAT601) and drift (PLAT500-502): the
//! managed files rendered from platform.yaml now, against the disk.

use std::path::Path;

use super::{LoadedTemplate, Location, ManifestDoc, Run};
use crate::drift::{self, Change, ChangeKind, Standing, Upgrade};

const DRIFT: &[&str] = &["PLAT500", "PLAT501", "PLAT502"];

/// What the drift checks found, for `--fix`.
pub(super) struct Outcome {
    pub changes: Vec<Change>,
    pub upgrade: Option<Upgrade>,
}

/// PLAT600/601 and the drift checks, which need the template.
pub(super) fn check(run: &mut Run, root: &Path, doc: &ManifestDoc) -> Option<Outcome> {
    let Some(spec) = drift::template_spec(doc.manifest, run.opts.template.as_deref(), root) else {
        run.skip(&["PLAT600", "PLAT601"], "platform.yaml records no template");
        run.skip(
            DRIFT,
            "platform.yaml records no template, so no file is managed",
        );
        return None;
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
    let name = &template.definition.name;
    let standing = drift::standing(doc.manifest, &template);
    match &standing {
        Standing::Unrecorded(why) => run.skip(&["PLAT600"], why),
        Standing::Same => run.pass(
            "PLAT600",
            format!(
                "template {name} {} is the newest",
                template.definition.version
            ),
        ),
        Standing::Older {
            recorded,
            available,
        } => {
            run.fail(
                "PLAT600",
                format!(
                    "platform.yaml records template {name} {recorded}; {available} is available"
                ),
                doc.at("template.version"),
            );
        }
        Standing::Newer {
            recorded,
            available,
        } => {
            let f = run.fail(
                "PLAT600",
                format!(
                    "platform.yaml records template {name} {recorded}, newer than the {available} this plat has"
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
    // An upgrade plat cannot write is no fix: say how to make it one.
    let upgrade = match Upgrade::of(&standing, doc.text) {
        Ok(u) => u,
        Err(e) => {
            if let Some(f) = run.findings.last_mut().filter(|f| f.id == "PLAT600") {
                f.fixable = false;
                f.remediation = Some(format!("{e:#}"));
            }
            None
        }
    };
    drift(run, root, doc, &template, compiled, upgrade)
}

/// PLAT500-502: the managed files rendered now against the disk.
fn drift(
    run: &mut Run,
    root: &Path,
    doc: &ManifestDoc,
    template: &crate::source::Template,
    compiled: Option<&crate::render::Compiled>,
    upgrade: Option<Upgrade>,
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
            // A managed path plat cannot read stops the comparison once;
            // the other drift checks wait for it.
            let f = run.fail("PLAT500", format!("{e:#}"), None);
            f.fixable = false;
            f.remediation = Some(
                "make the managed path a plain, readable file (or remove it), then run `plat sync`"
                    .into(),
            );
            run.skip(
                &["PLAT501", "PLAT502"],
                "the managed files cannot be read (PLAT500)",
            );
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
