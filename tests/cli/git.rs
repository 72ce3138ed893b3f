//! The new repository, checked by opening it with git2.

use crate::support::*;
use git2::{Repository, StatusOptions};

#[test]
fn first_commit_on_main_holds_every_file_and_names_the_template() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s
        .plat_with_identity()
        .args(["new", &t, "api", "--no-input"]))
    .code(0);
    let repo = Repository::open(s.join("api")).unwrap();
    let head = repo.head().unwrap();
    assert_eq!(head.shorthand().ok(), Some("main"));
    let commit = head.peel_to_commit().unwrap();
    assert_eq!(commit.parent_count(), 0);
    assert!(
        commit.message().unwrap().contains("sink 1.2.3"),
        "{:?}",
        commit.message()
    );
    assert_eq!(commit.author().name().ok(), Some("Ada Lovelace"));
    assert_eq!(commit.author().email().ok(), Some("ada@example.com"));
    let mut paths = Vec::new();
    commit
        .tree()
        .unwrap()
        .walk(git2::TreeWalkMode::PreOrder, |dir, e| {
            if e.kind() == Some(git2::ObjectType::Blob) {
                paths.push(format!("{dir}{}", e.name().unwrap()));
            }
            git2::TreeWalkResult::Ok
        })
        .unwrap();
    paths.sort();
    assert_eq!(paths, s.tree("api"));
    let mut opts = StatusOptions::new();
    opts.include_untracked(true);
    assert!(
        repo.statuses(Some(&mut opts)).unwrap().is_empty(),
        "work tree not clean"
    );
}

#[test]
fn executable_bit_is_committed() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[("run.sh", "#!/bin/sh\n")],
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            s.join("t/files/run.sh"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    run(s
        .plat_with_identity()
        .args(["new", &t, "api", "--no-input"]))
    .code(0);
    let repo = Repository::open(s.join("api")).unwrap();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    assert_eq!(tree.get_name("run.sh").unwrap().filemode(), 0o100755);
}

#[test]
fn branch_flag_names_the_initial_branch() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s
        .plat_with_identity()
        .args(["new", &t, "api", "--no-input", "--branch", "trunk"]))
    .code(0);
    let repo = Repository::open(s.join("api")).unwrap();
    assert_eq!(repo.head().unwrap().shorthand().ok(), Some("trunk"));
}

#[test]
fn invalid_branch_is_refused_before_anything_is_written() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s
        .plat_with_identity()
        .args(["new", &t, "api", "--no-input", "--branch", "bad..name"]))
    .code(2)
    .stderr_has("not a valid git branch name");
    assert_eq!(s.entries(), ["t"]);
}

#[test]
fn identity_from_git_config_is_used() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write(
        ".home/.gitconfig",
        "[user]\n\tname = Grace Hopper\n\temail = grace@example.com\n",
    );
    run(s.plat().args(["new", &t, "api", "--no-input"])).code(0);
    let repo = Repository::open(s.join("api")).unwrap();
    let commit = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(commit.author().name().ok(), Some("Grace Hopper"));
    assert_eq!(commit.committer().email().ok(), Some("grace@example.com"));
}

/// The identity is found in git's order: the environment, then
/// `author.*`/`committer.*`, then `user.*`, and `EMAIL` only when no
/// address is configured.
#[test]
fn identity_follows_gits_order() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write(
        ".home/.gitconfig",
        "[user]\n\tname = Grace Hopper\n\temail = grace@example.com\n[author]\n\tname = Ada Author\n",
    );
    let head = |dir: &str| {
        let repo = Repository::open(s.join(dir)).unwrap();
        let c = repo.head().unwrap().peel_to_commit().unwrap();
        let who =
            |sig: git2::Signature| format!("{} <{}>", sig.name().unwrap(), sig.email().unwrap());
        (who(c.author()), who(c.committer()))
    };
    run(s
        .plat()
        .env("EMAIL", "env@example.com")
        .args(["new", &t, "a", "--no-input"]))
    .code(0);
    assert_eq!(
        head("a"),
        (
            "Ada Author <grace@example.com>".to_string(),
            "Grace Hopper <grace@example.com>".to_string()
        ),
        "user.email wins over EMAIL; author.name over user.name for the author"
    );
    run(s
        .plat()
        .env("GIT_COMMITTER_EMAIL", "c@example.com")
        .args(["new", &t, "b", "--no-input"]))
    .code(0);
    assert_eq!(head("b").1, "Grace Hopper <c@example.com>");
    s.write(".home/.gitconfig", "[user]\n\tname = Grace Hopper\n");
    run(s
        .plat()
        .env("EMAIL", "env@example.com")
        .args(["new", &t, "c", "--no-input"]))
    .code(0);
    assert_eq!(head("c").0, "Grace Hopper <env@example.com>");
}

