//! Policy as data: a platform team's own rules, severity overrides and
//! disabled checks, read from YAML files (`--policy`, or plat's config).
//! docs/doctor.md documents the format.

use anyhow::{bail, Context as _, Result};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{catalog, Location, Run, Severity};
use crate::error::InputError;
use crate::manifest::Positions;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PolicyFile {
    #[serde(default)]
    api_version: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    kind: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    values: Option<Vec<serde_yaml::Value>>,
    #[serde(default)]
    severity: Option<Severity>,
    message: String,
    #[serde(default)]
    remediation: Option<String>,
}

const KINDS: &[&str] = &[
    "file-exists",
    "file-absent",
    "file-contains",
    "file-not-contains",
    "manifest-required",
    "manifest-one-of",
    "manifest-matches",
];

/// What a rule tests.
#[derive(Debug, Clone)]
pub enum Test {
    FileExists(FileGlob),
    FileAbsent(FileGlob),
    FileContains(FileGlob, Regex),
    FileNotContains(FileGlob, Regex),
    FieldRequired(String),
    FieldOneOf(String, Vec<serde_yaml::Value>),
    FieldMatches(String, Regex),
}

/// A `path:` of a file rule: a literal path or a glob over the service.
#[derive(Debug, Clone)]
pub struct FileGlob {
    pub pattern: String,
    matcher: Option<globset::GlobMatcher>,
}

/// One rule of a policy.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub message: String,
    pub remediation: Option<String>,
    pub test: Test,
    /// The policy file it came from.
    pub source: String,
}

/// Every policy of a run, merged.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub files: Vec<PathBuf>,
    pub rules: Vec<Rule>,
    pub severity: BTreeMap<String, Severity>,
    /// Disabled check ID -> the policy file that disabled it.
    pub disabled: BTreeMap<String, String>,
}

