//! `plat doctor --format sarif|codequality|github|junit` checked against
//! what each CI system documents it reads, not only against a schema, and
//! `plat doctor --explain`. The documented rules are written out below,
//! each with where it is documented.

use regex::Regex;
use serde_json::Value;
use std::collections::HashSet;
use std::fs;

use super::doctor::{assert_valid, commit_all, doctor, drift_prod_service, sarif_schema, service};
use crate::support::{run, Scratch};

const DOCTOR_MD: &str = include_str!("../../docs/doctor.md");

/// A policy whose message holds what every format must escape.
const POLICY: &str = r#"
apiVersion: plat.dev/v1
kind: Policy
rules:
  - id: ACME001
    kind: file-exists
    path: SECURITY.md
    severity: warning
    message: "100% covered: <SECURITY.md> & \"policy\", please"
    remediation: copy SECURITY.md from acme/handbook
"#;

/// A service with failures of every kind: a whole-file one (PLAT400 points
/// at platform.yaml), a drifted file (PLAT500), a warning (PLAT203), a
/// policy rule's warning, a suppressed failure (PLAT202) and a skipped
/// check (PLAT401).
fn failing_service(s: &Scratch) {
    service(s, "api", &[]);
    s.write("acme.yaml", POLICY);
    fs::remove_file(s.join("api/Dockerfile")).unwrap();
    fs::remove_file(s.join("api/.gitignore")).unwrap();
    fs::remove_file(s.join("api/README.md")).unwrap();
    drift_prod_service(s, "api");
    let manifest = s.read("api/platform.yaml");
    fs::write(
        s.join("api/platform.yaml"),
        format!("{manifest}suppressions:\n- check: PLAT202\n  reason: docs live in the wiki\n"),
    )
    .unwrap();
    commit_all(&s.join("api"));
}

/// The findings that count, as the JSON report lists them:
/// (id, severity, message).
fn counted(s: &Scratch, args: &[&str]) -> Vec<(String, String, String)> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let doc = doctor(s, &all).json();
    let services: Vec<Value> = match doc["services"].as_array() {
        Some(list) => list.clone(),
        None => vec![doc.clone()],
    };
    services
        .iter()
        .flat_map(|sv| sv["checks"].as_array().unwrap().clone())
        .filter(|c| c["status"] == "fail" && c.get("suppressed").is_none())
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap().to_string();
            (text("id"), text("severity"), text("message"))
        })
        .collect()
}

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

/// The published home of docs/doctor.md, from Cargo.toml's `repository`.
fn docs_url() -> String {
    format!("{}/blob/main/docs/doctor.md", env!("CARGO_PKG_REPOSITORY"))
}

#[test]
fn sarif_meets_what_github_code_scanning_documents() {
    let s = Scratch::new();
    failing_service(&s);
    let r = doctor(&s, &["api", "--policy", "acme.yaml", "--format", "sarif"]);
    r.code(1);
    let log = r.json();
    assert_valid(&sarif_schema(), &log);
    assert_github_accepts(&log);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    // The whole-file finding has a region: line 1 of the file meant.
    let dockerfile = results.iter().find(|r| r["ruleId"] == "PLAT400").unwrap();
    assert_eq!(
        dockerfile["locations"][0]["physicalLocation"],
        serde_json::json!({"artifactLocation": {"uri": "platform.yaml", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 1}})
    );
    let suppressed = results.iter().find(|r| r["ruleId"] == "PLAT202").unwrap();
    assert_eq!(
        suppressed["suppressions"][0]["justification"],
        "docs live in the wiki"
    );
    // A built-in rule is described by its section of docs/doctor.md, and
    // links there by an anchor that exists.
    for rule in rules
        .iter()
        .filter(|r| r["id"].as_str().unwrap().starts_with("PLAT"))
    {
        let id = rule["id"].as_str().unwrap();
        let anchor = id.to_lowercase();
        assert_eq!(rule["helpUri"], format!("{}#{anchor}", docs_url()));
        assert!(DOCTOR_MD.contains(&format!("<a id=\"{anchor}\"></a>\n### {id}: ")));
        let first_line = rule["help"]["text"]
            .as_str()
            .unwrap()
            .lines()
            .next()
            .unwrap();
        assert!(
            DOCTOR_MD.contains(first_line),
            "{id}: help is not the docs' text"
        );
        let explained = run_explain(&s, id);
        assert!(
            explained.contains(rule["help"]["markdown"].as_str().unwrap()),
            "{id}: --explain and the SARIF help differ"
        );
    }
    let policy = rules.iter().find(|r| r["id"] == "ACME001").unwrap();
    assert_eq!(policy["helpUri"], format!("{}#policies", docs_url()));
    // The same failures give the same fingerprints on the next run.
    let again = doctor(&s, &["api", "--policy", "acme.yaml", "--format", "sarif"]).json();
    assert_eq!(fingerprints(&log), fingerprints(&again));
}

fn fingerprints(log: &Value) -> Vec<Value> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"].clone())
        .collect()
}

fn run_explain(s: &Scratch, id: &str) -> String {
    let r = doctor(s, &["--explain", id]);
    r.code(0);
    r.stdout.clone()
}

