//! `plat completions SHELL` (dynamic: template names and `--set` variables
//! from plat as the user types) and `plat man DIR`: generated from the clap
//! tree, so every command and flag is there.

use crate::support::*;

/// What the shell offers for the last of `words` (the word under the
/// cursor), asked the way bash's registration script asks: `COMPLETE=bash`,
/// the index of the current word, the words after `--`.
fn complete(s: &Scratch, words: &[&str]) -> (Vec<String>, Run) {
    let out = run(s
        .plat()
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(words));
    let lines = out.stdout.lines().map(str::to_string).collect();
    (lines, out)
}

fn has(candidates: &[String], want: &[&str]) {
    for w in want {
        assert!(
            candidates.iter().any(|c| c == w),
            "{w} not in {candidates:?}"
        );
    }
}

#[test]
fn template_names_complete_from_the_builtins_and_the_catalogues() {
    let s = Scratch::new();
    s.template("catalog/alpha", "name: alpha\nversion: 0.1.0\n", &[]);
    s.template("catalog/beta", "name: beta\nversion: 0.1.0\n", &[]);
    let catalog = s.join("catalog").display().to_string();
    s.write(
        ".home/.config/plat/config.yaml",
        &format!("catalogs:\n  - {catalog}\n"),
    );
    let (names, out) = complete(&s, &["plat", "new", ""]);
    out.code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    has(
        &names,
        &[
            "service",
            &format!("{catalog}/alpha"),
            &format!("{catalog}/beta"),
        ],
    );
    let (names, _) = complete(&s, &["plat", "templates", "show", "ser"]);
    assert_eq!(names, ["service"]);
    let (names, _) = complete(&s, &["plat", "template", "lint", "ser"]);
    assert_eq!(names, ["service"]);
    // A word that starts like a path completes paths.
    let (names, _) = complete(&s, &["plat", "new", "./cat"]);
    assert_eq!(names, ["./catalog/"]);
}

#[test]
fn set_completes_the_variables_of_the_template_on_the_line() {
    let s = Scratch::new();
    let (names, out) = complete(&s, &["plat", "new", "service", "--set", ""]);
    out.code(0);
    has(&names, &["owner=", "language=", "port="]);
    assert!(!names.contains(&"name=".to_string()), "{names:?}");
    // Keys already given are not offered again; a prefix narrows.
    let (names, _) = complete(
        &s,
        &[
            "plat", "new", "service", "api", "-s", "owner=x", "--set", "o",
        ],
    );
    assert!(names.is_empty(), "{names:?}");
    let (names, _) = complete(&s, &["plat", "new", "service", "-s", "language="]);
    assert_eq!(
        names,
        [
            "language=rust",
            "language=go",
            "language=python",
            "language=typescript"
        ]
    );

    let t = s.template(
        "mine",
        "name: mine\nversion: 0.1.0\nvariables:\n  - name: flavour\n    type: choice\n    choices: [plain, fancy]\n  - name: replicas\n    type: integer\n",
        &[],
    );
    let (names, _) = complete(&s, &["plat", "new", &t, "demo", "--set", ""]);
    assert_eq!(names, ["flavour=", "replicas="]);
    let (names, _) = complete(&s, &["plat", "new", &t, "--set", "flavour=f"]);
    assert_eq!(names, ["flavour=fancy"]);
}

