//! Template rules beyond include/exclude: managed files, `for_each`, and
//! typed expressions in the manifest section.

use crate::support::*;

const MANAGED: &str = r#"
name: t
version: 2.0.0
variables:
  - name: port
    type: integer
    default: 8080
  - name: envs
    type: multichoice
    choices: [dev, staging, prod]
    default: [dev, prod]
  - name: language
    type: choice
    choices: [rust, go]
    default: go
rules:
  - paths: ["deploy/**"]
    managed: true
  - paths: ["deploy/*.yaml"]
    for_each: manifest.infrastructure.environments
    as: env
  - paths: ["notes/*.txt"]
    for_each: envs
  - paths: ["deploy/*-approval.yaml"]
    include_if: "env.approval is defined and env.approval"
manifest:
  metadata:
    owner: team-x
  pipeline:
    provider: github
    stages:
      - name: test
        commands: "{{ {'rust': ['cargo test'], 'go': ['go test ./...']}[language] }}"
  infrastructure:
    image: {registry: r.example.com, repository: "{{ name }}"}
    port: "{{ port }}"
    environments:
      - if: "'dev' in envs"
        then: dev
      - if: "'staging' in envs"
        then: staging
      - if: "'prod' in envs"
        then: {name: prod, approval: true}
    services:
      - if: "language == 'rust'"
        then: {kind: postgres, version: "16"}
      - if: "language == 'go'"
        then: {kind: redis}
"#;

fn managed_files() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "deploy/{{ env.name }}.yaml",
            "# {{ managed_header }}\nenv: {{ env.name }}\nport: {{ manifest.infrastructure.port }}\n",
        ),
        ("notes/{{ item }}.txt", "{{ item }} of {{ name }}\n"),
    ]
}

#[test]
fn for_each_renders_one_file_per_item() {
    let s = Scratch::new();
    let t = s.template("t", MANAGED, &managed_files());
    run(s.plat().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--no-git",
        "--set",
        "envs=dev,staging,prod",
    ]))
    .code(0);
    assert_eq!(
        s.tree("api"),
        [
            "deploy/dev.yaml",
            "deploy/prod.yaml",
            "deploy/staging.yaml",
            "notes/dev.txt",
            "notes/prod.txt",
            "notes/staging.txt",
            "platform.yaml"
        ]
    );
    assert_eq!(s.read("api/notes/staging.txt"), "staging of api\n");
}

#[test]
fn managed_files_render_from_the_manifest_with_a_header() {
    let s = Scratch::new();
    let t = s.template("t", MANAGED, &managed_files());
    run(s.plat().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--no-git",
        "--set",
        "port=9000",
    ]))
    .code(0);
    let dev = s.read("api/deploy/dev.yaml");
    assert!(
        dev.starts_with("# Managed by plat from platform.yaml (template t 2.0.0)"),
        "{dev}"
    );
    assert!(dev.ends_with("env: dev\nport: 9000\n"), "{dev}");
    let doc = run(s.plat().args([
        "new",
        &t,
        "api2",
        "--no-input",
        "--dry-run",
        "--format",
        "json",
    ]))
    .code(0)
    .json();
    let files = doc["files"].as_array().unwrap();
    assert!(files
        .iter()
        .any(|f| f["path"] == "deploy/dev.yaml" && f["managed"] == true));
    assert!(files
        .iter()
        .any(|f| f["path"] == "notes/dev.txt" && f["managed"] == false));
}

#[test]
fn managed_files_cannot_see_answers() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        MANAGED,
        &[(
            "deploy/{{ env.name }}.yaml",
            "# {{ managed_header }}\nport: {{ port }}\n",
        )],
    );
    run(s.plat().args(["new", &t, "api", "--no-input", "--no-git"]))
        .code(2)
        .stderr_has("deploy/{{ env.name }}.yaml")
        .stderr_has("port");
    assert_eq!(s.entries(), ["t"]);
}

#[test]
fn managed_files_must_carry_the_header() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        MANAGED,
        &[("deploy/{{ env.name }}.yaml", "env: {{ env.name }}\n")],
    );
    run(s.plat().args(["new", &t, "api", "--no-input", "--no-git"]))
        .code(2)
        .stderr_has("is managed but does not say so");
    assert_eq!(s.entries(), ["t"]);
}

#[test]
fn whole_expressions_in_the_manifest_keep_their_type() {
    let s = Scratch::new();
    let t = s.template("t", MANAGED, &managed_files());
    run(s.plat().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--no-git",
        "--set",
        "language=rust",
    ]))
    .code(0);
    let doc: serde_json::Value = serde_yaml::from_str(&s.read("api/platform.yaml")).unwrap();
    assert_eq!(doc["infrastructure"]["port"], 8080);
    assert_eq!(
        doc["pipeline"]["stages"][0]["commands"],
        serde_json::json!(["cargo test"])
    );
    assert_eq!(doc["infrastructure"]["environments"][1]["name"], "prod");
    assert_eq!(
        doc["infrastructure"]["services"],
        serde_json::json!([{"kind": "postgres", "version": "16"}]),
        "only the item whose `if` holds"
    );
}

#[test]
fn a_for_each_that_is_not_a_list_is_reported() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nrules:\n  - paths: [\"x/*\"]\n    for_each: name\n",
        &[("x/{{ item }}", "x")],
    );
    run(s.plat().args(["new", &t, "api", "--no-input", "--no-git"]))
        .code(2)
        .stderr_has("must give a list");
}

#[test]
fn conditions_see_the_for_each_item() {
    let s = Scratch::new();
    let mut files = managed_files();
    files.push((
        "deploy/{{ env.name }}-approval.yaml",
        "# {{ managed_header }}\ngate: {{ env.name }}\n",
    ));
    let t = s.template("t", MANAGED, &files);
    run(s.plat().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--no-git",
        "--set",
        "envs=dev,staging,prod",
    ]))
    .code(0);
    let deploy: Vec<String> = s
        .tree("api")
        .into_iter()
        .filter(|p| p.starts_with("deploy/"))
        .collect();
    assert_eq!(
        deploy,
        [
            "deploy/dev.yaml",
            "deploy/prod-approval.yaml",
            "deploy/prod.yaml",
            "deploy/staging.yaml"
        ]
    );
}
