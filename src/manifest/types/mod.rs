//! The types of `platform.yaml`. Serde reads and writes them, schemars
//! derives the JSON schema from them; doc comments become the schema's
//! descriptions, so they are written for users. This file holds the
//! document and its small top-level sections; the pipeline, the
//! infrastructure and its resources have their own files.

mod infrastructure;
mod pipeline;
mod resources;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use infrastructure::*;
pub use pipeline::*;
pub use resources::*;

use super::{CHECK_ID_PATTERN, COMMIT_PATTERN, DATE_PATTERN, DNS_LABEL_PATTERN};

/// `platform.yaml`: what a service is, who owns it, how it is built and where
/// it runs. Every key is camelCase, like Kubernetes; unknown keys are errors.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "plat platform manifest (platform.yaml)",
    description = "What a service is, who owns it, how its pipeline runs and how it is deployed. Reference: docs/manifest.md"
)]
pub struct Manifest {
    /// Version of this format. Only `plat.dev/v1` exists.
    #[schemars(extend("enum" = ["plat.dev/v1"]))]
    pub api_version: String,
    /// What the manifest describes. Only `Service` exists.
    #[schemars(extend("enum" = ["Service"]))]
    pub kind: String,
    /// Name, owner and lifecycle of the service.
    pub metadata: Metadata,
    /// The template the project was generated from; absent in hand-written manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
    /// The CI pipeline plat generates and checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<Pipeline>,
    /// How the service is packaged and deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infrastructure: Option<Infrastructure>,
    /// `plat doctor` findings deliberately accepted, each with a reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
}

/// Identity and ownership of the service.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Metadata {
    /// DNS-1123 label: lowercase letters, digits and `-`, starting with a letter, at most 63 characters.
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub name: String,
    /// The team accountable for the service, e.g. `team-payments`.
    #[schemars(length(min = 1))]
    pub owner: String,
    /// One line saying what the service does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the service is in its life.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// Free-form labels for catalogues and searches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The larger system the service belongs to (Backstage `system`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Links shown in the service catalogue: repository, runbook, dashboards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// A titled link for the service catalogue.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Link {
    /// Absolute URL.
    #[schemars(length(min = 1))]
    pub url: String,
    /// What the link is, e.g. `Runbook`.
    #[schemars(length(min = 1))]
    pub title: String,
}

/// Where a service is in its life; checks get stricter for `production`.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub enum Lifecycle {
    /// New, may change or disappear.
    #[default]
    Experimental,
    /// Serving real traffic.
    Production,
    /// Being retired; no new dependants.
    Deprecated,
}

impl Lifecycle {
    /// The name as written in the manifest, so other files (the catalogue
    /// entry) can be compared with it.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Experimental => "experimental",
            Lifecycle::Production => "production",
            Lifecycle::Deprecated => "deprecated",
        }
    }
}

/// Provenance: the template and answers that produced the project, so it can
/// be regenerated and compared. Secret answers are never recorded.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateRef {
    /// `builtin:<name>` for a built-in template, a git URL (never with
    /// credentials) for a template from git, otherwise the directory it came from.
    #[schemars(length(min = 1))]
    pub source: String,
    /// For a git source: the template's directory in the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub path: Option<String>,
    /// For a git source: the tag, branch or commit asked for.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub reference: Option<String>,
    /// For a git source: the commit the project was made from; sync and
    /// doctor render exactly this commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(COMMIT_PATTERN))]
    pub commit: Option<String>,
    /// The template's `name`.
    #[schemars(length(min = 1))]
    pub name: String,
    /// The template's `version` (semver).
    pub version: String,
    /// The answers given to the template's variables, secrets excluded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, Answer>,
    /// The templates this one extends (`extends:` in template.yaml),
    /// nearest first: what the service was rendered from, besides it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<ParentRef>,
}

/// One template of an `extends:` chain.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ParentRef {
    /// `builtin:<name>`, a directory, or a git URL (never with credentials).
    #[schemars(length(min = 1))]
    pub source: String,
    /// For a git source: the template's directory in the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// For a git source: the tag or commit asked for.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// For a git source: the commit rendered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(COMMIT_PATTERN))]
    pub commit: Option<String>,
    #[schemars(length(min = 1))]
    pub name: String,
    pub version: String,
}

/// One recorded answer: the value types template variables have.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum Answer {
    /// A `boolean` variable.
    Boolean(bool),
    /// An `integer` variable.
    Integer(i64),
    /// A `string` or `choice` variable.
    String(String),
    /// A `multichoice` variable.
    List(Vec<String>),
}

/// A `plat doctor` finding accepted on purpose.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Suppression {
    /// The check's ID, e.g. `PLAT101`.
    #[schemars(pattern(CHECK_ID_PATTERN))]
    pub check: String,
    /// Why the finding is accepted; shown next to the suppressed finding.
    #[schemars(length(min = 1))]
    pub reason: String,
    /// `YYYY-MM-DD`: from this day on the finding is reported again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>", pattern(DATE_PATTERN))]
    pub expires: Option<crate::util::date::Date>,
}
