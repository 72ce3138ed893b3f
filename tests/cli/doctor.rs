//! `plat doctor`: each check passing and failing on services generated in
//! the test, the output formats against their schemas, exit codes,
//! suppressions, policies and `--all`.

use serde_json::Value;
use std::fs;
use std::path::Path;

use crate::support::{run, service_version, Run, Scratch};

/// Generates `name` with the built-in service template (git init and
/// first commit included), with extra `--set`s.
pub fn service(s: &Scratch, name: &str, sets: &[&str]) {
    let mut cmd = s.plat_with_identity();
    cmd.args(["new", "service", name, "--no-input"]);
    for set in sets {
        cmd.args(["--set", set]);
    }
    run(&mut cmd).code(0);
}

/// Commits everything in the repository at `dir`, as a developer would.
pub fn commit_all(dir: &Path) {
    let repo = git2::Repository::open(dir).expect("open repo");
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Ada", "ada@example.com").unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, "change", &tree, &parents)
        .unwrap();
}

/// Hand-edits a managed file of `svc` (the prod Service's port): drift.
pub fn drift_prod_service(s: &Scratch, svc: &str) {
    s.edit(
        &format!("{svc}/deploy/k8s/prod/service.yaml"),
        "port: 80",
        "port: 81",
    );
}

pub fn doctor(s: &Scratch, args: &[&str]) -> Run {
    let mut cmd = s.plat();
    cmd.arg("doctor").args(args);
    run(&mut cmd)
}

/// `plat doctor --format json` on `dir`, checked against the schema.
pub fn doctor_json(s: &Scratch, dir: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![dir, "--format", "json"];
    args.extend_from_slice(extra);
    let r = doctor(s, &args);
    assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
    let doc = r.json();
    assert_valid(&report_schema(), &doc);
    (r.code, doc)
}

/// The entries of check `id`.
pub fn entries<'a>(doc: &'a Value, id: &str) -> Vec<&'a Value> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == id)
        .collect()
}

/// The one status of check `id` (all its entries agree).
#[track_caller]
pub fn status(doc: &Value, id: &str) -> String {
    let e = entries(doc, id);
    assert!(!e.is_empty(), "no entry for {id} in {doc:#}");
    let first = e[0]["status"].as_str().unwrap().to_string();
    assert!(
        e.iter().all(|x| x["status"] == first.as_str()),
        "{id}: mixed statuses {e:#?}"
    );
    first
}

/// Messages of the failing entries of `id`.
pub fn failures(doc: &Value, id: &str) -> Vec<String> {
    entries(doc, id)
        .into_iter()
        .filter(|e| e["status"] == "fail")
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect()
}

/// Every check that failed.
pub fn failed_ids(doc: &Value) -> Vec<String> {
    let mut ids: Vec<String> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.dedup();
    ids
}

pub fn report_schema() -> Value {
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/schemas/doctor-report.v1.schema.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The official SARIF 2.1.0 schema (OASIS, Errata 01), kept in
/// tests/fixtures with its source and licence (tests/fixtures/README.md).
pub fn sarif_schema() -> Value {
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sarif-schema-2.1.0.json"
    ))
    .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    schema
}

#[track_caller]
pub fn assert_valid(schema: &Value, doc: &Value) {
    let validator = jsonschema::validator_for(schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}\n{doc:#}",
        errors.join("\n")
    );
}

