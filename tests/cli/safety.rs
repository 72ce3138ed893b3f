//! Hostile and broken input: every case exits 2 with a clear message and
//! leaves nothing behind.

use crate::support::*;

/// Nothing but the inputs remain in the scratch directory.
#[track_caller]
fn nothing_written(s: &Scratch, inputs: &[&str]) {
    assert_eq!(s.entries(), inputs, "plat left something behind");
}

#[test]
fn path_traversal_in_a_file_name_is_refused() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("{{ '../escape' }}.txt", "x")],
    );
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("renders to an unsafe path")
        .stderr_has("`..` is not allowed");
    nothing_written(&s, &["t"]);
    assert!(!s.path().parent().unwrap().join("escape.txt").exists());
}

#[test]
fn path_traversal_through_a_variable_is_refused_naming_the_variable() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nvariables:\n  - name: module\n    default: core\n",
        &[("src/{{ module }}/lib.rs", "x")],
    );
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--set", "module=../../etc"]))
    .code(2)
    .stderr_has("variable `module` from --set: `../../etc` is used in a file name");
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--set", "module=/etc"]))
    .code(2)
    .stderr_has("absolute");
    // Computed paths are checked too, naming the variables they use.
    let t2 = s.template(
        "t2",
        "name: t2\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nvariables:\n  - name: a\n    default: x\n",
        &[("{{ a | replace(from='x', to='..') }}/f", "x")],
    );
    run(s.plat().args(["new", &t2, "api", "--no-input"]))
        .code(2)
        .stderr_has("it uses the variable a");
    nothing_written(&s, &["t", "t2"]);
}

/// `renamed:` paths are output paths: checked when the template loads,
/// and the answers they use are checked as answers used in file names are.
#[test]
fn renamed_paths_are_checked_like_file_names() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nrenamed:\n  - {from: ../RUNBOOK.md, to: docs/runbook.md}\n  - {from: a.md, to: a.md}\n",
        &[("docs/runbook.md", "x")],
    );
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("template.yaml is not a valid template definition")
        .stderr_has("`renamed[0].from`: `../RUNBOOK.md` has a `..` segment")
        .stderr_has("`renamed[1]`: `from` and `to` are both `a.md`");
    let t2 = s.template(
        "t2",
        "name: t2\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nvariables:\n  - name: area\n    default: ops\nrenamed:\n  - {from: 'docs/{{ area }}.md', to: docs/runbook.md}\n",
        &[("docs/runbook.md", "x")],
    );
    run(s
        .plat()
        .args(["new", &t2, "api", "--no-input", "--set", "area=../../etc"]))
    .code(2)
    .stderr_has("variable `area` from --set: `../../etc` is used in a file name");
    nothing_written(&s, &["t", "t2"]);
}

#[test]
fn git_dirs_absolute_and_windows_names_are_refused() {
    for (name, why) in [
        ("{{ '.git' }}/config", ".git"),
        ("{{ '.GIT' }}/hooks/x", ".git"),
        ("{{ 'con' }}.txt", "reserved device name"),
        ("{{ 'a:b' }}", "Windows"),
        // One rule for every value in a name: an empty segment is refused,
        // as it is for an answered variable.
        ("{{ 'x/' }}/y", "empty path segment"),
        ("{{ '' }}/y", "skipped"),
    ] {
        let s = Scratch::new();
        let t = s.template(
            "t",
            "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
            &[(name, "x")],
        );
        let r = run(s.plat().args(["new", &t, "api", "--no-input"]));
        if why == "skipped" {
            // an empty segment means "skip this path", never "write elsewhere"
            r.code(0);
            assert_eq!(s.tree("api"), ["platform.yaml"]);
        } else {
            r.code(2).stderr_has(why);
            nothing_written(&s, &["t"]);
        }
    }
}

#[cfg(unix)]
#[test]
fn symlink_escaping_the_template_is_refused() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("a.txt", "a")],
    );
    s.write("secret.txt", "top secret");
    std::os::unix::fs::symlink(s.join("secret.txt"), s.join("t/files/leak.txt")).unwrap();
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("symlink points outside the template");
    nothing_written(&s, &["secret.txt", "t"]);
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_template_is_followed() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("a.txt", "hello {{ name }}")],
    );
    std::os::unix::fs::symlink("a.txt", s.join("t/files/b.txt")).unwrap();
    run(s.plat().args(["new", &t, "api", "--no-input", "--no-git"])).code(0);
    assert_eq!(s.read("api/b.txt"), "hello api");
}

#[test]
fn a_template_that_recurses_forever_fails_cleanly() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[(
            "a.txt",
            "{% component boom(n: integer) %}{{ <boom n={n} /> }}{% endcomponent boom %}{{ <boom n={1} /> }}",
        )],
    );
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("a.txt")
        .stderr_has("recursion");
    nothing_written(&s, &["t"]);
}

#[test]
fn an_include_cycle_among_partials_fails_cleanly() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("a.txt", "{% include \"p1\" %}")],
    );
    s.write("t/partials/p1", "{% include \"p2\" %}");
    s.write("t/partials/p2", "{% include \"p1\" %}");
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("Circular include");
    nothing_written(&s, &["t"]);
}

