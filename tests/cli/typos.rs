//! Typos in a template or in the answers are reported, never passed over in
//! silence: a name an expression cannot see, an answer nobody asks for, a
//! value in a file name that would go somewhere else.

use crate::support::*;

const OWNER: &str = "manifest: {metadata: {owner: team-test}}\n";

#[test]
fn names_an_expression_cannot_see_fail_the_template_with_a_hint() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        &format!(
            "name: t\nversion: 0.1.0\n{OWNER}variables:\n  - name: with_db\n    type: boolean\n    default: false\n  - name: db_name\n    default: x\n    when: with_dbb\n  - name: early\n    default: y\n    when: late\n  - name: late\n    default: z\nrules:\n  - paths: [\"db/**\"]\n    include_if: with_bd\n  - paths: [\"k8s/**\"]\n    managed: true\n    include_if: with_db\n"
        ),
        &[("README.md", "{{ name }}\n")],
    );
    for args in [
        vec!["new", &t, "api", "--no-input"],
        vec!["templates", "show", &t],
    ] {
        run(s.plat().args(&args))
            .code(2)
            .stderr_has("`variables[2]` (`db_name`): `when` uses `with_dbb`, which is not a variable declared before it; did you mean `with_db`?")
            .stderr_has("`variables[3]` (`early`): `when` uses `late`, which is not a variable declared before it")
            .stderr_has("`rules[0].include_if` uses `with_bd`, which is not a variable; did you mean `with_db`?")
            .stderr_has("`rules[1].include_if` uses `with_db`, which is not something a managed file sees");
    }
    assert!(!s.join("api").exists());
}

#[test]
fn a_manifest_value_over_an_unknown_name_is_an_error_whole_or_part() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nvariables:\n  - name: owner\n    default: team-x\nmanifest:\n  metadata:\n    owner: \"{{ ownr }}\"\n    description: \"x-{{ nosuch }}\"\n",
        &[("README.md", "x\n")],
    );
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has(
            "`manifest.metadata.owner` uses `ownr`, which is not a variable; did you mean `owner`?",
        )
        .stderr_has("`manifest.metadata.description` uses `nosuch`, which is not a variable");
}

#[test]
fn an_answer_to_a_variable_nobody_asks_for_is_a_warning() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write("values.yaml", "db_name: other\n");
    let r = run(s.plat().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--no-git",
        "--set",
        "db_name=orders",
        "--values",
        "values.yaml",
    ]));
    r.code(0).stderr_has(
        "ignoring `db_name` from --set: the variable is not asked, because its `when` (`with_db`) is false",
    );
    // Asked when its condition holds: no warning.
    let r = run(s.plat().args([
        "new",
        &t,
        "web",
        "--no-input",
        "--no-git",
        "--set",
        "with_db=true",
        "--set",
        "db_name=orders",
    ]));
    r.code(0);
    assert!(!r.stderr.contains("ignoring"), "{}", r.stderr);
}

/// One rule for every value in a file name, whatever it draws on: a
/// managed file's name from the manifest is checked like an answered
/// variable's, never dropped in silence (which `sync` would then take as
/// a file to remove).
#[test]
fn an_unsafe_value_in_a_managed_file_name_is_refused_not_dropped() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        &format!(
            "name: t\nversion: 0.1.0\n{OWNER}variables:\n  - name: dir\n    default: /etc\nrules:\n  - paths: [\"**\"]\n    managed: true\n"
        ),
        &[(
            "{{ manifest.template.answers.dir }}/x.yaml",
            "# {{ managed_header }}\n",
        )],
    );
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("renders to an unsafe path: `{{ manifest.template.answers.dir }}` gives `/etc`, and `/etc` is absolute");
    assert!(!s.join("api").exists());
}