#[test]
fn a_new_service_passes_every_check() {
    let s = Scratch::new();
    service(&s, "payments-api", &[]);
    let (code, doc) = doctor_json(&s, "payments-api", &[]);
    assert_eq!(code, 0);
    let statuses: Vec<(String, String)> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().into(),
                c["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(statuses.len() >= 27, "{statuses:?}");
    assert!(statuses.iter().all(|(_, st)| st == "pass"), "{statuses:?}");
    assert_eq!(doc["service"]["name"], "payments-api");
    assert_eq!(doc["summary"]["score"], 100);
    assert_eq!(doc["summary"]["ok"], true);

    // From a subdirectory, doctor finds the manifest upwards.
    let r = doctor(&s, &["payments-api/deploy/k8s"]);
    r.code(0)
        .stdout_has("score 100%")
        .stdout_has("payments-api");
    for group in [
        "manifest",
        "repository",
        "pipeline",
        "infrastructure",
        "drift",
        "template",
    ] {
        assert!(
            r.stdout.contains(&format!("\n{group}\n")),
            "no {group} group:\n{}",
            r.stdout
        );
    }

    // GitLab, no staging, postgres: the same.
    service(
        &s,
        "orders",
        &["ci=gitlab", "environments=dev,prod", "database=postgres"],
    );
    let (code, doc) = doctor_json(&s, "orders", &["--strict"]);
    assert_eq!(code, 0, "{:?}", failed_ids(&doc));
}

#[test]
fn no_manifest_fails_once_and_skips_what_needs_it() {
    let s = Scratch::new();
    s.write("repo/README.md", "hi\n");
    git2::Repository::init(s.join("repo")).unwrap();
    commit_all(&s.join("repo"));
    fs::create_dir_all(s.join("repo/sub")).unwrap();
    let (code, doc) = doctor_json(&s, "repo/sub", &[]);
    assert_eq!(code, 1);
    let msg = &failures(&doc, "PLAT100")[0];
    assert!(
        msg.contains("no platform.yaml in") && msg.contains("repository root"),
        "{msg}"
    );
    for id in [
        "PLAT101", "PLAT102", "PLAT204", "PLAT302", "PLAT405", "PLAT500", "PLAT600",
    ] {
        assert_eq!(status(&doc, id), "skip", "{id}");
        assert!(entries(&doc, id)[0]["message"]
            .as_str()
            .unwrap()
            .contains("PLAT100"));
    }
    // The search stops at the repository root: a platform.yaml above it is not used.
    s.write("platform.yaml", "apiVersion: plat.dev/v1\n");
    let (_, doc) = doctor_json(&s, "repo/sub", &[]);
    assert_eq!(status(&doc, "PLAT100"), "fail");
}

#[test]
fn a_manifest_that_does_not_parse_is_located() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.write(
        "api/platform.yaml",
        "apiVersion: plat.dev/v1\nkind: Service\nmetadata:\n  name: [api\n",
    );
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 1);
    let f = &entries(&doc, "PLAT101")[0];
    assert_eq!(f["status"], "fail");
    assert!(
        f["message"].as_str().unwrap().contains("does not parse"),
        "{f}"
    );
    assert_eq!(f["location"]["path"], "platform.yaml");
    assert!(f["location"]["line"].as_u64().unwrap() >= 4);
    assert_eq!(status(&doc, "PLAT102"), "skip");
    assert_eq!(status(&doc, "PLAT500"), "skip");
    // Checks that do not need the manifest still run.
    assert_eq!(status(&doc, "PLAT400"), "pass");
    assert_eq!(failed_ids(&doc), ["PLAT101"]);
}

#[test]
fn schema_problems_api_version_and_placeholder_owner() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    let original = s.read("api/platform.yaml");

    s.edit("api/platform.yaml", "\n  port: 8080", "\n  port: eighty");
    let (_, doc) = doctor_json(&s, "api", &[]);
    let f = &entries(&doc, "PLAT102")[0];
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("infrastructure.port"),
        "{f}"
    );
    let line = f["location"]["line"].as_u64().unwrap() as usize;
    assert!(s
        .read("api/platform.yaml")
        .lines()
        .nth(line - 1)
        .unwrap()
        .contains("eighty"));
    assert_eq!(status(&doc, "PLAT405"), "skip");

    fs::write(
        s.join("api/platform.yaml"),
        original.replace("plat.dev/v1", "plat.dev/v2"),
    )
    .unwrap();
    let (_, doc) = doctor_json(&s, "api", &[]);
    assert!(failures(&doc, "PLAT103")[0].contains("plat.dev/v2"));
    assert_eq!(status(&doc, "PLAT102"), "skip");

    fs::write(
        s.join("api/platform.yaml"),
        original.replace("owner: team-api", "owner: todo"),
    )
    .unwrap();
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 1);
    assert!(failures(&doc, "PLAT104")[0].contains("placeholder"));
    assert_eq!(
        entries(&doc, "PLAT104")[0]["location"]["path"],
        "platform.yaml"
    );
}

