//! The platform manifest, `platform.yaml`: its types, the JSON schema generated
//! from them, and loading that reports every problem at once with its line and
//! column. `plat new` writes it with [`to_yaml`]; `plat manifest validate`,
//! `plat doctor` and `plat sync` read it with [`parse`] (doctor in its two
//! steps, [`load_yaml`] then [`parse_loaded`], to report each separately).
//!
//! Loading goes in steps so hostile input never gets far: a size limit, one
//! safe YAML parse into a value (alias bombs, deep nesting and duplicate keys
//! fail there), a structural check of that value against [`schema`] that
//! collects every problem, then typed deserialization and the semantic checks.
//! Positions come from a second, event-level parse of text the first parse
//! already accepted.
//!
//! This file is the public face: the loading steps, [`Problem`],
//! [`Positions`] and the constants. The types are in `types/`, the
//! structural check in `structure/`, the semantic checks in `checks/`, the
//! position index in `positions.rs` and located-later problems in `issue.rs`.

mod checks;
mod document;
mod issue;
pub mod patterns;
mod positions;
mod structure;
#[cfg(test)]
mod tests;
mod types;

use std::fmt;

use crate::util::suggest::did_you_mean;
use crate::util::yaml::MAX_DEPTH;
use issue::{render_path, At, Issue, Seg};

pub use document::{load_yaml, Document};
pub use patterns::{
    ACTION_COMMIT_PATTERN, CHECK_ID_PATTERN, COMMIT_PATTERN, DATE_PATTERN, DNS_LABEL_PATTERN,
    PROBE_PATH_PATTERN, QUANTITY_PATTERN, STAGE_NAME_PATTERN,
};
pub use types::*;

/// The only `apiVersion` this plat reads and writes.
pub const API_VERSION: &str = "plat.dev/v1";
/// The file that holds a service's manifest, at the service's root.
pub const MANIFEST_FILE: &str = "platform.yaml";

/// The only `kind` of manifest there is so far.
pub const KIND: &str = "Service";

/// Larger manifests are refused before parsing.
pub const MAX_MANIFEST_BYTES: usize = 1024 * 1024;

