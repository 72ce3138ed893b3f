//! The next steps `plat new` ends with: shell lines true for what was
//! made. `cd` into the project, the template's own lines (`next_steps:`,
//! rendered with the answers), `plat doctor`, then the git state: how to
//! push a committed repository and which pipeline file then runs, how to
//! commit when plat could not, or how to start a repository after
//! `--no-git`. Pure: the rim prints them.

use anyhow::Result;
use std::path::Path;

use super::Prepared;
use crate::effects::git::GitOutcome;
use crate::template::{next_steps, Plan};

/// The template's lines for these answers; rendered before anything is
/// written, so a template whose steps do not render fails early.
pub fn template_steps(prepared: &Prepared) -> Result<Vec<String>> {
    next_steps::render(
        &prepared.template.definition.next_steps,
        prepared.engine.tera(),
        &prepared.context,
    )
}

/// Every line, in the order a person runs them.
/// `branch` is the one `--no-git` would have used.
pub fn next_steps(
    target: &Path,
    branch: &str,
    plan: &Plan,
    git: &GitOutcome,
    template_steps: &[String],
) -> Vec<String> {
    let mut steps = Vec::new();
    if target != Path::new(".") && !target.as_os_str().is_empty() {
        steps.push(format!("cd {}", shell_word(&target.display().to_string())));
    }
    steps.extend(template_steps.iter().cloned());
    steps.push("plat doctor  # check it against the platform's rules".into());
    let pipeline = pipeline_file(plan);
    let runs = pipeline.map(|(file, host)| format!("  # then {file} runs on {host}"));
    match git {
        GitOutcome::Committed { branch, .. } => {
            steps.push("git remote add origin <repository-url>".into());
            steps.push(format!(
                "git push -u origin {branch}{}",
                runs.unwrap_or_default()
            ));
        }
        GitOutcome::NoIdentity { branch } => {
            steps.push(
                "git config --global user.name \"Your Name\" && git config --global user.email you@example.com".into(),
            );
            steps.push("git commit -m \"Initial commit\"  # every file is staged".into());
            steps.push("git remote add origin <repository-url>".into());
            steps.push(format!(
                "git push -u origin {branch}{}",
                runs.unwrap_or_default()
            ));
        }
        GitOutcome::InsideRepository { .. } => {
            let name = target.file_name().map_or_else(
                || "the service".into(),
                |n| n.to_string_lossy().into_owned(),
            );
            steps.push(format!(
                "git add . && git commit -m {}  # in the enclosing repository{}",
                shell_word(&format!("Add {name}")),
                pipeline
                    .map(|(file, _)| format!("; {file} is this service's pipeline"))
                    .unwrap_or_default()
            ));
        }
        GitOutcome::Disabled => {
            steps.push(
                format!("git init -b {branch} && git add . && git commit -m \"Initial commit\"  # --no-git: no repository yet"),
            );
            steps.push("git remote add origin <repository-url>".into());
            steps.push(format!(
                "git push -u origin {branch}{}",
                runs.unwrap_or_default()
            ));
        }
    }
    steps
}

/// The pipeline file the plan wrote, and where it runs.
fn pipeline_file(plan: &Plan) -> Option<(&str, &'static str)> {
    plan.files.iter().find_map(|f| {
        let path = f.path.as_str();
        if path == ".gitlab-ci.yml" {
            Some((path, "GitLab"))
        } else if path.starts_with(".github/workflows/")
            && (path.ends_with(".yml") || path.ends_with(".yaml"))
        {
            Some((path, "GitHub"))
        } else {
            None
        }
    })
}

/// `word`, quoted for a POSIX shell when it needs to be.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./+:@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{FileKind, PlannedFile};

    fn plan(paths: &[&str]) -> Plan {
        Plan {
            files: paths
                .iter()
                .map(|p| PlannedFile {
                    path: p.to_string(),
                    contents: std::borrow::Cow::Borrowed(b""),
                    executable: false,
                    kind: FileKind::Rendered,
                    managed: false,
                })
                .collect(),
        }
    }

    #[test]
    fn a_committed_project_is_pushed_and_its_pipeline_named() {
        let git = GitOutcome::Committed {
            branch: "trunk".into(),
            commit: "0".repeat(40),
        };
        let steps = next_steps(
            Path::new("my api"),
            "main",
            &plan(&["README.md", ".gitlab-ci.yml"]),
            &git,
            &["make test".into()],
        );
        assert_eq!(steps[0], "cd 'my api'");
        assert_eq!(steps[1], "make test");
        assert!(steps[2].starts_with("plat doctor"));
        assert_eq!(
            steps.last().unwrap(),
            "git push -u origin trunk  # then .gitlab-ci.yml runs on GitLab"
        );
    }

    #[test]
    fn no_git_and_no_pipeline_say_so() {
        let steps = next_steps(
            Path::new("."),
            "main",
            &plan(&["a"]),
            &GitOutcome::Disabled,
            &[],
        );
        assert!(!steps.iter().any(|s| s.starts_with("cd ")));
        assert!(steps.iter().any(|s| s.starts_with("git init -b main")));
        assert_eq!(steps.last().unwrap(), "git push -u origin main");
    }
}
