//! `plat template lint` and `plat template schema`: every finding, both
//! ways (a template that has it, the same template fixed), the built-in
//! templates clean, the JSON and SARIF reports against their shapes, the
//! exit codes.

use serde_json::Value;
use std::fs;

use crate::doctor::{assert_valid, sarif_schema};
use crate::schemas::schema;
use crate::servers::repo::{git, service_template, Catalogue};
use crate::support::*;

/// A template with nothing wrong: a choice, a boolean that includes a
/// file, a managed file that reads an answer through platform.yaml.
const CLEAN: &str = r#"name: t
version: 1.0.0
variables:
  - name: language
    type: choice
    choices: [rust, go]
    default: rust
  - name: with_db
    type: boolean
    default: false
rules:
  - paths: ["db.sql"]
    include_if: with_db
  - paths: ["deploy/**"]
    managed: true
manifest:
  metadata:
    owner: team-test
"#;

fn clean_files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("README.md", "# {{ name }}\n\nWritten in {{ language }}.\n"),
        ("db.sql", "create database {{ name | snake_case }};\n"),
        (
            "deploy/app.yaml",
            "# {{ managed_header }}\nname: {{ manifest.metadata.name }}\nlanguage: {{ manifest.template.answers.language }}\n",
        ),
    ]
}

fn lint(s: &Scratch, args: &[&str]) -> Run {
    run(s.plat().args(["template", "lint"]).args(args))
}

/// The findings of `plat template lint DIR --format json`, and its exit
/// code.
fn findings(s: &Scratch, dir: &str) -> (i32, Vec<Value>) {
    let r = lint(s, &[dir, "--format", "json"]);
    assert!(r.code == 0 || r.code == 1, "{}\n{}", r.stdout, r.stderr);
    let doc = r.json();
    (r.code, doc["findings"].as_array().unwrap().clone())
}

/// Lints `yaml` and `files` as `dir`; the findings of kind `id`.
fn with(s: &Scratch, dir: &str, yaml: &str, files: &[(&str, &str)], id: &str) -> Vec<Value> {
    let _ = fs::remove_dir_all(s.join(dir));
    let t = s.template(dir, yaml, files);
    let (_, all) = findings(s, &t);
    all.into_iter().filter(|f| f["id"] == id).collect()
}

/// `CLEAN` and its files with `edit` applied to the files.
fn clean_with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut files = clean_files();
    for (path, text) in extra {
        files.retain(|(p, _)| p != path);
        files.push((path, text));
    }
    files
}

#[track_caller]
fn place(f: &Value) -> (String, Option<u64>, Option<u64>) {
    (
        f["file"].as_str().unwrap().to_string(),
        f["line"].as_u64(),
        f["column"].as_u64(),
    )
}

#[test]
fn a_clean_template_has_no_finding() {
    let s = Scratch::new();
    let t = s.template("t", CLEAN, &clean_files());
    let r = lint(&s, &[&t]);
    r.code(0).stderr_has("Clean t 1.0.0");
    assert_eq!(r.stdout, "");
    let (code, all) = findings(&s, &t);
    assert_eq!((code, all), (0, vec![]));
}

#[test]
fn tl001_every_problem_of_template_yaml_at_once_with_its_line() {
    let s = Scratch::new();
    let bad = CLEAN
        .replace("version: 1.0.0\n", "version: 1.0.0\nvarables: []\n")
        .replace("type: boolean", "type: bool")
        .replace(
            "include_if: with_db",
            "include_if: with_db\n    raw: yes please",
        );
    let found = with(&s, "t", &bad, &clean_files(), "TL001");
    let places: Vec<_> = found.iter().map(place).collect();
    assert_eq!(
        places,
        [
            ("template.yaml".into(), Some(3), Some(1)),
            ("template.yaml".into(), Some(10), Some(11)),
            ("template.yaml".into(), Some(15), Some(10)),
        ],
        "{found:#?}"
    );
    assert!(found[0]["message"].as_str().unwrap().contains("varables"));
    let r = lint(&s, &["t"]);
    r.code(1)
        .stdout_has("t/template.yaml:3:1: error[TL001]: ")
        .stderr_has("3 errors, 0 warnings");
    // Rules a schema cannot say, with the field they are about.
    let found = with(
        &s,
        "t",
        &CLEAN.replace("version: 1.0.0", "version: one"),
        &clean_files(),
        "TL001",
    );
    assert_eq!(place(&found[0]), ("template.yaml".into(), Some(2), Some(1)));
    assert!(with(&s, "t", CLEAN, &clean_files(), "TL001").is_empty());
}

