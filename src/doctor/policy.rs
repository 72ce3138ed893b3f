//! Policy as data: a platform team's own rules, severity overrides and
//! disabled checks, read from YAML files (`--policy`, or plat's config).
//! docs/doctor.md documents the format. Loading reports every problem of
//! every file at once, each with its file and field.

use anyhow::{bail, Result};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::check_id::CheckId;
use super::finding::{RuleId, Severity};
use crate::error::InputError;
use crate::util::suggest::did_you_mean;

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
    /// Decoded one by one, so every rule's problems are reported.
    #[serde(default)]
    rules: Vec<serde_yaml::Value>,
}

/// One rule as written: the common fields and, by `kind`, its test.
#[derive(Debug, Deserialize)]
struct RawRule {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    severity: Option<Severity>,
    message: String,
    #[serde(default)]
    remediation: Option<String>,
    #[serde(flatten)]
    test: RawTest,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum RawTest {
    FileExists {
        path: String,
    },
    FileAbsent {
        path: String,
    },
    FileContains {
        path: String,
        pattern: String,
    },
    FileNotContains {
        path: String,
        pattern: String,
    },
    ManifestRequired {
        field: String,
    },
    ManifestOneOf {
        field: String,
        values: Vec<serde_yaml::Value>,
    },
    ManifestMatches {
        field: String,
        pattern: String,
    },
}

/// The rule kinds, as written in `kind:`.
const KINDS: &[&str] = &[
    "file-exists",
    "file-absent",
    "file-contains",
    "file-not-contains",
    "manifest-required",
    "manifest-one-of",
    "manifest-matches",
];

/// Fields a rule may have besides its kind's own.
const COMMON: &[&str] = &["id", "kind", "name", "severity", "message", "remediation"];

/// The fields each kind needs.
fn kind_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "file-exists" | "file-absent" => &["path"],
        "file-contains" | "file-not-contains" => &["path", "pattern"],
        "manifest-required" => &["field"],
        "manifest-one-of" => &["field", "values"],
        "manifest-matches" => &["field", "pattern"],
        _ => &[],
    }
}

/// What a rule tests.
#[derive(Debug, Clone)]
pub enum Test {
    FileExists(FileGlob),
    FileAbsent(FileGlob),
    FileContains(FileGlob, Regex),
    FileNotContains(FileGlob, Regex),
    FieldRequired(FieldPath),
    FieldOneOf(FieldPath, Vec<serde_yaml::Value>),
    FieldMatches(FieldPath, Regex),
}

/// A `path:` of a file rule: a literal path or a glob over the service.
#[derive(Debug, Clone)]
pub struct FileGlob {
    pub pattern: String,
    pub matcher: Option<globset::GlobMatcher>,
}

/// A `field:` of a manifest rule, such as `infrastructure.environments[*].name`.
#[derive(Debug, Clone)]
pub struct FieldPath {
    pub text: String,
    pub segments: Vec<Seg>,
}

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(String),
    Index(usize),
    Each,
}

/// One rule of a policy.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: RuleId,
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
    pub rules: Vec<Rule>,
    pub severity: BTreeMap<RuleId, Severity>,
    /// Disabled check -> the policy file that disabled it.
    pub disabled: BTreeMap<RuleId, String>,
}

impl Policy {
    pub fn rule(&self, id: &RuleId) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == *id)
    }

    /// The check `code` names: built-in, or one of this policy's rules.
    pub fn resolve(&self, code: &str) -> Option<RuleId> {
        CheckId::parse(code).map(RuleId::Builtin).or_else(|| {
            self.rules
                .iter()
                .find(|r| r.id.as_str() == code)
                .map(|r| r.id.clone())
        })
    }

    /// "did you mean" for a code that names no check.
    pub fn hint(&self, code: &str) -> Option<&str> {
        let known = CheckId::ALL
            .iter()
            .map(|c| c.code())
            .chain(self.rules.iter().map(|r| r.id.as_str()));
        did_you_mean(code, known)
    }

    /// Reads and merges the files in order (later files override
    /// severities); `files` are (label, text) pairs.
    pub fn load(paths: &[PathBuf]) -> Result<Policy> {
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let label = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| {
                InputError(format!(
                    "reading the policy file {label}: {e}; check the --policy path or plat's config"
                ))
            })?;
            files.push((label, text));
        }
        Policy::parse(&files)
    }

    /// [`Policy::load`] for texts already read.
    pub fn parse(files: &[(String, String)]) -> Result<Policy> {
        let mut policy = Policy::default();
        let mut problems = Vec::new();
        let mut named: Vec<(String, &'static str, String, Option<Severity>)> = Vec::new();
        for (label, text) in files {
            let file: PolicyFile = crate::util::yaml::from_str(text, label)?;
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
            for (i, value) in file.rules.into_iter().enumerate() {
                match compile(value, label) {
                    Ok(rule) => match policy.rule(&rule.id) {
                        Some(prev) => problems.push(format!(
                            "{label}: `rules[{i}].id` {} is already defined in {}; give each rule its own ID",
                            rule.id, prev.source
                        )),
                        None => policy.rules.push(rule),
                    },
                    Err(e) => problems.push(format!(
                        "{label}: `rules[{i}]{}`{}: {}",
                        e.field.map(|f| format!(".{f}")).unwrap_or_default(),
                        e.id.map(|id| format!(" ({id})")).unwrap_or_default(),
                        e.message
                    )),
                }
            }
            for id in file.disable {
                named.push((label.clone(), "disable", id, None));
            }
            for (id, sev) in file.severity {
                named.push((label.clone(), "severity", id, Some(sev)));
            }
        }
        // Overrides may name rules of any file, so they are resolved last.
        for (label, field, code, severity) in named {
            let Some(id) = policy.resolve(&code) else {
                let hint = policy
                    .hint(&code)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| "; `plat doctor --list` shows every check".into());
                problems.push(format!(
                    "{label}: `{field}` names `{code}`, which is not a check{hint}"
                ));
                continue;
            };
            match severity {
                Some(sev) => {
                    policy.severity.insert(id, sev);
                }
                None => {
                    policy.disabled.insert(id, label);
                }
            }
        }
        if !problems.is_empty() {
            bail!(InputError(format!(
                "the policy is not valid:\n{}",
                crate::error::bullets(&problems)
            )));
        }
        Ok(policy)
    }
}

