//! `plat sync` and `plat doctor --fix`: round trips from a generated
//! service, and the files they must never touch.

use std::fs;

use crate::doctor::{
    commit_all, doctor, doctor_json, drift_prod_service, entries, failed_ids, service, status,
};
use crate::support::{run, service_version, Run, Scratch};

fn sync(s: &Scratch, args: &[&str]) -> Run {
    let mut cmd = s.plat();
    cmd.arg("sync").args(args);
    run(&mut cmd)
}

#[test]
fn edit_the_manifest_then_sync_brings_doctor_back_to_green() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.edit("api/platform.yaml", "\n  port: 8080", "\n  port: 9090");
    commit_all(&s.join("api"));
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 1);
    assert_eq!(status(&doc, "PLAT500"), "fail");
    assert_eq!(status(&doc, "PLAT405"), "fail");

    let before = s.read("api/deploy/k8s/dev/deployment.yaml");
    let r = sync(&s, &["api", "--check"]);
    r.code(1)
        .stdout_has("would update deploy/k8s/dev/deployment.yaml")
        .stderr_has("out of step");
    let r = sync(&s, &["api", "--dry-run"]);
    r.code(0)
        .stdout_has("--- a/deploy/k8s/dev/deployment.yaml")
        .stdout_has("+              containerPort: 9090");
    assert_eq!(
        s.read("api/deploy/k8s/dev/deployment.yaml"),
        before,
        "nothing written"
    );

    use std::os::unix::fs::PermissionsExt;
    let dev = s.join("api/deploy/k8s/dev/deployment.yaml");
    fs::set_permissions(&dev, fs::Permissions::from_mode(0o640)).unwrap();
    let r = sync(&s, &["api"]);
    r.code(0)
        .stderr_has("Updated deploy/k8s/dev/deployment.yaml");
    assert!(s
        .read("api/deploy/k8s/dev/deployment.yaml")
        .contains("containerPort: 9090"));
    let mode = fs::metadata(&dev).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "a replaced file keeps its permissions");
    let leftovers: Vec<String> = crate::support::files_under(&s.join("api"))
        .into_iter()
        .filter(|p| p.contains("plat-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Scaffolded files are the developer's: untouched.
    assert!(s.read("api/src/config.rs").contains("8080"));
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 0, "{:?}", failed_ids(&doc));
    sync(&s, &["api", "--check"]).code(0).stderr_has("In step");

    let r = sync(&s, &["api", "--check", "--format", "json"]);
    let doc = r.json();
    assert_eq!(doc["in_sync"], true);
    assert_eq!(doc["changes"].as_array().unwrap().len(), 0);
}

#[test]
fn sync_adds_and_removes_environments() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.edit("api/platform.yaml", "  - name: staging\n", "");
    commit_all(&s.join("api"));
    let r = sync(&s, &["api", "--format", "json"]);
    r.code(0);
    let doc = r.json();
    let removed: Vec<&str> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "remove")
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert!(
        removed.contains(&"deploy/k8s/staging/deployment.yaml"),
        "{removed:?}"
    );
    assert!(
        removed.contains(&"infra/environments/staging.tfvars"),
        "{removed:?}"
    );
    assert!(
        !s.join("api/deploy/k8s/staging").exists(),
        "emptied directory removed"
    );
    assert!(s.join("api/deploy/k8s/prod/deployment.yaml").exists());
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 0, "{:?}", failed_ids(&doc));

    // Add it back: created again.
    s.edit(
        "api/platform.yaml",
        "  - name: prod\n",
        "  - name: staging\n  - name: prod\n",
    );
    commit_all(&s.join("api"));
    sync(&s, &["api"])
        .code(0)
        .stderr_has("Created deploy/k8s/staging/deployment.yaml");
    doctor(&s, &["api"]).code(0);
}

