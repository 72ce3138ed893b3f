//! What `plat update` refuses, and what it leaves when stopped.

use super::*;

#[test]
fn uncommitted_work_in_a_file_it_would_change_is_refused() {
    let (s, root) = service();
    s.edit("api/untouched.txt", "old text", "old text, not committed");
    let before = files_under(&root);
    update(&s, &[])
        .code(2)
        .stderr_has("untouched.txt")
        .stderr_has("--allow-dirty")
        .stderr_has("nothing was written");
    assert_eq!(files_under(&root), before);
    assert_eq!(s.read("api/untouched.txt"), "old text, not committed\n");
    // Uncommitted work elsewhere does not stop it.
    git(&root, &["checkout", "--", "untouched.txt"]);
    s.write("api/notes.txt", "my notes\n");
    update(&s, &[]).code(0);
    assert_eq!(s.read("api/notes.txt"), "my notes\n");
}

#[test]
fn allow_dirty_merges_uncommitted_edits() {
    let (s, _) = service();
    s.edit("api/app.txt", "one", "ONE, not committed");
    update(&s, &["--allow-dirty"]).code(0);
    assert_eq!(
        s.read("api/app.txt"),
        "ONE, not committed\ntwo\nthree\nfour\nFIVE\n"
    );
}

#[test]
fn an_older_version_is_refused() {
    let (s, root) = service();
    update(&s, &[]).code(0);
    commit_all(&root, "update");
    let before = files_under(&root);
    update(&s, &["--to", "v1.0.0"])
        .code(2)
        .stderr_has("older than the 2.0.0 platform.yaml records");
    assert_eq!(files_under(&root), before);
}

#[test]
fn a_new_variable_without_a_value_is_listed_and_nothing_changes() {
    let s = Scratch::new();
    let dir = s.join("templates");
    super::template_repo(&dir);
    // v3.0.0 asks for a variable with no default.
    let mut v3 = super::v2();
    v3[0].1 = super::definition(
        "3.0.0",
        "  - name: log_level\n    default: info\n  - name: team_channel\n    help: Slack channel of the owning team\n",
    )
    .into_bytes();
    super::commit_version(&dir, &v3, "v3.0.0");
    let source = format!("file://{}//tpl?ref=v2.0.0", dir.display());
    run(s
        .plat_with_identity()
        .args(["new", &source, "api", "--no-input"]))
    .code(0);
    let root = s.join("api");
    let before = files_under(&root);
    update(&s, &["--no-input"])
        .code(2)
        .stderr_has("team_channel (string): Slack channel of the owning team");
    assert_eq!(files_under(&root), before);
    // On a terminal the new variable is asked for, as `plat new` asks.
    #[cfg(unix)]
    {
        let r = crate::prompt::on_terminal(&s, "update api --color never", "#api\r");
        assert_eq!(r.code, 0, "{}", r.stdout);
        assert!(
            r.stdout
                .contains("team_channel (Slack channel of the owning team)"),
            "{}",
            r.stdout
        );
        let doc: serde_yaml::Value = serde_yaml::from_str(&s.read("api/platform.yaml")).unwrap();
        assert_eq!(doc["template"]["answers"]["team_channel"], "#api");
    }
}

#[test]
fn outside_a_service_it_says_where_it_looked() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.join("empty")).unwrap();
    run(s.plat().current_dir(s.join("empty")).arg("update"))
        .code(2)
        .stderr_has("no platform.yaml");
}

