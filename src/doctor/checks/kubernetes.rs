//! The Kubernetes checks, over the manifests of every environment under
//! `deploy/k8s/ENVIRONMENT/`: a Deployment per environment (PLAT402), and
//! for its containers probes (PLAT403), limits (PLAT404) and the port the
//! manifest names (PLAT405).

use serde_yaml::Value;
use std::path::Path;

use super::{files, ManifestDoc, Run};
use crate::doctor::check_id::CheckId;
use crate::doctor::finding::Location;
use crate::manifest::Infrastructure;

/// Where an environment's manifests live.
fn environment_dir(env: &str) -> String {
    format!("deploy/k8s/{env}")
}

/// A file's Deployments, with its text for locating lines.
struct Source {
    file: String,
    text: String,
    deployments: Vec<Value>,
}

/// A container of a Deployment, with where it was found.
struct Container<'a> {
    file: &'a str,
    text: &'a str,
    value: &'a Value,
}

impl Container<'_> {
    fn name(&self) -> &str {
        self.value
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or("?")
    }

    /// The line of the container's `name:`.
    fn start(&self) -> usize {
        files::line_of(self.text, &format!("name: {}", self.name())).unwrap_or(1)
    }

    /// The first line at or after the container's `name:` that starts with
    /// `needle`.
    fn at(&self, needle: &str) -> Option<Location> {
        let start = self.start();
        let line = self
            .text
            .lines()
            .skip(start - 1)
            .position(|l| l.trim_start().trim_start_matches("- ").starts_with(needle))
            .map(|i| i + start)?;
        Some(Location::at(self.file, Some(line)))
    }

    fn at_name(&self) -> Option<Location> {
        Some(Location::at(self.file, Some(self.start())))
    }
}

/// PLAT402 to PLAT405.
pub(in crate::doctor) fn check(run: &mut Run, root: &Path, doc: &ManifestDoc) {
    const ALL: &[CheckId] = &[
        CheckId::KubernetesEnvironments,
        CheckId::KubernetesProbes,
        CheckId::KubernetesResources,
        CheckId::KubernetesPort,
    ];
    let Some(infra) = &doc.manifest.infrastructure else {
        run.skip_checks(ALL, "platform.yaml has no `infrastructure` section");
        return;
    };
    if infra.environments.is_empty() {
        run.skip_checks(ALL, "platform.yaml lists no environments");
        return;
    }
    let sources = deployments(run, root, doc, infra);
    let containers = containers(&sources);
    if containers.is_empty() {
        run.skip_after(
            &ALL[1..],
            CheckId::KubernetesEnvironments,
            "no Deployment with containers was found",
        );
        return;
    }
    probes(run, &containers);
    limits(run, &containers);
    port(run, &containers, infra, &doc.manifest.metadata.name);
}

/// Every container of the Deployments in `sources`, in file order.
fn containers(sources: &[Source]) -> Vec<Container<'_>> {
    sources
        .iter()
        .flat_map(|s| {
            s.deployments.iter().flat_map(move |d| {
                d.get("spec")
                    .and_then(|s| s.get("template"))
                    .and_then(|t| t.get("spec"))
                    .and_then(|s| s.get("containers"))
                    .and_then(|c| c.as_sequence())
                    .into_iter()
                    .flatten()
                    .map(move |value| Container {
                        file: &s.file,
                        text: &s.text,
                        value,
                    })
            })
        })
        .collect()
}

/// PLAT402: every environment's Deployments.
fn deployments(
    run: &mut Run,
    root: &Path,
    doc: &ManifestDoc,
    infra: &Infrastructure,
) -> Vec<Source> {
    let mut sources = Vec::new();
    for (i, env) in infra.environments.iter().enumerate() {
        let dir = environment_dir(&env.name);
        if !environment_deployments(run, root, &dir, &mut sources) {
            let f = run.fail(
                CheckId::KubernetesEnvironments,
                format!(
                    "environment `{}` (infrastructure.environments[{i}]) has no Deployment in {dir}/",
                    env.name
                ),
                doc.at(&format!("infrastructure.environments[{i}]")),
            );
            f.fixed_by_creating = Some(format!("{dir}/"));
        }
    }
    let names: Vec<&str> = infra.environments.iter().map(|e| e.name.as_str()).collect();
    run.pass_unless_failed(
        CheckId::KubernetesEnvironments,
        format!("Kubernetes manifests for {}", names.join(", ")),
    );
    sources
}

