//! `plat doctor`: how far a service is from the golden path. The checks
//! (`checks/`) add findings to a run; one pass (`triage`) applies the
//! policy and the suppressions; reports are data, which `report/` turns
//! into text for people, JSON, Markdown and the formats CI systems read
//! (SARIF, GitLab Code Quality, GitHub annotations, JUnit). `explain` is
//! each check's long explanation, from docs/doctor.md. `fix` repairs what
//! is mechanical; `all` checks every service under a directory.

pub mod all;
pub mod check_id;
mod checks;
pub mod explain;
pub mod finding;
pub mod fix;
mod options;
pub mod policy;
pub mod report;
mod triage;

use std::path::Path;

use crate::effects::git::RepoState;
use crate::manifest::Manifest;
use crate::service::locate::Located;
use check_id::CheckId;
use checks::{dockerfile, kubernetes, leftovers, managed, manifest, pipeline, policy_rules};
use checks::{repository, suppressions, upstream, ManifestDoc, Run};
use finding::{RuleId, ServiceReport};
pub use options::{LoadedTemplate, Options, Templates};

/// Checks the service found at `located`.
pub fn check(located: &Located, opts: &Options) -> ServiceReport {
    let mut run = Run::new(opts);
    let root = located.root.as_path();
    repository::git(&mut run, located);
    if let RepoState::Bare { .. } = located.repo {
        skip_after_bare(&mut run);
        return finish(run, located, None);
    }

    let state = manifest::read(&mut run, located);
    repository::files(&mut run, root);
    dockerfile::check(&mut run, root);
    // Conflict markers in platform.yaml are found while it fails to parse.
    leftovers::check(&mut run, root);
    let outcome = match &state.parsed {
        Some(m) => with_manifest(&mut run, root, &state, m),
        None => {
            without_manifest(&mut run, root, &state);
            None
        }
    };
    let mut report = finish(run, located, state.parsed.as_ref());
    if let Some(o) = outcome {
        report.changes = o.changes;
        report.upgrade = o.upgrade;
    }
    if report.name.is_none() {
        // An invalid manifest may still say whose it is.
        report.name = state
            .value
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_string);
    }
    report
}

/// A bare repository has no files to check: every check but the git ones
/// (and every policy rule) is skipped.
fn skip_after_bare(run: &mut Run) {
    let others: Vec<RuleId> = CheckId::ALL
        .iter()
        .filter(|c| !matches!(c, CheckId::GitRepository | CheckId::GitHead))
        .map(|c| RuleId::Builtin(*c))
        .chain(run.opts.policy.rules.iter().map(|r| r.id.clone()))
        .collect();
    run.skip(
        others,
        &format!(
            "a bare repository has no working tree ({})",
            CheckId::GitRepository
        ),
    );
}

/// The checks that need a valid manifest, then the policy's rules; what
/// drift found, for `--fix`.
fn with_manifest(
    run: &mut Run,
    root: &Path,
    state: &manifest::State,
    m: &Manifest,
) -> Option<managed::Outcome> {
    let doc = ManifestDoc {
        manifest: m,
        text: &state.text,
        positions: Default::default(),
    };
    manifest::owner(run, &doc);
    repository::codeowners(run, root, &doc);
    repository::catalog_info(run, root, &doc);
    pipeline::check(run, root, &doc);
    kubernetes::check(run, root, &doc);
    let outcome = managed::check(run, root, &doc);
    upstream::check(run, root, &doc);
    let today = run.opts.today;
    suppressions::check(run, &doc, today);
    policy_rules::evaluate(run, root, Some(&state.value), &|p| doc.line(p));
    outcome
}

/// Without a valid manifest the checks that need one are skipped, saying
/// which manifest check failed; policy rules on files still run.
fn without_manifest(run: &mut Run, root: &Path, state: &manifest::State) {
    let dependent: Vec<CheckId> = CheckId::ALL
        .iter()
        .copied()
        .filter(|c| c.spec().needs_manifest)
        .collect();
    run.skip_checks(&dependent, state.blocked.as_deref().unwrap_or_default());
    policy_rules::evaluate(run, root, None, &|_| None);
}

/// The service's report: the findings triaged by the policy and the
/// suppressions.
fn finish(mut run: Run, located: &Located, parsed: Option<&Manifest>) -> ServiceReport {
    let opts = run.opts;
    triage::triage(&mut run.findings, &opts.policy, parsed, opts.today);
    ServiceReport {
        name: parsed.map(|m| m.metadata.name.clone()),
        root: located.root.clone(),
        repository: located.repo.workdir().map(Path::to_path_buf),
        findings: run.findings,
        changes: Vec::new(),
        upgrade: None,
        owner: parsed.map(|m| m.metadata.owner.clone()),
    }
}
