//! Policy as data: a platform team's own rules, severity overrides and
//! disabled checks, read from YAML files (`--policy`, or plat's config).
//! docs/doctor.md documents the format.

use anyhow::{bail, Context as _, Result};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{catalog, Severity};
use crate::error::InputError;

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
    pub(super) matcher: Option<globset::GlobMatcher>,
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
                    Err((field, id, msg)) => problems.push(format!(
                        "{label}: `rules[{i}]{}`{}: {msg}",
                        field.map(|f| format!(".{f}")).unwrap_or_default(),
                        if id.is_empty() {
                            String::new()
                        } else {
                            format!(" ({id})")
                        }
                    )),
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
        }
        for (label, field, id) in pending {
            if catalog::find(&id).is_none() && policy.rule(&id).is_none() {
                let mut known: Vec<&str> = catalog::CHECKS.iter().map(|c| c.id).collect();
                known.extend(policy.rules.iter().map(|r| r.id.as_str()));
                let hint = crate::suggest::did_you_mean(&id, known.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| "; `plat doctor --list` shows every check".into());
                problems.push(format!(
                    "{label}: `{field}` names `{id}`, which is not a check{hint}"
                ));
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

static ID: std::sync::LazyLock<&Regex> = std::sync::LazyLock::new(|| {
    crate::manifest::regex(crate::manifest::CHECK_ID_PATTERN).expect("a schema pattern")
});

/// What is wrong with a rule: the field, the rule's ID and the message.
type RuleError = (Option<&'static str>, String, String);

/// Checks one rule.
fn compile(raw: RawRule, source: &str) -> Result<Rule, RuleError> {
    let at = |field: &'static str, msg: String| (Some(field), raw.id.clone(), msg);
    if !ID.is_match(&raw.id) {
        return Err((
            Some("id"),
            String::new(),
            format!(
                "{:?} is not a check ID: capital letters then three digits, like `ACME001`",
                raw.id
            ),
        ));
    }
    if raw.id.starts_with("PLAT") {
        return Err(at(
            "id",
            "IDs starting with PLAT are plat's own; use your organisation's prefix, like `ACME001`"
                .into(),
        ));
    }
    if raw.message.trim().is_empty() {
        return Err(at(
            "message",
            "is empty; say what is wrong when the rule fails".into(),
        ));
    }
    let need = |field: &'static str, v: &Option<String>| -> Result<String, RuleError> {
        v.clone()
            .ok_or_else(|| at(field, format!("a `{}` rule needs `{field}`", raw.kind)))
    };
    let regex = |p: String| {
        Regex::new(&format!("(?m){p}"))
            .map_err(|e| at("pattern", format!("is not a valid regular expression: {e}")))
    };
    let file = |p: String| -> Result<FileGlob, RuleError> {
        let is_glob = p.contains(['*', '?', '[', '{']);
        if p.starts_with('/') || p.split('/').any(|s| s == ".." || s.is_empty()) {
            return Err(at(
                "path",
                format!("{p:?} must be relative to the service's directory and stay inside it"),
            ));
        }
        if !is_glob {
            if let Err(e) = crate::pathcheck::check_relative(&p) {
                return Err(at("path", format!("{e}")));
            }
        }
        let matcher = if is_glob {
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
                .ok_or_else(|| {
                    at(
                        "values",
                        "a `manifest-one-of` rule needs a non-empty `values` list".into(),
                    )
                })?;
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
                format!(
                    "`{other}` is not a rule kind; {hint}kinds: {}",
                    KINDS.join(", ")
                ),
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

fn field_path(
    p: String,
    at: &dyn Fn(&'static str, String) -> RuleError,
) -> Result<String, RuleError> {
    if parse_field(&p).is_none() {
        return Err(at(
            "field",
            format!("{p:?} is not a field path like `metadata.owner` or `infrastructure.environments[*].name`"),
        ));
    }
    Ok(p)
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Seg {
    Key(String),
    Index(usize),
    Each,
}

pub(super) fn parse_field(p: &str) -> Option<Vec<Seg>> {
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
pub(super) fn resolve(
    root: &serde_yaml::Value,
    path: &[Seg],
) -> Vec<(String, Option<serde_yaml::Value>)> {
    let mut frontier: Vec<(String, Option<&serde_yaml::Value>)> = vec![(String::new(), Some(root))];
    for seg in path {
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