/// Adds the files under `dir` that hold Deployments to `sources`. Returns
/// whether any did; a file that does not parse fails PLAT402 and counts,
/// so the environment is not also called missing.
fn environment_deployments(
    run: &mut Run,
    root: &Path,
    dir: &str,
    sources: &mut Vec<Source>,
) -> bool {
    let mut found = false;
    for n in yaml_files(root, dir) {
        let file = format!("{dir}/{n}");
        match deployments_in(root, &file) {
            Ok(Some(source)) => {
                found = true;
                sources.push(source);
            }
            Ok(None) => {}
            Err((msg, line)) => {
                run.fail(
                    CheckId::KubernetesEnvironments,
                    format!("{file} does not parse: {msg}"),
                    Some(Location::at(&file, line)),
                )
                .fixable = false;
                found = true;
            }
        }
    }
    found
}

/// The names of the YAML files in `root/dir`, sorted.
fn yaml_files(root: &Path, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The Deployments of `file`, if it has any (an unreadable file has
/// none), or why it does not parse and the line.
fn deployments_in(root: &Path, file: &str) -> Result<Option<Source>, (String, Option<usize>)> {
    let Ok(text) = files::read_text(root, file) else {
        return Ok(None);
    };
    if !text.contains("Deployment") {
        return Ok(None); // no need to parse a Service or a NetworkPolicy
    }
    let docs = files::yaml_documents(&text)?;
    let deployments: Vec<Value> = docs
        .into_iter()
        .filter(|d| d.get("kind").and_then(|k| k.as_str()) == Some("Deployment"))
        .collect();
    Ok((!deployments.is_empty()).then(|| Source {
        file: file.to_string(),
        text,
        deployments,
    }))
}

/// PLAT403.
fn probes(run: &mut Run, containers: &[Container]) {
    for c in containers {
        let missing: Vec<&str> = ["livenessProbe", "readinessProbe"]
            .into_iter()
            .filter(|p| c.value.get(*p).is_none_or(Value::is_null))
            .collect();
        if !missing.is_empty() {
            run.fail(
                CheckId::KubernetesProbes,
                format!(
                    "container `{}` in {} has no {}",
                    c.name(),
                    c.file,
                    missing.join(" or ")
                ),
                c.at_name(),
            );
        }
    }
    run.pass_unless_failed(
        CheckId::KubernetesProbes,
        format!("{} containers have both probes", containers.len()),
    );
}

/// PLAT404.
fn limits(run: &mut Run, containers: &[Container]) {
    for c in containers {
        let limits = c.value.get("resources").and_then(|r| r.get("limits"));
        let missing: Vec<&str> = ["cpu", "memory"]
            .into_iter()
            .filter(|k| limits.and_then(|l| l.get(*k)).is_none_or(Value::is_null))
            .collect();
        if !missing.is_empty() {
            run.fail(
                CheckId::KubernetesResources,
                format!(
                    "container `{}` in {} sets no {} limit",
                    c.name(),
                    c.file,
                    missing.join(" or ")
                ),
                c.at("resources:").or_else(|| c.at_name()),
            );
        }
    }
    run.pass_unless_failed(
        CheckId::KubernetesResources,
        format!("{} containers set CPU and memory limits", containers.len()),
    );
}

/// PLAT405: the service's own container (named after it, else the first
/// of its file) listens on infrastructure.port.
fn port(run: &mut Run, containers: &[Container], infra: &Infrastructure, service: &str) {
    let port = u64::from(infra.port);
    let mut seen_files = std::collections::HashSet::new();
    for c in containers {
        let main = c.name() == service
            || !containers
                .iter()
                .any(|o| o.file == c.file && o.name() == service);
        if !main || !seen_files.insert(c.file) {
            continue;
        }
        let ports: Vec<u64> = c
            .value
            .get("ports")
            .and_then(|p| p.as_sequence())
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("containerPort").and_then(|v| v.as_u64()))
            .collect();
        if ports.contains(&port) {
            continue;
        }
        let have = if ports.is_empty() {
            "no containerPort".to_string()
        } else {
            let list: Vec<String> = ports.iter().map(u64::to_string).collect();
            format!("containerPort {}", list.join(", "))
        };
        run.fail(
            CheckId::KubernetesPort,
            format!(
                "container `{}` in {} has {have}, platform.yaml says infrastructure.port {port}",
                c.name(),
                c.file
            ),
            c.at("containerPort:").or_else(|| c.at_name()),
        );
    }
    run.pass_unless_failed(
        CheckId::KubernetesPort,
        format!("containers listen on port {port}"),
    );
}