#[test]
fn tl002_names_an_expression_of_template_yaml_cannot_see() {
    let s = Scratch::new();
    let bad = CLEAN.replace(
        "    default: false\n",
        "    default: false\n  - name: db_name\n    default: \"{{ nme }}_db\"\n    when: with_dbb\n",
    );
    let files = clean_with(&[("db.sql", "create database {{ db_name }};\n")]);
    let found = with(&s, "t", &bad, &files, "TL002");
    let places: Vec<_> = found.iter().map(place).collect();
    assert_eq!(
        places,
        [
            ("template.yaml".into(), Some(12), Some(14)),
            ("template.yaml".into(), Some(13), Some(11)),
        ],
        "{found:#?}"
    );
    assert!(found[1]["message"].as_str().unwrap().contains(
        "`with_dbb`, which is not a variable declared before it; did you mean `with_db`?"
    ));
    let good = bad.replace("nme", "name").replace("with_dbb", "with_db");
    assert!(with(&s, "t", &good, &files, "TL002").is_empty());
}

#[test]
fn tl003_a_file_uses_a_variable_nobody_declared() {
    let s = Scratch::new();
    let files = clean_with(&[("README.md", "# {{ name }}\n\nIn {{ langauge }}.\n")]);
    let found = with(&s, "t", CLEAN, &files, "TL003");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        place(&found[0]),
        ("files/README.md".into(), Some(3), Some(7))
    );
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `language`?"));
    // Said once: the render failure it causes is not reported again.
    let (_, all) = findings(&s, "./t");
    assert!(!all.iter().any(|f| f["id"] == "TL005"), "{all:#?}");
    // Names a file binds itself, Tera's own and a `for_each` item are no
    // variables to declare.
    let files = clean_with(&[(
        "README.md",
        "{% set n = 2 %}{% for l in [language] %}{{ l }}{{ loop.index }}{% endfor %}{{ n }}{{ [x for x in [1]] }}\n",
    )]);
    assert!(with(&s, "t", CLEAN, &files, "TL003").is_empty());
}

#[test]
fn tl004_a_variable_nothing_uses() {
    let s = Scratch::new();
    let yaml = CLEAN.replace(
        "    default: false\n",
        "    default: false\n  - name: team\n    default: payments\n",
    );
    let found = with(&s, "t", &yaml, &clean_files(), "TL004");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        place(&found[0]),
        ("template.yaml".into(), Some(11), Some(5))
    );
    assert_eq!(found[0]["severity"], "warning");
    let r = lint(&s, &["t"]);
    r.code(0).stderr_has("0 errors, 1 warning");
    // Used anywhere: in a file name, another variable's default, the
    // manifest, or read back by a managed file through platform.yaml.
    for files in [
        clean_with(&[("{{ team }}.md", "x\n")]),
        clean_with(&[(
            "deploy/app.yaml",
            "# {{ managed_header }}\nteam: {{ manifest.template.answers['team'] }}\n",
        )]),
    ] {
        assert!(with(&s, "t", &yaml, &files, "TL004").is_empty());
    }
    let yaml = yaml.replace("owner: team-test", "owner: \"team-{{ team }}\"");
    assert!(with(&s, "t", &yaml, &clean_files(), "TL004").is_empty());
}

#[test]
fn tl005_a_file_that_fails_for_some_answers_with_the_answers() {
    let s = Scratch::new();
    let files = clean_with(&[(
        "README.md",
        "# {{ name }}\n{% if language == 'go' and with_db %}{{ 1 / 0 }}{% endif %}\n",
    )]);
    let found = with(&s, "t", CLEAN, &files, "TL005");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        place(&found[0]),
        ("files/README.md".into(), Some(2), Some(45))
    );
    assert_eq!(
        found[0]["answers"],
        serde_json::json!({"name": "example-service", "language": "go", "with_db": true})
    );
    lint(&s, &["t"])
        .code(1)
        .stdout_has("t/files/README.md:2:45: error[TL005]: ")
        .stdout_has(
            "  with: plat new ./t example-service --set language=go --set with_db=true --no-input",
        );
    // Answers that cannot be resolved: a default that fails its pattern.
    let yaml = CLEAN.replace(
        "    default: false\n",
        "    default: false\n  - name: team\n    default: \"{{ name }}\"\n    pattern: '[a-z]+'\n",
    );
    let files = clean_with(&[("team.txt", "{{ team }}\n")]);
    let found = with(&s, "t", &yaml, &files, "TL005");
    assert_eq!(
        place(&found[0]),
        ("template.yaml".into(), Some(11), Some(5))
    );
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("does not match the pattern"));
    assert!(with(&s, "t", CLEAN, &clean_files(), "TL005").is_empty());
}

