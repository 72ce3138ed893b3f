//! Resolving every variable of a template to a value: one path for all
//! sources (`--set` > values file > environment > prompt > default), one
//! validation for every value whatever its source, and one error listing
//! every problem at once.

use anyhow::{anyhow, bail, Result};
use regex::Regex;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use tera::{Context, Tera};

use crate::template::definition::{Definition, VarType, Variable, NAME_VAR};
use crate::template::{pathcheck, tera_env};

/// Prefix of the environment variables that answer template variables.
pub const ENV_PREFIX: &str = "PLAT_VAR_";

/// Where a value came from; named in every validation error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Argument,
    Set,
    ValuesFile(String),
    Env(String),
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Argument => f.write_str("the NAME argument"),
            Source::Set => f.write_str("--set"),
            Source::ValuesFile(file) => write!(f, "values file {file}"),
            Source::Env(var) => write!(f, "environment variable {var}"),
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
}

/// Asks for one value interactively.
pub trait Prompter {
    /// `error` is set when the previous answer was rejected.
    fn ask(
        &mut self,
        var: &Variable,
        default: Option<&Value>,
        error: Option<&str>,
    ) -> Result<Value>;
}

/// The resolved answers.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    /// Every defined variable, secrets included: the render context.
    pub values: Map<String, Value>,
    /// Names of secret variables: kept out of platform.yaml.
    pub secrets: BTreeSet<String>,
    /// Warnings to show the user (e.g. unused environment variables).
    pub warnings: Vec<String>,
}

impl Answers {
    /// The answers that may be recorded: all but secrets and `name`.
    pub fn recordable(&self) -> BTreeMap<String, Value> {
        self.values
            .iter()
            .filter(|(k, _)| !self.secrets.contains(*k) && k.as_str() != NAME_VAR)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    pub fn context(&self) -> Context {
        let mut ctx = Context::new();
        for (k, v) in &self.values {
            ctx.insert(k.clone(), v);
        }
        ctx
    }
}

/// Resolves all variables of `def`. `path_vars` are the variables used in
/// file names: their values must be safe as paths.
pub fn resolve(
    def: &Definition,
    inputs: &Inputs,
    mut prompter: Option<&mut dyn Prompter>,
    tera: &Tera,
    base: &Context,
    path_vars: &BTreeSet<String>,
) -> Result<Answers> {
    let mut problems = Vec::new();
    let mut answers = Answers::default();
    check_unknown_keys(def, inputs, &mut problems, &mut answers.warnings);
    let mut missing: Vec<&Variable> = Vec::new();
    let mut ctx = base.clone();

    for var in &def.variables {
        let degraded = !problems.is_empty() || !missing.is_empty();
        if let Some(when) = &var.when {
            match tera_env::eval_bool(tera, when, &ctx) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(_) if degraded => continue,
                Err(e) => {
                    problems.push(format!("variable `{}`: its `when` failed: {e}", var.name));
                    continue;
                }
            }
        }
        let default = match compute_default(var, tera, &ctx) {
            Ok(d) => d,
            Err(_) if degraded => None,
            Err(e) => {
                problems.push(e.to_string());
                None
            }
        };
        let supplied = supplied_value(var, inputs);
        let value = match supplied {
            Some((raw, source)) => match check(var, raw, path_vars) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(format!("variable `{}` from {source}: {e}", var.name));
                    continue;
                }
            },
            None => match prompter.as_deref_mut() {
                Some(p) => ask(p, var, default.as_ref(), path_vars)?,
                None => match default {
                    Some(d) => match check(var, Raw::Json(d), path_vars) {
                        Ok(v) => v,
                        Err(e) => {
                            problems.push(format!(
                                "variable `{}` from {}: {e}",
                                var.name,
                                Source::Default
                            ));
                            continue;
                        }
                    },
                    None => {
                        missing.push(var);
                        continue;
                    }
                },
            },
        };
        ctx.insert(var.name.clone(), &value);
        if var.secret {
            answers.secrets.insert(var.name.clone());
        }
        answers.values.insert(var.name.clone(), value);
    }

    if !missing.is_empty() {
        let mut msg = format!(
            "{} required variable{} {} no value, and plat will not prompt (no terminal, or --no-input):",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            if missing.len() == 1 { "has" } else { "have" },
        );
        for v in &missing {
            msg.push_str(&format!("\n  {} ({})", v.name, v.kind.as_str()));
            if !v.help.is_empty() {
                msg.push_str(&format!(": {}", v.help));
            }
        }
        msg.push_str(&format!(
            "\npass each with --set KEY=VALUE, in a --values file, or as {ENV_PREFIX}<KEY>"
        ));
        problems.push(msg);
    }
    if !problems.is_empty() {
        bail!(crate::error::InputError(problems.join("\n")));
    }
    Ok(answers)
}