#[test]
fn sync_refuses_to_overwrite_uncommitted_changes() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    drift_prod_service(&s, "api");
    let r = sync(&s, &["api"]);
    r.code(2)
        .stderr_has("refusing to overwrite 1 file: they have uncommitted changes")
        .stderr_has("deploy/k8s/prod/service.yaml")
        .stderr_has("--allow-dirty");
    assert!(s
        .read("api/deploy/k8s/prod/service.yaml")
        .contains("port: 81"));
    sync(&s, &["api", "--allow-dirty"]).code(0);
    assert!(!s
        .read("api/deploy/k8s/prod/service.yaml")
        .contains("port: 81"));

    // Outside git nothing could give a file back: the same refusal.
    run(s
        .plat()
        .args(["new", "service", "loose", "--no-input", "--no-git"]))
    .code(0);
    s.edit("loose/CODEOWNERS", "@team-loose", "@someone");
    sync(&s, &["loose"])
        .code(2)
        .stderr_has("not in a git repository");
}

#[test]
fn an_upgrade_plat_cannot_write_stops_before_any_file_is_written() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    // Valid YAML, but the version is written in a form plat does not edit:
    // an alias of another value.
    s.edit(
        "api/platform.yaml",
        &format!("  version: {}", service_version()),
        "  version: *v",
    );
    s.edit(
        "api/platform.yaml",
        "\n  description: ",
        "\n  description: &v 0.1.0 # ",
    );
    drift_prod_service(&s, "api");
    commit_all(&s.join("api"));
    let before = s.read("api/deploy/k8s/prod/service.yaml");
    sync(&s, &["api"])
        .code(2)
        .stderr_has("template.version")
        .stderr_has("set it by hand");
    assert_eq!(
        s.read("api/deploy/k8s/prod/service.yaml"),
        before,
        "nothing written"
    );
    // A quoted version on the line after its key is edited in place.
    s.edit(
        "api/platform.yaml",
        "  version: *v",
        "  version:\n    '0.1.0'",
    );
    commit_all(&s.join("api"));
    sync(&s, &["api"])
        .code(0)
        .stderr_has(&format!("template.version 0.1.0 -> {}", service_version()));
    assert!(s
        .read("api/platform.yaml")
        .contains(&format!("  version:\n    '{}'", service_version())));
}

#[test]
fn another_template_is_not_an_upgrade() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.template(
        "other",
        "name: other\nversion: 9.0.0\nvariables:\n  - name: name\n",
        &[("x.txt", "x\n")],
    );
    let (_, doc) = doctor_json(&s, "api", &["--template", "./other"]);
    assert_eq!(status(&doc, "PLAT600"), "skip");
    assert!(entries(&doc, "PLAT600")[0]["message"]
        .as_str()
        .unwrap()
        .contains("the template given is `other`, platform.yaml records `service`"));
    let r = sync(&s, &["api", "--template", "./other", "--check"]);
    assert!(!r.stdout.contains("template.version"), "{}", r.stdout);
}

#[test]
fn outside_git_only_the_directory_given_is_searched() {
    let s = Scratch::new();
    run(s
        .plat()
        .args(["new", "service", "loose", "--no-input", "--no-git"]))
    .code(0);
    fs::create_dir_all(s.join("loose/notes")).unwrap();
    sync(&s, &["loose/notes"])
        .code(2)
        .stderr_has("no platform.yaml in");
    assert!(!s.join("loose/notes/CODEOWNERS").exists());
    let (_, doc) = doctor_json(&s, "loose/notes", &[]);
    assert!(entries(&doc, "PLAT100")[0]["message"]
        .as_str()
        .unwrap()
        .contains("outside a git repository plat looks only there"));
    sync(&s, &["loose", "--check"]).code(0);
}

#[test]
fn sync_upgrades_the_recorded_template_version_in_place() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.edit(
        "api/platform.yaml",
        &format!("  version: {}", service_version()),
        "  version: 0.1.0 # pinned by hand",
    );
    // What an older template rendered differently.
    s.edit(
        "api/catalog-info.yaml",
        &format!("service@{}", service_version()),
        "service@0.1.0",
    );
    commit_all(&s.join("api"));
    let r = sync(&s, &["api"]);
    r.code(0)
        .stderr_has(&format!("template.version 0.1.0 -> {}", service_version()))
        .stderr_has("Updated catalog-info.yaml");
    assert!(s.read("api/platform.yaml").contains(&format!(
        "  version: {} # pinned by hand",
        service_version()
    )));
    assert!(s
        .read("api/platform.yaml")
        .starts_with("# Platform manifest of api."));
    doctor(&s, &["api", "--strict"]).code(0);
}

