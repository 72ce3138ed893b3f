//! `plat update`: a service made from one version of a template moves to
//! the next without losing a local change. The template lives in a local
//! git repository with two tags; every per-file case is one file of it.

use std::path::{Path, PathBuf};

pub(crate) use crate::servers::repo::git;
pub(crate) use crate::support::*;

mod builtin;
mod cases;
mod fleet;
mod safety;

/// template.yaml at `version`, with `extra` variables.
fn definition(version: &str, extra: &str) -> String {
    format!(
        "name: svc\nversion: {version}\nvariables:\n  - name: name\n  - name: port\n    type: integer\n    default: 8080\n{extra}rules:\n  - paths: [\"ci.yml\"]\n    managed: true\nmanifest:\n  metadata:\n    owner: team-svc\n"
    )
}

/// Every file of version 1.0.0 (paths under the template's root).
fn v1() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("template.yaml", definition("1.0.0", "").into_bytes()),
        ("files/app.txt", b"one\ntwo\nthree\nfour\nfive\n".to_vec()),
        (
            "files/config.txt",
            b"port = {{ port }}\nmode = dev\n".to_vec(),
        ),
        ("files/stable.txt", b"stable\n".to_vec()),
        ("files/untouched.txt", b"old text\n".to_vec()),
        ("files/obsolete.txt", b"obsolete\n".to_vec()),
        ("files/edited-obsolete.txt", b"obsolete too\n".to_vec()),
        ("files/gone-locally.txt", b"version 1\n".to_vec()),
        ("files/RUNBOOK.md", b"# Runbook\n\nRestart it.\n".to_vec()),
        (
            "files/docs/OLD-guide.md",
            b"# Guide\n\nStep one.\n\nStep two.\n".to_vec(),
        ),
        ("files/logo.bin", b"\x89PNG\0one".to_vec()),
        (
            "files/ci.yml",
            b"# {{ managed_header }}\nname: {{ manifest.metadata.name }}\n".to_vec(),
        ),
    ]
}

/// Version 2.0.0: each file of 1.0.0 changed as its name says, one added
/// (using a new variable), the runbook moved with the same content.
fn v2() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "template.yaml",
            (definition(
                "2.0.0",
                "  - name: log_level\n    type: choice\n    choices: [debug, info]\n    default: info\n",
            ) + "renamed:\n  - from: docs/OLD-guide.md\n    to: docs/guide.md\n")
                .into_bytes(),
        ),
        ("files/app.txt", b"one\ntwo\nthree\nfour\nFIVE\n".to_vec()),
        ("files/config.txt", b"port = {{ port }}\nmode = production\n".to_vec()),
        ("files/stable.txt", b"stable\n".to_vec()),
        ("files/untouched.txt", b"new text\n".to_vec()),
        ("files/gone-locally.txt", b"version 2\n".to_vec()),
        ("files/docs/runbook.md", b"# Runbook\n\nRestart it.\n".to_vec()),
        ("files/docs/guide.md", b"# Guide\n\nStep one.\n\nStep two, then three.\n".to_vec()),
        ("files/logo.bin", b"\x89PNG\0two".to_vec()),
        ("files/added.txt", b"log level {{ log_level }}\n".to_vec()),
        (
            "files/ci.yml",
            b"# {{ managed_header }}\nname: {{ manifest.metadata.name }}\nversion: 2\n".to_vec(),
        ),
    ]
}

/// A git repository at `dir` holding the template under `tpl/`, with
/// tags v1.0.0 and v2.0.0. Returns its `file://` source for v1.0.0.
fn template_repo(dir: &Path) -> String {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    commit_version(dir, &v1(), "v1.0.0");
    commit_version(dir, &v2(), "v2.0.0");
    format!("file://{}//tpl?ref=v1.0.0", dir.display())
}

fn commit_version(dir: &Path, files: &[(&str, Vec<u8>)], tag: &str) {
    let root = dir.join("tpl");
    let _ = std::fs::remove_dir_all(&root);
    for (path, bytes) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", tag]);
    git(dir, &["tag", tag]);
}

/// A scratch directory with the template repository and a service `api`
/// made from v1.0.0, committed.
fn service() -> (Scratch, PathBuf) {
    service_in(Layout::Standalone)
}

/// Where the service lives: its own repository, or a directory of a
/// monorepo (the scratch directory itself, with other files).
#[derive(Clone, Copy)]
enum Layout {
    Standalone,
    Monorepo,
}

fn service_in(layout: Layout) -> (Scratch, PathBuf) {
    let s = Scratch::new();
    let source = template_repo(&s.join("templates"));
    if let Layout::Monorepo = layout {
        git(s.path(), &["init", "-q", "-b", "main"]);
        s.write(".gitignore", "templates/\n.home/\n");
        s.write("README.md", "# every service we run\n");
    }
    run(plat(&s).args(["new", &source, "api", "--no-input"])).code(0);
    if let Layout::Monorepo = layout {
        commit_all(s.path(), "the monorepo");
    }
    let root = s.join("api");
    (s, root)
}

/// Commits everything in the service's repository.
fn commit_all(root: &Path, message: &str) {
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", message]);
}

/// The local edits every case test starts from, committed.
fn edit_locally(s: &Scratch) {
    s.edit("api/app.txt", "one\n", "ONE (ours)\n");
    s.edit("api/config.txt", "mode = dev", "mode = staging");
    s.edit("api/stable.txt", "stable", "stable, edited by us");
    s.edit(
        "api/edited-obsolete.txt",
        "obsolete too",
        "obsolete too, but ours",
    );
    std::fs::remove_file(s.join("api/gone-locally.txt")).unwrap();
    s.edit(
        "api/RUNBOOK.md",
        "Restart it.",
        "Restart it. Then page #oncall.",
    );
    s.edit("api/docs/OLD-guide.md", "# Guide", "# Our guide");
    std::fs::write(s.join("api/logo.bin"), b"\x89PNG\0ours").unwrap();
    commit_all(&s.join("api"), "local edits");
}

/// plat, allowed to find a repository at the scratch directory itself
/// (the monorepo layout).
fn plat(s: &Scratch) -> std::process::Command {
    let mut cmd = s.plat_with_identity();
    cmd.env("GIT_CEILING_DIRECTORIES", s.path().parent().unwrap());
    cmd
}

fn update(s: &Scratch, args: &[&str]) -> Run {
    run(plat(s).current_dir(s.join("api")).arg("update").args(args))
}
