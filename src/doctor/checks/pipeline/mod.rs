//! Pipeline checks: the CI files for the manifest's provider (PLAT300), a
//! job for every stage (PLAT301), and a gate in front of production
//! (PLAT302). `ci` reads the CI files.

mod ci;

use std::path::Path;

use super::{files, ManifestDoc, Run};
use crate::doctor::check_id::CheckId;
use crate::doctor::finding::Location;
use crate::manifest::{Environment, Pipeline, Provider};
use ci::{Ci, Job, GITLAB_FILE, WORKFLOWS};

/// PLAT300 to PLAT302; the stages and the gate need the CI files.
pub(in crate::doctor) fn check(run: &mut Run, root: &Path, doc: &ManifestDoc) {
    let Some((pipeline, ci)) = ci_files(run, root, doc) else {
        return;
    };
    stages(run, pipeline, &ci);
    production_gated(run, root, doc, &ci);
}

/// PLAT300: the provider's CI files exist and parse. Without them the
/// other pipeline checks are skipped.
fn ci_files<'m>(run: &mut Run, root: &Path, doc: &ManifestDoc<'m>) -> Option<(&'m Pipeline, Ci)> {
    let Some(pipeline) = &doc.manifest.pipeline else {
        let f = run.fail(
            CheckId::PipelineFiles,
            "platform.yaml has no `pipeline` section, so the service has no golden-path CI",
            doc.at("pipeline"),
        );
        f.remediation = Some(
            "add a `pipeline:` section (provider, triggers, stages) and run `plat sync`".into(),
        );
        f.fixable = false;
        skip_after_files(run, "platform.yaml has no pipeline");
        return None;
    };
    let ci = match Ci::read(root, pipeline.provider) {
        Ok(ci) => ci,
        Err((msg, loc)) => {
            run.fail(CheckId::PipelineFiles, msg, loc).fixable = false;
            skip_after_files(run, "the CI files do not parse");
            return None;
        }
    };
    if ci.files.is_empty() {
        no_ci_files(run, doc, pipeline.provider);
        skip_after_files(run, "no CI files");
        return None;
    }
    run.pass(
        CheckId::PipelineFiles,
        format!(
            "{} CI: {}",
            provider_label(pipeline.provider),
            ci.files.join(", ")
        ),
    );
    Some((pipeline, ci))
}

/// How `pipeline.provider` is written in messages.
fn provider_label(provider: Provider) -> &'static str {
    match provider {
        Provider::Github => "github",
        Provider::Gitlab => "gitlab",
    }
}

/// PLAT300 fails for want of the provider's files; `plat sync` creates them.
fn no_ci_files(run: &mut Run, doc: &ManifestDoc, provider: Provider) {
    let (want, prefix) = match provider {
        Provider::Github => (format!("{WORKFLOWS}/*.yml"), format!("{WORKFLOWS}/")),
        Provider::Gitlab => (GITLAB_FILE.to_string(), GITLAB_FILE.to_string()),
    };
    run.fail(
        CheckId::PipelineFiles,
        format!(
            "pipeline.provider is {} but there is no {want}",
            provider_label(provider)
        ),
        doc.at("pipeline.provider"),
    )
    .fixed_by_creating = Some(prefix);
}

/// Skips PLAT301 and PLAT302 because PLAT300 failed.
fn skip_after_files(run: &mut Run, reason: &str) {
    run.skip_after(
        &[CheckId::PipelineStages, CheckId::ProductionGated],
        CheckId::PipelineFiles,
        reason,
    );
}

/// PLAT301: every stage of the manifest has a job.
fn stages(run: &mut Run, pipeline: &Pipeline, ci: &Ci) {
    for (i, stage) in pipeline.stages.iter().enumerate() {
        let s = stage.name.as_str();
        if !ci.runs_stage(s) {
            run.fail(
                CheckId::PipelineStages,
                format!(
                    "stage `{s}` (pipeline.stages[{i}]) has no job in {}",
                    ci.files.join(", ")
                ),
                Some(Location::file(ci.files[0].clone())),
            );
        }
    }
    run.pass_unless_failed(
        CheckId::PipelineStages,
        format!("all {} stages have jobs", pipeline.stages.len()),
    );
}

/// Environments that count as production: named so, or gated in the
/// manifest.
fn is_production(name: &str, approval: bool) -> bool {
    approval || matches!(name, "prod" | "production" | "prd" | "live")
}

/// PLAT302: every production environment requires an approval in
/// platform.yaml, and the CI waits for one before deploying to it.
fn production_gated(run: &mut Run, root: &Path, doc: &ManifestDoc, ci: &Ci) {
    let envs = doc
        .manifest
        .infrastructure
        .as_ref()
        .map(|i| i.environments.as_slice())
        .unwrap_or_default();
    let prod: Vec<(usize, &Environment)> = envs
        .iter()
        .enumerate()
        .filter(|(_, e)| is_production(&e.name, e.approval))
        .collect();
    if prod.is_empty() {
        run.skip_checks(&[CheckId::ProductionGated],
            "platform.yaml lists no production environment (named prod, production, prd or live, or with approval: true)",
        );
        return;
    }
    for (i, env) in prod {
        gate(run, root, doc, ci, i, env);
    }
    run.pass_unless_failed(
        CheckId::ProductionGated,
        "production deploys wait for an approval",
    );
}

/// PLAT302 for the production environment `env`, the manifest's
/// `infrastructure.environments[i]`.
fn gate(run: &mut Run, root: &Path, doc: &ManifestDoc, ci: &Ci, i: usize, env: &Environment) {
    if !env.approval {
        run.fail(
            CheckId::ProductionGated,
            format!(
                "environment `{}` is production but platform.yaml does not require an approval for it",
                env.name
            ),
            doc.at(&format!("infrastructure.environments[{i}]")),
        );
        return;
    }
    let jobs = ci.deploying_to(&env.name);
    if jobs.is_empty() {
        no_deploy_job(run, ci, &env.name);
    } else if ci.provider == Provider::Gitlab {
        for j in jobs.iter().filter(|j| !j.manual) {
            not_manual(run, root, j, &env.name);
        }
    }
}

/// No job deploys to the production environment `env`, so nothing gates it.
fn no_deploy_job(run: &mut Run, ci: &Ci, env: &str) {
    let gate = match ci.provider {
        Provider::Github => {
            "a job with `environment: NAME`, whose protection rules (required reviewers) gate it"
        }
        Provider::Gitlab => "a job with `environment: NAME` and `when: manual`",
    };
    run.fail(
        CheckId::ProductionGated,
        format!(
            "no CI job deploys to environment `{env}`; production deploys need {}",
            gate.replace("NAME", env)
        ),
        Some(Location::file(ci.files[0].clone())),
    )
    .remediation = Some("run `plat sync` to re-render the pipeline".into());
}

/// A GitLab job deploys to the production environment `env` on its own.
fn not_manual(run: &mut Run, root: &Path, job: &Job, env: &str) {
    let text = files::read_text(root, &job.file).unwrap_or_default();
    run.fail(
        CheckId::ProductionGated,
        format!(
            "job `{}` deploys to `{env}` without `when: manual`, so nobody approves it",
            job.id
        ),
        Some(Location::at(
            &job.file,
            files::line_of(&text, &format!("{}:", job.id)),
        )),
    )
    .remediation = Some("run `plat sync`, or add `when: manual` to the job".into());
}