#[test]
fn repository_states_have_their_own_diagnostics() {
    let s = Scratch::new();
    // Not a repository.
    run(s
        .plat()
        .args(["new", "service", "loose", "--no-input", "--no-git"]))
    .code(0);
    let (code, doc) = doctor_json(&s, "loose", &[]);
    assert_eq!(code, 1);
    assert!(failures(&doc, "PLAT200")[0].contains("not in a git repository"));
    assert_eq!(status(&doc, "PLAT201"), "skip");
    assert_eq!(failed_ids(&doc), ["PLAT200"]);

    // Unborn HEAD: a warning, not an error.
    git2::Repository::init(s.join("loose")).unwrap();
    let (code, doc) = doctor_json(&s, "loose", &[]);
    assert_eq!(code, 0);
    assert_eq!(status(&doc, "PLAT200"), "pass");
    assert!(failures(&doc, "PLAT201")[0].contains("no commits yet"));
    assert_eq!(doctor(&s, &["loose", "--strict"]).code, 1);

    // Bare repository.
    git2::Repository::init_bare(s.join("bare.git")).unwrap();
    let (code, doc) = doctor_json(&s, "bare.git", &[]);
    assert_eq!(code, 1);
    assert!(failures(&doc, "PLAT200")[0].contains("bare repository"));
    assert_eq!(failed_ids(&doc), ["PLAT200"]);
    assert_eq!(status(&doc, "PLAT100"), "skip");
}

#[test]
fn readme_gitignore_codeowners_and_catalog() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    fs::remove_file(s.join("api/README.md")).unwrap();
    fs::remove_file(s.join("api/.gitignore")).unwrap();
    s.edit("api/CODEOWNERS", "* @team-api", "* @someone-else");
    s.edit(
        "api/catalog-info.yaml",
        "lifecycle: experimental",
        "lifecycle: production",
    );
    s.edit(
        "api/catalog-info.yaml",
        "owner: \"team-api\"",
        "owner: \"group:team-x\"",
    );
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 1);
    assert_eq!(entries(&doc, "PLAT202")[0]["severity"], "warning");
    assert_eq!(status(&doc, "PLAT202"), "fail");
    assert_eq!(status(&doc, "PLAT203"), "fail");
    let co = &entries(&doc, "PLAT204")[0];
    assert!(co["message"].as_str().unwrap().contains("@team-api"));
    assert_eq!(co["fixable"], true);
    let catalog = failures(&doc, "PLAT205");
    assert_eq!(catalog.len(), 2, "{catalog:?}");
    assert!(catalog
        .iter()
        .any(|m| m.contains("spec.owner is `group:team-x`")));
    assert!(catalog
        .iter()
        .any(|m| m.contains("spec.lifecycle is `production`")));
    let text = s.read("api/catalog-info.yaml");
    for e in entries(&doc, "PLAT205") {
        let line = e["location"]["line"].as_u64().unwrap() as usize;
        let l = text.lines().nth(line - 1).unwrap();
        assert!(l.contains("owner:") || l.contains("lifecycle:"), "{l}");
    }
    // `group:` prefixes are how Backstage names groups: accepted.
    s.edit(
        "api/catalog-info.yaml",
        "owner: \"group:team-x\"",
        "owner: \"group:team-api\"",
    );
    let (_, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(failures(&doc, "PLAT205").len(), 1);
}

