//! Answers: precedence of sources, validation from each source, unknown
//! keys, missing values without a terminal.

use crate::support::*;

fn readme(s: &Scratch, dir: &str) -> String {
    s.read(&format!("{dir}/README.md"))
}

#[test]
fn precedence_is_set_then_values_then_env_then_default() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write(
        "values.yaml",
        "owner: from-values\nport: 2000\nlanguage: go\n",
    );
    let mut cmd = s.plat();
    cmd.env("PLAT_VAR_OWNER", "from-env")
        .env("PLAT_VAR_PORT", "3000")
        .env("PLAT_VAR_LANGUAGE", "rust")
        .env("PLAT_VAR_ENVS", "staging");
    run(cmd.args([
        "new",
        &t,
        "api",
        "--no-input",
        "--no-git",
        "--values",
        "values.yaml",
        "--set",
        "owner=from-set",
    ]))
    .code(0);
    // owner: --set wins; port and language: values file beats env; envs: env beats default.
    assert_eq!(
        readme(&s, "api"),
        "api by from-set on 2000 in go for staging token=s3cr3t\n"
    );
}

#[test]
fn later_set_of_the_same_key_wins() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s.plat().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--no-git",
        "-s",
        "port=2000",
        "-s",
        "port=3000",
    ]))
    .code(0);
    assert!(readme(&s, "api").contains("on 3000"));
}

#[test]
fn json_values_file_and_typed_values() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write(
        "v.json",
        r#"{"port": 4000, "envs": ["prod", "dev"], "with_db": true, "db_name": "main_db"}"#,
    );
    run(s.plat().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--no-git",
        "--values",
        "v.json",
    ]))
    .code(0);
    assert_eq!(
        readme(&s, "api"),
        "api by team-api on 4000 in rust for prod,dev db=main_db token=s3cr3t\n"
    );
}

#[test]
fn when_false_variables_are_not_asked_or_defined() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s.plat().args(["new", &t, "api", "--no-input", "--no-git"])).code(0);
    let manifest = s.read("api/platform.yaml");
    assert!(!manifest.contains("db_name"), "{manifest}");
    run(s.plat().args([
        "new",
        &t,
        "api2",
        "--no-input",
        "--no-git",
        "--set",
        "with_db=on",
    ]))
    .code(0);
    assert!(s.read("api2/platform.yaml").contains("db_name: api2"));
}

#[test]
fn unknown_key_from_set_is_rejected_with_a_hint() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--set", "prot=9000"]))
    .code(2)
    .stderr_has("unknown variable `prot` from --set")
    .stderr_has("did you mean `port`?");
    assert_eq!(s.entries(), ["t"]);
}

#[test]
fn unknown_key_from_values_file_is_rejected_with_a_hint() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write("v.yaml", "ownr: x\n");
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--values", "v.yaml"]))
    .code(2)
    .stderr_has("unknown variable `ownr` from values file v.yaml")
    .stderr_has("did you mean `owner`?");
}

#[test]
fn unknown_environment_variable_is_a_warning() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    let mut cmd = s.plat();
    cmd.env("PLAT_VAR_OWNR", "x");
    run(cmd.args(["new", &t, "api", "--no-input", "--no-git"]))
        .code(0)
        .stderr_has("warning: ignoring environment variable PLAT_VAR_OWNR")
        .stderr_has("did you mean `owner`?");
}

#[test]
fn invalid_values_name_variable_source_and_rule() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    // --set: range
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--set", "port=80"]))
    .code(2)
    .stderr_has(
        "variable `port` from --set: 80 is out of range: it must be between 1024 and 65535",
    );
    // values file: wrong type
    s.write("v.yaml", "port: eighty\nwith_db: maybe\n");
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--values", "v.yaml"]))
    .code(2)
    .stderr_has("variable `port` from values file v.yaml: expected an integer, found `eighty`")
    .stderr_has("variable `with_db` from values file v.yaml: expected a boolean");
    // environment: choice
    let mut cmd = s.plat();
    cmd.env("PLAT_VAR_LANGUAGE", "cobol");
    run(cmd.args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("variable `language` from environment variable PLAT_VAR_LANGUAGE: `cobol` is not one of the choices: rust, go");
    // --set: multichoice and pattern (through the NAME argument)
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--set", "envs=dev,qa"]))
    .code(2)
    .stderr_has("`qa` is not one of the choices: dev, staging, prod");
    run(s.plat().args(["new", &t, "Bad_Name", "--no-input"]))
        .code(2)
        .stderr_has(
            "variable `name` from the NAME argument: `Bad_Name` does not match the pattern",
        );
    assert_eq!(s.entries(), ["t", "v.yaml"]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    let r = run(s.plat().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--set",
        "port=1",
        "--set",
        "language=c",
        "--set",
        "nope=1",
    ]));
    r.code(2)
        .stderr_has("`port`")
        .stderr_has("`language`")
        .stderr_has("`nope`");
}

