//! What the user supplied and where it came from: the NAME argument,
//! `--set`, a values file and `PLAT_VAR_*` variables, looked up in that
//! order for each variable, and the keys that name no variable at all.

use anyhow::{bail, Result};
use std::collections::BTreeMap;

use super::value::Raw;
use crate::error::InputError;
use crate::template::definition::{Definition, Variable, NAME_VAR};

/// Prefix of the environment variables that answer template variables.
pub const ENV_PREFIX: &str = "PLAT_VAR_";

/// Where a value came from; named in every validation error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Argument,
    Set,
    ValuesFile(String),
    Env(String),
    /// The answer platform.yaml records (`plat update`).
    Recorded,
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Argument => f.write_str("the NAME argument"),
            Source::Set => f.write_str("--set"),
            Source::ValuesFile(file) => write!(f, "values file {file}"),
            Source::Env(var) => write!(f, "environment variable {var}"),
            Source::Recorded => f.write_str("the answers platform.yaml records"),
            Source::Default => f.write_str("the template's default"),
        }
    }
}

/// Everything the user supplied, gathered at the edge (the core reads no
/// environment itself).
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    pub name: String,
    pub set: Vec<(String, String)>,
    /// The values file's name and contents.
    pub values: Option<(String, BTreeMap<String, serde_yaml::Value>)>,
    /// `PLAT_VAR_*` variables, by their full name.
    pub env: BTreeMap<String, String>,
    /// `plat update`: the answers platform.yaml records, used after
    /// `--set` and the values file and before the environment (ambient
    /// variables never change a recorded answer).
    pub recorded: BTreeMap<String, serde_json::Value>,
    /// `plat update`: a secret nobody supplied renders as a placeholder
    /// (the same on both sides of the merge), unchecked.
    pub secret_placeholders: bool,
}

/// What a secret nobody supplied renders as during `plat update`; never
/// written to disk (the update stops if a file to write holds one).
pub fn secret_placeholder(var: &str) -> String {
    format!("<plat: secret {var}>")
}

/// The environment variable that answers `var`, so messages and the
/// environment agree on its spelling.
pub fn env_name(var: &str) -> String {
    format!("{ENV_PREFIX}{}", var.to_uppercase())
}

/// The value the user supplied for `var`, from the strongest source that
/// has one; the last `--set` of a key wins.
pub(super) fn supplied_value(var: &Variable, inputs: &Inputs) -> Option<(Raw, Source)> {
    if var.name == NAME_VAR {
        return Some((Raw::Text(inputs.name.clone()), Source::Argument));
    }
    if let Some((_, v)) = inputs.set.iter().rev().find(|(k, _)| *k == var.name) {
        return Some((Raw::Text(v.clone()), Source::Set));
    }
    if let Some((file, map)) = &inputs.values {
        if let Some(v) = map.get(&var.name) {
            return Some((Raw::Yaml(v.clone()), Source::ValuesFile(file.clone())));
        }
    }
    if let Some(v) = inputs.recorded.get(&var.name) {
        return Some((Raw::Json(v.clone()), Source::Recorded));
    }
    let env_name = env_name(&var.name);
    inputs
        .env
        .get(&env_name)
        .map(|v| (Raw::Text(v.clone()), Source::Env(env_name)))
}

/// A values file's answers by variable name; `origin` names the file in
/// errors.
pub fn parse_values(text: &str, origin: &str) -> Result<BTreeMap<String, serde_yaml::Value>> {
    let value: serde_yaml::Value = crate::util::yaml::from_str(text, origin)?;
    let map = match value {
        serde_yaml::Value::Mapping(m) => m,
        serde_yaml::Value::Null => Default::default(),
        _ => bail!(InputError(format!(
            "{origin}: a values file must be a mapping of variable names to values, e.g. `owner: team-payments`"
        ))),
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let Some(k) = k.as_str() else {
            bail!(InputError(format!(
                "{origin}: keys must be variable names (strings)"
            )));
        };
        out.insert(k.to_string(), v);
    }
    Ok(out)
}

/// Reports keys that answer no variable of `def`: an error from `--set`
/// or a values file, a warning from the environment.
pub(super) fn check_unknown_keys(
    def: &Definition,
    inputs: &Inputs,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    let names: Vec<&str> = def.variables.iter().map(|v| v.name.as_str()).collect();
    for (k, _) in &inputs.set {
        check_key(k, Source::Set, &names, problems);
    }
    if let Some((file, map)) = &inputs.values {
        for k in map.keys() {
            check_key(k, Source::ValuesFile(file.clone()), &names, problems);
        }
    }
    check_env_keys(&inputs.env, &names, warnings);
}

/// An explicit key must name a variable, and never `name`.
fn check_key(key: &str, source: Source, names: &[&str], problems: &mut Vec<String>) {
    if key == NAME_VAR {
        problems.push(format!(
            "`name` cannot be set from {source}: it is the NAME argument of `plat new`"
        ));
    } else if !names.contains(&key) {
        problems.push(format!(
            "unknown variable `{key}` from {source}: the template has no such variable{}",
            hint(key, names)
        ));
    }
}

/// The environment is ambient (CI may export answers for several
/// templates), so an unknown variable there is a warning, not an error.
fn check_env_keys(env: &BTreeMap<String, String>, names: &[&str], warnings: &mut Vec<String>) {
    for env in env.keys() {
        let key = env[ENV_PREFIX.len()..].to_lowercase();
        if key != NAME_VAR && !names.contains(&key.as_str()) {
            warnings.push(format!(
                "ignoring environment variable {env}: the template has no variable `{key}`{}",
                hint(&key, names)
            ));
        }
    }
}

/// The nearest variable name to a mistyped key, else the whole list.
fn hint(key: &str, names: &[&str]) -> String {
    crate::util::suggest::did_you_mean(key, names.iter().copied())
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_else(|| format!("; its variables are: {}", names.join(", ")))
}