/// One thing wrong with a manifest, located as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the document, e.g. `infrastructure.environments[1].replicas`; empty for the whole document.
    pub path: String,
    /// 1-based line, when the manifest came from text.
    pub line: Option<usize>,
    /// 1-based column, when the manifest came from text.
    pub column: Option<usize>,
    /// Lowercase; says what is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "{line}:")?;
            if let Some(column) = self.column {
                write!(f, "{column}:")?;
            }
            f.write_str(" ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// The JSON Schema (draft 2020-12) of `platform.yaml`, so editors and plat
/// agree: derived from the same types plat reads it into, and committed as
/// docs/schemas/platform.v1.schema.json (a test keeps the two equal), which
/// plat embeds: deriving it on every run cost more than checking a manifest.
pub fn schema() -> serde_json::Value {
    SCHEMA.clone()
}

/// Parsed once per process: every manifest read walks it.
static SCHEMA: std::sync::LazyLock<serde_json::Value> = std::sync::LazyLock::new(|| {
    serde_json::from_str(include_str!("../../docs/schemas/platform.v1.schema.json"))
        .expect("the committed schema is JSON")
});

/// The schema as schemars derives it from the types.
#[cfg(test)]
fn derived_schema() -> serde_json::Value {
    schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Manifest>()
        .to_value()
}

/// Reads a manifest from YAML text, reporting every problem found, each with
/// its line and column, sorted by position.
pub fn parse(text: &str) -> Result<Manifest, Vec<Problem>> {
    let doc = load_yaml(text).map_err(|p| vec![p])?;
    parse_loaded(text, doc)
}

/// Like [`parse`], for text the caller has already loaded into `doc`.
pub fn parse_loaded(text: &str, doc: Document) -> Result<Manifest, Vec<Problem>> {
    let issues = match load(doc.value) {
        Ok(m) if doc.early.is_empty() => return Ok(m),
        Ok(_) => Vec::new(),
        Err(issues) => issues,
    };
    let index = positions::Index::build(text);
    // A value replaced while loading (a number too large) is reported once,
    // by what replaced it.
    let mut problems: Vec<Problem> = issues
        .iter()
        .map(|i| index.locate(i))
        .filter(|p| !doc.early.iter().any(|e| e.path == p.path))
        .collect();
    problems.extend(doc.early);
    problems.sort_by_key(|p| (p.line.unwrap_or(0), p.column.unwrap_or(0)));
    Err(problems)
}

/// Every structural problem of another YAML document plat reads
/// (template.yaml) against its JSON schema, each with its line and column:
/// the manifest's own checker, which reports every problem where serde
/// stops at the first. `value` is `text` loaded; `document` names the
/// whole in messages ("the template definition").
pub fn check_structure(
    text: &str,
    value: &serde_yaml::Value,
    schema: &serde_json::Value,
    document: &'static str,
) -> Vec<Problem> {
    let issues = structure::check_document(value, schema, document);
    if issues.is_empty() {
        return Vec::new();
    }
    let index = positions::Index::build(text);
    let mut problems: Vec<Problem> = issues.iter().map(|i| index.locate(i)).collect();
    problems.sort_by_key(|p| (p.line.unwrap_or(0), p.column.unwrap_or(0)));
    problems
}

/// Reads a manifest assembled in memory (for example from a template's
/// defaults), with the same checks as [`parse`] but no positions.
pub fn from_value(value: serde_yaml::Value) -> Result<Manifest, Vec<Problem>> {
    load(value).map_err(|issues| issues.iter().map(Issue::to_problem).collect())
}

/// Serialises a manifest as `platform.yaml` text, with a header comment.
pub fn to_yaml(manifest: &Manifest) -> anyhow::Result<String> {
    let body = serde_yaml::to_string(manifest)?;
    Ok(format!(
        "# Platform manifest of {}.\n# Check it with `plat manifest validate`; `plat manifest schema` prints its JSON schema.\n{body}",
        manifest.metadata.name
    ))
}

/// Positions of a manifest's nodes, for pointing at a field in reports.
pub struct Positions(positions::Index);

impl Positions {
    /// Indexes `text` once, so reports can look up many paths cheaply.
    pub fn of(text: &str) -> Positions {
        Positions(positions::Index::build(text))
    }

    /// 1-based line of the node at `path` (`metadata.owner`,
    /// `infrastructure.environments[2].approval`), or of its nearest
    /// ancestor present in the text.
    pub fn line(&self, path: &str) -> Option<usize> {
        self.0.find(path).map(|p| p.0)
    }

    /// 1-based line and column of the node at `path`: its key when it has
    /// one, else where it starts; or of its nearest ancestor in the text.
    pub fn at(&self, path: &str) -> Option<(usize, usize)> {
        self.0.find(path)
    }

    /// 1-based line and column where the value at exactly `path` starts.
    pub fn value(&self, path: &str) -> Option<(usize, usize)> {
        self.0.value(path)
    }
}

impl Manifest {
    /// The checks the types cannot express: names, ranges, quantities and
    /// cross-references. Empty when the manifest is sound.
    pub fn validate(&self) -> Vec<Problem> {
        checks::check(self).iter().map(Issue::to_problem).collect()
    }
}

fn load(value: serde_yaml::Value) -> Result<Manifest, Vec<Issue>> {
    let issues = structure::check(&value, &SCHEMA);
    if !issues.is_empty() {
        return Err(issues);
    }
    let manifest: Manifest = serde_yaml::from_value(value).map_err(|err| {
        // The structural check mirrors the types; reaching here is a plat bug.
        vec![Issue::new(
            Vec::new(),
            format!("{err} (this should have been caught earlier; please report it)"),
        )]
    })?;
    let issues = checks::check(&manifest);
    if issues.is_empty() {
        Ok(manifest)
    } else {
        Err(issues)
    }
}
