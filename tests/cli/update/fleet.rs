//! `plat update --all DIR`: every service under a directory, one commit
//! per repository on a new branch, dirty repositories left alone.

use super::*;

/// `fleet/` with three repositories: `a` (one service), `b` (one service,
/// an uncommitted file), `mono` (two services). All made from v1.0.0.
fn fleet() -> Scratch {
    let s = Scratch::new();
    let source = template_repo(&s.join("templates"));
    for (repo, services) in [
        ("a", &["."][..]),
        ("b", &["."]),
        ("mono", &["svc/x", "svc/y"]),
    ] {
        let dir = s.join(&format!("fleet/{repo}"));
        for svc in services {
            let out = dir.join(svc);
            run(s.plat_with_identity().args([
                "new",
                &source,
                "api",
                "--no-input",
                "--no-git",
                "--output",
                out.to_str().unwrap(),
            ]))
            .code(0);
        }
        git(&dir, &["init", "-q", "-b", "main"]);
        s.write(&format!("fleet/{repo}/OWNERS"), "platform\n");
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-q", "-m", "services"]);
    }
    s.write("fleet/b/scratch-notes.txt", "not committed\n");
    s
}

fn all(s: &Scratch, args: &[&str]) -> Run {
    run(s
        .plat_with_identity()
        .args(["update", "--all", "fleet"])
        .args(args))
}

#[test]
fn check_lists_every_service_and_writes_nothing() {
    let s = fleet();
    let before = files_under(&s.join("fleet"));
    let out = all(&s, &["--check"]);
    out.code(1);
    for path in ["a", "b", "mono/svc/x", "mono/svc/y"] {
        assert!(
            out.stdout
                .contains(&format!("available   {path}  svc 1.0.0")),
            "{path}: {}",
            out.stdout
        );
    }
    assert_eq!(files_under(&s.join("fleet")), before);
}

#[test]
fn one_commit_per_repository_on_a_new_branch_and_dirty_ones_skipped() {
    let s = fleet();
    let out = all(
        &s,
        &["--branch", "plat-update", "--commit", "--format", "json"],
    );
    out.code(1); // b was skipped
    let report = out.json();
    let status = |path: &str| {
        report["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["path"] == path)
            .unwrap_or_else(|| panic!("{path}: {report:#}"))
            .clone()
    };
    assert_eq!(status("a")["status"], "updated");
    assert_eq!(status("mono/svc/x")["status"], "updated");
    assert_eq!(status("mono/svc/y")["status"], "updated");
    let b = status("b");
    assert_eq!(b["status"], "skipped");
    assert!(
        b["reason"]
            .as_str()
            .unwrap()
            .contains("uncommitted changes (scratch-notes.txt)"),
        "{b}"
    );
    for repo in ["a", "mono"] {
        let dir = s.join(&format!("fleet/{repo}"));
        assert_eq!(git(&dir, &["branch", "--show-current"]), "plat-update");
        assert_eq!(git(&dir, &["status", "--porcelain"]), "", "{repo} is clean");
        assert_eq!(
            git(&dir, &["rev-list", "--count", "main..plat-update"]),
            "1"
        );
        let subject = git(&dir, &["log", "-1", "--format=%s"]);
        assert!(subject.starts_with("plat update: "), "{subject}");
    }
    // Both services of the monorepo are in its one commit.
    let changed = git(
        &s.join("fleet/mono"),
        &["show", "--name-only", "--format=", "HEAD"],
    );
    assert!(
        changed.contains("svc/x/untouched.txt") && changed.contains("svc/y/untouched.txt"),
        "{changed}"
    );
    assert_eq!(s.read("fleet/a/untouched.txt"), "new text\n");
    // b: not touched at all.
    let b = s.join("fleet/b");
    assert_eq!(git(&b, &["branch", "--show-current"]), "main");
    assert_eq!(s.read("fleet/b/untouched.txt"), "old text\n");
    assert_eq!(git(&b, &["status", "--porcelain"]), "?? scratch-notes.txt");
}

#[test]
fn updating_the_fleet_twice_finds_it_up_to_date() {
    let s = fleet();
    std::fs::remove_file(s.join("fleet/b/scratch-notes.txt")).unwrap();
    all(&s, &[]).code(0).stderr_has("4 updated");
    for repo in ["a", "b", "mono"] {
        let dir = s.join(&format!("fleet/{repo}"));
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-q", "-m", "update"]);
    }
    let out = all(&s, &[]);
    out.code(0).stderr_has("4 up to date");
    assert!(
        out.stdout.contains("up-to-date  mono/svc/y  svc 2.0.0"),
        "{}",
        out.stdout
    );
}
