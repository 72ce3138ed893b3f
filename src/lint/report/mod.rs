//! Lint reports as text for people (`human`), one JSON document (`json`)
//! and SARIF for code scanning (`sarif`), all built from the findings
//! alone.

pub mod human;
pub mod json;
pub mod sarif;

use serde_json::{Map, Value};

/// The answers as `plat new` takes them: NAME, then `--set KEY=VALUE`
/// (lists comma-separated), quoted for a POSIX shell where needed.
pub fn command_line(answers: &Map<String, Value>) -> String {
    let mut out = Vec::new();
    for (key, value) in answers {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(","),
            other => other.to_string(),
        };
        if key == crate::template::NAME_VAR {
            out.insert(0, quoted(&text));
        } else {
            out.push(format!("--set {}", quoted(&format!("{key}={text}"))));
        }
    }
    out.join(" ")
}

fn quoted(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_=,./:@".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_as_a_command_line() {
        let answers: Map<String, Value> = serde_json::from_str(
            r#"{"name": "example", "language": "go", "envs": ["dev", "prod"], "db": true, "owner": "it's me"}"#,
        )
        .unwrap();
        assert_eq!(
            command_line(&answers),
            r"example --set language=go --set envs=dev,prod --set db=true --set 'owner=it'\''s me'"
        );
    }
}