/// GitLab's schema for each issue, and what its documentation ("Code
/// Quality report format") adds: `check_name` too is required, the
/// severities, a relative path, a line, and fingerprints that are unique
/// (GitLab keeps one issue per fingerprint).
#[track_caller]
fn assert_gitlab_accepts(report: &Value) {
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

#[test]
fn codequality_is_what_gitlab_reads() {
    let s = Scratch::new();
    failing_service(&s);
    let args = ["api", "--policy", "acme.yaml"];
    let r = doctor(&s, &[&args[..], &["--format", "codequality"]].concat());
    r.code(1);
    let report = r.json();
    assert_gitlab_accepts(&report);
    let expected = counted(&s, &args);
    let issues = report.as_array().unwrap();
    let got: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap(),
                i["severity"].as_str().unwrap(),
            )
        })
        .collect();
    let want: Vec<(&str, &str)> = expected
        .iter()
        .map(|(id, sev, _)| {
            let sev = match sev.as_str() {
                "error" => "major",
                "warning" => "minor",
                _ => "info",
            };
            (id.as_str(), sev)
        })
        .collect();
    assert_eq!(
        got, want,
        "only the failures that count, passes and suppressed ones left out"
    );
    assert!(!got.iter().any(|(id, _)| *id == "PLAT202"));
    let drift = issues
        .iter()
        .find(|i| i["check_name"] == "PLAT500")
        .unwrap();
    assert_eq!(drift["location"]["path"], "deploy/k8s/prod/service.yaml");
    let policy = issues
        .iter()
        .find(|i| i["check_name"] == "ACME001")
        .unwrap();
    assert!(policy["description"]
        .as_str()
        .unwrap()
        .contains("100% covered: <SECURITY.md> & \"policy\", please"));
    let again = doctor(&s, &[&args[..], &["--format", "codequality"]].concat()).json();
    assert_eq!(report, again, "fingerprints are stable from run to run");
}

/// One workflow command, as GitHub's runner reads it ("Workflow commands
/// for GitHub Actions": `::error file={name},line={line},title={title}::{message}`),
/// unescaped as `@actions/core` escapes (`%25`, `%0D`, `%0A`; in
/// properties also `%3A` and `%2C`).
struct Annotation {
    command: String,
    properties: Vec<(String, String)>,
    message: String,
}

fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn annotation(line: &str) -> Option<Annotation> {
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

#[test]
fn github_annotations_follow_the_workflow_command_syntax() {
    let s = Scratch::new();
    failing_service(&s);
    let args = ["api", "--policy", "acme.yaml"];
    let r = doctor(&s, &[&args[..], &["--format", "github"]].concat());
    r.code(1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let (summary, commands) = lines.split_last().unwrap();
    assert!(
        !summary.starts_with("::"),
        "the summary is not an annotation"
    );
    assert!(summary.contains("failed"), "{summary}");
    let annotations: Vec<Annotation> = commands
        .iter()
        .map(|l| annotation(l).unwrap_or_else(|| panic!("not a workflow command: {l}")))
        .collect();
    let expected = counted(&s, &args);
    assert_eq!(annotations.len(), expected.len());
    for (a, (id, severity, message)) in annotations.iter().zip(&expected) {
        let command = match severity.as_str() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(a.command, command);
        let keys: Vec<&str> = a.properties.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["file", "line", "title"]);
        assert!(a.properties[1].1.parse::<u32>().is_ok_and(|l| l >= 1));
        assert!(a.properties[2].1.starts_with(&format!("{id} ")));
        assert!(
            a.message.starts_with(message.as_str()),
            "{} / {message}",
            a.message
        );
    }
    let policy = commands.iter().find(|l| l.contains("ACME001")).unwrap();
    assert!(
        policy.contains("::100%25 covered: <SECURITY.md> & \"policy\", please"),
        "{policy}"
    );
    let drift = annotations
        .iter()
        .find(|a| a.properties[2].1.starts_with("PLAT500"))
        .unwrap();
    assert_eq!(drift.properties[0].1, "deploy/k8s/prod/service.yaml");
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
fn assert_junit(xml: &str) -> roxmltree::Document<'_> {
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

#[test]
fn junit_is_well_formed_and_counts_right() {
    let s = Scratch::new();
    failing_service(&s);
    let r = doctor(&s, &["api", "--policy", "acme.yaml", "--format", "junit"]);
    r.code(1);
    let doc = assert_junit(&r.stdout);
    let case = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name").unwrap().starts_with(name))
            .unwrap_or_else(|| panic!("no testcase {name}"))
    };
    let child = |name: &str, tag: &str| case(name).children().find(|c| c.has_tag_name(tag));
    assert!(child("PLAT100 ", "failure").is_none() && child("PLAT100 ", "skipped").is_none());
    let dockerfile = child("PLAT400 ", "failure").expect("PLAT400 fails");
    assert_eq!(dockerfile.attribute("type"), Some("error"));
    assert!(child("PLAT401 ", "skipped").is_some());
    let suppressed = child("PLAT202 ", "skipped").expect("a suppressed failure is skipped");
    assert_eq!(
        suppressed.attribute("message"),
        Some("suppressed: docs live in the wiki")
    );
    let policy = child("ACME001", "failure").unwrap();
    assert_eq!(policy.attribute("type"), Some("warning"));
    assert!(policy
        .attribute("message")
        .unwrap()
        .starts_with("100% covered: <SECURITY.md> & \"policy\", please"));
    assert!(policy
        .text()
        .unwrap()
        .contains("fix: copy SECURITY.md from acme/handbook"));
    // One testcase per check: as many as `--list` has, plus the policy's rule.
    let checks = doctor(&s, &["--list", "--format", "json"]).json();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        checks.as_array().unwrap().len() + 1
    );
}

