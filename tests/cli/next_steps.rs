//! What `plat new` tells a person to do next: the template's lines for the
//! language chosen, the pipeline file the project really got, and git
//! steps true for what plat did.

use crate::support::*;

/// The lines after `Next steps`, trimmed.
fn steps(stderr: &str) -> Vec<String> {
    let (_, after) = stderr.split_once("Next steps\n").expect(stderr);
    after.lines().map(|l| l.trim().to_string()).collect()
}

#[test]
fn each_language_gets_its_own_commands_and_the_pipeline_it_got() {
    let s = Scratch::new();
    for (language, ci, expected) in [
        ("rust", "github", &["cargo test", "cargo run"][..]),
        ("go", "gitlab", &["go test ./...", "go run ."]),
        (
            "python",
            "github",
            &[
                "python3 -m venv .venv && . .venv/bin/activate",
                "pip install --editable \".[dev]\"",
                "pytest",
                "python -m svc_python",
            ],
        ),
        (
            "typescript",
            "gitlab",
            &["npm install", "npm test", "npm run build && npm start"],
        ),
    ] {
        let name = format!("svc-{language}");
        let r = run(s.plat_with_identity().args([
            "new",
            "service",
            &name,
            "--no-input",
            "--set",
            &format!("language={language}"),
            "--set",
            &format!("ci={ci}"),
        ]));
        r.code(0);
        let lines = steps(&r.stderr);
        assert_eq!(lines[0], format!("cd {name}"), "{lines:?}");
        let commands: Vec<&str> = lines[1..=expected.len()]
            .iter()
            .map(|l| l.split(" # ").next().unwrap().trim_end())
            .collect();
        assert_eq!(commands, expected, "{language}: {lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("plat doctor")));
        let push = lines.last().unwrap();
        let pipeline = push
            .split("then ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        assert!(
            s.join(&name).join(pipeline).is_file(),
            "{language}: {pipeline} named but not written"
        );
        assert_eq!(
            pipeline,
            if ci == "github" {
                ".github/workflows/ci.yml"
            } else {
                ".gitlab-ci.yml"
            }
        );
        assert!(push.starts_with("git push -u origin main"), "{push}");
    }
}

#[test]
fn git_steps_tell_the_truth() {
    let s = Scratch::new();
    let no_git = run(s.plat_with_identity().args([
        "new",
        "service",
        "plain",
        "--no-input",
        "--no-git",
        "--branch",
        "trunk",
    ]));
    no_git.code(0);
    let lines = steps(&no_git.stderr);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("git init -b trunk && git add . && git commit")),
        "{lines:?}"
    );
    assert!(!s.join("plain/.git").exists());

    let anon = run(s.plat().args(["new", "service", "anon", "--no-input"]));
    anon.code(0);
    let lines = steps(&anon.stderr);
    assert!(
        lines.iter().any(|l| l.starts_with("git commit -m")),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("git init")),
        "{lines:?}"
    );

    let committed = run(s
        .plat_with_identity()
        .args(["new", "service", "api", "--no-input"]));
    let lines = steps(&committed.stderr);
    assert!(!lines
        .iter()
        .any(|l| l.starts_with("git commit") || l.starts_with("git init")));
    assert!(lines.iter().any(|l| l.starts_with("git remote add origin")));

    let inside = run(s.plat_with_identity().current_dir(s.join("api")).args([
        "new",
        "service",
        "nested",
        "--no-input",
    ]));
    let lines = steps(&inside.stderr);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("git add . && git commit -m 'Add nested'")),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("git remote")),
        "{lines:?}"
    );

    let json = run(s.plat_with_identity().args([
        "new",
        "service",
        "quiet",
        "--no-input",
        "--format",
        "json",
    ]));
    assert!(!json.stderr.contains("Next steps"), "{}", json.stderr);
}

#[test]
fn a_template_line_that_cannot_render_stops_before_writing_and_lint_reports_it() {
    let s = Scratch::new();
    let yaml = format!("{KITCHEN_SINK}next_steps:\n  - make\n  - if: \"language == 'go'\"\n    then: \"go run {{{{ nope }}}}\"\n");
    let t = s.template("t", &yaml, &sink_files());
    let ok = run(s
        .plat()
        .args(["new", &t, "rusty", "--no-input", "--no-git"]));
    ok.code(0);
    assert!(steps(&ok.stderr).contains(&"make".to_string()));
    let bad = run(s.plat().args([
        "new",
        &t,
        "gopher",
        "--no-input",
        "--no-git",
        "--set",
        "language=go",
    ]));
    bad.code(2).stderr_has("next_steps[1].then");
    assert!(!s.join("gopher").exists());
    let lint = run(s.plat().args(["template", "lint", &t]));
    lint.code(1)
        .stdout_has("TL005")
        .stdout_has("next_steps[1].then");
}