/// What is wrong with one rule.
struct RuleError {
    field: Option<&'static str>,
    id: Option<String>,
    message: String,
}

/// Decodes and checks one rule.
fn compile(value: serde_yaml::Value, source: &str) -> Result<Rule, RuleError> {
    let id = value.get("id").and_then(|v| v.as_str()).map(str::to_string);
    let err = |field: Option<&'static str>, message: String| RuleError {
        field,
        id: id.clone(),
        message,
    };
    if let Some(id) = &id {
        if !is_check_id(id) {
            return Err(RuleError {
                field: Some("id"),
                id: None,
                message: format!(
                    "{id:?} is not a check ID: capital letters then three digits, like `ACME001`"
                ),
            });
        }
        if id.starts_with("PLAT") {
            return Err(err(
                Some("id"),
                "IDs starting with PLAT are plat's own; use your organisation's prefix, like `ACME001`"
                    .into(),
            ));
        }
    }
    let kind = value
        .get("kind")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    if !KINDS.contains(&kind) {
        let message = match (kind, did_you_mean(kind, KINDS.iter().copied())) {
            ("", _) => format!("a rule needs `kind`, one of: {}", KINDS.join(", ")),
            (k, Some(s)) => format!(
                "`{k}` is not a rule kind; did you mean `{s}`? kinds: {}",
                KINDS.join(", ")
            ),
            (k, None) => format!("`{k}` is not a rule kind; kinds: {}", KINDS.join(", ")),
        };
        return Err(err(Some("kind"), message));
    }
    if let Some(problem) = fields_problem(&value, kind, &err) {
        return Err(problem);
    }
    let raw: RawRule =
        serde_yaml::from_value(value).map_err(|e| err(None, crate::util::yaml::message(&e)))?;
    let RawRule {
        id,
        name,
        severity,
        message,
        remediation,
        test,
    } = raw;
    let at = |field: &'static str, message: String| RuleError {
        field: Some(field),
        id: Some(id.clone()),
        message,
    };
    if message.trim().is_empty() {
        return Err(at(
            "message",
            "is empty; say what is wrong when the rule fails".into(),
        ));
    }
    let regex = |p: String| {
        Regex::new(&format!("(?m){p}"))
            .map_err(|e| at("pattern", format!("is not a valid regular expression: {e}")))
    };
    let file = |p: String| file_glob(p).map_err(|m| at("path", m));
    let field = |p: String| field_path(p).map_err(|m| at("field", m));
    let test = match test {
        RawTest::FileExists { path } => Test::FileExists(file(path)?),
        RawTest::FileAbsent { path } => Test::FileAbsent(file(path)?),
        RawTest::FileContains { path, pattern } => Test::FileContains(file(path)?, regex(pattern)?),
        RawTest::FileNotContains { path, pattern } => {
            Test::FileNotContains(file(path)?, regex(pattern)?)
        }
        RawTest::ManifestRequired { field: f } => Test::FieldRequired(field(f)?),
        RawTest::ManifestOneOf { field: f, values } => {
            if values.is_empty() {
                return Err(at(
                    "values",
                    "a `manifest-one-of` rule needs a non-empty `values` list".into(),
                ));
            }
            Test::FieldOneOf(field(f)?, values)
        }
        RawTest::ManifestMatches { field: f, pattern } => {
            Test::FieldMatches(field(f)?, regex(pattern)?)
        }
    };
    Ok(Rule {
        name: name.unwrap_or_else(|| id.to_ascii_lowercase()),
        id: RuleId::Policy(Arc::from(id.as_str())),
        severity: severity.unwrap_or(Severity::Error),
        message,
        remediation,
        test,
        source: source.to_string(),
    })
}

