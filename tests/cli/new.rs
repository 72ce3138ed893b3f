//! `plat new`: the flags and what the user sees.

use crate::support::*;

#[test]
fn creates_project_in_name_directory_by_default() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s.plat().args(["new", &t, "payments-api", "--no-input"])).code(0);
    assert_eq!(
        s.tree("payments-api"),
        [
            "README.md",
            "ci/pipeline.yml",
            "platform.yaml",
            "rust/main.txt"
        ]
    );
    assert_eq!(
        s.read("payments-api/README.md"),
        "payments-api by team-payments-api on 8080 in rust for dev,prod token=s3cr3t\n"
    );
}

#[test]
fn output_flag_chooses_the_directory() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--output", "services/api"]))
    .code(0);
    assert!(s.join("services/api/README.md").is_file());
    assert!(!s.join("api").exists());
    // `dir/.` and `dir/` name the same directory.
    for out in ["web/.", "worker/"] {
        run(s
            .plat()
            .args(["new", &t, "api", "--no-input", "--output", out]))
        .code(0);
    }
    assert!(s.join("web/README.md").is_file());
    assert!(s.join("worker/README.md").is_file());
}

#[test]
fn raw_files_are_copied_verbatim_and_rules_drop_files() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s.plat().args(["new", &t, "api", "--no-input"])).code(0);
    assert_eq!(s.read("api/ci/pipeline.yml"), "run: ${{ github.sha }}\n");
    assert!(!s.join("api/db").exists(), "db/ is only for with_db");
    run(s
        .plat()
        .args(["new", &t, "api2", "--no-input", "--set", "with_db=true"]))
    .code(0);
    assert_eq!(s.read("api2/db/schema.sql"), "create database api2;\n");
}

#[test]
fn binary_files_and_executable_bit_are_kept() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("run.sh", "#!/bin/sh\necho {{ name }}\n")],
    );
    let bin: Vec<u8> = vec![0x89, b'P', b'N', b'G', 0, 0xff, b'{', b'{', 0xfe];
    std::fs::write(s.join("t/files/logo.png"), &bin).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            s.join("t/files/run.sh"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    run(s.plat().args(["new", &t, "x", "--no-input", "--no-git"])).code(0);
    assert_eq!(std::fs::read(s.join("x/logo.png")).unwrap(), bin);
    assert_eq!(s.read("x/run.sh"), "#!/bin/sh\necho x\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.join("x/run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o111,
            0o111,
            "run.sh lost its executable bit: {mode:o}"
        );
        let mode = std::fs::metadata(s.join("x/logo.png"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0, "logo.png became executable: {mode:o}");
    }
}

#[test]
fn file_names_render_and_empty_names_are_skipped() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nvariables:\n  - name: extra\n    type: boolean\n    default: false\n",
        &[
            ("docs/{{ name }}.md", "# {{ name }}\n"),
            ("{% if extra %}extra{% endif %}/file.txt", "x\n"),
            ("{% if extra %}only-extra.txt{% endif %}", "x\n"),
        ],
    );
    run(s
        .plat()
        .args(["new", &t, "billing", "--no-input", "--no-git"]))
    .code(0);
    assert_eq!(s.tree("billing"), ["docs/billing.md", "platform.yaml"]);
    run(s.plat().args([
        "new",
        &t,
        "b2",
        "--no-input",
        "--no-git",
        "--set",
        "extra=yes",
    ]))
    .code(0);
    assert_eq!(
        s.tree("b2"),
        [
            "docs/b2.md",
            "extra/file.txt",
            "only-extra.txt",
            "platform.yaml"
        ]
    );
}

#[test]
fn dry_run_lists_the_plan_and_writes_nothing() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    let r = run(s.plat().args(["new", &t, "api", "--no-input", "--dry-run"]));
    r.code(0)
        .stdout_has("README.md")
        .stdout_has("raw")
        .stdout_has("platform.yaml");
    r.stderr_has("nothing was written");
    assert!(!s.join("api").exists());
    assert_eq!(s.entries(), ["t"]);
}

#[test]
fn dry_run_json_is_one_document() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    let r = run(s.plat().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--dry-run",
        "--format",
        "json",
    ]));
    let doc = r.code(0).json();
    assert_eq!(doc["dry_run"], true);
    let files = doc["files"].as_array().unwrap();
    let readme = files.iter().find(|f| f["path"] == "README.md").unwrap();
    assert_eq!(readme["kind"], "rendered");
    assert!(readme["size"].as_u64().unwrap() > 10);
    assert!(files
        .iter()
        .any(|f| f["path"] == "ci/pipeline.yml" && f["kind"] == "raw"));
    assert!(!s.join("api").exists());
}

#[test]
fn json_output_names_template_target_files_and_commit() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    let r = run(s
        .plat_with_identity()
        .args(["new", &t, "api", "--no-input", "--format", "json"]));
    let doc = r.code(0).json();
    assert_eq!(doc["template"]["name"], "sink");
    assert_eq!(doc["template"]["version"], "1.2.3");
    assert_eq!(doc["target"], "api");
    assert!(doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "platform.yaml"));
    let commit = doc["git"]["commit"].as_str().unwrap();
    assert_eq!(commit.len(), 40);
    assert_eq!(doc["git"]["status"], "committed");
    let head = git2::Repository::open(s.join("api")).unwrap();
    assert_eq!(head.head().unwrap().target().unwrap().to_string(), commit);
}

