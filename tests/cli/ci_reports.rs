//! `plat doctor --format sarif|codequality|github|junit` checked against
//! what each CI system documents it reads, not only against a schema, and
//! `plat doctor --explain`. The documented rules themselves, with where
//! each is documented, are in `ci_formats`.

use serde_json::Value;
use std::fs;

use super::ci_formats::{
    annotation, assert_github_accepts, assert_gitlab_accepts, assert_junit, Annotation,
};
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
        checks["checks"].as_array().unwrap().len() + 1
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
    for check in list["checks"].as_array().unwrap() {
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