#[test]
fn tl006_two_files_at_one_path() {
    let s = Scratch::new();
    let files = clean_with(&[("{{ language }}.txt", "a\n"), ("go.txt", "b\n")]);
    let found = with(&s, "t", CLEAN, &files, "TL006");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["answers"]["language"], "go");
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("renders to `go.txt`"));
    // A file and a directory, and platform.yaml, which plat writes.
    let files = clean_with(&[("{{ language }}", "a\n"), ("go/main.go", "b\n")]);
    assert_eq!(with(&s, "t", CLEAN, &files, "TL006").len(), 1);
    let files = clean_with(&[("platform.yaml", "a: b\n")]);
    assert_eq!(with(&s, "t", CLEAN, &files, "TL006").len(), 1);
    // Kept apart by a rule: fine.
    let yaml = CLEAN.replace(
        "  - paths: [\"deploy/**\"]",
        "  - paths: [\"go.txt\"]\n    exclude_if: \"language == 'go'\"\n  - paths: [\"deploy/**\"]",
    );
    let files = clean_with(&[("{{ language }}.txt", "a\n"), ("go.txt", "b\n")]);
    assert!(with(&s, "t", &yaml, &files, "TL006").is_empty(), "{yaml}");
}

#[test]
fn tl007_two_paths_that_differ_only_by_case() {
    let s = Scratch::new();
    let files = clean_with(&[("{{ language }}.txt", "a\n"), ("Rust.txt", "b\n")]);
    let found = with(&s, "t", CLEAN, &files, "TL007");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["answers"]["language"], "rust");
    let files = clean_with(&[("{{ language }}.txt", "a\n"), ("Rust.md", "b\n")]);
    assert!(with(&s, "t", CLEAN, &files, "TL007").is_empty());
}

#[test]
fn tl008_a_name_that_renders_empty_where_no_rule_says_so() {
    let s = Scratch::new();
    let name = "{{ manifest.metadata.description ! default(value='') }}.md";
    let files = clean_with(&[(name, "x\n")]);
    let found = with(&s, "t", CLEAN, &files, "TL008");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["file"], format!("files/{name}"));
    // A rule that says when the file exists, or a `{% if %}`, is deliberate.
    let yaml = CLEAN.replace(
        "  - paths: [\"deploy/**\"]",
        "  - paths: [\"*.md\"]\n    exclude_if: \"manifest.metadata.description is undefined\"\n  - paths: [\"deploy/**\"]",
    );
    assert!(with(&s, "t", &yaml, &files, "TL008").is_empty());
    let files = clean_with(&[("{% if with_db %}db{% endif %}/notes.md", "x\n")]);
    assert!(with(&s, "t", CLEAN, &files, "TL008").is_empty());
}

#[test]
fn tl009_a_rendered_path_plat_refuses() {
    let s = Scratch::new();
    let yaml = CLEAN.replace("owner: team-test", "owner: team-test\n    system: CON");
    let files = clean_with(&[("{{ manifest.metadata.system }}.txt", "x\n")]);
    let found = with(&s, "t", &yaml, &files, "TL009");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("reserved device name on Windows"));
    let yaml = CLEAN.replace("owner: team-test", "owner: team-test\n    system: core");
    assert!(with(&s, "t", &yaml, &files, "TL009").is_empty());
}

#[test]
fn tl010_the_templates_own_paths_hold_on_windows_and_bang_is_the_portable_pipe() {
    let s = Scratch::new();
    let old = "src/{{ name | snake_case }}/app.py";
    let files = clean_with(&[(old, "x\n"), ("aux.md", "y\n"), ("README.MD", "z\n")]);
    let found = with(&s, "t", CLEAN, &files, "TL010");
    let messages: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(messages
        .iter()
        .any(|(file, m)| *file == format!("files/{old}")
            && m.contains("write `{{ name ! snake_case }}`")));
    assert!(messages
        .iter()
        .any(|(file, m)| *file == "files/aux.md" && m.contains("device name")));
    assert!(messages
        .iter()
        .any(|(_, m)| m.contains("differ only by case")));
    // The old spelling still renders; the portable one renders the same.
    let t = s.template("old", CLEAN, &clean_with(&[(old, "x\n")]));
    run(s.plat().args([
        "new",
        &t,
        "payments-api",
        "--no-input",
        "--no-git",
        "-o",
        "a",
    ]))
    .code(0);
    let new = "src/{{ name ! snake_case }}/app.py";
    let t = s.template("new", CLEAN, &clean_with(&[(new, "x\n")]));
    run(s.plat().args([
        "new",
        &t,
        "payments-api",
        "--no-input",
        "--no-git",
        "-o",
        "b",
    ]))
    .code(0);
    assert_eq!(s.read("a/src/payments_api/app.py"), "x\n");
    assert_eq!(s.tree("a"), s.tree("b"));
    assert!(with(&s, "new", CLEAN, &clean_with(&[(new, "x\n")]), "TL010").is_empty());
}