#[test]
fn human_output_goes_to_stderr_and_quiet_silences_it() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    let r = run(s.plat().args(["new", &t, "api", "--no-input", "--no-git"]));
    r.code(0).stderr_has("Created").stderr_has("Next steps");
    assert_eq!(r.stdout, "");
    let r = run(s
        .plat()
        .args(["new", &t, "api2", "--no-input", "--no-git", "--quiet"]));
    r.code(0);
    assert_eq!(r.stderr, "");
    assert_eq!(r.stdout, "");
}

#[test]
fn verbose_shows_where_the_template_came_from() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--no-git", "--verbose"]))
    .code(0)
    .stderr_has("template sink 1.2.3 from");
}

#[test]
fn color_always_colours_and_never_does_not() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    let r = run(s.plat().args([
        "new",
        &t,
        "a",
        "--no-input",
        "--no-git",
        "--color",
        "always",
    ]));
    assert!(
        r.stderr.contains("\u{1b}["),
        "expected ANSI codes: {:?}",
        r.stderr
    );
    let r = run(s
        .plat()
        .args(["new", &t, "b", "--no-input", "--no-git", "--color", "never"]));
    assert!(
        !r.stderr.contains("\u{1b}["),
        "unexpected ANSI codes: {:?}",
        r.stderr
    );
    let mut cmd = s.plat();
    cmd.env_remove("NO_COLOR").env("NO_COLOR", "1");
    let r = run(cmd.args(["new", &t, "c", "--no-input", "--no-git"]));
    assert!(
        !r.stderr.contains("\u{1b}["),
        "NO_COLOR ignored: {:?}",
        r.stderr
    );
}

#[test]
fn existing_non_empty_target_is_refused_without_force() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write("api/notes.txt", "mine\n");
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("not empty")
        .stderr_has("--force");
    assert_eq!(s.tree("api"), ["notes.txt"]);
}

#[test]
fn empty_existing_target_is_fine() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    std::fs::create_dir(s.join("api")).unwrap();
    run(s.plat().args(["new", &t, "api", "--no-input", "--no-git"])).code(0);
    assert!(s.join("api/README.md").is_file());
}

#[test]
fn force_writes_only_template_paths_and_deletes_nothing() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write("api/notes.txt", "mine\n");
    s.write("api/README.md", "old readme\n");
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--no-git", "--force"]))
    .code(0);
    assert_eq!(s.read("api/notes.txt"), "mine\n");
    assert!(s.read("api/README.md").starts_with("api by team-api"));
    assert_eq!(
        s.tree("api"),
        [
            "README.md",
            "ci/pipeline.yml",
            "notes.txt",
            "platform.yaml",
            "rust/main.txt"
        ]
    );
    let leftovers: Vec<_> = s
        .entries()
        .into_iter()
        .filter(|e| e.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn force_refuses_before_touching_anything_when_a_directory_is_in_the_way() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write("api/README.md/inner.txt", "a directory where a file goes\n");
    s.write("api/ci/keep.txt", "keep\n");
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--no-git", "--force"]))
    .code(2)
    .stderr_has("README.md");
    assert_eq!(s.tree("api"), ["README.md/inner.txt", "ci/keep.txt"]);
}

#[test]
fn platform_yaml_records_provenance_without_secrets() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s.plat().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--no-git",
        "--set",
        "token=hunter2",
    ]))
    .code(0);
    let manifest = s.read("api/platform.yaml");
    let doc: serde_json::Value = serde_yaml::from_str(&manifest).unwrap();
    assert_eq!(doc["apiVersion"], "plat.dev/v1");
    assert_eq!(doc["kind"], "Service");
    assert_eq!(doc["metadata"]["name"], "api");
    assert_eq!(doc["metadata"]["owner"], "team-api");
    assert_eq!(doc["infrastructure"]["port"], 8080);
    assert_eq!(doc["template"]["name"], "sink");
    assert_eq!(doc["template"]["version"], "1.2.3");
    assert_eq!(doc["template"]["answers"]["language"], "rust");
    assert!(doc["template"]["answers"].get("token").is_none());
    assert!(!manifest.contains("hunter2"), "secret leaked:\n{manifest}");
    assert!(s.read("api/README.md").contains("token=hunter2"));
}

#[test]
fn files_include_partials_but_not_each_other() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("a.txt", "{% include \"header\" %}body\n")],
    );
    s.write("t/partials/header", "# {{ name }}\n");
    run(s.plat().args(["new", &t, "api", "--no-input", "--no-git"])).code(0);
    assert_eq!(s.read("api/a.txt"), "# api\nbody\n");
    assert_eq!(
        s.tree("api"),
        ["a.txt", "platform.yaml"],
        "partials are never written"
    );
    s.write("t/files/b.txt", "{% include \"a.txt\" %}");
    run(s.plat().args(["new", &t, "api2", "--no-input", "--no-git"]))
        .code(2)
        .stderr_has("rendering `files/b.txt`")
        .stderr_has("Unknown template `a.txt`");
}