#[test]
fn an_endless_loop_hits_the_render_deadline() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("a.txt", ENDLESS_LOOP)],
    );
    let mut cmd = s.plat();
    cmd.env("PLAT_RENDER_TIMEOUT_MS", "1500");
    run(cmd.args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("took longer than 1.5 seconds");
    nothing_written(&s, &["t"]);
}

#[test]
fn huge_output_is_capped() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[(
            "a.txt",
            "{% for a in range(end=100000) %}{% for b in range(end=100000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
        )],
    );
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("larger than 16 MiB");
    nothing_written(&s, &["t"]);
}

#[test]
fn the_template_cannot_read_the_environment() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("a.txt", "{{ get_env(name='HOME') }}")],
    );
    run(s.plat().args(["new", &t, "api", "--no-input"])).code(2);
    nothing_written(&s, &["t"]);
}

/// Billion laughs, under a key that takes any value in both files.
fn alias_bomb() -> String {
    let mut doc = String::from(
        "name: t\nversion: 0.1.0\nmanifest:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        doc.push_str(&format!(
            "  a{i}: &a{i} [{}]\n",
            vec![format!("*a{p}"); 10].join(", ")
        ));
    }
    doc
}

fn bad_yaml_cases() -> Vec<(&'static str, String, &'static str)> {
    vec![
        ("alias bomb", alias_bomb(), "alias bomb"),
        (
            "deep nesting",
            format!("name: t\nversion: 0.1.0\nmanifest: {}", "[".repeat(5000)),
            "nested too deeply",
        ),
        (
            "duplicate keys",
            "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nname: u\n"
                .to_string(),
            "only once",
        ),
        ("syntax", "name: [t\nversion: 0.1.0\n".to_string(), ":"),
    ]
}

#[test]
fn invalid_template_yaml_is_reported_with_location() {
    for (what, yaml, needle) in bad_yaml_cases() {
        let s = Scratch::new();
        let t = s.template("t", &yaml, &[]);
        let r = run(s.plat().args(["new", &t, "api", "--no-input"]));
        r.code(2).stderr_has("template.yaml").stderr_has(needle);
        assert!(r.stderr.len() < 4000, "{what}: runaway message");
        nothing_written(&s, &["t"]);
    }
    // wrong types
    let s = Scratch::new();
    let t = s.template("t", "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nvariables: {owner: x}\n", &[]);
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("template.yaml:4:12: variables: invalid type: map, expected a sequence")
        .stderr_has("variables");
}

#[test]
fn invalid_values_file_is_reported_with_location() {
    for (what, yaml, needle) in bad_yaml_cases() {
        let s = Scratch::new();
        let t = s.template("t", KITCHEN_SINK, &sink_files());
        s.write("v.yaml", &yaml);
        let r = run(s
            .plat()
            .args(["new", &t, "api", "--no-input", "--values", "v.yaml"]));
        r.code(2).stderr_has("v.yaml").stderr_has(needle);
        assert!(r.stderr.len() < 4000, "{what}: runaway message");
        nothing_written(&s, &["t", "v.yaml"]);
    }
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write("v.yaml", "- owner\n- port\n");
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--values", "v.yaml"]))
    .code(2)
    .stderr_has("must be a mapping");
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--values", "missing.yaml"]))
    .code(2)
    .stderr_has("missing.yaml");
}

#[test]
fn output_under_a_file_fails_and_leaves_nothing() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write("blocker", "I am a file");
    run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--output", "blocker/api"]))
    .code(2);
    nothing_written(&s, &["blocker", "t"]);
    assert_eq!(s.read("blocker"), "I am a file");
}

/// A write that fails part-way (the file-size limit stops the third file)
/// removes everything it staged, and exits 3: the environment failed.
#[cfg(unix)]
#[test]
fn write_failure_midway_leaves_nothing_behind() {
    let s = Scratch::new();
    let big = "x".repeat(64 * 1024);
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[
            ("a.txt", "small"),
            ("b.txt", "small"),
            ("c.txt", &big),
            ("d.txt", "small"),
        ],
    );
    let plat = env!("CARGO_BIN_EXE_plat");
    let mut sh = std::process::Command::new("sh");
    sh.current_dir(s.path())
        .stdin(std::process::Stdio::null())
        .env("HOME", s.join(".home"))
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 16; exec '{plat}' new {t} api --no-input --no-git"
        ));
    run(&mut sh).code(3).stderr_has("c.txt");
    nothing_written(&s, &["t"]);
}

#[test]
fn a_template_writing_its_own_platform_yaml_is_refused() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("platform.yaml", "x: 1\n")],
    );
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("plat writes platform.yaml itself");
    nothing_written(&s, &["t"]);
}

#[test]
fn an_invalid_manifest_section_is_reported() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest:\n  infrastructure:\n    port: 70000\n",
        &[],
    );
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("invalid platform.yaml")
        .stderr_has("port");
    nothing_written(&s, &["t"]);
}