#[test]
fn sync_errors_name_the_problem() {
    let s = Scratch::new();
    sync(&s, &[]).code(2).stderr_has("no platform.yaml");
    service(&s, "api", &[]);
    s.edit("api/platform.yaml", "\n  port: 8080", "\n  port: -1");
    sync(&s, &["api"])
        .code(2)
        .stderr_has("platform.yaml is not valid")
        .stderr_has("infrastructure.port");
    s.edit("api/platform.yaml", "\n  port: -1", "\n  port: 8080");
    s.edit(
        "api/platform.yaml",
        "source: builtin:service",
        "source: ./gone",
    );
    sync(&s, &["api"]).code(2).stderr_has("--template");
    sync(&s, &["api", "--template", "service"]).code(0);
    sync(&s, &["api", "--check", "--dry-run"]).code(2);
}

#[test]
fn doctor_fix_repairs_what_is_mechanical_and_nothing_else() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    // Drift, a missing managed file, a missing owner entry in a
    // developer-owned CODEOWNERS, and a scaffolded problem fix cannot touch.
    drift_prod_service(&s, "api");
    fs::remove_file(s.join("api/infra/main.tf")).unwrap();
    s.edit("api/Dockerfile", "USER 10001:10001", "USER root");
    commit_all(&s.join("api"));
    let dockerfile = s.read("api/Dockerfile");

    let r = doctor(&s, &["api", "--fix", "--format", "json"]);
    r.code(1);
    let doc = r.json();
    crate::doctor::assert_valid(&crate::doctor::report_schema(), &doc);
    let fixed: Vec<&str> = doc["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(fixed, ["deploy/k8s/prod/service.yaml", "infra/main.tf"]);
    assert_eq!(failed_ids(&doc), ["PLAT401"], "only the Dockerfile is left");
    assert_eq!(
        s.read("api/Dockerfile"),
        dockerfile,
        "scaffolded files untouched"
    );

    // A CODEOWNERS the template does not manage gets the owner entry first.
    let s = Scratch::new();
    service(&s, "own", &[]);
    let managed = s.read("own/CODEOWNERS");
    fs::write(
        s.join("own/.github/CODEOWNERS"),
        "# ours\n/docs/ @writers\n",
    )
    .unwrap();
    fs::write(s.join("own/CODEOWNERS"), managed).unwrap();
    fs::remove_file(s.join("own/CODEOWNERS")).unwrap();
    commit_all(&s.join("own"));
    let (_, doc) = doctor_json(&s, "own", &[]);
    assert_eq!(status(&doc, "PLAT204"), "fail");
    let r = doctor(&s, &["own", "--fix"]);
    r.stderr_has("Updated .github/CODEOWNERS")
        .stderr_has("Created CODEOWNERS");
    assert_eq!(
        s.read("own/.github/CODEOWNERS"),
        "# ours\n* @team-own\n/docs/ @writers\n"
    );
    r.code(0);
}

#[test]
fn doctor_fix_refuses_dirty_files_unless_allowed() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    drift_prod_service(&s, "api");
    let r = doctor(&s, &["api", "--fix"]);
    r.code(2)
        .stderr_has("refusing to overwrite")
        .stderr_has("deploy/k8s/prod/service.yaml");
    assert!(s
        .read("api/deploy/k8s/prod/service.yaml")
        .contains("port: 81"));
    let r = doctor(&s, &["api", "--fix", "--allow-dirty"]);
    r.code(0).stderr_has("Updated deploy/k8s/prod/service.yaml");
    assert!(r.stdout.contains("score 100%"), "{}", r.stdout);
}

