//! `extends:`: a template built on another (a directory, a git source at a
//! tag, a built-in at a version), composed by the documented rules.

use crate::servers::repo::git;
use crate::support::*;

const BASE: &str = "name: base\nversion: 1.0.0\nvariables:\n  - name: lang\n    type: choice\n    choices: [rust, go, python]\n    default: rust\n  - name: port\n    type: integer\n    default: 8080\n    min: 1024\n    max: 65535\nrules:\n  - paths: [\"ci.yml\"]\n    managed: true\nmanifest:\n  metadata:\n    owner: team-base\n    lifecycle: experimental\n";

fn base(s: &Scratch) {
    s.template(
        "base",
        BASE,
        &[
            (
                "README.md",
                "# {{ name }} in {{ lang }}\n{% include \"footer.md\" %}\n",
            ),
            ("main.txt", "port {{ port }}\n"),
            (
                "ci.yml",
                "# {{ managed_header }}\nname: {{ manifest.metadata.name }}\n",
            ),
        ],
    );
    s.write("base/partials/footer.md", "base footer");
}

#[test]
fn the_child_adds_narrows_overrides_and_shadows() {
    let s = Scratch::new();
    base(&s);
    let child = s.template(
        "acme",
        "name: acme\nversion: 2.0.0\nextends: ../base\noverrides: [main.txt]\nvariables:\n  - name: lang\n    type: choice\n    choices: [rust, go]\n  - name: registry\n    default: ghcr.io/acme\nmanifest:\n  metadata:\n    owner: team-acme\n",
        &[("main.txt", "acme port {{ port }}\n"), ("registry.txt", "{{ registry }}/{{ name }}\n")],
    );
    s.write("acme/partials/footer.md", "acme footer");
    run(s
        .plat_with_identity()
        .args(["new", &child, "api", "--no-input"]))
    .code(0);
    assert_eq!(s.read("api/README.md"), "# api in rust\nacme footer\n");
    assert_eq!(s.read("api/main.txt"), "acme port 8080\n");
    assert_eq!(s.read("api/registry.txt"), "ghcr.io/acme/api\n");
    assert!(
        s.read("api/ci.yml").contains("Managed by plat"),
        "the parent's managed file stays managed"
    );
    let doc: serde_yaml::Value = serde_yaml::from_str(&s.read("api/platform.yaml")).unwrap();
    assert_eq!(doc["metadata"]["owner"], "team-acme");
    assert_eq!(doc["metadata"]["lifecycle"], "experimental", "deep-merged");
    assert_eq!(doc["template"]["name"], "acme");
    assert_eq!(doc["template"]["extends"][0]["name"], "base");
    assert_eq!(doc["template"]["extends"][0]["version"], "1.0.0");
    // The narrowed choice: python is gone.
    run(s.plat().args([
        "new",
        &child,
        "web",
        "--no-input",
        "--no-git",
        "--set",
        "lang=python",
    ]))
    .code(2)
    .stderr_has("python");
    run(s
        .plat()
        .current_dir(s.join("api"))
        .args(["sync", "--check"]))
    .code(0);
}

#[test]
fn what_a_child_may_not_do_is_named() {
    let s = Scratch::new();
    base(&s);
    for (yaml, files, says) in [
        (
            "name: c\nversion: 1.0.0\nextends: ../base\n",
            &[("main.txt", "x\n")][..],
            "`files/main.txt` is in both templates; list it in `overrides:`",
        ),
        (
            "name: c\nversion: 1.0.0\nextends: ../base\nvariables:\n  - name: port\n",
            &[][..],
            "variable `port`: the parent asks for a integer, the child for a string",
        ),
        (
            "name: c\nversion: 1.0.0\nextends: ../base\nvariables:\n  - name: lang\n    type: choice\n    choices: [rust, cobol]\n",
            &[][..],
            "choices `cobol` are not among the parent's",
        ),
        (
            "name: c\nversion: 1.0.0\nextends: ../base\nvariables:\n  - name: port\n    type: integer\n    max: 70000\n",
            &[][..],
            "max 70000 is above the parent's 65535",
        ),
        (
            "name: c\nversion: 1.0.0\nextends: ../base\noverrides: [nope.txt]\n",
            &[][..],
            "the parent has no file `files/nope.txt` to override",
        ),
        (
            "name: c\nversion: 1.0.0\nextends: service\n",
            &[][..],
            "must be pinned: name the version, `service?ref=VERSION`",
        ),
        (
            "name: c\nversion: 1.0.0\nextends: ../base\n",
            &[("x.txt", "{{ colour }}\n")][..],
            "colour",
        ),
    ] {
        let _ = std::fs::remove_dir_all(s.join("c"));
        let t = s.template("c", yaml, files);
        run(s.plat().args(["new", &t, "api", "--no-input", "--no-git"]))
            .code(2)
            .stderr_has(says);
        assert!(!s.join("api").exists());
    }
}