#[test]
fn pipeline_files_stages_and_the_production_gate() {
    let s = Scratch::new();
    service(&s, "gh", &[]);
    fs::remove_dir_all(s.join("gh/.github")).unwrap();
    let (_, doc) = doctor_json(&s, "gh", &[]);
    assert!(failures(&doc, "PLAT300")[0].contains("no .github/workflows/*.yml"));
    assert_eq!(
        entries(&doc, "PLAT300")[0]["fixable"],
        true,
        "sync writes it"
    );
    // Without a template to render them, nothing can write them.
    s.edit(
        "gh/platform.yaml",
        "source: builtin:service",
        "source: ./gone",
    );
    let (_, doc) = doctor_json(&s, "gh", &[]);
    assert_eq!(entries(&doc, "PLAT300")[0]["fixable"], false);
    assert_eq!(status(&doc, "PLAT301"), "skip");
    assert_eq!(status(&doc, "PLAT302"), "skip");

    service(&s, "gl", &["ci=gitlab"]);
    let ci = s.read("gl/.gitlab-ci.yml");
    // Drop the scan job and the manual gate of the prod deploy.
    let start = ci.find("\nscan:\n").unwrap();
    let end = start + 1 + ci[start + 1..].find("\n\n").unwrap();
    let mut cut = format!("{}{}", &ci[..start + 1], &ci[end + 1..]);
    assert!(cut.contains("when: manual"));
    cut = cut.replace("when: manual", "when: on_success");
    fs::write(s.join("gl/.gitlab-ci.yml"), cut).unwrap();
    let (code, doc) = doctor_json(&s, "gl", &[]);
    assert_eq!(code, 1);
    let stages = failures(&doc, "PLAT301");
    assert_eq!(stages.len(), 1, "{stages:?}");
    assert!(stages[0].contains("stage `scan`"));
    let gate = failures(&doc, "PLAT302");
    assert!(
        gate[0].contains("deploy-prod") && gate[0].contains("when: manual"),
        "{gate:?}"
    );
    assert_eq!(
        entries(&doc, "PLAT302")[0]["location"]["path"],
        ".gitlab-ci.yml"
    );

    // A production environment without approval in the manifest.
    service(&s, "noapproval", &[]);
    s.edit("noapproval/platform.yaml", "    approval: true\n", "");
    let (_, doc) = doctor_json(&s, "noapproval", &[]);
    let gate = failures(&doc, "PLAT302");
    assert!(gate[0].contains("`prod` is production"), "{gate:?}");
    assert_eq!(
        entries(&doc, "PLAT302")[0]["location"]["path"],
        "platform.yaml"
    );
}

#[test]
fn dockerfile_and_kubernetes_checks() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.edit("api/Dockerfile", "USER 10001:10001", "USER root");
    let dep = "api/deploy/k8s/staging/deployment.yaml";
    let text = s.read(dep);
    let text = text
        .replace("          livenessProbe:\n", "          startupProbe:\n")
        .replace("            limits:\n", "            xlimits:\n")
        .replace("containerPort: 8080", "containerPort: 9999");
    fs::write(s.join(dep), text).unwrap();
    fs::remove_dir_all(s.join("api/deploy/k8s/dev")).unwrap();
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 1);
    let root = &entries(&doc, "PLAT401")[0];
    assert!(root["message"].as_str().unwrap().contains("`root`"));
    assert!(root["location"]["line"].as_u64().is_some());
    assert!(failures(&doc, "PLAT402")[0].contains("environment `dev`"));
    let probes = failures(&doc, "PLAT403");
    assert_eq!(probes.len(), 1);
    assert!(probes[0].contains("staging") && probes[0].contains("livenessProbe"));
    assert!(failures(&doc, "PLAT404")[0].contains("cpu or memory limit"));
    let port = &entries(&doc, "PLAT405")[0];
    assert!(port["message"]
        .as_str()
        .unwrap()
        .contains("containerPort 9999"));
    let line = port["location"]["line"].as_u64().unwrap() as usize;
    assert!(s.read(dep).lines().nth(line - 1).unwrap().contains("9999"));

    fs::remove_file(s.join("api/Dockerfile")).unwrap();
    let (_, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(status(&doc, "PLAT400"), "fail");
    assert_eq!(status(&doc, "PLAT401"), "skip");
}

#[test]
fn drift_is_reported_with_a_diff() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    drift_prod_service(&s, "api");
    fs::remove_file(s.join("api/infra/main.tf")).unwrap();
    // An environment the manifest no longer lists leaves stale files.
    fs::create_dir_all(s.join("api/deploy/k8s/qa")).unwrap();
    fs::copy(
        s.join("api/deploy/k8s/dev/service.yaml"),
        s.join("api/deploy/k8s/qa/service.yaml"),
    )
    .unwrap();
    // A developer's own file under a managed directory is left alone.
    s.write("api/deploy/k8s/notes.yaml", "# mine\n");
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 1);
    let drift = &entries(&doc, "PLAT500");
    assert_eq!(drift.len(), 1, "{drift:#?}");
    assert_eq!(drift[0]["location"]["path"], "deploy/k8s/prod/service.yaml");
    let diff = drift[0]["diff"].as_str().unwrap();
    assert!(
        diff.contains("--- a/deploy/k8s/prod/service.yaml"),
        "{diff}"
    );
    assert!(
        diff.contains("-    port: 81") || diff.contains("-      port: 81"),
        "{diff}"
    );
    assert_eq!(drift[0]["fixable"], true);
    assert_eq!(failures(&doc, "PLAT501"), ["infra/main.tf is missing"]);
    let stale = failures(&doc, "PLAT502");
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(stale[0].starts_with("deploy/k8s/qa/service.yaml"));

    let r = doctor(&s, &["api"]);
    r.code(1).stdout_has("(--verbose shows the diff)");
    assert!(!r.stdout.contains("+++ b/"));
    let r = doctor(&s, &["api", "--verbose"]);
    r.stdout_has("+++ b/deploy/k8s/prod/service.yaml");
}