impl Policy {
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Reads and merges `paths` in order (later files override severities).
    /// Every problem in every file is reported at once.
    pub fn load(paths: &[PathBuf]) -> Result<Policy> {
        let mut policy = Policy::default();
        let mut problems = Vec::new();
        let mut pending: Vec<(String, String, String)> = Vec::new(); // (file, where, id)
        for path in paths {
            let label = path.display().to_string();
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("reading the policy file {label}; check the --policy path or plat's config")
            })?;
            let file: PolicyFile = crate::yaml::from_str(&text, &label)?;
            if let Some(v) = &file.api_version {
                if v != crate::manifest::API_VERSION {
                    problems.push(format!(
                        "{label}: `apiVersion` {v:?} is not supported; use `{}`",
                        crate::manifest::API_VERSION
                    ));
                }
            }
            if let Some(k) = &file.kind {
                if k != "Policy" {
                    problems.push(format!("{label}: `kind` {k:?} must be `Policy`"));
                }
            }
            for (i, raw) in file.rules.into_iter().enumerate() {
                match compile(raw, &label) {
                    Ok(rule) => {
                        if let Some(prev) = policy.rule(&rule.id) {
                            problems.push(format!(
                                "{label}: `rules[{i}].id` {} is already defined in {}; give each rule its own ID",
                                rule.id, prev.source
                            ));
                        } else {
                            policy.rules.push(rule);
                        }
                    }
                    Err(msg) => problems.push(format!("{label}: `rules[{i}]`{msg}")),
                }
            }
            for id in file.disable {
                pending.push((label.clone(), "disable".into(), id.clone()));
                policy.disabled.insert(id, label.clone());
            }
            for (id, sev) in file.severity {
                pending.push((label.clone(), "severity".into(), id.clone()));
                policy.severity.insert(id, sev);
            }
            policy.files.push(path.clone());
        }
        for (label, field, id) in pending {
            if catalog::find(&id).is_none() && policy.rule(&id).is_none() {
                let mut known: Vec<&str> = catalog::CHECKS.iter().map(|c| c.id).collect();
                known.extend(policy.rules.iter().map(|r| r.id.as_str()));
                let hint = crate::suggest::did_you_mean(&id, known.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| "; `plat doctor --list` shows every check".into());
                problems.push(format!("{label}: `{field}` names `{id}`, which is not a check{hint}"));
            }
        }
        if !problems.is_empty() {
            bail!(InputError(format!(
                "the policy is not valid:\n{}",
                problems
                    .iter()
                    .map(|p| format!("  - {p}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )));
        }
        Ok(policy)
    }
}

static ID: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(crate::manifest::CHECK_ID_PATTERN).expect("valid"));

/// Checks one rule; the error continues `rules[i]` with what is wrong.
fn compile(raw: RawRule, source: &str) -> Result<Rule, String> {
    let at = |field: &str, msg: String| format!(".{field} ({}): {msg}", raw.id);
    if !ID.is_match(&raw.id) {
        return Err(format!(
            ".id: {:?} is not a check ID: capitals then three digits, like `ACME001`",
            raw.id
        ));
    }
    if raw.id.starts_with("PLAT") {
        return Err(at(
            "id",
            "IDs starting with PLAT are plat's own; use your organisation's prefix, like `ACME001`".into(),
        ));
    }
    if raw.message.trim().is_empty() {
        return Err(at("message", "is empty; say what is wrong when the rule fails".into()));
    }
    let need = |field: &str, v: &Option<String>| -> Result<String, String> {
        v.clone().ok_or_else(|| {
            at(
                field,
                format!("a `{}` rule needs `{field}`", raw.kind),
            )
        })
    };
    let regex = |p: String| {
        Regex::new(&format!("(?m){p}"))
            .map_err(|e| at("pattern", format!("is not a valid regular expression: {e}")))
    };
    let file = |p: String| -> Result<FileGlob, String> {
        if let Err(e) = crate::pathcheck::check_relative(p.trim_start_matches("**/")) {
            return Err(at("path", format!("{e}")));
        }
        let matcher = if p.contains(['*', '?', '[', '{']) {
            Some(
                crate::render::glob(&p)
                    .map_err(|e| at("path", format!("is not a valid glob: {e}")))?
                    .compile_matcher(),
            )
        } else {
            None
        };
        Ok(FileGlob {
            pattern: p,
            matcher,
        })
    };
    let test = match raw.kind.as_str() {
        "file-exists" => Test::FileExists(file(need("path", &raw.path)?)?),
        "file-absent" => Test::FileAbsent(file(need("path", &raw.path)?)?),
        "file-contains" => Test::FileContains(
            file(need("path", &raw.path)?)?,
            regex(need("pattern", &raw.pattern)?)?,
        ),
        "file-not-contains" => Test::FileNotContains(
            file(need("path", &raw.path)?)?,
            regex(need("pattern", &raw.pattern)?)?,
        ),
        "manifest-required" => Test::FieldRequired(field_path(need("field", &raw.field)?, &at)?),
        "manifest-one-of" => {
            let values = raw
                .values
                .clone()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| at("values", "a `manifest-one-of` rule needs a non-empty `values` list".into()))?;
            Test::FieldOneOf(field_path(need("field", &raw.field)?, &at)?, values)
        }
        "manifest-matches" => Test::FieldMatches(
            field_path(need("field", &raw.field)?, &at)?,
            regex(need("pattern", &raw.pattern)?)?,
        ),
        other => {
            let hint = crate::suggest::did_you_mean(other, KINDS.iter().copied())
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            return Err(at(
                "kind",
                format!("`{other}` is not a rule kind; {hint}kinds: {}", KINDS.join(", ")),
            ));
        }
    };
    Ok(Rule {
        name: raw
            .name
            .clone()
            .unwrap_or_else(|| raw.id.to_ascii_lowercase()),
        id: raw.id,
        severity: raw.severity.unwrap_or(Severity::Error),
        message: raw.message,
        remediation: raw.remediation,
        test,
        source: source.to_string(),
    })
}

fn field_path(p: String, at: &dyn Fn(&str, String) -> String) -> Result<String, String> {
    if parse_field(&p).is_none() {
        return Err(at(
            "field",
            format!("{p:?} is not a field path like `metadata.owner` or `infrastructure.environments[*].name`"),
        ));
    }
    Ok(p)
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
    Each,
}

fn parse_field(p: &str) -> Option<Vec<Seg>> {
    let mut out = Vec::new();
    for part in p.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        out.push(Seg::Key(key.to_string()));
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = &r[..end];
            out.push(if inner == "*" {
                Seg::Each
            } else {
                Seg::Index(inner.parse().ok()?)
            });
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// The values at `path`, each with its rendered path; `None` values are
/// missing fields.
fn resolve(root: &serde_yaml::Value, path: &[Seg]) -> Vec<(String, Option<serde_yaml::Value>)> {
    let mut frontier: Vec<(String, Option<&serde_yaml::Value>)> = vec![(String::new(), Some(root))];
    for seg in path {
        let mut next = Vec::new();
        for (at, v) in frontier {
            match (seg, v) {
                (Seg::Key(k), Some(v)) => {
                    let at = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                    next.push((at, v.get(k.as_str())));
                }
                (Seg::Index(i), Some(v)) => next.push((format!("{at}[{i}]"), v.get(*i))),
                (Seg::Each, Some(serde_yaml::Value::Sequence(items))) => {
                    for (i, item) in items.iter().enumerate() {
                        next.push((format!("{at}[{i}]"), Some(item)));
                    }
                }
                (Seg::Each, Some(serde_yaml::Value::Null) | None) => {}
                (Seg::Each, Some(_)) => next.push((at, None)),
                (_, None) => next.push((at, None)),
            }
        }
        frontier = next;
    }
    frontier
        .into_iter()
        .map(|(at, v)| (at, v.filter(|v| !v.is_null()).cloned()))
        .collect()
}

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
    positions: &Positions,
) {
    let rules = run.opts.policy.rules.clone();
    let mut listing: Option<Vec<String>> = None;
    for rule in &rules {
        let id = rule.id.as_str();
        let msg = |detail: &str| format!("{}: {detail}", rule.message);
        match &rule.test {
            Test::FileExists(g) | Test::FileAbsent(g) | Test::FileContains(g, _) | Test::FileNotContains(g, _) => {
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
                        let mut failed = false;
                        for m in &matches {
                            let text = read_lossy(root, m);
                            if !re.is_match(&text) {
                                failed = true;
                                run.fail(
                                    id,
                                    msg(&format!("{m} does not contain /{}/", pattern_of(re))),
                                    Some(Location::file(m)),
                                );
                            }
                        }
                        if !failed {
                            run.pass(id, format!("{} contains /{}/", matches.join(", "), pattern_of(re)));
                        }
                    }
                    Test::FileNotContains(_, re) => {
                        let mut failed = false;
                        for m in &matches {
                            let text = read_lossy(root, m);
                            if let Some(found) = re.find(&text) {
                                failed = true;
                                let line = text[..found.start()].matches('\n').count() + 1;
                                run.fail(
                                    id,
                                    msg(&format!("{m} contains /{}/", pattern_of(re))),
                                    Some(Location::at(m, Some(line))),
                                );
                            }
                        }
                        if !failed {
                            run.pass(id, format!("no file matching `{}` contains /{}/", g.pattern, pattern_of(re)));
                        }
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
                let mut failed = false;
                for (at, value) in resolve(doc, &segs) {
                    let loc = Some(Location::at(crate::scaffold::MANIFEST_FILE, positions.line(if at.is_empty() { p } else { &at })));
                    let shown = if at.is_empty() { p.clone() } else { at.clone() };
                    let problem = match (&rule.test, &value) {
                        (_, None) => Some(format!("`{shown}` is not set")),
                        (Test::FieldRequired(_), Some(serde_yaml::Value::String(s))) if s.trim().is_empty() => {
                            Some(format!("`{shown}` is empty"))
                        }
                        (Test::FieldOneOf(_, allowed), Some(v)) if !allowed.contains(v) => Some(format!(
                            "`{shown}` is {}, not one of {}",
                            show(v),
                            allowed.iter().map(show).collect::<Vec<_>>().join(", ")
                        )),
                        (Test::FieldMatches(_, re), Some(v)) => match scalar_text(v) {
                            Some(t) if re.is_match(&t) => None,
                            Some(t) => Some(format!("`{shown}` is {t:?}, which does not match /{}/", pattern_of(re))),
                            None => Some(format!("`{shown}` is not a single value")),
                        },
                        _ => None,
                    };
                    if let Some(problem) = problem {
                        failed = true;
                        run.fail(id, msg(&problem), loc);
                    }
                }
                if !failed {
                    run.pass(id, format!("`{p}` is as the policy requires"));
                }
            }
        }
    }
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
    std::fs::read(root.join(rel))
        .map(|b| String::from_utf8_lossy(&b[..b.len().min(4 * 1024 * 1024)]).into_owned())
        .unwrap_or_default()
}

/// Files under `root` matching `g`, in path order. Globs walk the service
/// once per run (skipping .git, node_modules, target and ignored files).
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
            .require_git(false)
            .filter_entry(|e| {
                let n = e.file_name();
                n != ".git" && n != "node_modules" && n != "target"
            })
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| crate::service::relative(e.path(), root))
            .collect();
        out.sort();
        out
    });
    all.iter().filter(|p| m.is_match(p.as_str())).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_parse_and_resolve() {
        assert_eq!(
            parse_field("a.b[2].c[*]"),
            Some(vec![
                Seg::Key("a".into()),
                Seg::Key("b".into()),
                Seg::Index(2),
                Seg::Key("c".into()),
                Seg::Each
            ])
        );
        assert_eq!(parse_field("a..b"), None);
        assert_eq!(parse_field("a[x]"), None);
        let doc: serde_yaml::Value =
            serde_yaml::from_str("envs: [{name: a}, {name: b, x: 1}]").unwrap();
        let got = resolve(&doc, &parse_field("envs[*].x").unwrap());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], ("envs[0].x".to_string(), None));
        assert_eq!(got[1].1, Some(serde_yaml::Value::from(1)));
    }
}