fn ask(
    p: &mut dyn Prompter,
    var: &Variable,
    default: Option<&Value>,
    path_vars: &BTreeSet<String>,
) -> Result<Value> {
    let mut error: Option<String> = None;
    loop {
        let answer = p.ask(var, default, error.as_deref())?;
        match check(var, Raw::Json(answer), path_vars) {
            Ok(v) => return Ok(v),
            Err(e) => error = Some(e.to_string()),
        }
    }
}

/// A value as it arrives: text from the command line or environment, or a
/// structured value from a file.
enum Raw {
    Text(String),
    Yaml(serde_yaml::Value),
    Json(Value),
}

fn supplied_value(var: &Variable, inputs: &Inputs) -> Option<(Raw, Source)> {
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
    let env_name = env_name(&var.name);
    inputs
        .env
        .get(&env_name)
        .map(|v| (Raw::Text(v.clone()), Source::Env(env_name)))
}

pub fn env_name(var: &str) -> String {
    format!("{ENV_PREFIX}{}", var.to_uppercase())
}

fn check_unknown_keys(
    def: &Definition,
    inputs: &Inputs,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    let names: Vec<&str> = def.variables.iter().map(|v| v.name.as_str()).collect();
    let hint = |key: &str| {
        crate::util::suggest::did_you_mean(key, names.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| format!("; its variables are: {}", names.join(", ")))
    };
    let mut check = |key: &str, source: Source| {
        if key == NAME_VAR {
            problems.push(format!(
                "`name` cannot be set from {source}: it is the NAME argument of `plat new`"
            ));
        } else if !names.contains(&key) {
            problems.push(format!(
                "unknown variable `{key}` from {source}: the template has no such variable{}",
                hint(key)
            ));
        }
    };
    for (k, _) in &inputs.set {
        check(k, Source::Set);
    }
    if let Some((file, map)) = &inputs.values {
        for k in map.keys() {
            check(k, Source::ValuesFile(file.clone()));
        }
    }
    // The environment is ambient (CI may export answers for several
    // templates), so an unknown one is a warning, not an error.
    for env in inputs.env.keys() {
        let key = env[ENV_PREFIX.len()..].to_lowercase();
        if key != NAME_VAR && !names.contains(&key.as_str()) {
            warnings.push(format!(
                "ignoring environment variable {env}: the template has no variable `{key}`{}",
                hint(&key)
            ));
        }
    }
}

fn compute_default(var: &Variable, tera: &Tera, ctx: &Context) -> Result<Option<Value>> {
    let Some(default) = &var.default else {
        return Ok(None);
    };
    let value = match default {
        serde_yaml::Value::String(s) => {
            let rendered = tera_env::render_str(tera, s, ctx).map_err(|e| {
                anyhow!(
                    "variable `{}`: its default `{s}` failed to render: {e}",
                    var.name
                )
            })?;
            Value::String(rendered)
        }
        other => serde_json::to_value(other).map_err(|e| {
            anyhow!(
                "variable `{}`: its default is not a plain value: {e}",
                var.name
            )
        })?,
    };
    Ok(Some(value))
}

/// Converts a raw value to the variable's type and checks every rule.
fn check(var: &Variable, raw: Raw, path_vars: &BTreeSet<String>) -> Result<Value> {
    let value = convert(var, raw)?;
    validate(var, &value)?;
    if path_vars.contains(&var.name) {
        if let Value::String(s) = &value {
            pathcheck::check_relative(s)
                .map_err(|e| anyhow!("`{s}` is used in a file name and {e}"))?;
        }
    }
    Ok(value)
}

