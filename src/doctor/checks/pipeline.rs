//! Pipeline checks: the CI files for the manifest's provider, a job for
//! every stage, and a gate in front of production.

use serde_yaml::Value;
use std::path::Path;

use super::{files, ManifestDoc, Run};
use crate::doctor::check_id::CheckId;
use crate::doctor::finding::Location;
use crate::manifest::Provider;

const GITLAB_FILE: &str = ".gitlab-ci.yml";
const WORKFLOWS: &str = ".github/workflows";

/// A CI job, from either provider.
struct Job {
    file: String,
    id: String,
    name: Option<String>,
    stage: Option<String>,
    environment: Option<String>,
    manual: bool,
}

/// The CI configuration as far as the checks need it.
struct Ci {
    files: Vec<String>,
    /// GitLab's `stages:` list.
    stages: Option<Vec<String>>,
    jobs: Vec<Job>,
}

fn str_of(v: Option<&Value>) -> Option<String> {
    v.and_then(|v| v.as_str()).map(str::to_string)
}

fn environment_of(job: &Value) -> Option<String> {
    match job.get("environment") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(m @ Value::Mapping(_)) => str_of(m.get("name")),
        _ => None,
    }
}

fn read_ci(root: &Path, provider: Provider) -> Result<Ci, (String, Option<Location>)> {
    let mut ci = Ci {
        files: Vec::new(),
        stages: None,
        jobs: Vec::new(),
    };
    let mut paths = Vec::new();
    match provider {
        Provider::Github => {
            if let Ok(dir) = std::fs::read_dir(root.join(WORKFLOWS)) {
                for e in dir.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if (name.ends_with(".yml") || name.ends_with(".yaml")) && e.path().is_file() {
                        paths.push(format!("{WORKFLOWS}/{name}"));
                    }
                }
            }
            paths.sort();
        }
        Provider::Gitlab => {
            if root.join(GITLAB_FILE).is_file() {
                paths.push(GITLAB_FILE.to_string());
            }
        }
    }
    for rel in paths {
        let text = files::read_text(root, &rel).map_err(|e| (e, Some(Location::file(&rel))))?;
        let docs = files::yaml_documents(&text).map_err(|(msg, line)| {
            (
                format!("{rel} does not parse: {msg}"),
                Some(Location::at(&rel, line)),
            )
        })?;
        let Some(doc) = docs.into_iter().next() else {
            continue;
        };
        match provider {
            Provider::Github => {
                if let Some(Value::Mapping(jobs)) = doc.get("jobs") {
                    for (id, job) in jobs {
                        ci.jobs.push(Job {
                            file: rel.clone(),
                            id: id.as_str().unwrap_or_default().to_string(),
                            name: str_of(job.get("name")),
                            stage: None,
                            environment: environment_of(job),
                            manual: false,
                        });
                    }
                }
            }
            Provider::Gitlab => {
                ci.stages = doc.get("stages").and_then(|s| s.as_sequence()).map(|s| {
                    s.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                });
                if let Value::Mapping(top) = &doc {
                    for (id, job) in top {
                        let id = id.as_str().unwrap_or_default();
                        if id.starts_with('.') || !job.is_mapping() || RESERVED.contains(&id) {
                            continue;
                        }
                        let manual = job.get("when").and_then(|w| w.as_str()) == Some("manual")
                            || job.get("rules").and_then(|r| r.as_sequence()).is_some_and(
                                |rules| {
                                    rules.iter().any(|r| {
                                        r.get("when").and_then(|w| w.as_str()) == Some("manual")
                                    })
                                },
                            );
                        ci.jobs.push(Job {
                            file: rel.clone(),
                            id: id.to_string(),
                            name: None,
                            stage: str_of(job.get("stage")),
                            environment: environment_of(job),
                            manual,
                        });
                    }
                }
            }
        }
        ci.files.push(rel);
    }
    Ok(ci)
}

/// GitLab's top-level keywords, which are not jobs.
const RESERVED: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

/// Environments that count as production: named so, or gated in the
/// manifest.
fn is_production(name: &str, approval: bool) -> bool {
    approval || matches!(name, "prod" | "production" | "prd" | "live")
}