#[test]
fn template_version_and_availability() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.edit(
        "api/platform.yaml",
        &format!("  version: {}", service_version()),
        "  version: 0.1.0",
    );
    let (code, doc) = doctor_json(&s, "api", &[]);
    let f = &entries(&doc, "PLAT600")[0];
    assert_eq!(f["severity"], "warning");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains(&format!("0.1.0; {} is available", service_version())));
    assert_eq!(code, 0, "a warning does not fail the run");
    assert_eq!(doctor(&s, &["api", "--strict"]).code, 1);

    s.edit("api/platform.yaml", "  version: 0.1.0", "  version: 9.0.0");
    let (_, doc) = doctor_json(&s, "api", &[]);
    assert!(failures(&doc, "PLAT600")[0].contains("newer than"));
    assert_eq!(status(&doc, "PLAT500"), "skip");

    s.edit(
        "api/platform.yaml",
        "  version: 9.0.0",
        &format!("  version: {}", service_version()),
    );
    s.edit(
        "api/platform.yaml",
        "source: builtin:service",
        "source: ./moved-away",
    );
    let (_, doc) = doctor_json(&s, "api", &[]);
    assert!(failures(&doc, "PLAT601")[0].contains("./moved-away"));
    assert_eq!(status(&doc, "PLAT500"), "skip");
    let (_, doc) = doctor_json(&s, "api", &["--template", "service"]);
    assert_eq!(status(&doc, "PLAT500"), "pass");
}

#[test]
fn suppressions_with_and_without_expiry() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    fs::remove_file(s.join("api/README.md")).unwrap();
    s.edit("api/Dockerfile", "USER 10001:10001", "USER 0");
    let manifest = s.read("api/platform.yaml");
    fs::write(
        s.join("api/platform.yaml"),
        format!(
            "{manifest}suppressions:\n- check: PLAT401\n  reason: the base image drops privileges itself\n- check: PLAT202\n  reason: docs live in the wiki\n  expires: 2001-01-01\n- check: PLAT999\n  reason: typo\n"
        ),
    )
    .unwrap();
    commit_all(&s.join("api"));
    let (code, doc) = doctor_json(&s, "api", &[]);
    let root = &entries(&doc, "PLAT401")[0];
    assert_eq!(root["status"], "fail");
    assert_eq!(
        root["suppressed"]["reason"],
        "the base image drops privileges itself"
    );
    // The expired suppression no longer hides PLAT202 and is reported itself.
    assert_eq!(status(&doc, "PLAT202"), "fail");
    assert!(entries(&doc, "PLAT202")[0].get("suppressed").is_none());
    let expired = failures(&doc, "PLAT700");
    assert!(expired[0].contains("expired on 2001-01-01"), "{expired:?}");
    assert!(failures(&doc, "PLAT701")[0].contains("PLAT999"));
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert_eq!(doc["summary"]["errors"], 0);
    assert_eq!(code, 0, "only warnings are left");
    let r = doctor(&s, &["api"]);
    r.stdout_has("suppressed: the base image drops privileges itself");

    // A future expiry still suppresses.
    s.edit(
        "api/platform.yaml",
        "expires: 2001-01-01",
        "expires: 2999-01-01",
    );
    let (_, doc) = doctor_json(&s, "api", &["--strict"]);
    assert_eq!(
        entries(&doc, "PLAT202")[0]["suppressed"]["expires"],
        "2999-01-01"
    );
    assert_eq!(status(&doc, "PLAT700"), "pass");
}

