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

/// Where the new repository's `origin` stands after `--remote`/`--push`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// No `--remote`: the person adds one.
    None,
    /// `--remote` without (a successful) `--push`: origin is set.
    Set,
    /// `--push` succeeded: the branch is on origin, upstream set.
    Pushed,
}

/// Every line, in the order a person runs them.
/// `branch` is the one `--no-git` would have used.
pub fn next_steps(
    target: &Path,
    branch: &str,
    plan: &Plan,
    git: &GitOutcome,
    origin: Origin,
    template_steps: &[String],
) -> Vec<String> {
    let mut steps = Vec::new();
    if target != Path::new(".") && !target.as_os_str().is_empty() {
        steps.push(format!(
            "cd {}",
            crate::util::shell::word(&target.display().to_string())
        ));
    }
    steps.extend(template_steps.iter().cloned());
    steps.push("plat doctor  # check it against the platform's rules".into());
    let pipeline = pipeline_file(plan);
    let runs = pipeline.map(|(file, host)| format!("  # then {file} runs on {host}"));
    match git {
        GitOutcome::Committed { branch, .. } => match origin {
            Origin::Pushed => steps.push(format!(
                "git push  # later commits; {branch} is on origin already{}",
                pipeline
                    .map(|(file, host)| format!(", and {file} runs on {host}"))
                    .unwrap_or_default()
            )),
            Origin::Set | Origin::None => {
                if origin == Origin::None {
                    steps.push("git remote add origin <repository-url>".into());
                }
                steps.push(format!(
                    "git push -u origin {branch}{}",
                    runs.unwrap_or_default()
                ));
            }
        },
        GitOutcome::NoIdentity { branch } => {
            steps.push(
                "git config --global user.name \"Your Name\" && git config --global user.email you@example.com".into(),
            );
            steps.push("git commit -m \"Initial commit\"  # every file is staged".into());
            if origin == Origin::None {
                steps.push("git remote add origin <repository-url>".into());
            }
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
                crate::util::shell::word(&format!("Add {name}")),
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
            Origin::None,
            &["make test".into()],
        );
        assert_eq!(steps[0], "cd 'my api'");
        assert_eq!(steps[1], "make test");
        assert!(steps[2].starts_with("plat doctor"));
        assert_eq!(steps[3], "git remote add origin <repository-url>");
        assert_eq!(
            steps.last().unwrap(),
            "git push -u origin trunk  # then .gitlab-ci.yml runs on GitLab"
        );
    }

    #[test]
    fn a_remote_given_or_pushed_is_not_asked_for_again() {
        let git = GitOutcome::Committed {
            branch: "main".into(),
            commit: "0".repeat(40),
        };
        let files = plan(&[".github/workflows/ci.yml"]);
        let set = next_steps(Path::new("a"), "main", &files, &git, Origin::Set, &[]);
        assert!(!set.iter().any(|s| s.contains("remote add")), "{set:?}");
        assert!(set.last().unwrap().starts_with("git push -u origin main"));
        let pushed = next_steps(Path::new("a"), "main", &files, &git, Origin::Pushed, &[]);
        assert!(
            !pushed
                .iter()
                .any(|s| s.contains("remote add") || s.contains("push -u")),
            "{pushed:?}"
        );
        assert!(
            pushed
                .last()
                .unwrap()
                .contains(".github/workflows/ci.yml runs on GitHub"),
            "{pushed:?}"
        );
    }

    #[test]
    fn no_git_and_no_pipeline_say_so() {
        let steps = next_steps(
            Path::new("."),
            "main",
            &plan(&["a"]),
            &GitOutcome::Disabled,
            Origin::None,
            &[],
        );
        assert!(!steps.iter().any(|s| s.starts_with("cd ")));
        assert!(steps.iter().any(|s| s.starts_with("git init -b main")));
        assert_eq!(steps.last().unwrap(), "git push -u origin main");
    }
}
