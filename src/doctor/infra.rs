//! Infrastructure checks: the Dockerfile and the Kubernetes manifests of
//! every environment under `deploy/k8s/ENVIRONMENT/`.

use serde_yaml::Value;
use std::path::Path;

use super::{files, Location, ManifestDoc, Run};

const DOCKERFILE: &str = "Dockerfile";

/// PLAT400 and PLAT401.
pub(super) fn dockerfile(run: &mut Run, root: &Path) {
    if !root.join(DOCKERFILE).is_file() {
        run.fail("PLAT400", "no Dockerfile in the service's directory", None);
        run.skip(&["PLAT401"], "no Dockerfile (PLAT400)");
        return;
    }
    run.pass("PLAT400", "Dockerfile found");
    let text = match files::read_text(root, DOCKERFILE) {
        Ok(t) => t,
        Err(e) => {
            run.fail("PLAT401", e, Some(Location::file(DOCKERFILE)));
            return;
        }
    };
    match final_user(&text) {
        FinalUser::NoFrom => {
            run.fail(
                "PLAT401",
                "the Dockerfile has no FROM instruction",
                Some(Location::file(DOCKERFILE)),
            );
        }
        FinalUser::Unset {
            from_line,
            nonroot_base: true,
        } => run.pass(
            "PLAT401",
            format!("the final stage (line {from_line}) uses a nonroot base image"),
        ),
        FinalUser::Unset { from_line, .. } => {
            run.fail(
                "PLAT401",
                "the final stage sets no USER, so the container runs as root",
                Some(Location::at(DOCKERFILE, Some(from_line))),
            );
        }
        FinalUser::Set { user, line } if is_root(&user) => {
            run.fail(
                "PLAT401",
                format!("the final stage runs as `{user}`, which is root"),
                Some(Location::at(DOCKERFILE, Some(line))),
            );
        }
        FinalUser::Set { user, .. } => {
            run.pass("PLAT401", format!("the final stage runs as `{user}`"))
        }
    }
}

enum FinalUser {
    NoFrom,
    Unset {
        from_line: usize,
        nonroot_base: bool,
    },
    Set {
        user: String,
        line: usize,
    },
}

/// What a build stage ends with: its USER (and line), and whether its base
/// image runs as non-root by itself.
#[derive(Clone, Default)]
struct Stage {
    user: Option<(String, usize)>,
    nonroot_base: bool,
}

/// The USER in effect at the end of the last stage. A stage built `FROM`
/// an earlier stage starts with that stage's user.
fn final_user(text: &str) -> FinalUser {
    let mut named: Vec<(String, Stage)> = Vec::new();
    let mut current: Option<(String, usize, Stage)> = None; // (name, FROM line, stage)
    let mut continued = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let was_continued = continued;
        continued = line.ends_with('\\');
        if was_continued || line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let instr = words.next().unwrap_or_default().to_ascii_uppercase();
        match instr.as_str() {
            "FROM" => {
                if let Some((name, _, stage)) = current.take() {
                    named.push((name, stage));
                }
                let rest: Vec<&str> = words.filter(|w| !w.starts_with("--")).collect();
                let image = rest.first().copied().unwrap_or_default();
                let name = match rest.get(1) {
                    Some(kw) if kw.eq_ignore_ascii_case("as") => rest
                        .get(2)
                        .copied()
                        .unwrap_or_default()
                        .to_ascii_lowercase(),
                    _ => String::new(),
                };
                let stage = named
                    .iter()
                    .rev()
                    .find(|(n, _)| !n.is_empty() && n.eq_ignore_ascii_case(image))
                    .map(|(_, s)| s.clone())
                    .unwrap_or_else(|| Stage {
                        user: None,
                        nonroot_base: image.ends_with(":nonroot") || image.contains(":nonroot-"),
                    });
                current = Some((name, i + 1, stage));
            }
            "USER" => {
                if let Some((_, _, stage)) = current.as_mut() {
                    stage.user = Some((words.collect::<Vec<_>>().join(" "), i + 1));
                }
            }
            _ => {}
        }
    }
    match current {
        None => FinalUser::NoFrom,
        Some((
            _,
            _,
            Stage {
                user: Some((user, line)),
                ..
            },
        )) => FinalUser::Set { user, line },
        Some((_, from_line, stage)) => FinalUser::Unset {
            from_line,
            nonroot_base: stage.nonroot_base,
        },
    }
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default().trim();
    name.is_empty() || name == "root" || name == "0"
}

/// A container of a Deployment, with where it was found.
struct Container<'a> {
    file: String,
    text: &'a str,
    value: &'a Value,
}

