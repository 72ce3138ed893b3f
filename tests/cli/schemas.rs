//! Every `--format json` document against its published schema in
//! docs/schemas/, from real runs of each command in its variants (dry run,
//! git or not, failures that still print a document), and the schemas
//! strict enough to catch a field added twice or renamed.

use serde_json::Value;
use std::fs;
use std::path::Path;

use crate::doctor::assert_valid;
use crate::support::*;

/// `docs/schemas/NAME.schema.json`, e.g. `schema("new-result.v1")`.
pub fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schemas")
        .join(format!("{name}.schema.json"));
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Validates `doc` against `name` and checks its `schema_version` is the
/// one the file name says.
#[track_caller]
fn check(name: &str, doc: &Value) {
    let version = name.rsplit_once(".v").unwrap().1;
    assert_eq!(doc["schema_version"].to_string(), version, "{doc:#}");
    assert_valid(&schema(name), doc);
}

/// The document with one field more, or one renamed, is refused.
#[track_caller]
fn strict(name: &str, doc: &Value, pointer: &str, field: &str) {
    let validator = jsonschema::validator_for(&schema(name)).unwrap();
    let mut added = doc.clone();
    added
        .pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap()
        .insert("unexpected".into(), Value::Bool(true));
    assert!(!validator.is_valid(&added), "{name}: extra field accepted");
    let mut renamed = doc.clone();
    let object = renamed
        .pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap();
    let value = object.remove(field).unwrap();
    object.insert(format!("{field}s"), value);
    assert!(
        !validator.is_valid(&renamed),
        "{name}: `{pointer}/{field}` renamed accepted"
    );
}

fn new_json(cmd: &mut std::process::Command) -> Value {
    let r = run(cmd);
    r.code(0);
    let doc = r.json();
    check("new-result.v1", &doc);
    doc
}

#[test]
fn plat_new_results_match_their_schema_with_the_commit_once() {
    let s = Scratch::new();
    let committed = new_json(s.plat_with_identity().args([
        "new",
        "service",
        "api",
        "--no-input",
        "--format",
        "json",
    ]));
    assert_eq!(committed["git"]["status"], "committed");
    let commit = committed["git"]["commit"].as_str().unwrap();
    let text = committed.to_string();
    assert_eq!(text.matches(commit).count(), 1, "the commit once: {text}");
    assert!(committed.get("commit").is_none());
    assert_eq!(committed["template"]["name"], "service");
    assert_eq!(committed["template"]["source"], "builtin:service");
    assert!(committed.get("provenance").is_none());
    let files = committed["files"].as_array().unwrap();
    assert!(files
        .iter()
        .any(|f| f["path"] == "platform.yaml" && f["kind"] == "generated"));
    strict("new-result.v1", &committed, "", "target");
    strict("new-result.v1", &committed, "/git", "commit");
    strict("new-result.v1", &committed, "/template", "version");
    strict("new-result.v1", &committed, "/files/0", "managed");
    // The commit twice, as before version 1, is refused.
    let mut twice = committed.clone();
    twice["commit"] = commit.into();
    assert!(!jsonschema::validator_for(&schema("new-result.v1"))
        .unwrap()
        .is_valid(&twice));

    let dry = new_json(s.plat().args([
        "new",
        "service",
        "dry",
        "--no-input",
        "--dry-run",
        "--format",
        "json",
    ]));
    assert_eq!(dry["dry_run"], true);
    assert!(dry.get("git").is_none());
    assert_eq!(
        dry["files"], committed["files"],
        "the same plan, the same files"
    );

    let no_git = new_json(s.plat().args([
        "new",
        "service",
        "plain",
        "--no-input",
        "--no-git",
        "--format",
        "json",
    ]));
    assert_eq!(
        no_git["git"],
        serde_json::json!({"status": "disabled", "remote": null, "pushed": false})
    );

    let no_identity =
        new_json(
            s.plat()
                .args(["new", "service", "anon", "--no-input", "--format", "json"]),
        );
    assert_eq!(no_identity["git"]["status"], "no-identity");

    let inside = new_json(s.plat_with_identity().current_dir(s.join("api")).args([
        "new",
        "service",
        "nested",
        "--no-input",
        "--format",
        "json",
    ]));
    assert_eq!(inside["git"]["status"], "inside-repository");
}

