//! Template repositories for the git-source tests, made with the `git`
//! command line (the tests' independent witness, never plat itself).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs git in `dir` with a fixed identity and clock; panics on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Platform Team")
        .env("GIT_AUTHOR_EMAIL", "platform@example.com")
        .env("GIT_COMMITTER_NAME", "Platform Team")
        .env("GIT_COMMITTER_EMAIL", "platform@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("running git");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The `service` template of the catalogue at `version`: one variable, a
/// managed CI file and a README that says which version made it.
pub fn service_template(version: &str) -> Vec<(String, String)> {
    vec![
        (
            "service/template.yaml".into(),
            format!(
                "name: service\nversion: {version}\ndescription: The acme service\nvariables:\n  - name: name\nrules:\n  - paths: [\"ci.yml\"]\n    managed: true\nmanifest:\n  metadata:\n    owner: team-acme\n"
            ),
        ),
        (
            "service/files/README.md".into(),
            format!("# {{{{ name }}}}\n\nMade from acme service {version}.\n"),
        ),
        (
            "service/files/ci.yml".into(),
            "# {{ managed_header }}\nname: {{ manifest.metadata.name }}\n".into(),
        ),
    ]
}

/// A second template in the same repository.
pub fn worker_template() -> Vec<(String, String)> {
    vec![
        (
            "worker/template.yaml".into(),
            "name: worker\nversion: 0.3.0\nvariables:\n  - name: name\nmanifest:\n  metadata:\n    owner: team-acme\n".into(),
        ),
        ("worker/files/main.txt".into(), "worker {{ name }}\n".into()),
    ]
}

/// A catalogue: a work tree at `<dir>/work` and its bare clone at
/// `<dir>/<name>.git` (what servers serve). History: `v1.0.0` (service
/// 1.0.0), `v1.1.0` (service 1.1.0, plus worker), then one more commit on
/// `main` after the last tag (service 1.2.0-dev).
pub struct Catalogue {
    pub work: PathBuf,
    pub bare: PathBuf,
}

impl Catalogue {
    pub fn new(dir: &Path, name: &str) -> Catalogue {
        let work = dir.join("work");
        fs::create_dir_all(&work).unwrap();
        git(&work, &["init", "-q", "-b", "main"]);
        let c = Catalogue {
            bare: dir.join(format!("{name}.git")),
            work,
        };
        c.commit(&service_template("1.0.0"), "service 1.0.0");
        c.tag("v1.0.0");
        let mut both = service_template("1.1.0");
        both.extend(worker_template());
        c.commit(&both, "service 1.1.0, worker");
        c.tag("v1.1.0");
        c.commit(&service_template("1.2.0-dev"), "service 1.2.0-dev");
        git(
            dir,
            &["clone", "-q", "--bare", "work", &format!("{name}.git")],
        );
        c
    }

    /// Writes `files` into the work tree and commits them.
    pub fn commit(&self, files: &[(String, String)], message: &str) {
        for (path, text) in files {
            let p = self.work.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        git(&self.work, &["add", "-A"]);
        git(&self.work, &["commit", "-q", "-m", message]);
    }

    pub fn tag(&self, tag: &str) {
        git(&self.work, &["tag", tag]);
    }

    /// Pushes the work tree's branches and tags to the bare repository.
    pub fn publish(&self) {
        git(
            &self.work,
            &["push", "-q", "--tags", &self.bare.to_string_lossy(), "main"],
        );
    }

    /// The commit `rev` names in the bare repository.
    pub fn rev(&self, rev: &str) -> String {
        git(&self.bare, &["rev-parse", &format!("{rev}^{{commit}}")])
    }

    /// `file://` URL of the bare repository.
    pub fn file_url(&self) -> String {
        format!("file://{}", self.bare.display())
    }
}