fn convert(var: &Variable, raw: Raw) -> Result<Value> {
    let json = match raw {
        Raw::Text(t) => return from_text(var, &t),
        Raw::Yaml(y) => serde_json::to_value(&y).map_err(|e| anyhow!("not a plain value: {e}"))?,
        Raw::Json(j) => j,
    };
    match (var.kind, json) {
        (VarType::String | VarType::Choice, Value::String(s)) => Ok(Value::String(s)),
        (VarType::Integer, Value::Number(n)) => n
            .as_i64()
            .map(Value::from)
            .ok_or_else(|| anyhow!("expected an integer, found `{n}`")),
        (VarType::Boolean, Value::Bool(b)) => Ok(Value::Bool(b)),
        (VarType::Integer | VarType::Boolean | VarType::Multichoice, Value::String(s)) => {
            from_text(var, &s)
        }
        (VarType::Multichoice, Value::Array(items)) => items
            .into_iter()
            .map(|i| match i {
                Value::String(s) => Ok(Value::String(s)),
                other => Err(anyhow!("expected a list of strings, found `{other}` in it")),
            })
            .collect::<Result<Vec<_>>>()
            .map(Value::Array),
        (kind, other) => Err(anyhow!(
            "expected {}, found {} `{other}`{}",
            describe_kind(kind),
            json_kind(&other),
            if matches!(kind, VarType::String) && !other.is_object() && !other.is_array() {
                " (quote it to make it a string)"
            } else {
                ""
            }
        )),
    }
}

fn from_text(var: &Variable, text: &str) -> Result<Value> {
    match var.kind {
        VarType::String | VarType::Choice => Ok(Value::String(text.to_string())),
        VarType::Integer => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| anyhow!("expected an integer, found `{text}`")),
        VarType::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "off" | "0" => Ok(Value::Bool(false)),
            _ => Err(anyhow!(
                "expected a boolean (true/false, yes/no, on/off, 1/0), found `{text}`"
            )),
        },
        VarType::Multichoice => Ok(Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        )),
    }
}

fn validate(var: &Variable, value: &Value) -> Result<()> {
    match (var.kind, value) {
        (VarType::String, Value::String(s)) => {
            if let Some(p) = &var.pattern {
                let re = Regex::new(&format!("^(?:{p})$"))
                    .map_err(|e| anyhow!("the template's pattern is invalid: {e}"))?;
                if !re.is_match(s) {
                    bail!("`{s}` does not match the pattern `{p}`{}", help_suffix(var));
                }
            }
        }
        (VarType::Integer, Value::Number(n)) => {
            let n = n.as_i64().unwrap_or_default();
            if var.min.is_some_and(|lo| n < lo) || var.max.is_some_and(|hi| n > hi) {
                bail!(
                    "{n} is out of range: it must be {}",
                    match (var.min, var.max) {
                        (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
                        (Some(lo), None) => format!("at least {lo}"),
                        (None, Some(hi)) => format!("at most {hi}"),
                        (None, None) => unreachable!(),
                    }
                );
            }
        }
        (VarType::Choice, Value::String(s)) if !var.choices.contains(s) => {
            bail!(
                "`{s}` is not one of the choices: {}",
                var.choices.join(", ")
            );
        }
        (VarType::Multichoice, Value::Array(items)) => {
            let mut seen = BTreeSet::new();
            for item in items {
                let s = item.as_str().unwrap_or_default();
                if !var.choices.iter().any(|c| c == s) {
                    bail!(
                        "`{s}` is not one of the choices: {}",
                        var.choices.join(", ")
                    );
                }
                if !seen.insert(s) {
                    bail!("`{s}` is listed twice");
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn help_suffix(var: &Variable) -> String {
    if var.help.is_empty() {
        String::new()
    } else {
        format!(" ({})", var.help)
    }
}

fn describe_kind(kind: VarType) -> &'static str {
    match kind {
        VarType::String => "a string",
        VarType::Integer => "an integer",
        VarType::Boolean => "a boolean",
        VarType::Choice => "one of the choices (a string)",
        VarType::Multichoice => "a list of choices",
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}
