//! The types of `platform.yaml`. Serde reads and writes them, schemars
//! derives the JSON schema from them; doc comments become the schema's
//! descriptions, so they are written for users.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::{CHECK_ID_PATTERN, DATE_PATTERN, DNS_LABEL_PATTERN, PROBE_PATH_PATTERN};
use super::{QUANTITY_PATTERN, STAGE_NAME_PATTERN};

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
    /// `builtin:<name>` for a built-in template, otherwise the path or URL it came from.
    #[schemars(length(min = 1))]
    pub source: String,
    /// The template's `name`.
    #[schemars(length(min = 1))]
    pub name: String,
    /// The template's `version` (semver).
    pub version: String,
    /// The answers given to the template's variables, secrets excluded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, Answer>,
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

/// The CI pipeline: where it runs, what starts it, its stages in order.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pipeline {
    /// The CI system the pipeline is generated for.
    pub provider: Provider,
    /// What starts a run.
    #[serde(default)]
    pub triggers: Triggers,
    /// Stages, run in this order; a stage starts when the previous one passed.
    pub stages: Vec<Stage>,
    /// Stage names that must pass before a change can merge (branch protection).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_checks: Vec<String>,
}

/// A CI system.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Provider {
    /// GitHub Actions, `.github/workflows/`.
    Github,
    /// GitLab CI, `.gitlab-ci.yml`.
    Gitlab,
}

/// What starts a pipeline run.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Triggers {
    /// Branches whose pushes run the pipeline (globs allowed).
    #[serde(default = "default_branches")]
    pub branches: Vec<String>,
    /// Whether pull (merge) requests run the pipeline.
    #[serde(default = "default_true")]
    pub pull_requests: bool,
    /// Tag globs whose pushes run the pipeline, e.g. `v*`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl Default for Triggers {
    fn default() -> Self {
        Triggers {
            branches: default_branches(),
            pull_requests: true,
            tags: Vec::new(),
        }
    }
}

fn default_branches() -> Vec<String> {
    vec!["main".to_string()]
}

fn default_true() -> bool {
    true
}

/// One pipeline stage; its name is the check name CI reports.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Stage {
    /// Lowercase letters, digits, `-` and `_`; unique in the pipeline.
    #[schemars(pattern(STAGE_NAME_PATTERN))]
    pub name: String,
    /// Shell commands run in order; the stage fails at the first failing one.
    #[schemars(length(min = 1))]
    pub commands: Vec<String>,
}

/// How the service is packaged and deployed. Environments may override parts.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Infrastructure {
    /// The container image the pipeline builds and deploys.
    pub image: Image,
    /// The port the service listens on in its container.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// Number of instances; default 1. Not allowed together with `autoscaling`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub replicas: Option<u32>,
    /// Horizontal autoscaling on CPU; replaces `replicas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// CPU and memory requests and limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Health checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probes: Option<Probes>,
    /// Environment variables for every environment (no secrets: they belong in a secret store).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Where the service is deployed, in promotion order. Each entry is a name
    /// (`dev`) or a mapping with per-environment overrides.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "deserialize_environments"
    )]
    #[schemars(with = "Vec<EnvironmentEntry>")]
    pub environments: Vec<Environment>,
    /// Backing services the platform provisions for the service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<BackingService>,
}

/// A container image reference, `registry/repository:tag`.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Image {
    /// Registry host and optional path, without a scheme, e.g. `ghcr.io/acme`.
    #[schemars(length(min = 1))]
    pub registry: String,
    /// Repository within the registry, e.g. `payments-api`.
    #[schemars(length(min = 1))]
    pub repository: String,
    /// Fixed tag; when absent the pipeline tags images with the commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// Kubernetes-style requests (reserved) and limits (ceiling).
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    /// What the scheduler reserves for each instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<ResourceList>,
    /// The most each instance may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<ResourceList>,
}

/// CPU and memory amounts.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceList {
    /// CPU cores: `500m` is half a core, `2` two cores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Quantity>,
    /// Bytes: `128Mi`, `1Gi` (binary) or `500M` (decimal). `m` means thousandths, not mega.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Quantity>,
}