#[test]
fn completion_never_touches_the_network() {
    let s = Scratch::new();
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    server.set_nonblocking(true).unwrap();
    let url = format!(
        "http://{}/platform/templates.git",
        server.local_addr().unwrap()
    );
    s.write(
        ".home/.config/plat/config.yaml",
        &format!("catalogs:\n  - {url}\n"),
    );
    let started = std::time::Instant::now();
    let (names, out) = complete(&s, &["plat", "new", &url, "--set", ""]);
    out.code(0);
    assert!(names.is_empty(), "{names:?}");
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let (names, out) = complete(&s, &["plat", "new", ""]);
    out.code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    has(&names, &["service"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        server.accept().is_err(),
        "completion connected to the template server"
    );
}

#[test]
fn completions_register_plat_for_every_shell() {
    let s = Scratch::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(s.plat().args(["completions", shell]));
        out.code(0);
        // The same script as `COMPLETE=SHELL plat`: it calls plat back.
        let env = run(s.plat().env("COMPLETE", shell));
        assert_eq!(out.stdout, env.stdout, "{shell}");
        assert!(out.stdout.contains("COMPLETE"), "{shell}: {}", out.stdout);
        assert!(out.stdout.contains(env!("CARGO_BIN_EXE_plat")), "{shell}");
        let fixed = run(s.plat().args(["completions", shell, "--static"]));
        fixed.code(0);
        for word in ["update", "template", "allow-dirty", "offline"] {
            assert!(fixed.stdout.contains(word), "{shell} --static lacks {word}");
        }
    }
    for args in [
        &["completions", "bash"][..],
        &["completions", "bash", "--static"],
    ] {
        let bash = run(s.plat().args(args)).stdout;
        let path = s.write("plat.bash", &bash);
        let check = std::process::Command::new("bash")
            .arg("-n")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    run(s.plat().args(["completions", "tcsh"]))
        .code(2)
        .stderr_has("possible values: bash, elvish, fish, powershell, zsh");
}

/// The registration script, sourced in a real bash, completes through
/// plat: what a user gets from `source <(plat completions bash)`.
#[cfg(unix)]
#[test]
fn bash_completes_through_the_registration_script() {
    let s = Scratch::new();
    let script = run(s.plat().args(["completions", "bash"])).stdout;
    s.write("plat.bash", &script);
    let probe = "source ./plat.bash\nCOMP_WORDS=(plat new service --set o)\nCOMP_CWORD=4\nCOMP_TYPE=9\n_clap_complete_plat plat o new\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(probe)
        .current_dir(s.path())
        .envs(
            s.plat()
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "owner=\n");
}

#[test]
fn man_writes_a_page_per_command() {
    let s = Scratch::new();
    run(s.plat().args(["man", "pages/man1"]))
        .code(0)
        .stderr_has("Wrote 21 man pages to pages/man1");
    let pages = s.tree("pages/man1");
    for page in [
        "plat.1",
        "plat-new.1",
        "plat-update.1",
        "plat-template-lint.1",
        "plat-cache-clean.1",
    ] {
        assert!(pages.contains(&page.to_string()), "{page} not in {pages:?}");
    }
    assert!(!pages.iter().any(|p| p.contains("help")), "{pages:?}");
    let update = s.read("pages/man1/plat-update.1");
    assert!(update.contains(".TH plat-update 1"), "{update}");
    assert!(update.contains("allow\\-dirty"), "{update}");
}

#[test]
fn update_to_completes_the_newer_versions_of_the_services_template() {
    let s = Scratch::new();
    crate::doctor::service(&s, "api", &[]);
    let current = service_version();
    let (names, out) = complete(&s, &["plat", "update", "api", "--to", ""]);
    out.code(0);
    assert!(names.is_empty(), "already at {current}: {names:?}");
    s.edit(
        "api/platform.yaml",
        &format!("version: {current}"),
        "version: 0.3.0",
    );
    let (names, _) = complete(&s, &["plat", "update", "api", "--to", ""]);
    assert_eq!(names, [current]);
}

/// A git source completes only once it is in plat's cache: completion
/// never fetches, not even from a repository on the same disk.
#[test]
fn git_sources_complete_from_plats_cache_only() {
    let (s, cat) = crate::sources::catalogue();
    cat.commit(
        &[(
            "tool/template.yaml".to_string(),
            "name: tool\nversion: 0.1.0\nvariables:\n  - name: flavour\n    type: choice\n    choices: [plain, fancy]\nmanifest: {metadata: {owner: team-acme}}\n".to_string(),
        )],
        "tool",
    );
    cat.publish();
    crate::sources::config(&s, &cat);
    let tool = "acme//tool";
    let (names, out) = complete(&s, &["plat", "new", tool, "--set", ""]);
    out.code(0);
    assert!(
        names.is_empty() && out.stderr.is_empty(),
        "{names:?} {}",
        out.stderr
    );
    let (names, _) = complete(&s, &["plat", "new", ""]);
    assert!(!names.iter().any(|n| n.ends_with("//tool")), "{names:?}");
    assert!(
        !crate::sources::cache_dir(&s).exists(),
        "completion fetched"
    );

    run(s.plat().args(["templates", "list"])).code(0);
    let (names, _) = complete(&s, &["plat", "new", tool, "--set", ""]);
    assert_eq!(names, ["flavour="]);
    let (names, _) = complete(&s, &["plat", "new", tool, "--set", "flavour="]);
    assert_eq!(names, ["flavour=plain", "flavour=fancy"]);
    let (names, _) = complete(&s, &["plat", "new", ""]);
    assert!(names.iter().any(|n| n.ends_with("//tool")), "{names:?}");
}
