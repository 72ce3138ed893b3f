//! Running a policy's rules against a service: files by path or glob,
//! manifest fields by path.

use regex::Regex;
use std::path::Path;

use super::Run;
use crate::doctor::finding::Location;
use crate::doctor::policy::{FieldPath, FileGlob, Rule, Test};
use crate::manifest::MANIFEST_FILE;
use crate::util::read::{self, Input};

fn scalar_text(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Runs every policy rule against the service. Manifest rules are
/// skipped when the manifest could not be read.
pub(in crate::doctor) fn evaluate(
    run: &mut Run,
    root: &Path,
    manifest: Option<&serde_yaml::Value>,
    line: &dyn Fn(&str) -> Option<usize>,
) {
    let opts = run.opts;
    let policy = &opts.policy;
    for rule in &policy.rules {
        match &rule.test {
            Test::FileExists(g)
            | Test::FileAbsent(g)
            | Test::FileContains(g, _)
            | Test::FileNotContains(g, _) => {
                let matches = matching(run, root, g);
                file_rule(run, rule, root, g, &matches);
            }
            Test::FieldRequired(p) | Test::FieldOneOf(p, _) | Test::FieldMatches(p, _) => {
                match manifest {
                    Some(doc) => field_rule(run, rule, doc, p, line),
                    None => run.skip([rule.id.clone()], "platform.yaml could not be read"),
                }
            }
        }
    }
}

/// A rule on files: `matches` are the service's files its path names.
fn file_rule(run: &mut Run, rule: &Rule, root: &Path, g: &FileGlob, matches: &[String]) {
    let id = rule.id.clone();
    let msg = |detail: &str| format!("{}: {detail}", rule.message);
    let none = || msg(&format!("no file matches `{}`", g.pattern));
    match &rule.test {
        Test::FileExists(_) if matches.is_empty() => {
            run.fail(id, none(), None);
        }
        Test::FileExists(_) => run.pass(id, format!("{} exists", matches[0])),
        Test::FileAbsent(_) if matches.is_empty() => {
            run.pass(id, format!("no file matches `{}`", g.pattern))
        }
        Test::FileAbsent(_) => {
            for m in matches {
                run.fail(
                    id.clone(),
                    msg(&format!("{m} exists")),
                    Some(Location::file(m)),
                );
            }
        }
        Test::FileContains(_, _) if matches.is_empty() => {
            run.fail(id, none(), None);
        }
        Test::FileContains(_, re) => contains(run, rule, root, re, matches),
        Test::FileNotContains(_, re) => not_contains(run, rule, root, g, re, matches),
        Test::FieldRequired(_) | Test::FieldOneOf(..) | Test::FieldMatches(..) => {}
    }
}

/// `file-contains`: every matching file contains the pattern.
fn contains(run: &mut Run, rule: &Rule, root: &Path, re: &Regex, matches: &[String]) {
    for m in matches {
        if !re.is_match(&read_lossy(root, m)) {
            run.fail(
                rule.id.clone(),
                format!(
                    "{}: {m} does not contain /{}/",
                    rule.message,
                    pattern_of(re)
                ),
                Some(Location::file(m)),
            );
        }
    }
    run.pass_unless_failed(
        rule.id.clone(),
        format!("{} contains /{}/", matches.join(", "), pattern_of(re)),
    );
}

/// `file-not-contains`: no matching file contains the pattern; a failure
/// points at the first line that does.
fn not_contains(
    run: &mut Run,
    rule: &Rule,
    root: &Path,
    g: &FileGlob,
    re: &Regex,
    matches: &[String],
) {
    let pattern = pattern_of(re);
    for m in matches {
        let text = read_lossy(root, m);
        if let Some(found) = re.find(&text) {
            let line = text[..found.start()].matches('\n').count() + 1;
            run.fail(
                rule.id.clone(),
                format!("{}: {m} contains /{pattern}/", rule.message),
                Some(Location::at(m, Some(line))),
            );
        }
    }
    run.pass_unless_failed(
        rule.id.clone(),
        format!("no file matching `{}` contains /{pattern}/", g.pattern),
    );
}

/// A rule on a manifest field: every value the field path reaches.
fn field_rule(
    run: &mut Run,
    rule: &Rule,
    doc: &serde_yaml::Value,
    p: &FieldPath,
    line: &dyn Fn(&str) -> Option<usize>,
) {
    for (at, value) in p.resolve(doc) {
        let shown = if at.is_empty() { p.text.clone() } else { at };
        let problem = match (&rule.test, &value) {
            (_, None) => Some(format!("`{shown}` is not set")),
            (Test::FieldRequired(_), Some(serde_yaml::Value::String(s))) if s.trim().is_empty() => {
                Some(format!("`{shown}` is empty"))
            }
            (Test::FieldOneOf(_, allowed), Some(v)) if !one_of(allowed, v) => Some(format!(
                "`{shown}` is {}, not one of {}",
                show(v),
                allowed.iter().map(show).collect::<Vec<_>>().join(", ")
            )),
            (Test::FieldMatches(_, re), Some(v)) => match scalar_text(v) {
                Some(t) if re.is_match(&t) => None,
                Some(t) => Some(format!(
                    "`{shown}` is {t:?}, which does not match /{}/",
                    pattern_of(re)
                )),
                None => Some(format!("`{shown}` is not a single value")),
            },
            _ => None,
        };
        if let Some(problem) = problem {
            let loc = Some(Location::at(MANIFEST_FILE, line(&shown)));
            run.fail(rule.id.clone(), format!("{}: {problem}", rule.message), loc);
        }
    }
    run.pass_unless_failed(
        rule.id.clone(),
        format!("`{}` is as the policy requires", p.text),
    );
}

/// `v` is among `allowed`; scalars compare as written, so `8080` and
/// `"8080"` are the same value.
fn one_of(allowed: &[serde_yaml::Value], v: &serde_yaml::Value) -> bool {
    allowed.contains(v)
        || scalar_text(v)
            .is_some_and(|t| allowed.iter().any(|a| scalar_text(a).as_ref() == Some(&t)))
}

fn show(v: &serde_yaml::Value) -> String {
    scalar_text(v)
        .map(|t| format!("`{t}`"))
        .unwrap_or_else(|| serde_json::to_string(v).unwrap_or_default())
}

fn pattern_of(re: &Regex) -> &str {
    re.as_str().strip_prefix("(?m)").unwrap_or(re.as_str())
}

/// A file's text for a pattern, as far as plat reads a service file (its
/// first 4 MiB); empty when it cannot be read (then nothing matches).
fn read_lossy(root: &Path, rel: &str) -> String {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    if let Ok(f) = read::open_in(root, &root.join(rel)) {
        let _ = f
            .file
            .take(Input::ServiceFile.limit())
            .read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Files under `root` matching `g`, in path order. Globs match the
/// service's files as the run lists them once (skipping ignored files, and
/// what `walk` always skips).
fn matching(run: &Run, root: &Path, g: &FileGlob) -> Vec<String> {
    let Some(m) = &g.matcher else {
        return if root.join(&g.pattern).is_file() {
            vec![g.pattern.clone()]
        } else {
            Vec::new()
        };
    };
    run.service_files(root)
        .iter()
        .filter(|p| m.is_match(p.as_str()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::one_of;

    #[test]
    fn one_of_compares_scalars_as_written() {
        let allowed: Vec<serde_yaml::Value> = serde_yaml::from_str("[8080, prod, true]").unwrap();
        for (v, want) in [
            ("8080", true),
            ("'8080'", true),
            ("prod", true),
            ("'true'", true),
            ("9090", false),
            ("[prod]", false),
        ] {
            let v: serde_yaml::Value = serde_yaml::from_str(v).unwrap();
            assert_eq!(one_of(&allowed, &v), want, "{v:?}");
        }
    }
}
