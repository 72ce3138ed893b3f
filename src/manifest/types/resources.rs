//! CPU and memory requests and limits, and the Kubernetes quantities they
//! are written in. Doc comments become schema descriptions.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::manifest::QUANTITY_PATTERN;

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
