//! What each CI system documents it reads, written out as assertions:
//! GitHub code scanning's SARIF requirements, GitLab's Code Quality
//! schema and rules, GitHub's workflow command syntax, and the JUnit schema
//! Jenkins publishes. `ci_reports` runs plat's reports through them.

use regex::Regex;
use serde_json::Value;
use std::collections::HashSet;
use std::fs;

use super::doctor::assert_valid;

/// What GitHub code scanning requires of an uploaded log and uses of it
/// ("SARIF support for code scanning", docs.github.com/en/code-security/
/// code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
/// the required properties of each object (the empty string is not a
/// value), its length limits, and its upload limits (at most 20 runs,
/// 25,000 rules and 25,000 results a run, 10 locations a result).
#[track_caller]
pub fn assert_github_accepts(log: &Value) {
    let nonempty = |v: &Value, what: &str| {
        let s = v
            .as_str()
            .unwrap_or_else(|| panic!("{what} is required: {v}"));
        assert!(!s.is_empty(), "{what} is empty");
        s.to_string()
    };
    nonempty(&log["$schema"], "$schema");
    assert_eq!(
        log["version"], "2.1.0",
        "code scanning reads SARIF 2.1.0 only"
    );
    let runs = log["runs"].as_array().expect("runs[] is required");
    assert!(!runs.is_empty() && runs.len() <= 20);
    for run in runs {
        let driver = &run["tool"]["driver"];
        nonempty(&driver["name"], "tool.driver.name");
        let rules = driver["rules"].as_array().expect("tool.driver.rules[]");
        let results = run["results"].as_array().expect("results[]");
        assert!(rules.len() <= 25_000 && results.len() <= 25_000);
        let mut ids = HashSet::new();
        for rule in rules {
            let id = nonempty(&rule["id"], "rule.id");
            assert!(ids.insert(id.clone()), "rule {id} twice");
            if let Some(name) = rule["name"].as_str() {
                assert!(name.chars().count() <= 255, "{id}: name over 255");
            }
            for field in ["shortDescription", "fullDescription"] {
                let text = nonempty(&rule[field]["text"], &format!("{id}: {field}.text"));
                assert!(text.chars().count() <= 1024, "{id}: {field} over 1024");
            }
            nonempty(&rule["help"]["text"], &format!("{id}: help.text"));
            nonempty(&rule["help"]["markdown"], &format!("{id}: help.markdown"));
            let uri = nonempty(&rule["helpUri"], &format!("{id}: helpUri"));
            assert!(
                uri.starts_with("https://"),
                "{id}: helpUri not absolute: {uri}"
            );
            if let Some(level) = rule["defaultConfiguration"]["level"].as_str() {
                assert!(["note", "warning", "error"].contains(&level));
            }
            if let Some(tags) = rule["properties"]["tags"].as_array() {
                assert!(tags.len() <= 20);
            }
        }
        let mut hashes = HashSet::new();
        for result in results {
            let rule_id = nonempty(&result["ruleId"], "result.ruleId");
            let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(
                rules[index]["id"],
                rule_id.as_str(),
                "ruleIndex names another rule"
            );
            nonempty(&result["message"]["text"], "result.message.text");
            if let Some(level) = result["level"].as_str() {
                assert!(["none", "note", "warning", "error"].contains(&level));
            }
            let locations = result["locations"].as_array().expect("locations[]");
            assert!((1..=10).contains(&locations.len()));
            let physical = &locations[0]["physicalLocation"];
            let uri = nonempty(&physical["artifactLocation"]["uri"], "artifactLocation.uri");
            assert!(
                !uri.contains("://") && !uri.starts_with('/'),
                "{rule_id}: not relative to the repository root: {uri}"
            );
            assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let line = physical["region"]["startLine"].as_u64();
            assert!(
                line.is_some_and(|l| l >= 1),
                "{rule_id}: region.startLine is required and >= 1: {physical}"
            );
            if let Some(column) = physical["region"]["startColumn"].as_u64() {
                assert!(column >= 1);
            }
            // The one fingerprint code scanning uses.
            let hash = nonempty(
                &result["partialFingerprints"]["primaryLocationLineHash"],
                "partialFingerprints.primaryLocationLineHash",
            );
            assert!(
                hashes.insert(hash),
                "{rule_id}: two results share a fingerprint"
            );
        }
    }
}

