//! SARIF 2.1.0 logs for code-scanning upload: one run of plat, a rule per
//! kind of finding that occurred (in the order first seen), a result per
//! finding with its file, line (1 when the whole file is meant) and, where
//! known, column. `plat doctor` and `plat template lint` fill one with their
//! findings. What GitHub's code scanning requires of a log ("SARIF support
//! for code scanning") holds for every log built here: each rule has a short
//! and a full description and help, each result a region and
//! `partialFingerprints.primaryLocationLineHash`.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Value};
use std::collections::HashMap;

/// GitHub shows at most this many characters of a rule's short and full
/// description; longer ones are cut here, not rejected there.
const DESCRIPTION_LIMIT: usize = 1024;

/// How serious a result is, in SARIF's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// What a kind of finding is: SARIF's `reportingDescriptor`.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub name: String,
    /// One line: `shortDescription`.
    pub summary: String,
    /// A paragraph or two: `fullDescription`.
    pub full_description: String,
    /// The whole explanation, as text and as Markdown: `help`.
    pub help: String,
    pub help_markdown: String,
    /// Where it is documented, an absolute URL.
    pub help_uri: Option<String>,
    pub level: Level,
    /// Tool-specific facts (`category`, `fixable`).
    pub properties: Value,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Finding {
    pub level: Level,
    pub message: String,
    /// A `/`-separated path relative to the repository root
    /// (`%SRCROOT%`); percent-encoded where a URI needs it.
    pub uri: String,
    /// None: the whole file (reported as line 1).
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The same finding on a later run has the same fingerprint.
    pub fingerprint: String,
    /// Why the finding was accepted, when it was.
    pub suppression: Option<String>,
}

/// A SARIF log being filled.
#[derive(Debug, Default)]
pub struct Log {
    rules: Vec<Value>,
    index: HashMap<String, usize>,
    results: Vec<Value>,
    /// How often each line hash occurred, to tell identical findings apart.
    hashes: HashMap<String, usize>,
}

impl Log {
    pub fn new() -> Log {
        Log::default()
    }

    /// Adds `finding` of the kind `rule` describes (called the first time
    /// its id is seen).
    pub fn add(&mut self, rule_id: &str, rule: impl FnOnce() -> Rule, finding: Finding) {
        let index = match self.index.get(rule_id) {
            Some(i) => *i,
            None => {
                self.rules.push(rule_json(&rule()));
                self.index.insert(rule_id.to_string(), self.rules.len() - 1);
                self.rules.len() - 1
            }
        };
        let hash = sha1_smol::Sha1::from(&finding.fingerprint)
            .digest()
            .to_string()[..16]
            .to_string();
        let n = self.hashes.entry(hash.clone()).or_default();
        *n += 1;
        let line_hash = format!("{hash}:{n}");
        self.results
            .push(result_json(rule_id, index, finding, &line_hash));
    }

    /// The log, naming plat and where its documentation of these findings
    /// is (`information_uri`).
    pub fn finish(self, information_uri: &str) -> Value {
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "plat",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": information_uri,
                    "rules": self.rules,
                }},
                "columnKind": "unicodeCodePoints",
                "results": self.results,
            }],
        })
    }
}

fn rule_json(r: &Rule) -> Value {
    let mut rule = json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": at_most(&r.summary, DESCRIPTION_LIMIT)},
        "fullDescription": {"text": at_most(&r.full_description, DESCRIPTION_LIMIT)},
        "help": {"text": r.help, "markdown": r.help_markdown},
        "defaultConfiguration": {"level": r.level.as_str()},
        "properties": r.properties,
    });
    if let Some(uri) = &r.help_uri {
        rule["helpUri"] = json!(uri);
    }
    rule
}

/// `text`, cut to `limit` characters with an ellipsis.
fn at_most(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    text.chars().take(limit - 1).chain(['…']).collect()
}

/// What a relative path may not hold as it is in a URI reference: it is
/// percent-encoded (`src/{{ name }}/a b.py` becomes
/// `src/%7B%7B%20name%20%7D%7D/a%20b.py`).
const NOT_IN_URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

fn result_json(rule_id: &str, rule_index: usize, f: Finding, line_hash: &str) -> Value {
    let uri = utf8_percent_encode(&f.uri, NOT_IN_URI).to_string();
    let mut physical = json!({
        "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": f.line.unwrap_or(1).max(1)},
    });
    if let (Some(_), Some(column)) = (f.line, f.column) {
        physical["region"]["startColumn"] = json!(column.max(1));
    }
    let mut v = json!({
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "level": f.level.as_str(),
        "kind": "fail",
        "message": {"text": f.message},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {
            "primaryLocationLineHash": line_hash,
            "platFinding/v1": f.fingerprint,
        },
    });
    if let Some(reason) = f.suppression {
        v["suppressions"] = json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": reason,
        }]);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        let mut log = Log::new();
        let rule = || Rule {
            id: "X1".into(),
            name: "x".into(),
            summary: "x".into(),
            full_description: "x".into(),
            help: "x".into(),
            help_markdown: "x".into(),
            help_uri: None,
            level: Level::Warning,
            properties: json!({}),
        };
        let finding = Finding {
            level: Level::Warning,
            message: "m".into(),
            uri: "files/src/{{ name ! snake_case }}/a b#.py".into(),
            line: Some(3),
            column: Some(7),
            fingerprint: "f".into(),
            suppression: None,
        };
        log.add("X1", rule, finding.clone());
        log.add("X1", rule, finding);
        let v = log.finish("https://example.com");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 1);
        let location = &run["results"][1]["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "files/src/%7B%7B%20name%20!%20snake_case%20%7D%7D/a%20b%23.py"
        );
        assert_eq!(
            location["region"],
            json!({"startLine": 3, "startColumn": 7})
        );
        assert_eq!(run["results"][1]["ruleIndex"], 0);
    }

    /// A finding about a whole file still has a region (GitHub requires
    /// `startLine`), identical findings have distinct line hashes, and a
    /// description longer than GitHub shows is cut, not dropped.
    #[test]
    fn whole_files_identical_findings_and_long_descriptions() {
        let mut log = Log::new();
        let long = "d".repeat(2000);
        let rule = || Rule {
            id: "X1".into(),
            name: "x".into(),
            summary: "x".into(),
            full_description: long.clone(),
            help: "x".into(),
            help_markdown: "x".into(),
            help_uri: None,
            level: Level::Error,
            properties: json!({}),
        };
        let finding = Finding {
            level: Level::Error,
            message: "m".into(),
            uri: "Dockerfile".into(),
            line: None,
            column: Some(4),
            fingerprint: "X1:Dockerfile:m".into(),
            suppression: None,
        };
        log.add("X1", rule, finding.clone());
        log.add("X1", rule, finding);
        let v = log.finish("https://example.com");
        let run = &v["runs"][0];
        let full = run["tool"]["driver"]["rules"][0]["fullDescription"]["text"]
            .as_str()
            .unwrap();
        assert_eq!(full.chars().count(), DESCRIPTION_LIMIT);
        assert!(full.ends_with('…'));
        let results = run["results"].as_array().unwrap();
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["region"],
            json!({"startLine": 1})
        );
        let hash = |i: usize| results[i]["partialFingerprints"]["primaryLocationLineHash"].clone();
        assert_ne!(hash(0), hash(1));
        assert!(hash(0).as_str().unwrap().ends_with(":1"));
        assert!(hash(1).as_str().unwrap().ends_with(":2"));
    }
}
