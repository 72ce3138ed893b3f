//! The Dockerfile checks: it exists (PLAT400) and its final stage runs as
//! a non-root user (PLAT401).

use std::path::Path;

use super::{files, Run};
use crate::doctor::check_id::CheckId;
use crate::doctor::finding::Location;

const DOCKERFILE: &str = "Dockerfile";

/// PLAT400 and PLAT401.
pub(in crate::doctor) fn check(run: &mut Run, root: &Path) {
    if !files::exists(&root.join(DOCKERFILE)) {
        run.fail(
            CheckId::Dockerfile,
            "no Dockerfile in the service's directory",
            None,
        );
        run.skip_after(
            &[CheckId::DockerfileNonRoot],
            CheckId::Dockerfile,
            "no Dockerfile",
        );
        return;
    }
    run.pass(CheckId::Dockerfile, "Dockerfile found");
    match files::read_text(root, DOCKERFILE) {
        Ok(text) => non_root(run, &text),
        Err(e) => {
            run.fail(
                CheckId::DockerfileNonRoot,
                e,
                Some(Location::file(DOCKERFILE)),
            );
        }
    }
}

/// PLAT401: the Dockerfile's final stage runs as a user other than root,
/// set by USER or by a nonroot base image.
fn non_root(run: &mut Run, text: &str) {
    match final_user(text) {
        FinalUser::NoFrom => {
            run.fail(
                CheckId::DockerfileNonRoot,
                "the Dockerfile has no FROM instruction",
                Some(Location::file(DOCKERFILE)),
            );
        }
        FinalUser::Unset {
            from_line,
            nonroot_base: true,
        } => run.pass(
            CheckId::DockerfileNonRoot,
            format!("the final stage (line {from_line}) uses a nonroot base image"),
        ),
        FinalUser::Unset { from_line, .. } => {
            run.fail(
                CheckId::DockerfileNonRoot,
                "the final stage sets no USER, so the container runs as root",
                Some(Location::at(DOCKERFILE, Some(from_line))),
            );
        }
        FinalUser::Set { user, line } if is_root(&user) => {
            run.fail(
                CheckId::DockerfileNonRoot,
                format!("the final stage runs as `{user}`, which is root"),
                Some(Location::at(DOCKERFILE, Some(line))),
            );
        }
        FinalUser::Set { user, .. } => run.pass(
            CheckId::DockerfileNonRoot,
            format!("the final stage runs as `{user}`"),
        ),
    }
}

/// Who the final stage runs as.
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

/// A stage being read: its name (lowercase, empty when unnamed), the line
/// of its FROM, and what it ends with so far.
struct Current {
    name: String,
    from_line: usize,
    stage: Stage,
}

/// The USER in effect at the end of the last stage. A stage built `FROM`
/// an earlier stage starts with that stage's user.
fn final_user(text: &str) -> FinalUser {
    let mut named: Vec<(String, Stage)> = Vec::new();
    let mut current: Option<Current> = None;
    for (line, instr, args) in instructions(text) {
        match instr.as_str() {
            "FROM" => {
                if let Some(done) = current.take() {
                    named.push((done.name, done.stage));
                }
                current = Some(start_stage(&args, line, &named));
            }
            "USER" => {
                if let Some(c) = current.as_mut() {
                    c.stage.user = Some((args.join(" "), line));
                }
            }
            _ => {}
        }
    }
    let Some(last) = current else {
        return FinalUser::NoFrom;
    };
    match last.stage.user {
        Some((user, line)) => FinalUser::Set { user, line },
        None => FinalUser::Unset {
            from_line: last.from_line,
            nonroot_base: last.stage.nonroot_base,
        },
    }
}

/// The Dockerfile's instructions: line number, the instruction in upper
/// case, and its words. Comments, blank lines and the lines a `\`
/// continues are left out.
fn instructions(text: &str) -> Vec<(usize, String, Vec<&str>)> {
    let mut out = Vec::new();
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
        out.push((i + 1, instr, words.collect()));
    }
    out
}

/// The stage a FROM on `line` starts: built from an earlier stage `named`
/// after its image, it starts as that stage ended.
fn start_stage(args: &[&str], line: usize, named: &[(String, Stage)]) -> Current {
    let rest: Vec<&str> = args
        .iter()
        .copied()
        .filter(|w| !w.starts_with("--"))
        .collect();
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
    Current {
        name,
        from_line: line,
        stage,
    }
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default().trim();
    name.is_empty() || name == "root" || name == "0"
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