/// GitLab's schema for each issue, and what its documentation ("Code
/// Quality report format") adds: `check_name` too is required, the
/// severities, a relative path, a line, and fingerprints that are unique
/// (GitLab keeps one issue per fingerprint).
#[track_caller]
pub fn assert_gitlab_accepts(report: &Value) {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/gitlab-codeclimate.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let issues = report.as_array().expect("a JSON array of issues");
    let mut seen = HashSet::new();
    for issue in issues {
        assert_valid(&schema, issue);
        for field in ["description", "check_name", "fingerprint"] {
            assert!(
                issue[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} missing: {issue}"
            );
        }
        let severity = issue["severity"].as_str().unwrap();
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&severity));
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(!path.is_empty() && !path.starts_with('/') && !path.starts_with("./"));
        assert!(issue["location"]["lines"]["begin"]
            .as_u64()
            .is_some_and(|l| l >= 1));
        assert!(
            seen.insert(issue["fingerprint"].clone()),
            "fingerprint twice: {issue}"
        );
    }
}

/// One workflow command, as GitHub's runner reads it ("Workflow commands
/// for GitHub Actions": `::error file={name},line={line},title={title}::{message}`),
/// unescaped as `@actions/core` escapes (`%25`, `%0D`, `%0A`; in
/// properties also `%3A` and `%2C`).
pub struct Annotation {
    pub command: String,
    pub properties: Vec<(String, String)>,
    pub message: String,
}

fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

pub fn annotation(line: &str) -> Option<Annotation> {
    let re = Regex::new(r"^::(error|warning|notice)( [^:]*)?::(.*)$").unwrap();
    let c = re.captures(line)?;
    let properties = c
        .get(2)
        .map(|p| {
            p.as_str()
                .trim_start()
                .split(',')
                .map(|kv| {
                    let (k, v) = kv.split_once('=').expect("key=value");
                    (k.to_string(), unescape(v))
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Annotation {
        command: c[1].to_string(),
        properties,
        message: unescape(&c[3]),
    })
}

/// The elements and attributes the JUnit schema Jenkins publishes allows
/// (jenkinsci/xunit-plugin, junit-10.xsd): (element, required attributes,
/// allowed attributes, allowed children).
type Element = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const JUNIT: &[Element] = &[
    (
        "testsuites",
        &[],
        &["name", "time", "tests", "failures", "errors"],
        &["testsuite"],
    ),
    (
        "testsuite",
        &["name", "tests", "failures", "errors"],
        &[
            "name",
            "tests",
            "failures",
            "errors",
            "group",
            "time",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
        ],
        &[
            "testsuite",
            "properties",
            "testcase",
            "system-out",
            "system-err",
        ],
    ),
    ("properties", &[], &[], &["property"]),
    ("property", &["name", "value"], &["name", "value"], &[]),
    (
        "testcase",
        &["name"],
        &["name", "time", "classname", "group"],
        &["skipped", "error", "failure", "system-out", "system-err"],
    ),
    ("failure", &[], &["type", "message"], &[]),
    ("error", &[], &["type", "message"], &[]),
    ("skipped", &[], &["type", "message"], &[]),
    ("system-out", &[], &[], &[]),
    ("system-err", &[], &[], &[]),
];

/// Well-formed XML that fits junit-10.xsd, with counts that add up.
#[track_caller]
pub fn assert_junit(xml: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        let (_, required, allowed, children) = JUNIT
            .iter()
            .find(|(n, ..)| *n == name)
            .unwrap_or_else(|| panic!("<{name}> is not in the JUnit schema"));
        for a in *required {
            assert!(node.attribute(*a).is_some(), "<{name}> needs {a}");
        }
        for a in node.attributes() {
            assert!(
                allowed.contains(&a.name()),
                "<{name}> has no attribute {}",
                a.name()
            );
        }
        for c in node.children().filter(|c| c.is_element()) {
            assert!(
                children.contains(&c.tag_name().name()),
                "<{name}> cannot hold <{}>",
                c.tag_name().name()
            );
        }
    }
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let count = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<usize>().unwrap();
    let (mut tests, mut failures) = (0, 0);
    for suite in root.children().filter(|c| c.has_tag_name("testsuite")) {
        let cases: Vec<_> = suite
            .children()
            .filter(|c| c.has_tag_name("testcase"))
            .collect();
        let with = |t: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|x| x.has_tag_name(t)))
                .count()
        };
        assert_eq!(count(suite, "tests"), cases.len());
        assert_eq!(count(suite, "failures"), with("failure"));
        assert_eq!(count(suite, "skipped"), with("skipped"));
        assert_eq!(count(suite, "errors"), with("error"));
        tests += cases.len();
        failures += with("failure");
    }
    assert_eq!(count(root, "tests"), tests);
    assert_eq!(count(root, "failures"), failures);
    doc
}
