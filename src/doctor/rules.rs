//! Running a policy's rules against a service: files by path or glob,
//! manifest fields by path.

use regex::Regex;
use std::path::Path;

use super::policy::{parse_field, resolve, FileGlob, Test};
use super::{Location, Run};

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
pub(super) fn evaluate(
    run: &mut Run,
    root: &Path,
    manifest: Option<&serde_yaml::Value>,
    line: &dyn Fn(&str) -> Option<usize>,
) {
    let rules = run.opts.policy.rules.clone();
    let mut listing: Option<Vec<String>> = None;
    for rule in &rules {
        let id = rule.id.as_str();
        let msg = |detail: &str| format!("{}: {detail}", rule.message);
        match &rule.test {
            Test::FileExists(g)
            | Test::FileAbsent(g)
            | Test::FileContains(g, _)
            | Test::FileNotContains(g, _) => {
                let matches = matching(root, g, &mut listing);
                match &rule.test {
                    Test::FileExists(_) if matches.is_empty() => {
                        run.fail(id, msg(&format!("no file matches `{}`", g.pattern)), None);
                    }
                    Test::FileExists(_) => run.pass(id, format!("{} exists", matches[0])),
                    Test::FileAbsent(_) if matches.is_empty() => {
                        run.pass(id, format!("no file matches `{}`", g.pattern))
                    }
                    Test::FileAbsent(_) => {
                        for m in &matches {
                            run.fail(id, msg(&format!("{m} exists")), Some(Location::file(m)));
                        }
                    }
                    Test::FileContains(_, re) => {
                        if matches.is_empty() {
                            run.fail(id, msg(&format!("no file matches `{}`", g.pattern)), None);
                            continue;
                        }
                        for m in &matches {
                            let text = read_lossy(root, m);
                            if !re.is_match(&text) {
                                run.fail(
                                    id,
                                    msg(&format!("{m} does not contain /{}/", pattern_of(re))),
                                    Some(Location::file(m)),
                                );
                            }
                        }
                        run.pass_unless_failed(
                            id,
                            format!("{} contains /{}/", matches.join(", "), pattern_of(re)),
                        );
                    }
                    Test::FileNotContains(_, re) => {
                        for m in &matches {
                            let text = read_lossy(root, m);
                            if let Some(found) = re.find(&text) {
                                let line = text[..found.start()].matches('\n').count() + 1;
                                run.fail(
                                    id,
                                    msg(&format!("{m} contains /{}/", pattern_of(re))),
                                    Some(Location::at(m, Some(line))),
                                );
                            }
                        }
                        run.pass_unless_failed(
                            id,
                            format!(
                                "no file matching `{}` contains /{}/",
                                g.pattern,
                                pattern_of(re)
                            ),
                        );
                    }
                    _ => unreachable!("file rules only"),
                }
            }
            Test::FieldRequired(p) | Test::FieldOneOf(p, _) | Test::FieldMatches(p, _) => {
                let Some(doc) = manifest else {
                    run.skip(&[id], "platform.yaml could not be read");
                    continue;
                };
                let segs = parse_field(p).unwrap_or_default();
                for (at, value) in resolve(doc, &segs) {
                    let loc = Some(Location::at(
                        crate::scaffold::MANIFEST_FILE,
                        line(if at.is_empty() { p } else { &at }),
                    ));
                    let shown = if at.is_empty() { p.clone() } else { at.clone() };
                    let problem = match (&rule.test, &value) {
                        (_, None) => Some(format!("`{shown}` is not set")),
                        (Test::FieldRequired(_), Some(serde_yaml::Value::String(s)))
                            if s.trim().is_empty() =>
                        {
                            Some(format!("`{shown}` is empty"))
                        }
                        (Test::FieldOneOf(_, allowed), Some(v)) if !one_of(allowed, v) => {
                            Some(format!(
                                "`{shown}` is {}, not one of {}",
                                show(v),
                                allowed.iter().map(show).collect::<Vec<_>>().join(", ")
                            ))
                        }
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
                        run.fail(id, msg(&problem), loc);
                    }
                }
                run.pass_unless_failed(id, format!("`{p}` is as the policy requires"));
            }
        }
    }
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

fn read_lossy(root: &Path, rel: &str) -> String {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    let path = root.join(rel);
    if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
        return String::new();
    }
    if let Ok(f) = std::fs::File::open(&path) {
        // Large files are searched in their first 4 MiB only.
        let _ = f.take(4 * 1024 * 1024).read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Files under `root` matching `g`, in path order. Globs walk the service
/// once per run (skipping .git, node_modules, target, ignored files and
/// nested services).
fn matching(root: &Path, g: &FileGlob, listing: &mut Option<Vec<String>>) -> Vec<String> {
    let Some(m) = &g.matcher else {
        return if root.join(&g.pattern).is_file() {
            vec![g.pattern.clone()]
        } else {
            Vec::new()
        };
    };
    let all = listing.get_or_insert_with(|| {
        let mut out: Vec<String> = ignore::WalkBuilder::new(root)
            .hidden(false)
            .ignore(false)
            .require_git(false)
            .filter_entry(|e| {
                let dir = e.file_type().is_some_and(|t| t.is_dir());
                let skipped = crate::service::SKIP_DIRS
                    .iter()
                    .any(|s| e.file_name() == *s);
                // A directory with its own platform.yaml is another service.
                let nested =
                    dir && e.depth() > 0 && e.path().join(crate::scaffold::MANIFEST_FILE).is_file();
                !skipped && !nested
            })
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| crate::service::relative(e.path(), root))
            .collect();
        out.sort();
        out
    });
    all.iter()
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