#[test]
fn invalid_default_in_template_names_the_template_default() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nvariables:\n  - name: port\n    type: integer\n    default: \"{{ name }}\"\n",
        &[],
    );
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has(
            "variable `port` from the template's default: expected an integer, found `api`",
        );
}

#[test]
fn missing_values_without_a_terminal_are_listed_with_help() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nvariables:\n  - name: owner\n    help: the owning team\n  - name: cost_center\n    type: integer\n    help: finance code\n  - name: region\n    default: eu\n",
        &[],
    );
    // stdin is not a terminal here, so plat must not prompt or hang, even without --no-input.
    let r = run(s.plat().args(["new", &t, "api"]));
    r.code(2)
        .stderr_has("2 required variables have no value")
        .stderr_has("owner (string): the owning team")
        .stderr_has("cost_center (integer): finance code")
        .stderr_has("--set KEY=VALUE");
    assert!(!r.stderr.contains("region ("), "{}", r.stderr);
    assert_eq!(s.entries(), ["t"]);
}

#[test]
fn set_without_equals_is_a_usage_error() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s.plat().args(["new", &t, "api", "--set", "port"]))
        .code(2)
        .stderr_has("expected KEY=VALUE");
}

#[test]
fn name_cannot_be_set_as_a_variable() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--set", "name=other"]))
    .code(2)
    .stderr_has("it is the NAME argument");
}

#[test]
fn values_come_from_standard_input_as_yaml_or_json() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    let yaml = "owner: from-stdin\nport: 2000\nlanguage: go\n";
    run_input(
        s.plat()
            .args(["new", &t, "api", "--no-git", "--values", "-"]),
        yaml,
    )
    .code(0);
    assert!(readme(&s, "api").starts_with("api by from-stdin on 2000 in go"));
    let json = r#"{"owner": "json-team", "port": 3000}"#;
    run_input(
        s.plat()
            .args(["new", &t, "web", "--no-git", "--values", "-"]),
        json,
    )
    .code(0);
    assert!(readme(&s, "web").starts_with("web by json-team on 3000"));
}

#[test]
fn bad_values_on_standard_input_name_standard_input_and_write_nothing() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run_input(
        s.plat()
            .args(["new", &t, "api", "--no-git", "--values", "-"]),
        "- just\n- a list\n",
    )
    .code(2)
    .stderr_has("standard input: a values file must be a mapping");
    run_input(
        s.plat()
            .args(["new", &t, "api", "--no-git", "--values", "-"]),
        "prot: 2000\n",
    )
    .code(2)
    .stderr_has("values file standard input")
    .stderr_has("port");
    let big = format!("owner: {}\n", "x".repeat(1024 * 1024));
    run_input(
        s.plat()
            .args(["new", &t, "api", "--no-git", "--values", "-"]),
        &big,
    )
    .code(2)
    .stderr_has("standard input is larger than the 1 MiB plat reads for a values file");
    assert_eq!(s.entries(), ["t"]);
}

#[test]
fn an_invalid_name_is_reported_alone_not_with_the_defaults_built_from_it() {
    let s = Scratch::new();
    let r = run(s
        .plat()
        .args(["new", "service", "Payments_API", "--no-input", "--no-git"]));
    r.code(2)
        .stderr_has("variable `name` from the NAME argument");
    for dependent in ["required variable", "owner", "description", "registry"] {
        assert!(!r.stderr.contains(dependent), "{dependent}: {}", r.stderr);
    }
    assert!(s.entries().is_empty());
}