#[test]
fn sarif_and_markdown_outputs() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    drift_prod_service(&s, "api");
    fs::remove_file(s.join("api/.gitignore")).unwrap();
    let r = doctor(&s, &["api", "--format", "sarif"]);
    r.code(1);
    let sarif = r.json();
    assert_valid(&sarif_schema(), &sarif);
    assert_eq!(sarif["runs"].as_array().map(Vec::len), Some(1));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["PLAT203", "PLAT500"]);
    let drift = &results[1];
    assert_eq!(drift["level"], "error");
    assert_eq!(
        drift["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy/k8s/prod/service.yaml"
    );
    assert_eq!(results[0]["level"], "warning");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(
        rules[drift["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "PLAT500"
    );

    let r = doctor(&s, &["api", "--format", "markdown"]);
    r.code(1)
        .stdout_has("## ❌ plat doctor: `api`")
        .stdout_has("| ❌ error | `PLAT500` managed-drift | `deploy/k8s/prod/service.yaml` |")
        .stdout_has("```diff\n");
}

#[test]
fn exit_codes_and_usage_errors() {
    let s = Scratch::new();
    doctor(&s, &["no/such/dir"])
        .code(2)
        .stderr_has("cannot read `no/such/dir`");
    doctor(&s, &["--allow-dirty"]).code(2).stderr_has("--fix");
    doctor(&s, &["--format", "xml"]).code(2);
    doctor(&s, &["a", "--all", "b"]).code(2);
    doctor(&s, &["--jobs", "0", "--all", "."]).code(2);
    s.write("x.txt", "");
    doctor(&s, &["x.txt"])
        .code(2)
        .stderr_has("not a directory or a platform.yaml");
    let r = doctor(&s, &["--list"]);
    r.code(0).stdout_has("PLAT500").stdout_has("managed-drift");
    let r = doctor(&s, &["--list", "--format", "json"]);
    assert!(r.json()["checks"].as_array().unwrap().len() >= 27);
}

const POLICY: &str = r#"
apiVersion: plat.dev/v1
kind: Policy
disable: [PLAT202]
severity:
  PLAT203: info
rules:
  - id: ACME001
    kind: file-exists
    path: SECURITY.md
    severity: warning
    message: every service has a security policy
    remediation: copy SECURITY.md from acme/handbook
  - id: ACME002
    kind: file-absent
    path: "**/*.pem"
    message: no private keys in the repository
  - id: ACME003
    kind: file-contains
    path: Dockerfile
    pattern: '^HEALTHCHECK'
    message: images declare a HEALTHCHECK
  - id: ACME004
    kind: file-not-contains
    path: "deploy/**/*.yaml"
    pattern: 'image: .*:latest'
    message: no latest tags
  - id: ACME005
    kind: manifest-required
    field: metadata.description
    message: services describe themselves
  - id: ACME006
    kind: manifest-one-of
    field: infrastructure.environments[*].name
    values: [dev, staging, prod]
    message: only the standard environments
  - id: ACME007
    kind: manifest-matches
    field: metadata.owner
    pattern: '^team-'
    message: owners are team slugs
"#;

#[test]
fn policy_rules_overrides_and_disabling() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.write("acme.yaml", POLICY);
    fs::remove_file(s.join("api/.gitignore")).unwrap();
    fs::remove_file(s.join("api/README.md")).unwrap();
    let (code, doc) = doctor_json(&s, "api", &["--policy", "acme.yaml"]);
    assert_eq!(code, 1);
    // Overrides and disabling.
    assert_eq!(entries(&doc, "PLAT203")[0]["severity"], "info");
    let readme = &entries(&doc, "PLAT202");
    assert_eq!(readme.len(), 1);
    assert_eq!(readme[0]["status"], "skip");
    assert!(readme[0]["message"]
        .as_str()
        .unwrap()
        .contains("disabled by the policy"));
    // Rules, each passing or failing as the service is.
    let sec = &entries(&doc, "ACME001")[0];
    assert_eq!(
        (sec["status"].as_str(), sec["severity"].as_str()),
        (Some("fail"), Some("warning"))
    );
    assert_eq!(sec["category"], "policy");
    assert_eq!(sec["remediation"], "copy SECURITY.md from acme/handbook");
    assert_eq!(status(&doc, "ACME002"), "pass");
    assert_eq!(status(&doc, "ACME003"), "fail");
    assert_eq!(status(&doc, "ACME004"), "pass");
    assert_eq!(status(&doc, "ACME005"), "pass");
    assert_eq!(status(&doc, "ACME006"), "pass");
    assert_eq!(status(&doc, "ACME007"), "pass");

    // Now the other way round.
    s.write("api/SECURITY.md", "report to security@\n");
    s.write("api/certs/key.pem", "secret\n");
    s.edit(
        "api/Dockerfile",
        "USER 10001:10001",
        "HEALTHCHECK NONE\nUSER 10001:10001",
    );
    s.edit(
        "api/deploy/k8s/dev/deployment.yaml",
        ":set-by-pipeline",
        ":latest",
    );
    s.edit("api/platform.yaml", "owner: team-api", "owner: api-people");
    s.edit("api/platform.yaml", "- name: staging", "- name: perf");
    let (_, doc) = doctor_json(&s, "api", &["--policy", "acme.yaml"]);
    assert_eq!(status(&doc, "ACME001"), "pass");
    assert_eq!(
        entries(&doc, "ACME002")[0]["location"]["path"],
        "certs/key.pem"
    );
    assert_eq!(status(&doc, "ACME003"), "pass");
    let latest = &entries(&doc, "ACME004")[0];
    assert_eq!(latest["location"]["path"], "deploy/k8s/dev/deployment.yaml");
    assert!(latest["location"]["line"].as_u64().is_some());
    let envs = failures(&doc, "ACME006");
    assert!(
        envs[0].contains("`infrastructure.environments[1].name` is `perf`"),
        "{envs:?}"
    );
    assert!(failures(&doc, "ACME007")[0].contains("api-people"));
    assert_eq!(
        entries(&doc, "ACME007")[0]["location"]["path"],
        "platform.yaml"
    );

    // Policies named in plat's config apply without --policy.
    s.write(
        ".home/.config/plat/config.yaml",
        "doctor:\n  policies: [../../../acme.yaml]\n",
    );
    let (_, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(status(&doc, "ACME001"), "pass");
    let (_, doc) = doctor_json(&s, "api", &["--no-config"]);
    assert!(entries(&doc, "ACME001").is_empty());
}

#[test]
fn a_bad_policy_is_a_usage_error_naming_the_field() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.write(
        "bad.yaml",
        "disable: [PLAT20]\nrules:\n  - id: ACME1\n    kind: file-exists\n    message: x\n  - id: ACME002\n    kind: file-contain\n    path: a\n    message: x\n  - id: ACME003\n    kind: file-contains\n    path: a\n    pattern: '('\n    message: x\n  - id: ACME004\n    kind: manifest-matches\n    pattern: x\n    message: x\n",
    );
    let r = doctor(&s, &["api", "--policy", "bad.yaml"]);
    r.code(2)
        .stderr_has("bad.yaml: `rules[0].id`")
        .stderr_has("`rules[1].kind` (ACME002): `file-contain` is not a rule kind; did you mean `file-contains`?")
        .stderr_has("`rules[2].pattern` (ACME003): is not a valid regular expression")
        .stderr_has("`rules[3].field` (ACME004): a `manifest-matches` rule needs `field`")
        .stderr_has("`disable` names `PLAT20`");
    assert!(r.stdout.is_empty());
    s.write("typo.yaml", "rulez: []\n");
    doctor(&s, &["api", "--policy", "typo.yaml"])
        .code(2)
        .stderr_has("typo.yaml:1:1")
        .stderr_has("unknown field `rulez`");
    doctor(&s, &["api", "--policy", "missing.yaml"])
        .code(2)
        .stderr_has("missing.yaml");
}

#[test]
fn all_checks_every_service_under_a_directory() {
    let s = Scratch::new();
    fs::create_dir_all(s.join("org/team-a")).unwrap();
    fs::create_dir_all(s.join("org/team-b")).unwrap();
    let mut cmd = s.plat_with_identity();
    run(cmd.args([
        "new",
        "service",
        "alpha",
        "--no-input",
        "--output",
        "org/team-a/alpha",
    ]))
    .code(0);
    let mut cmd = s.plat_with_identity();
    run(cmd.args([
        "new",
        "service",
        "beta",
        "--no-input",
        "--set",
        "ci=gitlab",
        "--output",
        "org/team-b/beta",
    ]))
    .code(0);
    let mut cmd = s.plat_with_identity();
    run(cmd.args([
        "new",
        "service",
        "gamma",
        "--no-input",
        "--output",
        "org/team-b/gamma",
    ]))
    .code(0);
    s.edit(
        "org/team-b/gamma/CODEOWNERS",
        "* @team-gamma",
        "* @nobody-in-particular",
    );
    // Decoys: never services.
    s.write(
        "org/team-a/alpha/node_modules/pkg/platform.yaml",
        "junk: [\n",
    );
    s.write("org/team-b/target/platform.yaml", "junk: [\n");
    s.write("org/.gitignore", "ignored/\n");
    s.write("org/ignored/svc/platform.yaml", "junk: [\n");

    let r = doctor(&s, &["--all", "org"]);
    r.code(1)
        .stdout_has("alpha")
        .stdout_has("team-b/beta")
        .stdout_has("3 services: 2 passing, 1 failing");
    let gamma = r.stdout.lines().find(|l| l.contains("gamma")).unwrap();
    assert!(
        gamma.starts_with('✗') && gamma.contains("2 errors"),
        "{gamma}"
    );

    let r = doctor(&s, &["--all", "org", "--format", "json", "--jobs", "2"]);
    r.code(1);
    let doc = r.json();
    assert_valid(&report_schema(), &doc);
    let names: Vec<&str> = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "beta", "gamma"]);
    assert_eq!(doc["services"][2]["service"]["path"], "team-b/gamma");
    assert_eq!(doc["summary"]["services"], 3);
    assert_eq!(doc["summary"]["failing"], 1);
    assert_eq!(doc["summary"]["errors"], 2);

    let r = doctor(&s, &["--all", "org", "--format", "sarif"]);
    let sarif = r.json();
    assert_valid(&sarif_schema(), &sarif);
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        ["team-b/gamma/CODEOWNERS", "team-b/gamma/CODEOWNERS"],
        "several repositories: paths from the --all directory"
    );
    // A monorepo: paths from its root.
    let mono = s.join("mono");
    fs::create_dir_all(mono.join("services")).unwrap();
    git2::Repository::init(&mono).unwrap();
    let mut cmd = s.plat();
    run(cmd.args([
        "new",
        "service",
        "delta",
        "--no-input",
        "--no-git",
        "--output",
        "mono/services/delta",
    ]))
    .code(0);
    fs::remove_file(mono.join("services/delta/.gitignore")).unwrap();
    commit_all(&mono);
    let sarif = doctor(&s, &["--all", "mono/services", "--format", "sarif"]).json();
    assert_valid(&sarif_schema(), &sarif);
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "services/delta/platform.yaml"
    );

    doctor(&s, &["--all", "org/team-a"]).code(0);
    fs::create_dir_all(s.join("empty")).unwrap();
    doctor(&s, &["--all", "empty"])
        .code(0)
        .stderr_has("no platform.yaml found");
    doctor(&s, &["--all", "nowhere"])
        .code(2)
        .stderr_has("nowhere");
}