/// PLAT402 to PLAT405.
pub(super) fn kubernetes(run: &mut Run, root: &Path, doc: &ManifestDoc) {
    const ALL: &[&str] = &["PLAT402", "PLAT403", "PLAT404", "PLAT405"];
    let Some(infra) = &doc.manifest.infrastructure else {
        run.skip(ALL, "platform.yaml has no `infrastructure` section");
        return;
    };
    if infra.environments.is_empty() {
        run.skip(ALL, "platform.yaml lists no environments");
        return;
    }
    // Every environment's Deployments: (file, text, documents).
    let mut sources: Vec<(String, String, Vec<Value>)> = Vec::new();
    for (i, env) in infra.environments.iter().enumerate() {
        let dir = format!("deploy/k8s/{}", env.name);
        let mut names: Vec<String> = std::fs::read_dir(root.join(&dir))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        let mut found = false;
        for n in names {
            let rel = format!("{dir}/{n}");
            let Ok(text) = files::read_text(root, &rel) else {
                continue;
            };
            if !text.contains("Deployment") {
                continue; // no need to parse a Service or a NetworkPolicy
            }
            let docs = match files::yaml_documents(&text) {
                Ok(d) => d,
                Err((msg, line)) => {
                    run.fail(
                        "PLAT402",
                        format!("{rel} does not parse: {msg}"),
                        Some(Location::at(&rel, line)),
                    )
                    .fixable = false;
                    found = true; // reported; do not also call it missing
                    continue;
                }
            };
            let deployments: Vec<Value> = docs
                .into_iter()
                .filter(|d| d.get("kind").and_then(|k| k.as_str()) == Some("Deployment"))
                .collect();
            if !deployments.is_empty() {
                found = true;
                sources.push((rel, text, deployments));
            }
        }
        if !found {
            run.fail(
                "PLAT402",
                format!(
                    "environment `{}` (infrastructure.environments[{i}]) has no Deployment in {dir}/",
                    env.name
                ),
                doc.at(&format!("infrastructure.environments[{i}]")),
            );
        }
    }
    run.pass_unless_failed(
        "PLAT402",
        format!(
            "Kubernetes manifests for {}",
            infra
                .environments
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let mut containers = Vec::new();
    for (file, text, deployments) in &sources {
        for d in deployments {
            let list = d
                .get("spec")
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec"))
                .and_then(|s| s.get("containers"))
                .and_then(|c| c.as_sequence());
            for c in list.into_iter().flatten() {
                containers.push(Container {
                    file: file.clone(),
                    text,
                    value: c,
                });
            }
        }
    }
    if containers.is_empty() {
        run.skip(
            &["PLAT403", "PLAT404", "PLAT405"],
            "no Deployment with containers was found (PLAT402)",
        );
        return;
    }
    let name_of = |c: &Container| {
        c.value
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or("?")
            .to_string()
    };
    let loc = |c: &Container, needle: &str| {
        let name = name_of(c);
        let start = files::line_of(c.text, &format!("name: {name}")).unwrap_or(1);
        let line = c
            .text
            .lines()
            .skip(start - 1)
            .position(|l| l.trim_start().starts_with(needle))
            .map(|i| i + start)
            .unwrap_or(start);
        Some(Location::at(&c.file, Some(line)))
    };

    // PLAT403
    for c in &containers {
        let missing: Vec<&str> = ["livenessProbe", "readinessProbe"]
            .into_iter()
            .filter(|p| c.value.get(*p).is_none_or(Value::is_null))
            .collect();
        if !missing.is_empty() {
            run.fail(
                "PLAT403",
                format!(
                    "container `{}` in {} has no {}",
                    name_of(c),
                    c.file,
                    missing.join(" or ")
                ),
                loc(c, "name:"),
            );
        }
    }
    run.pass_unless_failed(
        "PLAT403",
        format!("{} containers have both probes", containers.len()),
    );

    // PLAT404
    for c in &containers {
        let limits = c.value.get("resources").and_then(|r| r.get("limits"));
        let missing: Vec<&str> = ["cpu", "memory"]
            .into_iter()
            .filter(|k| limits.and_then(|l| l.get(*k)).is_none_or(Value::is_null))
            .collect();
        if !missing.is_empty() {
            run.fail(
                "PLAT404",
                format!(
                    "container `{}` in {} sets no {} limit",
                    name_of(c),
                    c.file,
                    missing.join(" or ")
                ),
                loc(c, "resources:").or(loc(c, "name:")),
            );
        }
    }
    run.pass_unless_failed(
        "PLAT404",
        format!("{} containers set CPU and memory limits", containers.len()),
    );

    // PLAT405: the service's own container (named after it, else the first).
    let port = u64::from(infra.port);
    let mut seen_files = std::collections::HashSet::new();
    for c in &containers {
        let main = name_of(c) == doc.manifest.metadata.name
            || !containers
                .iter()
                .any(|o| o.file == c.file && name_of(o) == doc.manifest.metadata.name);
        if !main || !seen_files.insert(c.file.clone()) {
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
        if !ports.contains(&port) {
            let have = if ports.is_empty() {
                "no containerPort".to_string()
            } else {
                format!(
                    "containerPort {}",
                    ports
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            run.fail(
                "PLAT405",
                format!(
                    "container `{}` in {} has {have}, platform.yaml says infrastructure.port {port}",
                    name_of(c),
                    c.file
                ),
                loc(c, "containerPort:").or(loc(c, "name:")),
            );
        }
    }
    run.pass_unless_failed("PLAT405", format!("containers listen on port {port}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Option<String> {
        match final_user(text) {
            FinalUser::Set { user, .. } => Some(user),
            FinalUser::Unset {
                nonroot_base: true, ..
            } => Some("nonroot-base".into()),
            _ => None,
        }
    }

    #[test]
    fn the_last_stage_decides_the_user() {
        assert_eq!(user("FROM a AS b\nUSER 10001\nFROM c\n"), None);
        assert_eq!(user("FROM a\nUSER app:app\n"), Some("app:app".into()));
        assert_eq!(user("from a\nuser root\n"), Some("root".into()));
        assert_eq!(
            user("FROM gcr.io/distroless/static:nonroot\n"),
            Some("nonroot-base".into())
        );
        assert_eq!(user("RUN echo \\\n  USER 1\nFROM x\n"), None);
        // A stage built from an earlier one keeps its user.
        assert_eq!(
            user("FROM a AS base\nUSER 10001\nFROM base AS final\nRUN true\n"),
            Some("10001".into())
        );
        assert_eq!(user("FROM a AS base\nUSER 10001\nFROM other\n"), None);
        assert!(is_root("0:0") && is_root("root") && !is_root("10001:10001"));
    }
}
