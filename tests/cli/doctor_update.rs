//! `plat doctor` around `plat update`: PLAT600 points to it when the
//! service is behind its template, and PLAT603 finds what it leaves for
//! people to finish (conflict markers, `.plat-new` files).

use std::fs;

use crate::doctor::{
    assert_valid, doctor, doctor_json, entries, failed_ids, failures, sarif_schema, service, status,
};
use crate::support::Scratch;

/// A diff3 conflict block as `plat update` writes it.
const CONFLICT: &str = "<<<<<<< ours\nfn local() {}\n||||||| base\n=======\nfn template() {}\n>>>>>>> template 0.3.0\n";

/// The template version a new service records.
fn recorded_version(s: &Scratch, svc: &str) -> String {
    let manifest: serde_yaml::Value =
        serde_yaml::from_str(&s.read(&format!("{svc}/platform.yaml"))).unwrap();
    manifest["template"]["version"]
        .as_str()
        .expect("template.version")
        .to_string()
}

#[test]
fn an_older_template_version_points_to_plat_update() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    let current = recorded_version(&s, "api");
    assert_ne!(current, "0.1.0");
    s.edit(
        "api/platform.yaml",
        &format!("  version: {current}"),
        "  version: 0.1.0",
    );
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 0, "a warning does not fail the run");
    let f = &entries(&doc, "PLAT600")[0];
    assert_eq!(f["status"], "fail");
    assert_eq!(f["severity"], "warning");
    assert_eq!(
        f["message"],
        format!("platform.yaml records template service 0.1.0; {current} is available")
    );
    assert_eq!(
        f["remediation"],
        format!(
            "run `plat update` to bring the whole service to {current}, keeping your edits; `plat sync` / `plat doctor --fix` only re-renders the managed files"
        )
    );
    // `--fix` still records the newer version, as sync does.
    assert_eq!(f["fixable"], true);
    doctor(&s, &["api"])
        .code(0)
        .stdout_has("fix: run `plat update` to bring the whole service to");
}

#[test]
fn a_clean_service_has_no_leftovers() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    // A heading underline is not a conflict, nor markers in an ignored file.
    s.write("api/docs/guide.md", "Guide\n=======\n\nText.\n");
    s.write("api/docs/guide.rst", "Guide\n=======\n\n>>>>>>> quoted\n");
    s.write("api/.env", CONFLICT);
    s.write("api/target/debug/out.rs", CONFLICT);
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 0, "{:?}", failed_ids(&doc));
    assert_eq!(status(&doc, "PLAT603"), "pass");
    let msg = entries(&doc, "PLAT603")[0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("no conflict markers or .plat-new files"),
        "{msg}"
    );
}

#[test]
fn conflict_blocks_fail_at_their_first_line() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    let main = s.read("api/src/main.rs");
    let start = main.lines().count() + 2;
    s.write(
        "api/src/main.rs",
        &format!("{main}\n{CONFLICT}\n{}", CONFLICT.replace(" ours", "")),
    );
    // A block left open, and one out of order, are text.
    s.write(
        "api/docs/notes.md",
        "Notes\n=======\n<<<<<<< unfinished\n\n>>>>>>> x\n",
    );

    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 1, "an error fails the run");
    assert_eq!(failed_ids(&doc), ["PLAT603"]);
    let found = entries(&doc, "PLAT603");
    assert_eq!(found.len(), 2, "{found:#?}");
    for (f, at) in found.iter().zip([start, start + 7]) {
        assert_eq!(f["status"], "fail");
        assert_eq!(f["severity"], "error");
        assert_eq!(f["fixable"], false);
        assert_eq!(f["location"]["path"], "src/main.rs");
        assert_eq!(f["location"]["line"], at);
        assert_eq!(
            f["message"],
            format!(
                "src/main.rs has an unresolved merge conflict, lines {at} to {}",
                at + 5
            )
        );
        let fix = f["remediation"].as_str().unwrap();
        assert!(
            fix.contains("remove the `<<<<<<<`") && fix.contains("`git diff`"),
            "{fix}"
        );
        assert!(fix.ends_with("then run plat doctor again"), "{fix}");
    }
    let r = doctor(&s, &["api"]);
    r.code(1)
        .stdout_has(&format!("--> src/main.rs:{start}"))
        .stdout_has("PLAT603 error src/main.rs has an unresolved merge conflict");

    // `--fix` cannot resolve a conflict: the run still fails.
    doctor(&s, &["api", "--fix"])
        .code(1)
        .stderr_has("nothing to fix automatically");

    // SARIF points at the line; the report stays valid.
    let r = doctor(&s, &["api", "--format", "sarif"]);
    let sarif = r.json();
    assert_valid(&sarif_schema(), &sarif);
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "PLAT603");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        start
    );

    s.write("api/src/main.rs", &main);
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 0);
    assert_eq!(status(&doc, "PLAT603"), "pass");
}

#[test]
fn plat_new_files_are_reported_whatever_they_hold() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    fs::write(s.join("api/src/logo.png"), b"\x89PNG\r\n\x1a\n\x00old").unwrap();
    fs::write(
        s.join("api/src/logo.png.plat-new"),
        b"\x89PNG\r\n\x1a\n\x00new",
    )
    .unwrap();
    // Markers in a file that is not UTF-8 text are not searched.
    fs::write(
        s.join("api/src/blob.bin"),
        [CONFLICT.as_bytes(), b"\xff"].concat(),
    )
    .unwrap();

    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 1);
    let found = entries(&doc, "PLAT603");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0]["message"],
        "src/logo.png.plat-new holds the template's new version of src/logo.png, which plat update could not merge (binary or not UTF-8)"
    );
    assert_eq!(
        found[0]["remediation"],
        "compare the two, keep what you want in src/logo.png, delete src/logo.png.plat-new, then run plat doctor again"
    );
    assert_eq!(found[0]["location"]["path"], "src/logo.png.plat-new");
    assert_eq!(found[0]["severity"], "error");

    doctor(&s, &["api", "--format", "markdown"])
        .code(1)
        .stdout_has("`PLAT603` update-leftovers | `src/logo.png.plat-new` |");
}

#[test]
fn a_conflict_in_platform_yaml_is_found_while_the_manifest_fails() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.edit(
        "api/platform.yaml",
        "  owner: team-api\n",
        "<<<<<<< ours\n  owner: team-payments\n||||||| base\n  owner: team-api\n=======\n  owner: team-api\n>>>>>>> template 0.3.0\n",
    );
    let line = s
        .read("api/platform.yaml")
        .lines()
        .position(|l| l.starts_with("<<<<<<<"))
        .unwrap()
        + 1;
    let (code, doc) = doctor_json(&s, "api", &[]);
    assert_eq!(code, 1);
    assert_eq!(failed_ids(&doc), ["PLAT101", "PLAT603"]);
    assert!(failures(&doc, "PLAT101")[0].contains("does not parse"));
    let f = &entries(&doc, "PLAT603")[0];
    assert_eq!(f["location"]["path"], "platform.yaml");
    assert_eq!(f["location"]["line"], line);
    assert_eq!(
        f["message"],
        format!(
            "platform.yaml has an unresolved merge conflict, lines {line} to {}",
            line + 6
        )
    );
    // The checks that need the manifest wait for it.
    assert_eq!(status(&doc, "PLAT500"), "skip");
    assert_eq!(status(&doc, "PLAT600"), "skip");
}