/// A Kubernetes quantity, kept as written (`100m`, `0.5`, `128Mi`). A YAML
/// number is accepted and kept as its decimal text.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(transparent)]
pub struct Quantity(pub String);

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Unsigned(u64),
            Signed(i64),
            Float(f64),
        }
        Ok(Quantity(match Raw::deserialize(deserializer)? {
            Raw::Text(s) => s,
            Raw::Unsigned(n) => n.to_string(),
            Raw::Signed(n) => n.to_string(),
            Raw::Float(f) => f.to_string(),
        }))
    }
}

impl JsonSchema for Quantity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Kubernetes quantity: a number with an optional suffix (m, k, M, G, Ki, Mi, Gi, ...).",
            "type": ["string", "number"],
            "pattern": QUANTITY_PATTERN,
            "minimum": 0
        })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Health checks Kubernetes runs against the service.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probes {
    /// Failing it restarts the instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Probe>,
    /// Failing it takes the instance out of load balancing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Probe>,
    /// Holds the other probes back until the service has started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<Probe>,
}

/// An HTTP GET health check.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probe {
    /// HTTP path, starting with `/`.
    #[schemars(pattern(PROBE_PATH_PATTERN))]
    pub path: String,
    /// Port to probe; default `infrastructure.port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
    /// Seconds to wait after start before the first probe; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<u32>,
    /// Seconds between probes; default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub period_seconds: Option<u32>,
    /// Seconds before a probe counts as failed; default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u32>,
    /// Consecutive failures before acting; default 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub failure_threshold: Option<u32>,
}

/// Horizontal autoscaling on CPU utilisation.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Autoscaling {
    /// Fewest instances.
    #[schemars(range(min = 1))]
    pub min_replicas: u32,
    /// Most instances; at least `minReplicas`.
    #[schemars(range(min = 1))]
    pub max_replicas: u32,
    /// Average CPU utilisation to aim for, percent of requests; default 80.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub target_cpu_utilization: Option<u8>,
}

/// A deployment environment and its overrides of `infrastructure`. Written
/// as a mapping; a bare name is read as an environment without overrides.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Environment {
    /// DNS-1123 label, unique among the environments.
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub name: String,
    /// Overrides `infrastructure.replicas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub replicas: Option<u32>,
    /// Overrides single amounts of `infrastructure.resources`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Overrides `infrastructure.autoscaling`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// Added to (and overriding) `infrastructure.env`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Deploying here waits for a person's approval (production).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approval: bool,
}

impl Environment {
    /// An environment without overrides, as a bare name in the list gives.
    pub fn named(name: impl Into<String>) -> Self {
        Environment {
            name: name.into(),
            replicas: None,
            resources: None,
            autoscaling: None,
            env: BTreeMap::new(),
            approval: false,
        }
    }
}

/// An environment: its name alone, or a mapping with overrides.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
enum EnvironmentEntry {
    /// Just the name: an environment without overrides.
    Name(#[schemars(pattern(DNS_LABEL_PATTERN))] String),
    /// The name and overrides.
    Full(Environment),
}

fn deserialize_environments<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Environment>, D::Error> {
    let entries = Vec::<EnvironmentEntry>::deserialize(d)?;
    Ok(entries
        .into_iter()
        .map(|entry| match entry {
            EnvironmentEntry::Name(name) => Environment::named(name),
            EnvironmentEntry::Full(env) => env,
        })
        .collect())
}

/// A backing service the platform provisions and connects.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackingService {
    /// What it is.
    pub kind: ServiceKind,
    /// Major version, as a string (`"16"`, not `16`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// DNS-1123 label, unique among the services; default the kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub name: Option<String>,
}

impl BackingService {
    /// The name the service is known by: `name`, or the kind.
    pub fn effective_name(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => self.kind.as_str().to_string(),
        }
    }
}

/// The backing services the platform knows how to provision.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ServiceKind {
    /// PostgreSQL.
    Postgres,
    /// MySQL.
    Mysql,
    /// Redis.
    Redis,
    /// Apache Kafka.
    Kafka,
    /// RabbitMQ.
    Rabbitmq,
    /// MongoDB.
    Mongodb,
}

impl ServiceKind {
    /// The name as written in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceKind::Postgres => "postgres",
            ServiceKind::Mysql => "mysql",
            ServiceKind::Redis => "redis",
            ServiceKind::Kafka => "kafka",
            ServiceKind::Rabbitmq => "rabbitmq",
            ServiceKind::Mongodb => "mongodb",
        }
    }
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