/// A write that fails midway (here a file-size limit, as a full disk
/// would) exits 3, says how far it got, and leaves every file whole.
#[cfg(unix)]
#[test]
fn a_failing_disk_stops_sync_with_exit_3_and_whole_files() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.edit("api/platform.yaml", "owner: team-api", "owner: team-other");
    commit_all(&s.join("api"));
    let deployment = s.read("api/deploy/k8s/dev/deployment.yaml");
    let r = run(s.plat_with_file_limit(1).args(["sync", "api"]));
    r.code(3)
        .stderr_has("2 of 6 files were replaced before this one, each whole")
        .stderr_has("deploy/k8s/dev/deployment.yaml and the rest are unchanged");
    assert!(s.read("api/CODEOWNERS").contains("@team-other"));
    assert!(s.read("api/catalog-info.yaml").contains("team-other"));
    assert_eq!(s.read("api/deploy/k8s/dev/deployment.yaml"), deployment);
    let leftovers: Vec<String> = crate::support::files_under(&s.join("api"))
        .into_iter()
        .filter(|p| p.contains("plat-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    sync(&s, &["api"]).code(0);
}

#[test]
fn sync_never_writes_through_a_symbolic_link() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    let outside = s.join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::rename(s.join("api/infra"), s.join("moved-infra")).unwrap();
    std::os::unix::fs::symlink(&outside, s.join("api/infra")).unwrap();
    commit_all(&s.join("api"));
    let r = sync(&s, &["api", "--allow-dirty"]);
    r.code(2).stderr_has("is a symbolic link");
    assert!(
        fs::read_dir(&outside).unwrap().next().is_none(),
        "nothing written outside"
    );
    let (_, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(status(&doc, "PLAT501"), "fail");
}

#[test]
fn fix_leaves_suppressed_drift_alone() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    drift_prod_service(&s, "api");
    let manifest = s.read("api/platform.yaml");
    fs::write(
        s.join("api/platform.yaml"),
        format!("{manifest}suppressions:\n- check: PLAT500\n  reason: load balancer migration\n"),
    )
    .unwrap();
    commit_all(&s.join("api"));
    let r = doctor(&s, &["api", "--fix"]);
    r.code(0).stderr_has("nothing to fix automatically");
    assert!(s
        .read("api/deploy/k8s/prod/service.yaml")
        .contains("port: 81"));
}

#[test]
fn a_manifest_without_provenance_needs_an_explicit_template() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    let text = s.read("api/platform.yaml");
    let start = text.find("\ntemplate:\n").unwrap();
    let end = start + 1 + text[start + 1..].find("\npipeline:").unwrap();
    fs::write(
        s.join("api/platform.yaml"),
        format!("{}{}", &text[..start + 1], &text[end + 1..]),
    )
    .unwrap();
    commit_all(&s.join("api"));
    let (_, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(status(&doc, "PLAT500"), "skip");
    let (_, doc) = doctor_json(&s, "api", &["--template", "service"]);
    assert_eq!(status(&doc, "PLAT600"), "skip");
    assert!(entries(&doc, "PLAT600")[0]["message"]
        .as_str()
        .unwrap()
        .contains("platform.yaml records no template"));
    // Drift is computed with the template named: the CI files it renders
    // without recorded answers differ, and doctor says so.
    assert_ne!(status(&doc, "PLAT500"), "skip");
    sync(&s, &["api"]).code(2).stderr_has("--template");
}

#[test]
fn a_relative_template_source_is_relative_to_the_service() {
    let s = Scratch::new();
    s.template(
        "tpl",
        "name: tiny\nversion: 1.0.0\nvariables:\n  - name: name\nrules:\n  - paths: [\"ci.yml\"]\n    managed: true\nmanifest:\n  metadata:\n    owner: team-x\n",
        &[("ci.yml", "# {{ managed_header }}\nname: {{ manifest.metadata.name }}\n")],
    );
    let mut cmd = s.plat_with_identity();
    run(cmd.args(["new", "./tpl", "svc", "--no-input"])).code(0);
    let text = s.read("svc/platform.yaml");
    let abs = s.join("tpl").canonicalize().unwrap();
    fs::write(
        s.join("svc/platform.yaml"),
        text.replace(&abs.display().to_string(), "../tpl"),
    )
    .unwrap();
    assert!(s.read("svc/platform.yaml").contains("source: ../tpl"));
    fs::create_dir_all(s.join("elsewhere")).unwrap();
    let mut cmd = s.plat();
    let r = run(cmd
        .current_dir(s.join("elsewhere"))
        .args(["sync", "../svc", "--check"]));
    r.code(0).stderr_has("In step");
}