#[test]
fn without_identity_the_repository_is_created_staged_and_uncommitted() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    let r = run(s
        .plat()
        .args(["new", &t, "api", "--no-input", "--format", "json"]));
    r.code(0)
        .stderr_has("made no commit: no git identity")
        .stderr_has("git config --global user.name");
    assert_eq!(r.json()["git"]["status"], "no-identity");
    assert!(r.json()["git"].get("commit").is_none());
    let repo = Repository::open(s.join("api")).unwrap();
    assert!(repo.head().is_err(), "HEAD should be unborn");
    assert_eq!(repo.index().unwrap().len(), s.tree("api").len());
}

#[test]
fn inside_an_existing_repository_no_repository_is_nested() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    Repository::init(s.join("mono")).unwrap();
    let r = run(s.plat_with_identity().args([
        "new",
        &t,
        "api",
        "--no-input",
        "--output",
        "mono/services/api",
    ]));
    r.code(0).stderr_has("inside the git repository");
    assert!(!s.join("mono/services/api/.git").exists());
    let repo = Repository::open(s.join("mono")).unwrap();
    assert!(
        repo.index().unwrap().is_empty(),
        "nothing may be added to the enclosing repository"
    );
}

#[test]
fn no_git_skips_the_repository() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    run(s
        .plat_with_identity()
        .args(["new", &t, "api", "--no-input", "--no-git"]))
    .code(0);
    assert!(!s.join("api/.git").exists());
    assert!(s.join("api/README.md").exists());
}

#[test]
fn force_into_a_plain_directory_commits_only_template_files() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    s.write("api/private.txt", "not for git\n");
    run(s
        .plat_with_identity()
        .args(["new", &t, "api", "--no-input", "--force"]))
    .code(0);
    let repo = Repository::open(s.join("api")).unwrap();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    assert!(tree.get_name("README.md").is_some());
    assert!(tree.get_name("private.txt").is_none());
}

#[test]
fn a_project_too_big_for_one_pack_is_committed_whole_and_clean() {
    let s = Scratch::new();
    let big = "x".repeat(900 * 1024);
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n",
        &[
            ("a.txt", &big),
            ("b.txt", &big),
            ("c/d.txt", &big),
            ("e.txt", "small"),
        ],
    );
    run(s
        .plat_with_identity()
        .args(["new", &t, "api", "--no-input"]))
    .code(0);
    let repo = Repository::open(s.join("api")).unwrap();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    let blob = tree
        .get_path(std::path::Path::new("c/d.txt"))
        .unwrap()
        .to_object(&repo)
        .unwrap();
    assert_eq!(blob.as_blob().unwrap().content().len(), 900 * 1024);
    assert!(tree.get_name("e.txt").is_some());
    let mut opts = StatusOptions::new();
    opts.include_untracked(true);
    assert!(
        repo.statuses(Some(&mut opts)).unwrap().is_empty(),
        "work tree not clean"
    );
}

/// The repository plat writes is one git itself accepts: `git fsck
/// --strict` finds nothing wrong, and the work tree is clean.
#[test]
fn git_itself_finds_the_new_repository_sound_and_clean() {
    let s = Scratch::new();
    run(s.plat_with_identity().args([
        "new",
        "service",
        "api",
        "--no-input",
        "--set",
        "language=go",
    ]))
    .code(0);
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(s.join("api"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", s.join(".home"))
            .args(args)
            .output()
            .expect("git is installed (scripts/test installs it)");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["fsck", "--full", "--strict", "--no-dangling"]);
    assert_eq!(git(&["status", "--porcelain", "--untracked-files=all"]), "");
    let files = git(&["ls-files"]);
    assert_eq!(files.lines().count(), s.tree("api").len());
    assert_eq!(
        git(&["log", "--format=%an <%ae>|%s"]).trim(),
        format!(
            "Ada Lovelace <ada@example.com>|Initial commit from plat template service {}",
            service_version()
        )
    );
    assert!(git(&["reflog", "--format=%gs"]).contains("commit (initial): Initial commit"));
}