#[test]
fn chains_go_four_deep_and_no_further_and_never_round() {
    let s = Scratch::new();
    base(&s);
    let link = |name: &str, parent: &str| {
        s.template(
            name,
            &format!("name: {name}\nversion: 1.0.0\nextends: ../{parent}\n"),
            &[(&format!("{name}.txt") as &str, "{{ name }}\n")],
        )
    };
    link("l1", "base");
    link("l2", "l1");
    link("l3", "l2");
    let four = link("l4", "l3");
    run(s
        .plat()
        .args(["new", &four, "ok", "--no-input", "--no-git"]))
    .code(0);
    assert!(s.join("ok/l1.txt").is_file() && s.join("ok/README.md").is_file());
    let five = link("l5", "l4");
    run(s
        .plat()
        .args(["new", &five, "deep", "--no-input", "--no-git"]))
    .code(2)
    .stderr_has("chain too deep");
    link("ring-a", "ring-b");
    let b = link("ring-b", "ring-a");
    run(s
        .plat()
        .args(["new", &b, "round", "--no-input", "--no-git"]))
    .code(2)
    .stderr_has("goes round in a circle")
    .stderr_has("ring-a");
}

#[test]
fn a_git_parent_at_a_tag_and_the_built_in_service() {
    let s = Scratch::new();
    base(&s);
    let repo = s.join("parent-repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::rename(s.join("base"), repo.join("base")).unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    git(&repo, &["tag", "v1.0.0"]);
    let url = format!("file://{}//base", repo.display());
    let pinned = s.template(
        "pinned",
        &format!("name: pinned\nversion: 1.0.0\nextends: \"{url}?ref=v1.0.0\"\n"),
        &[],
    );
    run(s
        .plat_with_identity()
        .args(["new", &pinned, "api", "--no-input"]))
    .code(0);
    let doc: serde_yaml::Value = serde_yaml::from_str(&s.read("api/platform.yaml")).unwrap();
    let tag = git(&repo, &["rev-parse", "v1.0.0^{commit}"]);
    assert_eq!(
        doc["template"]["extends"][0]["commit"].as_str(),
        Some(tag.as_str())
    );
    assert_eq!(doc["template"]["extends"][0]["ref"], "v1.0.0");
    let loose = s.template(
        "loose",
        &format!("name: loose\nversion: 1.0.0\nextends: \"{url}\"\n"),
        &[],
    );
    run(s
        .plat()
        .args(["new", &loose, "x", "--no-input", "--no-git"]))
    .code(2)
    .stderr_has("must be pinned");
    // An organisation's service: the built-in service plus its own file.
    let org = s.template(
        "org-service",
        "name: org-service\nversion: 1.0.0\nextends: service?ref=0.3.0\nvariables:\n  - name: pager\n    default: \"#oncall\"\n",
        &[("ONCALL.md", "Page {{ pager }} for {{ name }}.\n")],
    );
    run(s
        .plat_with_identity()
        .args(["new", &org, "pay", "--no-input"]))
    .code(0);
    assert_eq!(s.read("pay/ONCALL.md"), "Page #oncall for pay.\n");
    assert!(s.join("pay/Dockerfile").is_file());
    run(s.plat().current_dir(s.join("pay")).arg("doctor")).code(0);
}

/// Lint reads a child with its parents: the parent's variables are known
/// to the child's expressions, and a name neither declares is still found.
#[test]
fn lint_sees_the_composed_template() {
    let s = Scratch::new();
    base(&s);
    let ok = s.template(
        "ok",
        "name: ok\nversion: 1.0.0\nextends: ../base\nvariables:\n  - name: extra\n    default: x\n    when: \"lang == 'go'\"\n",
        &[("extra.txt", "{% if lang == 'go' %}{{ extra }}{% endif %}\n")],
    );
    run(s.plat().args(["template", "lint", &ok])).code(0);
    let bad = s.template(
        "bad",
        "name: bad\nversion: 1.0.0\nextends: ../base\n",
        &[("x.txt", "{{ colour }}\n")],
    );
    run(s.plat().args(["template", "lint", &bad]))
        .code(1)
        .stdout_has("error[TL003]: uses `colour`");
}