#[test]
fn human_output_is_grouped_coloured_on_request_and_quiet_on_request() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    fs::remove_file(s.join("api/.gitignore")).unwrap();
    let r = doctor(&s, &["api", "--color", "always"]);
    r.code(0);
    assert!(r.stdout.contains("\u{1b}["), "no colour:\n{}", r.stdout);
    let plain = doctor(&s, &["api"]);
    assert!(
        !plain.stdout.contains('\u{1b}'),
        "NO_COLOR is set:\n{}",
        plain.stdout
    );
    plain
        .stdout_has("  ✓ PLAT100 platform.yaml found")
        .stdout_has("  ✗ PLAT203 warning no .gitignore")
        .stdout_has("score 96%: 28 passed, 1 failed (1 warning), 0 skipped");
    let quiet = doctor(&s, &["api", "--quiet"]);
    quiet.stdout_has("PLAT203");
    assert!(!quiet.stdout.contains("PLAT100"), "{}", quiet.stdout);
}

#[test]
fn special_files_at_managed_paths_are_reported_not_waited_on() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    let fifo = s.join("api/infra/main.tf");
    fs::remove_file(&fifo).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 1);
    assert!(failures(&doc, "PLAT500")[0].contains("not a regular file"));
    assert_eq!(status(&doc, "PLAT501"), "skip");
    let mut cmd = s.plat();
    run(cmd.args(["sync", "api", "--check"]))
        .code(2)
        .stderr_has("not a regular file");
}
