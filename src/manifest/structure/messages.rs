//! The wording of structural problems: how expected types, found values,
//! patterns and unknown fields are named, so every message reads the same.

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use crate::manifest::{
    did_you_mean, ACTION_COMMIT_PATTERN, CHECK_ID_PATTERN, DATE_PATTERN, DNS_LABEL_PATTERN,
};
use crate::manifest::{PROBE_PATH_PATTERN, QUANTITY_PATTERN, STAGE_NAME_PATTERN};

/// A value of the wrong type, with a hint when quotes are the likely fix.
pub(super) fn wrong_type(subject: &str, types: &Json, value: &Yaml) -> String {
    let mut message = format!(
        "{subject} must be {}, found {}",
        expected(types),
        show(value)
    );
    if accepts(types, "string") && matches!(value, Yaml::Number(_) | Yaml::Bool(_)) {
        message.push_str(&format!(
            "; quote it if you meant the text: \"{}\"",
            scalar_text(value)
        ));
    }
    let numeric = accepts(types, "integer") || accepts(types, "number");
    if numeric
        && value
            .as_str()
            .is_some_and(|s| s.trim().parse::<f64>().is_ok())
    {
        message.push_str("; remove the quotes");
    }
    message
}

/// A value outside a fixed set of choices, with the closest one suggested.
pub(super) fn not_one_of(subject: &str, names: &[&str], value: &Yaml) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let mut message = if list.len() == 1 {
        format!("{subject} must be {}, found {}", list[0], show(value))
    } else {
        format!(
            "{subject} must be one of {}, found {}",
            list.join(", "),
            show(value)
        )
    };
    if let Some(hint) = value
        .as_str()
        .and_then(|s| did_you_mean(s, names.iter().copied()))
    {
        message.push_str(&format!("; did you mean `{hint}`?"));
    }
    message
}

/// A key the mapping does not have, with the likely one or the whole list.
pub(super) fn unknown_field(name: &str, known: &[&str]) -> String {
    if name == "<<" {
        return "merge keys (`<<`) are not supported; write the fields out".into();
    }
    match did_you_mean(name, known.iter().copied()) {
        Some(hint) => format!("unknown field `{name}`; did you mean `{hint}`?"),
        None if known.is_empty() => format!("unknown field `{name}`; remove it"),
        None => {
            let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            format!(
                "unknown field `{name}`; expected one of {}",
                list.join(", ")
            )
        }
    }
}

fn accepts(types: &Json, name: &str) -> bool {
    match types {
        Json::String(t) => t == name,
        Json::Array(ts) => ts.iter().any(|t| t.as_str() == Some(name)),
        _ => true,
    }
}

/// A schema `type` in words: `text`, `a whole number or a list`.
pub(super) fn expected(types: &Json) -> String {
    let name = |t: &str| match t {
        "string" => "text",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "array" => "a list",
        "object" => "a mapping",
        "null" => "empty",
        _ => "something else",
    };
    match types {
        Json::String(t) => name(t).into(),
        Json::Array(ts) => {
            let names: Vec<&str> = ts
                .iter()
                .filter_map(Json::as_str)
                .filter(|t| *t != "null" || ts.len() == 1)
                .map(name)
                .collect();
            names.join(" or ")
        }
        _ => "something else".into(),
    }
}

/// A value as messages quote it: `70000`, `"prod"`, `a list`.
pub(super) fn show(value: &Yaml) -> String {
    match value {
        Yaml::Null => "nothing".into(),
        Yaml::Bool(_) | Yaml::Number(_) => format!("`{}`", scalar_text(value)),
        Yaml::String(s) => format!("{s:?}"),
        Yaml::Sequence(_) => "a list".into(),
        Yaml::Mapping(_) => "a mapping".into(),
        Yaml::Tagged(t) => format!("a value tagged `{}`", t.tag),
    }
}

/// A scalar as written, unquoted: `8080`, `true`, `prod`.
pub(super) fn scalar_text(value: &Yaml) -> String {
    match value {
        Yaml::Null => "null".into(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::String(s) => s.clone(),
        _ => show(value),
    }
}

/// One of plat's patterns in words, since a regex helps nobody.
pub(super) fn describe_pattern(pattern: &str) -> String {
    match pattern {
        DNS_LABEL_PATTERN => "a DNS-1123 label (lowercase letters, digits and `-`, starting with a letter, ending with a letter or digit, at most 63 characters)".into(),
        STAGE_NAME_PATTERN => "a stage name (lowercase letters, digits, `-` and `_`, at most 63 characters)".into(),
        CHECK_ID_PATTERN => "a check ID like `PLAT101`".into(),
        ACTION_COMMIT_PATTERN => "a full commit SHA (40 lowercase hex digits, e.g. from `git ls-remote`), not a tag or a short SHA".into(),
        DATE_PATTERN => "a date written `YYYY-MM-DD`".into(),
        PROBE_PATH_PATTERN => "an HTTP path starting with `/`".into(),
        QUANTITY_PATTERN => "a quantity such as `250m`, `0.5`, `128Mi` or `1Gi`".into(),
        other => format!("text matching `{other}`"),
    }
}