pub(in crate::doctor) fn check(run: &mut Run, root: &Path, doc: &ManifestDoc) {
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
        run.skip_after(
            &[CheckId::PipelineStages, CheckId::ProductionGated],
            CheckId::PipelineFiles,
            "platform.yaml has no pipeline",
        );
        return;
    };
    let provider = pipeline.provider;
    let ci = match read_ci(root, provider) {
        Ok(ci) => ci,
        Err((msg, loc)) => {
            run.fail(CheckId::PipelineFiles, msg, loc).fixable = false;
            run.skip_after(
                &[CheckId::PipelineStages, CheckId::ProductionGated],
                CheckId::PipelineFiles,
                "the CI files do not parse",
            );
            return;
        }
    };
    let (want, label) = match provider {
        Provider::Github => (format!("{WORKFLOWS}/*.yml"), "github"),
        Provider::Gitlab => (GITLAB_FILE.to_string(), "gitlab"),
    };
    if ci.files.is_empty() {
        let prefix = match provider {
            Provider::Github => format!("{WORKFLOWS}/"),
            Provider::Gitlab => GITLAB_FILE.to_string(),
        };
        run.fail(
            CheckId::PipelineFiles,
            format!("pipeline.provider is {label} but there is no {want}"),
            doc.at("pipeline.provider"),
        )
        .fixed_by_creating = Some(prefix);
        run.skip_after(
            &[CheckId::PipelineStages, CheckId::ProductionGated],
            CheckId::PipelineFiles,
            "no CI files",
        );
        return;
    }
    run.pass(
        CheckId::PipelineFiles,
        format!("{label} CI: {}", ci.files.join(", ")),
    );

    // PLAT301
    for (i, stage) in pipeline.stages.iter().enumerate() {
        let s = stage.name.as_str();
        let found = match provider {
            Provider::Github => ci.jobs.iter().any(|j| {
                j.id == s
                    || j.id.starts_with(&format!("{s}-"))
                    || j.name
                        .as_deref()
                        .is_some_and(|n| n == s || n.starts_with(&format!("{s} ")))
            }),
            Provider::Gitlab => {
                ci.stages
                    .as_ref()
                    .is_some_and(|st| st.iter().any(|x| x == s))
                    && ci.jobs.iter().any(|j| j.stage.as_deref() == Some(s))
            }
        };
        if !found {
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

    // PLAT302
    let envs = doc
        .manifest
        .infrastructure
        .as_ref()
        .map(|i| i.environments.as_slice())
        .unwrap_or_default();
    let prod: Vec<(usize, &crate::manifest::Environment)> = envs
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
        if !env.approval {
            run.fail(
                CheckId::ProductionGated,
                format!(
                    "environment `{}` is production but platform.yaml does not require an approval for it",
                    env.name
                ),
                doc.at(&format!("infrastructure.environments[{i}]")),
            );
            continue;
        }
        let jobs: Vec<&Job> = ci
            .jobs
            .iter()
            .filter(|j| j.environment.as_deref() == Some(env.name.as_str()))
            .collect();
        if jobs.is_empty() {
            let gate = match provider {
                Provider::Github => "a job with `environment: NAME`, whose protection rules (required reviewers) gate it",
                Provider::Gitlab => "a job with `environment: NAME` and `when: manual`",
            };
            run.fail(
                CheckId::ProductionGated,
                format!(
                    "no CI job deploys to environment `{}`; production deploys need {}",
                    env.name,
                    gate.replace("NAME", &env.name)
                ),
                Some(Location::file(ci.files[0].clone())),
            )
            .remediation = Some("run `plat sync` to re-render the pipeline".into());
            continue;
        }
        if provider == Provider::Gitlab {
            for j in jobs.iter().filter(|j| !j.manual) {
                let text = files::read_text(root, &j.file).unwrap_or_default();
                run.fail(
                    CheckId::ProductionGated,
                    format!(
                        "job `{}` deploys to `{}` without `when: manual`, so nobody approves it",
                        j.id, env.name
                    ),
                    Some(Location::at(
                        &j.file,
                        files::line_of(&text, &format!("{}:", j.id)),
                    )),
                )
                .remediation = Some("run `plat sync`, or add `when: manual` to the job".into());
            }
        }
    }
    run.pass_unless_failed(
        CheckId::ProductionGated,
        "production deploys wait for an approval",
    );
}
