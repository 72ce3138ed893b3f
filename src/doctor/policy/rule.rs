//! One policy rule: what it tests ([`Test`]), how it is written in YAML,
//! and the checks that turn what is written into a [`Rule`] or say, field
//! by field, what is wrong with it.

use regex::Regex;
use serde::Deserialize;
use std::sync::Arc;

use super::field_path::FieldPath;
use crate::doctor::finding::{RuleId, Severity};
use crate::util::suggest::did_you_mean;

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

/// What is wrong with one rule: the field (none for the whole rule), the
/// rule's ID when it has a valid one, and the problem.
pub(super) struct RuleError {
    pub field: Option<&'static str>,
    pub id: Option<String>,
    pub message: String,
}

/// Decodes and checks one rule from `source`, stopping at its first
/// problem: the ID, the kind, the fields for the kind, then their values.
pub(super) fn compile(value: serde_yaml::Value, source: &str) -> Result<Rule, RuleError> {
    let id = value.get("id").and_then(|v| v.as_str()).map(str::to_string);
    let err = |field: Option<&'static str>, message: String| RuleError {
        field,
        id: id.clone(),
        message,
    };
    if let Some(problem) = id.as_deref().and_then(id_problem) {
        return Err(problem);
    }
    let kind = value
        .get("kind")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    if let Some(message) = kind_problem(kind) {
        return Err(err(Some("kind"), message));
    }
    if let Some(problem) = fields_problem(&value, kind, &err) {
        return Err(problem);
    }
    let raw: RawRule =
        serde_yaml::from_value(value).map_err(|e| err(None, crate::util::yaml::message(&e)))?;
    raw.into_rule(source)
}

/// An ID that is not a check ID, or that takes plat's own prefix.
fn id_problem(id: &str) -> Option<RuleError> {
    if !is_check_id(id) {
        return Some(RuleError {
            field: Some("id"),
            id: None,
            message: format!(
                "{id:?} is not a check ID: capital letters then three digits, like `ACME001`"
            ),
        });
    }
    id.starts_with("PLAT").then(|| RuleError {
        field: Some("id"),
        id: Some(id.to_string()),
        message:
            "IDs starting with PLAT are plat's own; use your organisation's prefix, like `ACME001`"
                .into(),
    })
}

/// A `kind` that is missing or names no rule kind.
fn kind_problem(kind: &str) -> Option<String> {
    if KINDS.contains(&kind) {
        return None;
    }
    Some(match (kind, did_you_mean(kind, KINDS.iter().copied())) {
        ("", _) => format!("a rule needs `kind`, one of: {}", KINDS.join(", ")),
        (k, Some(s)) => format!(
            "`{k}` is not a rule kind; did you mean `{s}`? kinds: {}",
            KINDS.join(", ")
        ),
        (k, None) => format!("`{k}` is not a rule kind; kinds: {}", KINDS.join(", ")),
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

impl RawRule {
    /// The rule, once its message and its test's values are checked.
    fn into_rule(self, source: &str) -> Result<Rule, RuleError> {
        let RawRule {
            id,
            name,
            severity,
            message,
            remediation,
            test,
        } = self;
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
        let test = test.compile(&at)?;
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
}

impl RawTest {
    /// The test, with its paths, patterns and field paths checked; `at`
    /// places a problem at the field it is about.
    fn compile(self, at: &dyn Fn(&'static str, String) -> RuleError) -> Result<Test, RuleError> {
        let file = |p: String| file_glob(p).map_err(|m| at("path", m));
        let regex = |p: String| pattern(p).map_err(|m| at("pattern", m));
        let field = |p: String| FieldPath::parse(p).map_err(|m| at("field", m));
        Ok(match self {
            RawTest::FileExists { path } => Test::FileExists(file(path)?),
            RawTest::FileAbsent { path } => Test::FileAbsent(file(path)?),
            RawTest::FileContains { path, pattern } => {
                Test::FileContains(file(path)?, regex(pattern)?)
            }
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
        })
    }
}

fn is_check_id(s: &str) -> bool {
    crate::manifest::patterns::is_check_id(s)
}

/// A `pattern:`, matched line by line (`^` and `$` at every line).
fn pattern(p: String) -> Result<Regex, String> {
    Regex::new(&format!("(?m){p}")).map_err(|e| format!("is not a valid regular expression: {e}"))
}

/// A `path:` that stays inside the service: a literal path, or a glob.
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