#[test]
fn tl011_a_rule_that_matches_no_file() {
    let s = Scratch::new();
    let yaml = CLEAN.replace("[\"db.sql\"]", "[\"db.sql\", \"migrations/**\"]");
    let found = with(&s, "t", &yaml, &clean_files(), "TL011");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        place(&found[0]),
        ("template.yaml".into(), Some(12), Some(23))
    );
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("`migrations/**`"));
    let files = clean_with(&[("migrations/001.sql", "x\n")]);
    assert!(with(&s, "t", &yaml, &files, "TL011").is_empty());
}

#[test]
fn tl012_a_managed_file_that_reads_an_answer() {
    let s = Scratch::new();
    let files = clean_with(&[(
        "deploy/app.yaml",
        "# {{ managed_header }}\nlanguage: {{ language }}\n",
    )]);
    let found = with(&s, "t", CLEAN, &files, "TL012");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        place(&found[0]),
        ("files/deploy/app.yaml".into(), Some(2), Some(14))
    );
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("manifest.template.answers.language"));
    assert!(with(&s, "t", CLEAN, &clean_files(), "TL012").is_empty());
}

#[test]
fn tl013_a_manifest_section_invalid_for_some_answers() {
    let s = Scratch::new();
    let yaml = format!(
        "{CLEAN}  infrastructure:\n    image: {{registry: r.example.com, repository: t}}\n    port: \"{{{{ 'http' if with_db else 8080 }}}}\"\n"
    );
    let found = with(&s, "t", &yaml, &clean_files(), "TL013");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        place(&found[0]),
        ("template.yaml".into(), Some(21), Some(5))
    );
    assert_eq!(found[0]["answers"]["with_db"], true);
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("infrastructure.port"));
    let yaml = yaml.replace("'http'", "8443");
    assert!(with(&s, "t", &yaml, &clean_files(), "TL013").is_empty());
}

#[test]
fn tl014_files_changed_since_the_newest_tag_but_not_the_version() {
    let s = Scratch::new();
    let cat = Catalogue::new(&s.join("remote"), "acme");
    let dir = "remote/work/service";
    let tl014 = |s: &Scratch, args: &[&str]| -> Vec<Value> {
        let r = lint(s, &[args, &["--format", "json"]].concat());
        r.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["id"] == "TL014")
            .cloned()
            .collect()
    };
    // main is 1.2.0-dev, newer than v1.1.0: fine; so is the tag itself.
    assert!(tl014(&s, &[dir]).is_empty());
    let source = format!("{}//service", cat.file_url());
    assert!(tl014(&s, &[&source, "--ref", "v1.1.0"]).is_empty());
    // Back to 1.1.0 with a file more: the tag's version, other files.
    let mut files = service_template("1.1.0");
    files.push(("service/files/CHANGELOG.md".into(), "changes\n".into()));
    cat.commit(&files, "service: a changelog");
    let found = tl014(&s, &[dir]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(place(&found[0]), ("template.yaml".into(), Some(2), Some(1)));
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("tag `v1.1.0`"));
    assert_eq!(found[0]["severity"], "warning");
    cat.publish();
    assert_eq!(tl014(&s, &[&source, "--refresh"]).len(), 1);
    // Raised: fine.
    let mut files = service_template("1.1.1");
    files.push(("service/files/CHANGELOG.md".into(), "changes\n".into()));
    cat.commit(&files, "service 1.1.1");
    assert!(tl014(&s, &[dir]).is_empty());
    git(&cat.work, &["log", "--oneline"]);
}

