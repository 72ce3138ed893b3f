//! `plat manifest schema` and `plat manifest validate`.

use crate::support::*;

const VALID: &str = "apiVersion: plat.dev/v1
kind: Service
metadata:
  name: payments-api
  owner: team-payments
infrastructure:
  image:
    registry: ghcr.io/acme
    repository: payments-api
  port: 8080
  environments: [dev, prod]
";

#[test]
fn schema_is_json_schema_of_the_manifest() {
    let s = Scratch::new();
    let doc = run(s.plat().args(["manifest", "schema"])).code(0).json();
    assert!(doc["$schema"].as_str().unwrap().contains("json-schema.org"));
    let props = doc["properties"].as_object().unwrap();
    for key in [
        "apiVersion",
        "kind",
        "metadata",
        "template",
        "pipeline",
        "infrastructure",
    ] {
        assert!(props.contains_key(key), "schema lacks {key}");
    }
    assert_eq!(doc["additionalProperties"], false);
}

#[test]
fn a_generated_manifest_is_valid() {
    let s = Scratch::new();
    run(s
        .plat()
        .args(["new", "service", "payments-api", "--no-input", "--no-git"]))
    .code(0);
    run(s
        .plat()
        .args(["manifest", "validate", "payments-api/platform.yaml"]))
    .code(0)
    .stderr_has("Valid");
}

#[test]
fn every_problem_is_reported_with_line_and_column() {
    let s = Scratch::new();
    s.write(
        "platform.yaml",
        "apiVersion: plat.dev/v1
kind: Service
metadata:
  name: Payments_API
  owner: team-payments
infrastructure:
  image:
    registry: ghcr.io/acme
    repository: payments-api
  port: 70000
  replica: 2
",
    );
    let r = run(s.plat().args(["manifest", "validate"]));
    r.code(1)
        .stdout_has("platform.yaml:10:9: infrastructure.port")
        .stdout_has("platform.yaml:11:3: infrastructure.replica: unknown field `replica`; did you mean `replicas`?")
        .stderr_has("problems found");
    // The name problem needs the structure fixed first, then shows up located.
    s.write(
        "platform.yaml",
        &VALID.replace("name: payments-api", "name: Payments_API"),
    );
    run(s.plat().args(["manifest", "validate"]))
        .code(1)
        .stdout_has("platform.yaml:4:9: metadata.name");
}

#[test]
fn hostile_manifests_are_rejected_cleanly() {
    let s = Scratch::new();
    let mut bomb = String::from("apiVersion: plat.dev/v1\nkind: Service\nmetadata:\n  name: x\n  owner: y\n  tags: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "x{i}: &a{i} [{}]\n",
            vec![format!("*a{p}"); 10].join(", ")
        ));
    }
    for (doc, needle) in [
        (bomb, "alias"),
        (
            format!("apiVersion: {}", "[".repeat(10_000)),
            "nested too deeply",
        ),
        (format!("{VALID}kind: Service\n"), "duplicate"),
        (
            VALID.replace("port: 8080", "port: [8080]"),
            "infrastructure.port",
        ),
        ("- just\n- a list\n".to_string(), "mapping"),
    ] {
        s.write("platform.yaml", &doc);
        let r = run(s.plat().args(["manifest", "validate"]));
        r.code(1).stdout_has(needle);
        assert!(r.stdout.len() < 4000, "runaway output: {}", r.stdout);
    }
}
