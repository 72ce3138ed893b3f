//! The pipeline section of `platform.yaml`: which CI system runs it, what
//! starts a run, its stages, the actions it pins and where its plat job
//! gets plat. Doc comments become schema descriptions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::manifest::{ACTION_COMMIT_PATTERN, STAGE_NAME_PATTERN};

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
    /// GitHub Actions the generated workflow uses, by repository
    /// (`actions/checkout`), each pinned to a commit. Bumping one is an edit
    /// here and `plat sync`; Renovate can do it (docs/ci.md).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub actions: BTreeMap<String, ActionPin>,
    /// How the pipeline's `plat` job (plat doctor --strict, plat sync --check)
    /// gets plat; without it the pipeline has no plat job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plat: Option<PlatTool>,
}

/// One action's pin: the release and the commit it is.
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionPin {
    /// The release tag the commit is, e.g. `v6.0.2`: the comment beside
    /// `uses:`, and what Renovate compares with newer tags.
    #[schemars(length(min = 1))]
    pub version: String,
    /// The full commit SHA (40 lowercase hex digits) the workflow runs.
    #[schemars(pattern(ACTION_COMMIT_PATTERN))]
    pub commit: String,
}

/// Where the plat job gets plat: a container image that has it, a shell
/// command that installs it, or both (the command runs in the image).
#[derive(Serialize, Deserialize, JsonSchema, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlatTool {
    /// A container image with `plat` on its PATH, e.g. `registry.example.com/platform/plat:0.1.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub image: Option<String>,
    /// A shell command that puts `plat` on the PATH, e.g. `cargo install --locked --git URL --tag v0.1.0 plat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub install: Option<String>,
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
