//! `plat doctor` around `plat update`: PLAT600 points to it when the
//! service is behind its template.

use crate::doctor::{doctor, doctor_json, entries, service};
use crate::support::Scratch;

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
