//! The pipeline section of `platform.yaml`: which CI system runs it, what
//! starts a run and its stages. Doc comments become schema descriptions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::manifest::STAGE_NAME_PATTERN;

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
