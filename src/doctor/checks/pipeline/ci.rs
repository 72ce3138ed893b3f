//! The CI configuration as far as the pipeline checks need it: which files
//! there are and the jobs they define, read for either provider.

use serde_yaml::Value;
use std::path::Path;

use crate::doctor::checks::files;
use crate::doctor::finding::Location;
use crate::manifest::Provider;

pub(super) const GITLAB_FILE: &str = ".gitlab-ci.yml";
pub(super) const WORKFLOWS: &str = ".github/workflows";

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

/// A CI job, from either provider.
pub(super) struct Job {
    pub file: String,
    pub id: String,
    pub name: Option<String>,
    pub stage: Option<String>,
    pub environment: Option<String>,
    /// GitLab: someone starts it by hand (`when: manual`).
    pub manual: bool,
}

/// The CI configuration of one provider.
pub(super) struct Ci {
    pub provider: Provider,
    /// The files read, relative to the service; empty when there are none.
    pub files: Vec<String>,
    /// GitLab's `stages:` list.
    pub stages: Option<Vec<String>>,
    pub jobs: Vec<Job>,
}

/// A CI file that cannot be read or parsed: the message and where.
pub(super) type Unreadable = (String, Option<Location>);

impl Ci {
    /// Reads the provider's CI files under `root`; a file with no YAML
    /// document does not count.
    pub fn read(root: &Path, provider: Provider) -> Result<Ci, Unreadable> {
        let mut ci = Ci {
            provider,
            files: Vec::new(),
            stages: None,
            jobs: Vec::new(),
        };
        for rel in ci_paths(root, provider) {
            let Some(doc) = first_document(root, &rel)? else {
                continue;
            };
            match provider {
                Provider::Github => ci.jobs.extend(github_jobs(&rel, &doc)),
                Provider::Gitlab => {
                    ci.stages = gitlab_stages(&doc);
                    ci.jobs.extend(gitlab_jobs(&rel, &doc));
                }
            }
            ci.files.push(rel);
        }
        Ok(ci)
    }

    /// Whether some job runs the manifest's stage `s`: on GitHub a job
    /// named after it (or `s-...`), on GitLab a job in a declared stage `s`.
    pub fn runs_stage(&self, s: &str) -> bool {
        match self.provider {
            Provider::Github => self.jobs.iter().any(|j| {
                j.id == s
                    || j.id.starts_with(&format!("{s}-"))
                    || j.name
                        .as_deref()
                        .is_some_and(|n| n == s || n.starts_with(&format!("{s} ")))
            }),
            Provider::Gitlab => {
                self.stages
                    .as_ref()
                    .is_some_and(|st| st.iter().any(|x| x == s))
                    && self.jobs.iter().any(|j| j.stage.as_deref() == Some(s))
            }
        }
    }

    /// The jobs that deploy to the environment `name`.
    pub fn deploying_to(&self, name: &str) -> Vec<&Job> {
        self.jobs
            .iter()
            .filter(|j| j.environment.as_deref() == Some(name))
            .collect()
    }
}

/// The provider's CI files that exist, relative to `root`, in path order.
fn ci_paths(root: &Path, provider: Provider) -> Vec<String> {
    match provider {
        Provider::Github => {
            let mut paths = Vec::new();
            if let Ok(dir) = std::fs::read_dir(root.join(WORKFLOWS)) {
                for e in dir.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if (name.ends_with(".yml") || name.ends_with(".yaml")) && !e.path().is_dir() {
                        paths.push(format!("{WORKFLOWS}/{name}"));
                    }
                }
            }
            paths.sort();
            paths
        }
        Provider::Gitlab if files::exists(&root.join(GITLAB_FILE)) => vec![GITLAB_FILE.to_string()],
        Provider::Gitlab => Vec::new(),
    }
}

/// The first YAML document of the CI file `rel`, if it has one.
fn first_document(root: &Path, rel: &str) -> Result<Option<Value>, Unreadable> {
    let text = files::read_text(root, rel).map_err(|e| (e, Some(Location::file(rel))))?;
    let docs = files::yaml_documents(&text).map_err(|(msg, line)| {
        (
            format!("{rel} does not parse: {msg}"),
            Some(Location::at(rel, line)),
        )
    })?;
    Ok(docs.into_iter().next())
}

/// The jobs of a GitHub workflow, under `jobs:`.
fn github_jobs(rel: &str, doc: &Value) -> Vec<Job> {
    let Some(Value::Mapping(jobs)) = doc.get("jobs") else {
        return Vec::new();
    };
    jobs.iter()
        .map(|(id, job)| Job {
            file: rel.to_string(),
            id: id.as_str().unwrap_or_default().to_string(),
            name: str_of(job.get("name")),
            stage: None,
            environment: environment_of(job),
            manual: false,
        })
        .collect()
}

/// GitLab's `stages:` list.
fn gitlab_stages(doc: &Value) -> Option<Vec<String>> {
    doc.get("stages").and_then(|s| s.as_sequence()).map(|s| {
        s.iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    })
}

/// The jobs of a GitLab file: its top-level mappings other than hidden
/// (`.name`) ones and keywords.
fn gitlab_jobs(rel: &str, doc: &Value) -> Vec<Job> {
    let Value::Mapping(top) = doc else {
        return Vec::new();
    };
    top.iter()
        .filter_map(|(id, job)| {
            let id = id.as_str().unwrap_or_default();
            let is_job = !id.starts_with('.') && !RESERVED.contains(&id) && job.is_mapping();
            is_job.then(|| Job {
                file: rel.to_string(),
                id: id.to_string(),
                name: None,
                stage: str_of(job.get("stage")),
                environment: environment_of(job),
                manual: is_manual(job),
            })
        })
        .collect()
}

/// Whether a GitLab job waits for someone to start it: `when: manual`,
/// itself or in one of its `rules`.
fn is_manual(job: &Value) -> bool {
    let manual = |v: &Value| v.get("when").and_then(|w| w.as_str()) == Some("manual");
    manual(job)
        || job
            .get("rules")
            .and_then(|r| r.as_sequence())
            .is_some_and(|rules| rules.iter().any(manual))
}

fn str_of(v: Option<&Value>) -> Option<String> {
    v.and_then(|v| v.as_str()).map(str::to_string)
}

/// A job's `environment:`, written as a name or as a mapping with `name`.
fn environment_of(job: &Value) -> Option<String> {
    match job.get("environment") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(m @ Value::Mapping(_)) => str_of(m.get("name")),
        _ => None,
    }
}