#[test]
fn plat_update_results_match_their_schema() {
    let s = Scratch::new();
    run(s
        .plat_with_identity()
        .args(["new", "service", "old", "--ref", "0.2.0", "--no-input"]))
    .code(0);
    run(s
        .plat_with_identity()
        .args(["new", "service", "new", "--no-input"]))
    .code(0);
    let json = |args: &[&str], code: i32| {
        let r = run(s.plat_with_identity().args(args));
        r.code(code);
        let doc = r.json();
        check("update-result.v1", &doc);
        doc
    };
    let up_to_date = json(&["update", "new", "--format", "json"], 0);
    assert_eq!(up_to_date["up_to_date"], true);
    strict("update-result.v1", &up_to_date, "", "path");

    let dry = json(&["update", "old", "--dry-run", "--format", "json"], 0);
    assert_eq!(dry["up_to_date"], false);
    assert_eq!(dry["from"]["version"], "0.2.0");
    assert!(dry["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["diff"].as_str().is_some_and(|d| !d.is_empty())));
    strict("update-result.v1", &dry, "", "base_known");
    strict("update-result.v1", &dry, "/files/0", "outcome");

    let check_all = json(&["update", "--all", ".", "--check", "--format", "json"], 1);
    let mut statuses: Vec<&str> = check_all["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["available", "up-to-date"], "{check_all}");
    strict("update-result.v1", &check_all, "/services/0", "path");

    let written = json(&["update", "--all", ".", "--format", "json"], 0);
    assert_eq!(written["written"], true);
    assert!(written["services"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["status"] == "updated"));
}

#[test]
fn plat_sync_results_match_their_schema() {
    let s = Scratch::new();
    run(s
        .plat_with_identity()
        .args(["new", "service", "api", "--no-input"]))
    .code(0);
    let json = |args: &[&str], code: i32| {
        let r = run(s.plat_with_identity().args(args));
        r.code(code);
        let doc = r.json();
        check("sync-result.v1", &doc);
        doc
    };
    let in_step = json(&["sync", "api", "--format", "json"], 0);
    assert_eq!(in_step["in_sync"], true);
    assert!(in_step["upgraded_from"].is_null());
    strict("sync-result.v1", &in_step, "/template", "version");

    s.edit("api/platform.yaml", "replicas: 2", "replicas: 4");
    s.edit(
        "api/platform.yaml",
        &format!("  version: {}", service_version()),
        "  version: 0.1.0",
    );
    let drift = json(&["sync", "api", "--check", "--format", "json"], 1);
    assert_eq!(drift["in_sync"], false);
    assert_eq!(drift["written"], false);
    assert_eq!(drift["upgraded_from"], "0.1.0");
    assert_eq!(drift["template"]["version"], service_version());
    assert!(!drift["changes"].as_array().unwrap().is_empty(), "{drift}");
    strict("sync-result.v1", &drift, "/changes/0", "diff");
}

#[test]
fn plat_templates_list_and_show_match_their_schemas() {
    let s = Scratch::new();
    let r = run(s.plat().args(["templates", "list", "--format", "json"]));
    r.code(0);
    let list = r.json();
    check("templates-list.v1", &list);
    strict("templates-list.v1", &list, "/templates/0", "versions");

    for template in ["service", &s.template("t", KITCHEN_SINK, &sink_files())] {
        let r = run(s
            .plat()
            .args(["templates", "show", template, "--format", "json"]));
        r.code(0);
        let show = r.json();
        check("templates-show.v1", &show);
        assert!(show.get("provenance").is_none());
        strict("templates-show.v1", &show, "", "description");
        strict("templates-show.v1", &show, "/variables/0", "name");
    }
}

#[test]
fn plat_manifest_validate_results_match_their_schema() {
    let s = Scratch::new();
    run(s
        .plat()
        .args(["new", "service", "api", "--no-input", "--no-git"]))
    .code(0);
    let json = |code: i32| {
        let r = run(s.plat().args([
            "manifest",
            "validate",
            "api/platform.yaml",
            "--format",
            "json",
        ]));
        r.code(code);
        let doc = r.json();
        check("manifest-validation.v1", &doc);
        doc
    };
    let valid = json(0);
    assert_eq!(valid["valid"], true);
    strict("manifest-validation.v1", &valid, "", "file");
    s.edit("api/platform.yaml", "replicas: 2", "replicas: -2");
    let invalid = json(1);
    assert_eq!(invalid["valid"], false);
    strict("manifest-validation.v1", &invalid, "/problems/0", "message");
    // `valid` and `problems` must agree.
    let mut lying = invalid.clone();
    lying["valid"] = true.into();
    assert!(
        !jsonschema::validator_for(&schema("manifest-validation.v1"))
            .unwrap()
            .is_valid(&lying)
    );
}

#[test]
fn plat_cache_list_matches_its_schema() {
    let s = Scratch::new();
    let r = run(s.plat().args(["cache", "list", "--format", "json"]));
    r.code(0);
    let doc = r.json();
    check("cache-list.v1", &doc);
    strict("cache-list.v1", &doc, "", "directory");
}

#[test]
fn plat_template_test_reports_match_their_schema() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write("t/tests/basic/answers.yaml", "name: api\n");
    let json = |args: &[&str], code: i32| {
        let mut all = vec!["template", "test", t.as_str(), "--format", "json"];
        all.extend(args);
        let r = run(s.plat().args(all));
        r.code(code);
        let doc = r.json();
        check("template-test.v1", &doc);
        doc
    };
    let blessed = json(&["--bless"], 0);
    assert_eq!(blessed["blessed"], true);
    let passed = json(&[], 0);
    assert_eq!(passed["cases"][0]["status"], "passed");
    strict("template-test.v1", &passed, "/cases/0", "status");
    fs::write(s.join("t/tests/basic/expected/README.md"), "changed\n").unwrap();
    let differs = json(&[], 1);
    assert_eq!(differs["cases"][0]["status"], "differs");
    strict(
        "template-test.v1",
        &differs,
        "/cases/0/differences/0",
        "mismatch",
    );
}

/// Each schema in docs/schemas/ is a valid JSON Schema whose `$id` is its
/// file name, and docs/cli.md lists it.
#[test]
fn every_published_schema_is_listed_and_well_formed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schemas");
    let cli_md =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md")).unwrap();
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let stem = name.strip_suffix(".schema.json").unwrap();
        let doc = schema(stem);
        assert!(
            jsonschema::meta::is_valid(&doc),
            "{name} is not a valid JSON Schema"
        );
        // The schemas of what plat prints; platform.yaml's is generated.
        if stem.contains(".v") && stem != "platform.v1" {
            assert_eq!(
                doc["$id"],
                format!("https://plat.dev/schemas/{name}"),
                "{name}"
            );
            assert!(
                cli_md.contains(&format!("(schemas/{name})")),
                "docs/cli.md does not link {name}"
            );
        }
    }
}

#[test]
fn the_catalogue_of_checks_matches_its_schema() {
    let s = Scratch::new();
    let r = run(s.plat().args(["doctor", "--list", "--format", "json"]));
    r.code(0);
    let doc = r.json();
    check("doctor-checks.v1", &doc);
    strict("doctor-checks.v1", &doc, "/checks/0", "remediation");
    let ids: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "in ID order, each once");
}
