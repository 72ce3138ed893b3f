//! Every per-file outcome, read from the disk and from the JSON report.

use super::*;

#[test]
fn every_file_gets_its_outcome_and_no_local_edit_is_lost() {
    every_case(Layout::Standalone);
}

#[test]
fn in_a_monorepo_every_file_gets_its_outcome_and_nothing_outside_changes() {
    let s = every_case(Layout::Monorepo);
    assert_eq!(s.read("README.md"), "# every service we run\n");
    let status = git(s.path(), &["status", "--porcelain"]);
    assert!(
        status
            .lines()
            .all(|l| l.split_whitespace().last().unwrap().starts_with("api/")),
        "{status}"
    );
}

fn every_case(layout: Layout) -> Scratch {
    let (s, root) = service_in(layout);
    edit_locally(&s);
    let out = update(&s, &["--format", "json"]);
    out.code(1); // config.txt conflicts
    let report = out.json();
    let outcome = |path: &str| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{path} not in {report:#}"))["outcome"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(outcome("app.txt"), "merged");
    assert_eq!(
        s.read("api/app.txt"),
        "ONE (ours)\ntwo\nthree\nfour\nFIVE\n"
    );
    assert_eq!(outcome("config.txt"), "conflict");
    assert_eq!(
        s.read("api/config.txt"),
        "port = 8080\n<<<<<<< ours\nmode = staging\n||||||| template svc 1.0.0\nmode = dev\n=======\nmode = production\n>>>>>>> template svc 2.0.0\n"
    );
    assert_eq!(outcome("stable.txt"), "kept");
    assert_eq!(s.read("api/stable.txt"), "stable, edited by us\n");
    assert_eq!(outcome("untouched.txt"), "updated");
    assert_eq!(s.read("api/untouched.txt"), "new text\n");
    assert_eq!(outcome("obsolete.txt"), "deleted");
    assert!(!root.join("obsolete.txt").exists());
    assert_eq!(outcome("edited-obsolete.txt"), "kept-edited");
    assert_eq!(
        s.read("api/edited-obsolete.txt"),
        "obsolete too, but ours\n"
    );
    assert_eq!(outcome("gone-locally.txt"), "kept-deleted-locally");
    assert!(!root.join("gone-locally.txt").exists());
    assert_eq!(outcome("docs/runbook.md"), "renamed");
    assert!(!root.join("RUNBOOK.md").exists());
    assert_eq!(
        s.read("api/docs/runbook.md"),
        "# Runbook\n\nRestart it. Then page #oncall.\n"
    );
    // Declared in template.yaml (`renamed:`), changed on both sides.
    assert_eq!(outcome("docs/guide.md"), "renamed");
    assert!(!root.join("docs/OLD-guide.md").exists());
    assert_eq!(
        s.read("api/docs/guide.md"),
        "# Our guide\n\nStep one.\n\nStep two, then three.\n"
    );
    assert_eq!(outcome("logo.bin"), "plat-new");
    assert_eq!(
        std::fs::read(root.join("logo.bin")).unwrap(),
        b"\x89PNG\0ours"
    );
    assert_eq!(
        std::fs::read(root.join("logo.bin.plat-new")).unwrap(),
        b"\x89PNG\0two"
    );
    assert_eq!(outcome("added.txt"), "added");
    assert_eq!(s.read("api/added.txt"), "log level info\n");
    assert_eq!(outcome("ci.yml"), "managed");
    assert!(s.read("api/ci.yml").contains("version: 2\n"));
    assert_eq!(report["conflicts"], 1);
    assert_eq!(report["from"]["version"], "1.0.0");
    assert_eq!(report["to"]["version"], "2.0.0");
    assert_eq!(report["new_answers"]["log_level"], "info");
    s
}

#[test]
fn platform_yaml_records_the_new_version_and_keeps_its_comments() {
    let (s, _) = service();
    s.edit(
        "api/platform.yaml",
        "metadata:\n",
        "# Owned by the payments team since 2025.\nmetadata:\n",
    );
    commit_all(&s.join("api"), "a comment");
    update(&s, &[]).code(0).stderr_has("Updated");
    let text = s.read("api/platform.yaml");
    assert!(
        text.contains("# Owned by the payments team since 2025.\n"),
        "{text}"
    );
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let t = &doc["template"];
    assert_eq!(t["version"], "2.0.0");
    assert_eq!(t["ref"], "v2.0.0");
    let tag = git(&s.join("templates"), &["rev-parse", "v2.0.0^{commit}"]);
    assert_eq!(t["commit"].as_str(), Some(tag.as_str()));
    assert_eq!(t["answers"]["log_level"], "info");
    assert_eq!(t["answers"]["port"], 8080);
}

#[test]
fn a_second_update_changes_nothing() {
    let (s, root) = service();
    update(&s, &[]).code(0);
    commit_all(&root, "update");
    let out = update(&s, &[]);
    out.code(0).stderr_has("Up to date");
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
    update(&s, &["--check"]).code(0);
    run(s.plat().current_dir(&root).args(["sync", "--check"])).code(0);
}

#[test]
fn dry_run_and_check_write_nothing() {
    let (s, root) = service();
    edit_locally(&s);
    let before = files_under(&root);
    let out = update(&s, &["--dry-run"]);
    out.code(1)
        .stdout_has("+FIVE\n")
        .stdout_has("+>>>>>>> template svc 2.0.0\n")
        .stderr_has("Would update");
    update(&s, &["--check"])
        .code(1)
        .stdout_has("update available: svc 1.0.0");
    assert_eq!(files_under(&root), before);
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
}

#[test]
fn an_answer_can_change_and_a_new_variable_can_be_set() {
    let (s, _) = service();
    update(&s, &["--set", "log_level=debug", "--set", "port=9090"]).code(0);
    assert_eq!(s.read("api/added.txt"), "log level debug\n");
    assert_eq!(s.read("api/config.txt"), "port = 9090\nmode = production\n");
    let doc: serde_yaml::Value = serde_yaml::from_str(&s.read("api/platform.yaml")).unwrap();
    assert_eq!(doc["template"]["answers"]["port"], 9090);
}

#[test]
fn a_service_in_a_monorepo_subdirectory_updates_alone() {
    let s = Scratch::new();
    let source = super::template_repo(&s.join("templates"));
    let mono = s.join("mono");
    std::fs::create_dir_all(mono.join("services")).unwrap();
    git(&mono, &["init", "-q", "-b", "main"]);
    s.write("mono/README.md", "# all our services\n");
    run(s
        .plat_with_identity()
        .current_dir(mono.join("services"))
        .args(["new", &source, "api", "--no-input"]))
    .code(0);
    commit_all(&mono, "monorepo with api");
    s.edit("mono/services/api/app.txt", "two", "TWO (ours)");
    commit_all(&mono, "local edit");
    run(s
        .plat_with_identity()
        .current_dir(mono.join("services/api"))
        .arg("update"))
    .code(0);
    assert_eq!(
        s.read("mono/services/api/app.txt"),
        "one\nTWO (ours)\nthree\nfour\nFIVE\n"
    );
    assert_eq!(s.read("mono/README.md"), "# all our services\n");
    let status = git(&mono, &["status", "--porcelain"]);
    assert!(
        status.lines().all(|l| l
            .split_whitespace()
            .last()
            .unwrap()
            .starts_with("services/api/")),
        "{status}"
    );
}

/// Made from a branch: the update takes the branch's newest commit.
#[test]
fn a_service_made_from_a_branch_follows_it() {
    let s = Scratch::new();
    let dir = s.join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    super::commit_version(&dir, &super::v1(), "v1.0.0");
    let source = format!("file://{}//tpl?ref=main", dir.display());
    run(plat(&s).args(["new", &source, "api", "--no-input"])).code(0);
    update(&s, &[]).code(0).stderr_has("Up to date");
    super::commit_version(&dir, &super::v2(), "v2.0.0");
    update(&s, &[]).code(0);
    let doc: serde_yaml::Value = serde_yaml::from_str(&s.read("api/platform.yaml")).unwrap();
    assert_eq!(doc["template"]["ref"], "main");
    assert_eq!(doc["template"]["version"], "2.0.0");
    let head = git(&dir, &["rev-parse", "main"]);
    assert_eq!(doc["template"]["commit"].as_str(), Some(head.as_str()));
    assert_eq!(s.read("api/untouched.txt"), "new text\n");
}

/// A file the service was given as its own, managed by the new version:
/// the developer's edits are merged in, not overwritten.
#[test]
fn a_file_that_becomes_managed_keeps_the_local_edits() {
    let s = Scratch::new();
    let dir = s.join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    let v1 = super::definition("1.0.0", "");
    let v2 = super::definition("2.0.0", "").replace(
        "  - paths: [\"ci.yml\"]\n",
        "  - paths: [\"ci.yml\", \"notes.md\"]\n",
    );
    let notes = b"# Notes\n\nThe team writes here.\n".to_vec();
    let managed = b"# {{ managed_header }}\n# Notes\n\nThe team writes here.\n".to_vec();
    let ci = b"# {{ managed_header }}\nname: {{ manifest.metadata.name }}\n".to_vec();
    super::commit_version(
        &dir,
        &[
            ("template.yaml", v1.into_bytes()),
            ("files/notes.md", notes),
            ("files/ci.yml", ci.clone()),
        ],
        "v1.0.0",
    );
    super::commit_version(
        &dir,
        &[
            ("template.yaml", v2.into_bytes()),
            ("files/notes.md", managed),
            ("files/ci.yml", ci),
        ],
        "v2.0.0",
    );
    let source = format!("file://{}//tpl?ref=v1.0.0", dir.display());
    run(plat(&s).args(["new", &source, "api", "--no-input"])).code(0);
    let text = s.read("api/notes.md") + "- deploy on Tuesdays\n";
    std::fs::write(s.join("api/notes.md"), text).unwrap();
    commit_all(&s.join("api"), "our notes");
    update(&s, &[]).code(0).stderr_has("Merged notes.md");
    let notes = s.read("api/notes.md");
    assert!(notes.contains("Managed by plat"), "{notes}");
    assert!(
        notes.ends_with("The team writes here.\n- deploy on Tuesdays\n"),
        "{notes}"
    );
}