#[test]
fn every_ci_format_covers_all_services_with_the_same_exit_code() {
    let s = Scratch::new();
    for (name, dir) in [("alpha", "org/a"), ("beta", "org/b")] {
        let mut cmd = s.plat_with_identity();
        run(cmd.args(["new", "service", name, "--no-input", "--output", dir])).code(0);
    }
    for format in ["sarif", "codequality", "github", "junit"] {
        let r = doctor(&s, &["--all", "org", "--format", format]);
        r.code(0);
        match format {
            "codequality" => assert_eq!(r.json(), serde_json::json!([])),
            "github" => assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout),
            "junit" => {
                let doc = assert_junit(&r.stdout);
                assert_eq!(doc.root_element().attribute("failures"), Some("0"));
            }
            _ => assert_github_accepts(&r.json()),
        }
    }
    fs::remove_file(s.join("org/b/.gitignore")).unwrap();
    drift_prod_service(&s, "org/b");
    for (format, code) in [
        ("sarif", 1),
        ("codequality", 1),
        ("github", 1),
        ("junit", 1),
    ] {
        let r = doctor(&s, &["--all", "org", "--format", format]);
        r.code(code);
        match format {
            "sarif" => {
                let log = r.json();
                assert_valid(&sarif_schema(), &log);
                assert_github_accepts(&log);
            }
            "codequality" => {
                let report = r.json();
                assert_gitlab_accepts(&report);
                let paths: Vec<&str> = report
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["location"]["path"].as_str().unwrap())
                    .collect();
                // PLAT203 is about the service: it points at its manifest.
                assert_eq!(paths, ["b/platform.yaml", "b/deploy/k8s/prod/service.yaml"]);
            }
            "github" => {
                r.stdout_has("::error file=b/deploy/k8s/prod/service.yaml,line=1,title=PLAT500 managed-drift::")
                    .stdout_has("2 services");
            }
            _ => {
                let doc = assert_junit(&r.stdout);
                let suites: Vec<&str> = doc
                    .root_element()
                    .children()
                    .filter(|c| c.has_tag_name("testsuite"))
                    .map(|c| c.attribute("name").unwrap())
                    .collect();
                assert_eq!(suites, ["alpha", "beta"]);
                assert_eq!(doc.root_element().attribute("failures"), Some("2"));
            }
        }
    }
    // With --strict the warning alone fails too, in every format.
    run(s.plat().args(["sync", "org/b", "--allow-dirty"])).code(0);
    for format in ["sarif", "codequality", "github", "junit"] {
        doctor(&s, &["--all", "org", "--format", format]).code(0);
        doctor(&s, &["--all", "org", "--format", format, "--strict"]).code(1);
    }
}

/// The body of a check's section in docs/doctor.md, read here on its own.
fn documented(id: &str) -> String {
    let marker = format!("<a id=\"{}\"></a>\n### {id}: ", id.to_lowercase());
    let start = DOCTOR_MD
        .find(&marker)
        .unwrap_or_else(|| panic!("no section for {id}"));
    let rest = &DOCTOR_MD[start + marker.len()..];
    let end = rest
        .find("\n<a id=")
        .into_iter()
        .chain(rest.find("\n## "))
        .min()
        .unwrap();
    rest[..end]
        .lines()
        .skip(2)
        .take(3)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn explain_prints_every_check_from_the_docs() {
    let s = Scratch::new();
    let list = doctor(&s, &["--list", "--format", "json"]).json();
    for check in list.as_array().unwrap() {
        let id = check["id"].as_str().unwrap();
        let text = run_explain(&s, &id.to_lowercase());
        assert!(
            text.starts_with(&format!("{id}: {}\n", check["name"].as_str().unwrap())),
            "{text}"
        );
        let body = documented(id);
        // Relative links are made absolute; the prose is the docs' own.
        let prose = body.lines().next().unwrap();
        if !prose.contains("](") {
            assert!(text.contains(prose), "{id}: {prose:?} not in\n{text}");
        }
        assert!(text.contains(&format!("{}#{}", docs_url(), id.to_lowercase())));
    }
    doctor(&s, &["--explain", "PLAT32"])
        .code(2)
        .stderr_has("did you mean `PLAT302`?");
    doctor(&s, &["--explain", "ACME001"])
        .code(2)
        .stderr_has("--list");
    doctor(&s, &["--explain", "PLAT302", "--all", "."]).code(2);
}
