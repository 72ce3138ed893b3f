//! `plat templates list` and `plat templates show`.

use crate::support::*;

#[test]
fn list_shows_the_builtin_service_template() {
    let s = Scratch::new();
    run(s.plat().args(["templates", "list"]))
        .code(0)
        .stdout_has("service");
    let doc = run(s.plat().args(["templates", "list", "--format", "json"]))
        .code(0)
        .json();
    let service = doc["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "service")
        .expect("service template listed");
    assert!(semver_like(service["version"].as_str().unwrap()));
    assert_eq!(service["source"], "builtin:service");
}

fn semver_like(v: &str) -> bool {
    v.split('.').count() == 3 && v.split('.').all(|p| p.chars().all(|c| c.is_ascii_digit()))
}

#[test]
fn show_lists_variables_with_type_default_choices_and_help() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    let r = run(s.plat().args(["templates", "show", &t]));
    r.code(0)
        .stdout_has("port  integer")
        .stdout_has("default: 8080")
        .stdout_has("range: 1024..=65535")
        .stdout_has("choices: rust, go")
        .stdout_has("owning team")
        .stdout_has("asked when: with_db")
        .stdout_has("secret");
    let doc = run(s.plat().args(["templates", "show", &t, "--format", "json"]))
        .code(0)
        .json();
    let vars = doc["variables"].as_array().unwrap();
    let lang = vars.iter().find(|v| v["name"] == "language").unwrap();
    assert_eq!(lang["type"], "choice");
    assert_eq!(lang["choices"], serde_json::json!(["rust", "go"]));
    assert_eq!(lang["default"], "rust");
}

#[test]
fn show_builtin_service() {
    let s = Scratch::new();
    run(s.plat().args(["templates", "show", "service"]))
        .code(0)
        .stdout_has("name  string");
}

#[test]
fn unknown_builtin_suggests_the_closest() {
    let s = Scratch::new();
    run(s.plat().args(["templates", "show", "servise"]))
        .code(2)
        .stderr_has("did you mean `service`?");
    run(s.plat().args(["new", "servise", "x", "--no-input"]))
        .code(2)
        .stderr_has("did you mean `service`?");
}

#[test]
fn missing_template_directory_is_explained() {
    let s = Scratch::new();
    run(s.plat().args(["new", "./nowhere", "x", "--no-input"]))
        .code(2)
        .stderr_has("nowhere");
    std::fs::create_dir(s.join("empty")).unwrap();
    run(s.plat().args(["new", "./empty", "x", "--no-input"]))
        .code(2)
        .stderr_has("needs a template.yaml");
}
