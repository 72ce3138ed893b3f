//! The infrastructure section of `platform.yaml`: the image, ports,
//! scaling, probes, environments and backing services of a deployment.
//! Doc comments become schema descriptions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::Resources;
use crate::manifest::{DNS_LABEL_PATTERN, PROBE_PATH_PATTERN};

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