/// A field the rule's kind does not know (with the fields it does), or
/// one it needs and lacks. serde ignores unknown fields beside a flattened
/// enum, so they are checked here, before decoding.
fn fields_problem(
    value: &serde_yaml::Value,
    kind: &str,
    err: &dyn Fn(Option<&'static str>, String) -> RuleError,
) -> Option<RuleError> {
    let own = kind_fields(kind);
    let m = value.as_mapping()?;
    for key in m.keys().filter_map(|k| k.as_str()) {
        if !COMMON.contains(&key) && !own.contains(&key) {
            let mut allowed: Vec<&str> = COMMON.to_vec();
            allowed.extend(own);
            let hint = did_you_mean(key, allowed.iter().copied())
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            return Some(err(
                None,
                format!(
                    "unknown field `{key}` for a `{kind}` rule; {hint}its fields: {}",
                    allowed.join(", ")
                ),
            ));
        }
    }
    for f in own.iter().chain(&["id", "message"]) {
        if !m.contains_key(*f) {
            return Some(err(Some(f), format!("a `{kind}` rule needs `{f}`")));
        }
    }
    None
}

fn is_check_id(s: &str) -> bool {
    crate::manifest::regex(crate::manifest::CHECK_ID_PATTERN).is_some_and(|re| re.is_match(s))
}

fn file_glob(p: String) -> Result<FileGlob, String> {
    let is_glob = p.contains(['*', '?', '[', '{']);
    if p.starts_with('/') || p.split('/').any(|s| s == ".." || s.is_empty()) {
        return Err(format!(
            "{p:?} must be relative to the service's directory and stay inside it"
        ));
    }
    if !is_glob {
        crate::template::pathcheck::check_relative(&p).map_err(|e| e.to_string())?;
    }
    let matcher = if is_glob {
        Some(
            crate::util::glob::glob(&p)
                .map_err(|e| format!("is not a valid glob: {e}"))?
                .compile_matcher(),
        )
    } else {
        None
    };
    Ok(FileGlob {
        pattern: p,
        matcher,
    })
}

fn field_path(p: String) -> Result<FieldPath, String> {
    match parse_field(&p) {
        Some(segments) => Ok(FieldPath { text: p, segments }),
        None => Err(format!(
            "{p:?} is not a field path like `metadata.owner` or `infrastructure.environments[*].name`"
        )),
    }
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

impl FieldPath {
    /// The values at this path in `root`, each with its rendered path;
    /// `None` values are missing fields.
    pub fn resolve(&self, root: &serde_yaml::Value) -> Vec<(String, Option<serde_yaml::Value>)> {
        let mut frontier: Vec<(String, Option<&serde_yaml::Value>)> =
            vec![(String::new(), Some(root))];
        for seg in &self.segments {
            let mut next = Vec::new();
            for (at, v) in frontier {
                match (seg, v) {
                    (Seg::Key(k), Some(v)) => {
                        let at = if at.is_empty() {
                            k.clone()
                        } else {
                            format!("{at}.{k}")
                        };
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
        let got = field_path("envs[*].x".into()).unwrap().resolve(&doc);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], ("envs[0].x".to_string(), None));
        assert_eq!(got[1].1, Some(serde_yaml::Value::from(1)));
    }

    fn problems(text: &str) -> String {
        Policy::parse(&[("p.yaml".into(), text.into())])
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn rules_decode_by_kind_and_report_every_problem() {
        let err = problems(
            "rules:\n  - {id: ACME001, kind: file-exist, path: x, message: m}\n  - {id: ACME002, kind: file-exists, message: m}\n  - {id: ACME003, kind: manifest-required, field: a, pattern: x, message: m}\n  - {id: ACME004, kind: file-contains, path: x, pattern: '(', message: m}\ndisable: [PLAT5O1]\n",
        );
        for want in [
            "`rules[0].kind` (ACME001): `file-exist` is not a rule kind; did you mean `file-exists`?",
            "`rules[1].path` (ACME002): a `file-exists` rule needs `path`",
            "`rules[2]` (ACME003): unknown field `pattern` for a `manifest-required` rule",
            "`rules[3].pattern` (ACME004): is not a valid regular expression",
            "`disable` names `PLAT5O1`, which is not a check; did you mean `PLAT501`?",
        ] {
            assert!(err.contains(want), "{want:?} not in:\n{err}");
        }
    }

    #[test]
    fn overrides_resolve_to_checks_and_rules() {
        let p = Policy::parse(&[(
            "p.yaml".into(),
            "rules:\n  - {id: ACME001, kind: file-exists, path: x, message: m}\nseverity: {PLAT202: error, ACME001: warning}\ndisable: [PLAT203]\n".into(),
        )])
        .unwrap();
        assert_eq!(
            p.severity.get(&RuleId::Builtin(CheckId::Readme)),
            Some(&Severity::Error)
        );
        assert_eq!(
            p.severity.get(&RuleId::Policy("ACME001".into())),
            Some(&Severity::Warning)
        );
        assert!(p
            .disabled
            .contains_key(&RuleId::Builtin(CheckId::Gitignore)));
    }
}
