//! The built-in service template, 0.2.0 to the current version: the release plat carries
//! is the base, the current version is the target.

use super::*;

fn service_at_0_2_0(s: &Scratch) -> PathBuf {
    run(s
        .plat_with_identity()
        .args(["new", "service", "pay", "--ref", "0.2.0", "--no-input"]))
    .code(0);
    s.join("pay")
}

#[test]
fn a_0_2_0_service_with_local_edits_moves_to_the_current_version_and_passes_doctor() {
    let s = Scratch::new();
    let root = service_at_0_2_0(&s);
    run(s.plat().current_dir(&root).arg("doctor")).stdout_has(&format!(
        "PLAT600 warning platform.yaml records template service 0.2.0; {} is available",
        service_version()
    ));
    s.edit("pay/README.md", "# pay", "# pay (the payments team's)");
    let main = s.read("pay/src/main.rs") + "\n// Our own helper, kept across updates.\n";
    std::fs::write(root.join("src/main.rs"), &main).unwrap();
    commit_all(&root, "local edits");
    let out = run(s
        .plat_with_identity()
        .current_dir(&root)
        .args(["update", "--format", "json"]));
    out.code(0);
    let report = out.json();
    assert_eq!(report["from"]["version"], "0.2.0");
    assert_eq!(report["to"]["version"], service_version());
    let readme = s.read("pay/README.md");
    assert!(
        readme.starts_with("# pay (the payments team's)"),
        "{readme}"
    );
    assert!(
        readme.contains("plat update"),
        "the template's new README section: {readme}"
    );
    assert!(s
        .read("pay/src/main.rs")
        .ends_with("// Our own helper, kept across updates.\n"));
    assert!(root.join(".env.example").is_file());
    assert!(root.join("tests/endpoints.rs").is_file());
    assert!(!root.join("tests/health.rs").exists());
    assert!(!root.join("tests/config.rs").exists());
    let doc: serde_yaml::Value = serde_yaml::from_str(&s.read("pay/platform.yaml")).unwrap();
    assert_eq!(doc["template"]["version"], service_version());
    assert_eq!(doc["template"]["answers"]["log_level"], "info");
    commit_all(&root, "plat update");
    run(s.plat().current_dir(&root).arg("doctor")).code(0);
    run(s.plat().current_dir(&root).args(["sync", "--check"])).code(0);
}

#[test]
fn both_editing_the_same_lines_is_a_conflict_doctor_reports_until_resolved() {
    let s = Scratch::new();
    let root = service_at_0_2_0(&s);
    let health = s.read("pay/tests/health.rs");
    std::fs::write(
        root.join("tests/health.rs"),
        format!("// Our endpoint tests.\n{health}"),
    )
    .unwrap();
    commit_all(&root, "local edit");
    run(s.plat_with_identity().current_dir(&root).arg("update"))
        .code(1)
        .stderr_has("1 conflict in tests/endpoints.rs");
    let merged = s.read("pay/tests/endpoints.rs");
    assert!(
        merged.contains("<<<<<<< ours\n// Our endpoint tests.\n"),
        "{merged}"
    );
    assert!(
        merged.contains("||||||| template service 0.2.0\n"),
        "{merged}"
    );
    assert!(
        merged.contains(&format!(">>>>>>> template service {}\n", service_version())),
        "{merged}"
    );
    run(s.plat().current_dir(&root).arg("doctor"))
        .code(1)
        .stdout_has("PLAT603 error tests/endpoints.rs has an unresolved merge conflict");
}
