//! One value made fit for its variable, whatever its source: converted to
//! the variable's type (text, YAML and prompt answers alike), then checked
//! against the variable's pattern, range or choices, and against the
//! rules for paths when a file name uses it.

use anyhow::{anyhow, bail, Result};
use regex::Regex;
use serde_json::Value;
use std::collections::BTreeSet;

use crate::template::definition::{VarType, Variable};
use crate::template::pathcheck;

/// A value as it arrives: text from the command line or environment, or a
/// structured value from a file.
pub(super) enum Raw {
    Text(String),
    Yaml(serde_yaml::Value),
    Json(Value),
}

/// Converts a raw value to the variable's type and checks every rule.
pub(super) fn check(var: &Variable, raw: Raw, path_vars: &BTreeSet<String>) -> Result<Value> {
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

/// Structured values keep their type; a string stands for an integer,
/// boolean or list as it would on the command line.
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
        (VarType::Multichoice, Value::Array(items)) => strings(items),
        (kind, other) => Err(mismatch(kind, &other)),
    }
}

/// A list whose items must all be strings.
fn strings(items: Vec<Value>) -> Result<Value> {
    items
        .into_iter()
        .map(|i| match i {
            Value::String(s) => Ok(Value::String(s)),
            other => Err(anyhow!("expected a list of strings, found `{other}` in it")),
        })
        .collect::<Result<Vec<_>>>()
        .map(Value::Array)
}

/// A value of the wrong type; a string variable given a scalar is told
/// how to make it one.
fn mismatch(kind: VarType, other: &Value) -> anyhow::Error {
    anyhow!(
        "expected {}, found {} `{other}`{}",
        describe_kind(kind),
        json_kind(other),
        if matches!(kind, VarType::String) && !other.is_object() && !other.is_array() {
            " (quote it to make it a string)"
        } else {
            ""
        }
    )
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

/// Checks the rules of `var` that apply to a value of its type.
fn validate(var: &Variable, value: &Value) -> Result<()> {
    match (var.kind, value) {
        (VarType::String, Value::String(s)) => check_pattern(var, s),
        (VarType::Integer, Value::Number(n)) => check_range(var, n.as_i64().unwrap_or_default()),
        (VarType::Choice, Value::String(s)) => check_choice(var, s),
        (VarType::Multichoice, Value::Array(items)) => check_choices(var, items),
        _ => Ok(()),
    }
}

/// The pattern must match the whole value, not a part of it.
fn check_pattern(var: &Variable, s: &str) -> Result<()> {
    for p in var.pattern.iter().chain(&var.inherited_patterns) {
        let re = Regex::new(&format!("^(?:{p})$"))
            .map_err(|e| anyhow!("the template's pattern is invalid: {e}"))?;
        if !re.is_match(s) {
            bail!("`{s}` does not match the pattern `{p}`{}", help_suffix(var));
        }
    }
    Ok(())
}

fn check_range(var: &Variable, n: i64) -> Result<()> {
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
    Ok(())
}

fn check_choice(var: &Variable, s: &str) -> Result<()> {
    if !var.choices.iter().any(|c| c == s) {
        bail!(
            "`{s}` is not one of the choices: {}",
            var.choices.join(", ")
        );
    }
    Ok(())
}

/// Every item one of the choices, none twice.
fn check_choices(var: &Variable, items: &[Value]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for item in items {
        let s = item.as_str().unwrap_or_default();
        check_choice(var, s)?;
        if !seen.insert(s) {
            bail!("`{s}` is listed twice");
        }
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
