//! `plat template test` (a template's cases under tests/: answers.yaml
//! and the expected tree) and `plat template init`.

use crate::support::*;
use std::fs;

const TEMPLATE: &str = "name: t\nversion: 0.1.0\nvariables:\n  - name: greeting\n    default: hello\nmanifest: {metadata: {owner: team-test}}\n";

/// A template at `t/` with one file and the cases given (name, answers),
/// each blessed, so that every case passes.
fn tested(s: &Scratch, cases: &[(&str, &str)]) {
    s.template(
        "t",
        TEMPLATE,
        &[("README.md", "{{ greeting }}, {{ name }}\n")],
    );
    for (case, answers) in cases {
        s.write(&format!("t/tests/{case}/answers.yaml"), answers);
    }
    run(s.plat().args(["template", "test", "t", "--bless"])).code(0);
}

#[cfg(unix)]
fn executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0
}

#[cfg(unix)]
fn set_executable(path: &std::path::Path, on: bool) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if on { 0o755 } else { 0o644 };
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_case_renders_as_plat_new_writes_the_project() {
    let s = Scratch::new();
    tested(&s, &[("default", "name: demo\ngreeting: hi\n")]);
    assert_eq!(
        s.tree("t/tests/default/expected"),
        ["README.md", "platform.yaml"]
    );
    assert_eq!(s.read("t/tests/default/expected/README.md"), "hi, demo\n");
    run(s.plat().args([
        "new",
        "./t",
        "demo",
        "--no-git",
        "--no-input",
        "--set",
        "greeting=hi",
    ]))
    .code(0);
    assert_eq!(s.tree("demo"), ["README.md", "platform.yaml"], "no tests/");
    let expected = s.read("t/tests/default/expected/platform.yaml");
    let written = s.read("demo/platform.yaml");
    // The same file, but for where the template came from: the case says
    // `./NAME`, the same on every machine.
    assert!(expected.contains("\n  source: ./t\n"), "{expected}");
    let source = |text: &str| {
        text.lines()
            .map(|l| {
                if l.starts_with("  source: ") {
                    "  source: X"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(source(&expected), source(&written));
    run(s.plat().args(["template", "test", "t"]))
        .code(0)
        .stdout_has("ok      default\n")
        .stdout_has("test result: ok. 1 passed; 0 failed (template t 0.1.0)");
}

#[test]
fn a_render_that_differs_shows_a_unified_diff_and_exits_1() {
    let s = Scratch::new();
    tested(&s, &[("default", "name: demo\n")]);
    s.edit(
        "t/files/README.md",
        "{{ greeting }}",
        "{{ greeting | upper }}",
    );
    let r = run(s.plat().args(["template", "test", "t"]));
    r.code(1)
        .stdout_has("FAILED  default\n")
        .stdout_has("---- tests/default: 1 difference ----\n")
        .stdout_has("--- expected/README.md\n+++ rendered/README.md\n@@ -1 +1 @@\n-hello, demo\n+HELLO, demo\n")
        .stdout_has("test result: FAILED. 0 passed; 1 failed")
        .stderr_has("run `plat template test t --bless` and review the diff");
    assert_eq!(
        s.read("t/tests/default/expected/README.md"),
        "hello, demo\n"
    );
}

#[test]
fn missing_and_extra_files_and_the_executable_bit_are_differences() {
    let s = Scratch::new();
    tested(&s, &[("default", "name: demo\n")]);
    s.write("t/files/new.txt", "new\n");
    s.write("t/tests/default/expected/docs/old.txt", "old\n");
    #[cfg(unix)]
    set_executable(&s.join("t/files/README.md"), true);
    let r = run(s.plat().args(["template", "test", "t"]));
    r.code(1)
        .stdout_has("missing  docs/old.txt: in expected/, not rendered\n")
        .stdout_has("extra    new.txt: rendered, not in expected/\n");
    #[cfg(unix)]
    r.stdout_has("mode     README.md: executable in the render, not executable in expected/\n");
    let doc = run(s.plat().args(["template", "test", "t", "--format", "json"])).json();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["differ"], 1);
    let case = &doc["cases"][0];
    assert_eq!(case["status"], "differs");
    let found: Vec<(String, String)> = case["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().into(),
                d["mismatch"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut want = vec![
        ("docs/old.txt".to_string(), "missing".to_string()),
        ("new.txt".into(), "extra".into()),
    ];
    if cfg!(unix) {
        want.insert(0, ("README.md".into(), "mode".into()));
    }
    assert_eq!(found, want);
}

#[test]
fn bless_writes_the_renders_lists_what_changed_and_then_they_pass() {
    let s = Scratch::new();
    tested(&s, &[("a", "name: demo\n"), ("b", "name: other\n")]);
    s.edit(
        "t/files/README.md",
        "{{ greeting }}",
        "{{ greeting }} there",
    );
    s.write("t/files/new.txt", "new\n");
    s.write("t/tests/a/expected/old.txt", "old\n");
    #[cfg(unix)]
    set_executable(&s.join("t/files/new.txt"), true);
    let r = run(s
        .plat()
        .args(["template", "test", "t", "--bless", "--case", "a"]));
    r.code(0)
        .stderr_has("Blessed tests/a/expected (3 changes)")
        .stderr_has("Updated tests/a/expected/README.md")
        .stderr_has("Added tests/a/expected/new.txt")
        .stderr_has("Removed tests/a/expected/old.txt");
    assert!(!r.stderr.contains("tests/b"), "only --case a: {}", r.stderr);
    assert_eq!(
        s.tree("t/tests/a/expected"),
        ["README.md", "new.txt", "platform.yaml"]
    );
    assert_eq!(
        s.read("t/tests/a/expected/README.md"),
        "hello there, demo\n"
    );
    #[cfg(unix)]
    assert!(executable(&s.join("t/tests/a/expected/new.txt")));
    assert_eq!(
        fs::read_dir(s.join("t/tests/a")).unwrap().count(),
        2,
        "nothing left beside expected/"
    );
    run(s.plat().args(["template", "test", "t", "--case", "a"])).code(0);
    // b was not blessed: it still differs, until it is.
    run(s.plat().args(["template", "test", "t"]))
        .code(1)
        .stdout_has("ok      a\n")
        .stdout_has("FAILED  b\n");
    run(s.plat().args(["template", "test", "t", "--bless"]))
        .code(0)
        .stderr_has("Unchanged tests/a/expected")
        .stderr_has("Blessed tests/b/expected (2 changes)");
    #[cfg(unix)]
    {
        set_executable(&s.join("t/files/new.txt"), false);
        run(s
            .plat()
            .args(["template", "test", "t", "--bless", "--case", "b"]))
        .code(0)
        .stderr_has("Chmod -x tests/b/expected/new.txt");
        assert!(!executable(&s.join("t/tests/b/expected/new.txt")));
    }
    run(s.plat().args(["template", "test", "t", "--case", "b"])).code(0);
}

#[test]
fn a_case_that_does_not_render_is_named_and_fails_the_run() {
    let s = Scratch::new();
    tested(&s, &[("good", "name: demo\n")]);
    s.write("t/tests/typo/answers.yaml", "name: demo\ngreetng: hi\n");
    s.write("t/tests/nameless/answers.yaml", "greeting: hi\n");
    s.write("t/tests/empty/.keep", "");
    run(s.plat().args(["template", "test", "t"]))
        .code(1)
        .stdout_has("ok      good\n")
        .stdout_has("FAILED  typo\n")
        .stdout_has("tests/typo does not render: unknown variable `greetng` from values file tests/typo/answers.yaml: the template has no such variable; did you mean `greeting`?")
        .stdout_has("tests/nameless does not render: tests/nameless/answers.yaml: no `name`")
        .stdout_has("tests/empty does not render: tests/empty has no answers.yaml")
        .stdout_has("1 passed; 3 failed");
    // A file that fails to render fails every case, each named.
    s.write("t/files/broken.txt", "{{ nosuch }}\n");
    let r = run(s
        .plat()
        .args(["template", "test", "t", "--bless", "--case", "good"]));
    r.code(1)
        .stderr_has("error: tests/good does not render")
        .stderr_has("`nosuch` is not defined");
    assert_eq!(
        s.tree("t/tests/good/expected"),
        ["README.md", "platform.yaml"]
    );
    let doc = run(s.plat().args([
        "template", "test", "t", "--format", "json", "--case", "good",
    ]))
    .json();
    assert_eq!(doc["cases"][0]["status"], "failed");
    let error = doc["cases"][0]["error"].as_str().unwrap();
    assert!(error.starts_with("tests/good does not render: "), "{error}");
}

#[test]
fn input_errors_exit_2_and_say_what_to_do() {
    let s = Scratch::new();
    s.template("t", TEMPLATE, &[("README.md", "x\n")]);
    run(s.plat().args(["template", "test", "t"]))
        .code(2)
        .stderr_has("t has no tests/ directory: no test cases; a case is a directory `tests/NAME/` holding answers.yaml")
        .stderr_has("run `plat template test t --bless`");
    s.write("t/tests/default/answers.yaml", "name: demo\n");
    run(s
        .plat()
        .args(["template", "test", "t", "--case", "defualt"]))
    .code(2)
    .stderr_has("--case `defualt`: t has no such case; did you mean `default`?");
    run(s.plat().args(["template", "test", "nowhere"]))
        .code(2)
        .stderr_has("template directory `nowhere` cannot be read");
    // Run from inside the template, DIR is `.`.
    let mut cmd = s.plat();
    cmd.current_dir(s.join("t"))
        .args(["template", "test", "--bless"]);
    run(&mut cmd).code(0);
    assert!(s.join("t/tests/default/expected/README.md").is_file());
}

#[test]
fn init_writes_a_template_whose_test_passes_and_plat_new_uses() {
    let s = Scratch::new();
    let r = run(s.plat().args(["template", "init", "web-app"]));
    r.code(0)
        .stderr_has("Created template web-app in web-app (7 files)")
        .stderr_has("plat new ./web-app payments-api");
    assert_eq!(
        s.tree("web-app"),
        [
            "files/CODEOWNERS",
            "files/README.md",
            "template.yaml",
            "tests/default/answers.yaml",
            "tests/default/expected/CODEOWNERS",
            "tests/default/expected/README.md",
            "tests/default/expected/platform.yaml",
        ]
    );
    assert!(s
        .read("web-app/template.yaml")
        .contains("\nname: web-app\n"));
    run(s.plat().args(["template", "test", "web-app"]))
        .code(0)
        .stdout_has("1 passed; 0 failed (template web-app 0.1.0)");
    // Linted as well as tested: no finding at all.
    run(s.plat().args(["template", "lint", "web-app"]))
        .code(0)
        .stderr_has("Clean web-app 0.1.0");
    run(s
        .plat()
        .args(["new", "./web-app", "x", "--no-input", "--no-git"]))
    .code(0);
    assert_eq!(s.tree("x"), ["CODEOWNERS", "README.md", "platform.yaml"]);
    assert!(s.read("x/CODEOWNERS").contains("* @team-x\n"));
    let mut validate = s.plat();
    validate
        .current_dir(s.join("x"))
        .args(["manifest", "validate"]);
    run(&mut validate).code(0);
    let mut sync = s.plat();
    sync.current_dir(s.join("x")).args(["sync", "--check"]);
    run(&mut sync).code(0);
}

#[test]
fn init_names_the_template_and_never_writes_into_a_full_directory() {
    let s = Scratch::new();
    s.write("full/keep.txt", "mine\n");
    run(s.plat().args(["template", "init", "full"]))
        .code(2)
        .stderr_has("`full` is not empty");
    assert_eq!(s.tree("full"), ["keep.txt"]);
    run(s.plat().args(["template", "init", "Web App"]))
        .code(2)
        .stderr_has("pass one with --name, e.g. --name web-app");
    run(s
        .plat()
        .args(["template", "init", "x", "--name", "Bad Name"]))
    .code(2)
    .stderr_has("--name `Bad Name` is not a template name");
    assert_eq!(s.entries(), ["full"]);
    // An empty directory, named `.` from inside it.
    fs::create_dir(s.join("worker")).unwrap();
    let mut init = s.plat();
    init.current_dir(s.join("worker"))
        .args(["template", "init", "."]);
    run(&mut init).code(0);
    assert!(s.read("worker/template.yaml").contains("\nname: worker\n"));
    run(s
        .plat()
        .args(["template", "init", "svc-dir", "--name", "svc"]))
    .code(0);
    assert!(s.read("svc-dir/template.yaml").contains("\nname: svc\n"));
    run(s.plat().args(["template", "test", "svc-dir"])).code(0);
    assert_eq!(
        s.entries(),
        ["full", "svc-dir", "worker"],
        "no staging left"
    );
}