#[test]
fn every_builtin_template_and_release_passes_lint() {
    let s = Scratch::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut dirs = Vec::new();
    for entry in fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if dir.file_name().unwrap() == "releases" {
            for name in fs::read_dir(&dir).unwrap() {
                for version in fs::read_dir(name.unwrap().path()).unwrap() {
                    dirs.push(version.unwrap().path());
                }
            }
        } else {
            let name = dir.file_name().unwrap().to_str().unwrap().to_string();
            // The embedded copy, by name, too.
            let r = lint(&s, &[&name, "--format", "json"]);
            assert_eq!(r.code, 0, "{name}: {}", r.stdout);
            assert_eq!(r.json()["findings"], serde_json::json!([]), "{name}");
            dirs.push(dir);
        }
    }
    assert!(dirs.len() >= 2, "{dirs:?}");
    for dir in dirs {
        let r = lint(&s, &[dir.to_str().unwrap(), "--format", "json"]);
        assert_eq!(r.code, 0, "{}: {}", dir.display(), r.stdout);
        let doc = r.json();
        assert_eq!(doc["findings"], serde_json::json!([]), "{}", dir.display());
        assert!(doc["combinations"].as_u64().unwrap() >= 16, "{doc}");
    }
}

#[test]
fn json_and_sarif_reports_have_their_shape() {
    let s = Scratch::new();
    let files = clean_with(&[
        (
            "README.md",
            "# {{ name }}\n{% if language == 'go' %}{{ 1 / 0 }}{% endif %}\n",
        ),
        ("aux.md", "x\n"),
    ]);
    let t = s.template("templates/t", CLEAN, &files);
    let r = lint(&s, &[&t, "--format", "json"]);
    r.code(1);
    let doc = r.json();
    assert_eq!(doc["template"]["name"], "t");
    assert_eq!(doc["template"]["version"], "1.0.0");
    assert_eq!(doc["root"], "./templates/t");
    assert_eq!(doc["combinations"], 4);
    assert_eq!(
        (doc["errors"].as_u64(), doc["warnings"].as_u64()),
        (Some(2), Some(1))
    );
    let first = &doc["findings"][0];
    for key in [
        "id", "name", "severity", "file", "line", "column", "message", "answers",
    ] {
        assert!(first.get(key).is_some(), "{key}: {first}");
    }
    // The place once: `file` under the report's `root`.
    assert_eq!(first["file"], "files/README.md");
    assert!(first.get("path").is_none(), "{first}");
    assert_valid(&schema("template-lint.v1"), &doc);

    let r = lint(&s, &[&t, "--format", "sarif"]);
    r.code(1);
    let sarif = r.json();
    assert_valid(&sarif_schema(), &sarif);
    crate::ci_formats::assert_github_accepts(&sarif);
    let run = &sarif["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["TL005", "TL009", "TL010"]);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let readme = &results[0];
    assert_eq!(readme["ruleId"], "TL005");
    assert_eq!(readme["level"], "error");
    let location = &readme["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "templates/t/files/README.md"
    );
    assert_eq!(location["region"]["startLine"], 2);
    assert_eq!(location["region"]["startColumn"], 33);
    assert!(readme["message"]["text"]
        .as_str()
        .unwrap()
        .contains("--set language=go"));
    assert_eq!(results[2]["level"], "warning");
}

#[test]
fn schema_is_the_committed_json_schema_and_the_builtins_fit_it() {
    let s = Scratch::new();
    let r = run(s.plat().args(["template", "schema"]));
    r.code(0);
    let schema = r.json();
    let committed: Value = serde_json::from_str(
        &fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/schemas/template.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(schema, committed);
    assert!(schema["$schema"].as_str().unwrap().contains("2020-12"));
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates/service/template.yaml"
    ))
    .unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_valid(&schema, &serde_json::to_value(yaml).unwrap());
    let wrong: Value = serde_json::json!({"name": "t", "version": "1.0.0", "varables": []});
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(!validator.is_valid(&wrong));
}

#[test]
fn exit_codes_and_what_cannot_be_read() {
    let s = Scratch::new();
    lint(&s, &["no/such/dir"])
        .code(2)
        .stderr_has("template directory `no/such/dir` cannot be read");
    lint(&s, &["nosuch"])
        .code(2)
        .stderr_has("no built-in template named `nosuch`");
    fs::create_dir_all(s.join("empty")).unwrap();
    lint(&s, &["empty"]).code(2).stderr_has("template.yaml");
    lint(&s, &[]).code(2);
    lint(&s, &["service", "--format", "xml"]).code(2);
    lint(&s, &["service"]).code(0).stderr_has("Clean service");
}
