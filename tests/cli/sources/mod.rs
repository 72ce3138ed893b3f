//! Templates from git: file://, git daemon, smart HTTP and ssh sources,
//! pinning, the cache and working offline. Helpers shared by the modules
//! below.

use std::path::PathBuf;

pub(crate) use crate::servers::{self, repo::Catalogue};
pub(crate) use crate::support::*;

mod cache;
mod content;
mod http;
mod network;
mod pinning;
mod ssh;
mod upstream;

/// A scratch directory with the acme catalogue at `remote/acme.git`.
pub fn catalogue() -> (Scratch, Catalogue) {
    let s = Scratch::new();
    let cat = Catalogue::new(&s.join("remote"), "acme");
    (s, cat)
}

/// plat's cache directory for scratch runs (XDG_CACHE_HOME is set there).
pub fn cache_dir(s: &Scratch) -> PathBuf {
    s.join(".home/.cache/plat/git")
}

pub fn new_from(s: &Scratch, source: &str, name: &str) -> Run {
    run(s
        .plat_with_identity()
        .args(["new", source, name, "--no-input"]))
}

/// The `template:` section of a project's platform.yaml.
pub fn provenance(s: &Scratch, project: &str) -> serde_yaml::Value {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&s.read(&format!("{project}/platform.yaml"))).unwrap();
    doc["template"].clone()
}

/// Runs `plat new SOURCE NAME` for every name at once; all must succeed.
pub fn all_at_once(s: &Scratch, source: &str, names: &[&str]) {
    let children: Vec<_> = names
        .iter()
        .map(|name| {
            s.plat_with_identity()
                .args(["new", source, name, "--no-input", "--no-git"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// plat's config with an alias and catalogues, in the scratch home.
pub fn config(s: &Scratch, cat: &Catalogue) {
    s.write(
        ".home/.config/plat/config.yaml",
        &format!(
            "sources:\n  acme: {}\ncatalogs:\n  - acme\n  - ./local\n",
            cat.file_url()
        ),
    );
    s.template(
        ".home/.config/plat/local/lib",
        "name: lib\nversion: 0.1.0\ndescription: a library\n",
        &[("x.txt", "x\n")],
    );
}

/// PLAT602's status and message in a JSON doctor report of `dir`.
pub fn upstream(s: &Scratch, dir: &str, extra: &[&str]) -> (String, String) {
    let (_, doc) = crate::doctor::doctor_json(s, dir, extra);
    let f = crate::doctor::entries(&doc, "PLAT602")[0].clone();
    (
        f["status"].as_str().unwrap().to_string(),
        f["message"].as_str().unwrap_or_default().to_string(),
    )
}

/// A megabyte of text that compresses poorly: a fetch worth a progress bar.
pub fn noise() -> String {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..64 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            format!("{x:016x}")
        })
        .collect()
}