/// Ctrl-C in the middle of writing: every file is either as it was or as
/// it will be, platform.yaml still records the old version, and running
/// again finishes the job.
#[cfg(unix)]
#[test]
fn an_interrupted_update_leaves_each_file_whole_and_a_rerun_finishes() {
    const FILES: usize = 4000;
    let s = Scratch::new();
    let dir = s.join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    for (version, text) in [("1.0.0", "v1\n"), ("2.0.0", "v2\n")] {
        let mut files = vec![(
            "template.yaml".to_string(),
            super::definition(version, "").into_bytes(),
        )];
        for i in 0..FILES {
            files.push((format!("files/many/f{i:04}.txt"), text.as_bytes().to_vec()));
        }
        let refs: Vec<(&str, Vec<u8>)> =
            files.iter().map(|(p, b)| (p.as_str(), b.clone())).collect();
        super::commit_version(&dir, &refs, &format!("v{version}"));
    }
    let source = format!("file://{}//tpl?ref=v1.0.0", dir.display());
    run(s
        .plat_with_identity()
        .args(["new", &source, "api", "--no-input"]))
    .code(0);
    let first = s.join("api/many/f0000.txt");
    let child = spawn(
        s.plat_with_identity()
            .current_dir(s.join("api"))
            .arg("update"),
    );
    let start = std::time::Instant::now();
    while std::fs::read_to_string(&first).unwrap_or_default() != "v2\n" {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "no file was written"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let (code, stderr, _) = signal(child, "-INT");
    assert_eq!(code, Some(130), "{stderr}");
    let mut new = 0;
    for i in 0..FILES {
        match s.read(&format!("api/many/f{i:04}.txt")).as_str() {
            "v2\n" => new += 1,
            "v1\n" => {}
            other => panic!("f{i:04}.txt holds {other:?}"),
        }
    }
    assert!(
        new > 0 && new < FILES,
        "{new} of {FILES} written: not caught in the act"
    );
    assert!(s.read("api/platform.yaml").contains("version: 1.0.0"));
    let leftovers: Vec<String> = files_under(&s.join("api"))
        .into_iter()
        .filter(|p| p.contains("plat-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    update(&s, &["--allow-dirty"]).code(0);
    assert!(s.read("api/platform.yaml").contains("version: 2.0.0"));
    assert_eq!(s.read(&format!("api/many/f{:04}.txt", FILES - 1)), "v2\n");
}

/// A secret is not recorded: both versions render it the same, so its
/// lines count as the service's own; a new file that needs it waits for it.
#[test]
fn secrets_stay_local_and_a_new_file_that_needs_one_asks_for_it() {
    let s = Scratch::new();
    let dir = s.join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    let secret = "  - name: token\n    secret: true\n";
    let def = |v: &str| super::definition(v, secret).into_bytes();
    super::commit_version(
        &dir,
        &[
            ("template.yaml", def("1.0.0")),
            (
                "files/app.env",
                b"TOKEN={{ token }}\n\n[app]\nname = api\n\nMODE=dev\n".to_vec(),
            ),
        ],
        "v1.0.0",
    );
    super::commit_version(
        &dir,
        &[
            ("template.yaml", def("2.0.0")),
            (
                "files/app.env",
                b"TOKEN={{ token }}\n\n[app]\nname = api\n\nMODE=prod\n".to_vec(),
            ),
        ],
        "v2.0.0",
    );
    super::commit_version(
        &dir,
        &[
            ("template.yaml", def("3.0.0")),
            (
                "files/app.env",
                b"TOKEN={{ token }}\n\n[app]\nname = api\n\nMODE=prod\n".to_vec(),
            ),
            ("files/extra.env", b"TOKEN2={{ token }}\n".to_vec()),
        ],
        "v3.0.0",
    );
    let source = format!("file://{}//tpl?ref=v1.0.0", dir.display());
    run(s
        .plat_with_identity()
        .args(["new", &source, "api", "--no-input", "--set", "token=abc"]))
    .code(0);
    assert!(!s.read("api/platform.yaml").contains("abc"));
    update(&s, &["--to", "v2.0.0"]).code(0);
    assert_eq!(
        s.read("api/app.env"),
        "TOKEN=abc\n\n[app]\nname = api\n\nMODE=prod\n"
    );
    commit_all(&s.join("api"), "2.0.0");
    update(&s, &[])
        .code(2)
        .stderr_has("token (in extra.env)")
        .stderr_has("nothing was written");
    assert!(!s.join("api/extra.env").exists());
    update(&s, &["--set", "token=abc"]).code(0);
    assert_eq!(s.read("api/extra.env"), "TOKEN2=abc\n");
    assert_eq!(
        s.read("api/app.env"),
        "TOKEN=abc\n\n[app]\nname = api\n\nMODE=prod\n"
    );
    assert!(!s.read("api/platform.yaml").contains("abc"));
}

/// A template directory holds only its current version: without the base,
/// every difference between the disk and the new version is a conflict,
/// and plat says why.
#[test]
fn without_the_base_every_difference_is_a_conflict_and_plat_says_so() {
    let s = Scratch::new();
    let yaml = |v: &str| super::definition(v, "");
    let t = s.template(
        "tpl",
        &yaml("1.0.0"),
        &[
            ("a.txt", "one\ntwo\nthree\nfour\nfive\nsix\n"),
            ("same.txt", "same\n"),
        ],
    );
    run(s
        .plat_with_identity()
        .args(["new", &t, "api", "--no-input"]))
    .code(0);
    s.edit("api/a.txt", "one", "ONE (ours)");
    commit_all(&s.join("api"), "ours");
    s.write("tpl/template.yaml", &yaml("2.0.0"));
    s.write("tpl/files/a.txt", "one\ntwo\nthree\nfour\nfive\nSIX\n");
    let out = update(&s, &[]);
    out.code(1)
        .stderr_has("cannot be had")
        .stderr_has("merged two ways");
    assert_eq!(
        s.read("api/a.txt"),
        "<<<<<<< ours\nONE (ours)\n=======\none\n>>>>>>> template svc 2.0.0\ntwo\nthree\nfour\nfive\n<<<<<<< ours\nsix\n=======\nSIX\n>>>>>>> template svc 2.0.0\n"
    );
    assert_eq!(s.read("api/same.txt"), "same\n");
}
