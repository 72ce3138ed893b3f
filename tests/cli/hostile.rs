//! Hostile inputs (issue 9): every file plat reads goes through one door
//! that reads only regular files, within a size limit, and inside the
//! template or service it belongs to; errors never echo what lies outside.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use crate::doctor::{commit_all, service};
use crate::support::*;

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

const SECRET: &str = "token: s3cr3t-do-not-print\n";

#[test]
fn fifos_devices_and_huge_files_are_refused_as_every_input() {
    let s = Scratch::new();
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    mkfifo(&s.join("fifo"));
    symlink("/dev/zero", s.join("zero")).unwrap();
    s.write("big.yaml", &"a: 1\n".repeat(300_000));
    // A template whose definition is a FIFO.
    std::fs::create_dir_all(s.join("ft/files")).unwrap();
    mkfifo(&s.join("ft/template.yaml"));
    run(s.plat().args(["new", "./ft", "api", "--no-input"]))
        .code(2)
        .stderr_has("template.yaml is a FIFO, not a regular file");
    for (values, says) in [
        ("fifo", "is a FIFO, not a regular file"),
        ("/dev/zero", "is a device, not a regular file"),
        ("zero", "is a device, not a regular file"),
        (
            "big.yaml",
            "larger than the 1 MiB plat reads for a values file",
        ),
    ] {
        run(s
            .plat()
            .args(["new", &t, "api", "--no-input", "--values", values]))
        .code(2)
        .stderr_has(says);
    }
    for config in ["fifo", "/dev/zero"] {
        run(s.plat().env("PLAT_CONFIG", s.join(config)).args(["doctor"]))
            .code(2)
            .stderr_has("not a regular file")
            .stderr_has("plat's config");
    }
    for policy in ["fifo", "zero"] {
        run(s.plat().args(["doctor", "--no-config", "--policy", policy]))
            .code(2)
            .stderr_has("not a regular file");
    }
    run(s.plat().args(["manifest", "validate", "fifo"]))
        .code(2)
        .stderr_has("is a FIFO");
    run(s.plat().args(["manifest", "validate", "big.yaml"]))
        .code(2)
        .stderr_has("larger than the 1 MiB plat reads for a platform.yaml");
    assert!(!s.join("api").exists());
}

#[test]
fn a_template_cannot_reach_outside_itself() {
    let s = Scratch::new();
    s.write("secret.yaml", SECRET);
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    std::fs::remove_file(s.join("t/template.yaml")).unwrap();
    symlink(s.join("secret.yaml"), s.join("t/template.yaml")).unwrap();
    let r = run(s.plat().args(["new", &t, "api", "--no-input"]));
    r.code(2).stderr_has("outside the template");
    assert!(!r.stderr.contains("s3cr3t"), "{}", r.stderr);
    // Its `files/` as a link to a directory outside.
    s.write("elsewhere/id_rsa", "PRIVATE KEY\n");
    s.write(
        "u/template.yaml",
        "name: u\nversion: 1.0.0\nmanifest: {metadata: {owner: team-u}}\n",
    );
    symlink(s.join("elsewhere"), s.join("u/files")).unwrap();
    run(s.plat().args(["new", "./u", "api", "--no-input"]))
        .code(2)
        .stderr_has("the `files/` directory resolves to")
        .stderr_has("outside the template");
    assert!(!s.join("api").exists(), "nothing written");
}

#[test]
fn a_repository_cannot_lead_sync_validate_or_doctor_outside_it() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    s.write("secret.yaml", SECRET);
    let manifest = s.join("api/platform.yaml");
    std::fs::rename(&manifest, s.join("real-platform.yaml")).unwrap();
    symlink(s.join("secret.yaml"), &manifest).unwrap();
    commit_all(&s.join("api"));
    for args in [
        vec!["sync", "api"],
        vec!["manifest", "validate", "api/platform.yaml"],
    ] {
        let r = run(s.plat().args(&args));
        r.code(2).stderr_has("outside the service");
        assert!(!r.stderr.contains("s3cr3t"), "{args:?}: {}", r.stderr);
    }
    let r = run(s.plat().args(["doctor", "api", "--format", "json"]));
    r.code(1);
    assert!(r.stdout.contains("outside the service"), "{}", r.stdout);
    assert!(!r.stdout.contains("s3cr3t"), "{}", r.stdout);
}

#[test]
fn repository_content_alone_never_hangs_or_floods_doctor() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    // The template its platform.yaml names reads /dev/zero as its definition.
    s.write("tpl/files/.keep", "");
    symlink("/dev/zero", s.join("tpl/template.yaml")).unwrap();
    s.edit(
        "api/platform.yaml",
        "source: builtin:service",
        "source: ../tpl",
    );
    // A managed file and the Dockerfile that are FIFOs or devices.
    let k8s = s.join("api/deploy/k8s/dev/service.yaml");
    std::fs::remove_file(&k8s).unwrap();
    mkfifo(&k8s);
    std::fs::remove_file(s.join("api/Dockerfile")).unwrap();
    symlink("/dev/zero", s.join("api/Dockerfile")).unwrap();
    let r = run(s.plat().args(["doctor", "api", "--format", "json"]));
    r.code(1);
    let doc = r.json();
    let failed = |id: &str| -> String {
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["id"] == id && c["status"] == "fail")
            .map(|c| c["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        failed("PLAT601").contains("outside the template"),
        "{}",
        failed("PLAT601")
    );
    assert!(
        failed("PLAT401").contains("outside the service"),
        "{}",
        failed("PLAT401")
    );
    // With the template back, the FIFO among the managed files is named.
    s.edit(
        "api/platform.yaml",
        "source: ../tpl",
        "source: builtin:service",
    );
    let r = run(s.plat().args(["doctor", "api", "--format", "json"]));
    let doc = r.json();
    let drift: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == "PLAT500" && c["status"] == "fail")
        .map(|c| c["message"].as_str().unwrap())
        .collect();
    assert!(drift.iter().any(|m| m.contains("is a FIFO")), "{drift:?}");
}

/// A FIFO or a device as the PATH of doctor or sync is a usage error, as
/// a regular file is, and nothing waits on it.
#[test]
fn special_files_as_a_path_are_usage_errors() {
    let s = Scratch::new();
    mkfifo(&s.join("fifo"));
    for args in [
        vec!["doctor", "fifo"],
        vec!["doctor", "/dev/null"],
        vec!["sync", "fifo"],
    ] {
        run(s.plat().args(&args))
            .code(2)
            .stderr_has("neither a file nor a directory");
    }
    s.write("notes.txt", "hi");
    run(s.plat().args(["doctor", "notes.txt"]))
        .code(2)
        .stderr_has("`notes.txt` is a file, not a directory or a platform.yaml");
}

/// Nothing plat writes lands in a repository's own files: not in a bare
/// repository (whose hooks git runs), not under any `.git` directory.
#[test]
fn no_command_writes_into_a_bare_repository_or_a_git_directory() {
    let s = Scratch::new();
    service(&s, "api", &[]);
    let bare = s.join("bare.git");
    git2::Repository::init_bare(&bare).unwrap();
    std::fs::copy(s.join("api/platform.yaml"), bare.join("platform.yaml")).unwrap();
    let before = crate::support::files_under(&bare);
    let r = run(s.plat().args(["sync", "bare.git"]));
    r.code(2).stderr_has("bare repository");
    let r = run(s.plat().args(["doctor", "bare.git", "--fix"]));
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        crate::support::files_under(&bare),
        before,
        "nothing written"
    );
    assert!(!bare.join("hooks/post-update").exists());
    // `plat new` with the current directory inside a bare repository.
    let r = run(s.plat_with_identity().current_dir(&bare).args([
        "new",
        "service",
        "demo",
        "--no-input",
    ]));
    r.code(2).stderr_has("bare repository");
    assert!(!bare.join("demo").exists());
    // Into a `.git` directory, by any path.
    for output in ["api/.git/hooks/demo", "api/.GIT/x"] {
        run(s
            .plat()
            .args(["new", "service", "demo", "--no-input", "--output", output]))
        .code(2)
        .stderr_has("inside a `.git` directory");
    }
    std::fs::copy(
        s.join("api/platform.yaml"),
        s.join("api/.git/platform.yaml"),
    )
    .unwrap();
    run(s.plat().args(["sync", "api/.git", "--allow-dirty"]))
        .code(2)
        .stderr_has("inside a `.git` directory");
    assert!(!s.join("api/.git/deploy").exists());
}

/// Branch names follow git's rules, `git check-ref-format --branch`.
#[test]
fn branch_names_git_refuses_are_refused() {
    let s = Scratch::new();
    for branch in ["HEAD", "-x", "a..b", "a b", "x.lock"] {
        let flag = format!("--branch={branch}");
        run(s
            .plat()
            .args(["new", "service", "demo", "--no-input", &flag]))
        .code(2)
        .stderr_has("is not a valid git branch name");
    }
    assert!(!s.join("demo").exists());
    run(s.plat_with_identity().args([
        "new",
        "service",
        "demo",
        "--no-input",
        "--branch",
        "feature/x-1",
    ]))
    .code(0);
}

/// YAML tags are refused in every file plat reads as data, as
/// docs/manifest.md says.
#[test]
fn yaml_tags_are_refused_in_plats_own_files() {
    let s = Scratch::new();
    s.write(
        "platform.yaml",
        "apiVersion: plat.dev/v1\nkind: Service\nmetadata:\n  name: demo\n  owner: !!binary dGVhbS1wYXltZW50cw==\n",
    );
    run(s.plat().args(["manifest", "validate"]))
        .code(1)
        .stdout_has("platform.yaml:5:10: YAML tags such as `!!binary` are not allowed");
    let t = s.template("t", KITCHEN_SINK, &sink_files());
    for (file, text) in [
        ("v1.yaml", "owner: !!python/object:os.system x\n"),
        ("v2.yaml", "owner: !<tag:yaml.org,2002:str> x\n"),
        ("v3.yaml", "owner: !!str x\n"),
    ] {
        s.write(file, text);
        run(s
            .plat()
            .args(["new", &t, "api", "--no-input", "--values", file]))
        .code(2)
        .stderr_has("YAML tags such as");
    }
    s.write(
        "t/template.yaml",
        &format!("{KITCHEN_SINK}\nextra: !!map {{}}\n"),
    );
    run(s.plat().args(["new", &t, "api", "--no-input"]))
        .code(2)
        .stderr_has("YAML tags such as `!!map`");
}

/// A number too large for any field is one problem among all the others,
/// not the only one.
#[test]
fn a_huge_number_is_one_problem_among_all() {
    let s = Scratch::new();
    s.write(
        "platform.yaml",
        "apiVersion: plat.dev/v1\nkind: Service\nmetadata:\n  name: Demo\n  owner: team\ninfrastructure:\n  image: {registry: r.io, repository: demo}\n  port: 99999999999999999999999\n  replicas: -5\n",
    );
    let r = run(s.plat().args(["manifest", "validate", "--format", "json"]));
    r.code(1);
    let doc = r.json();
    let problems: Vec<String> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["path"].as_str().unwrap(),
                p["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].starts_with("metadata.name"), "{problems:#?}");
    assert_eq!(
        problems[1],
        "infrastructure.port 99999999999999999999999 is too large a number for any field of platform.yaml"
    );
    assert!(
        problems[2].starts_with("infrastructure.replicas"),
        "{problems:#?}"
    );
}

/// Messages speak of plat's files and values: no Rust type names, no
/// Tera internals, and never more than a short excerpt of a value.
#[test]
fn messages_name_plats_concepts_and_quote_only_excerpts() {
    let s = Scratch::new();
    let long = "x".repeat(200);
    s.write("t/files/a.txt", "{{ 1 / 0 }}\n");
    for (yaml, says) in [
        ("[1, 2]\n".to_string(), "expected a mapping".to_string()),
        (
            format!("name: t\nversion: 1.0.0\nvariables: \"{long}\"\n"),
            format!("\"{}…\"", "x".repeat(40)),
        ),
    ] {
        s.write("t/template.yaml", &yaml);
        let r = run(s.plat().args(["new", "./t", "api", "--no-input"]));
        r.code(2).stderr_has(&says);
        assert!(!r.stderr.contains("struct"), "{}", r.stderr);
        assert!(!r.stderr.contains(&long), "{}", r.stderr);
    }
    s.write(
        "t/template.yaml",
        "name: t\nversion: 1.0.0\nmanifest: {metadata: {owner: team-t}}\n",
    );
    let r = run(s.plat().args(["new", "./t", "api", "--no-input"]));
    r.code(2).stderr_has("files/a.txt:1:");
    assert!(!r.stderr.contains("__tera"), "{}", r.stderr);
}

/// A failure while writing git's objects says what happened, as the other
/// write paths do: the file, the reason, what to do; and leaves nothing.
#[test]
fn a_failing_git_write_says_what_happened() {
    let s = Scratch::new();
    // Each file fits the 1 KiB limit; the packfile of all of them does not.
    let files: Vec<(String, String)> = (0..16)
        .map(|i| {
            let noise: String = (0..900u32)
                .map(|j| char::from(b'a' + ((i * 7919 + j * 104_729) % 26) as u8))
                .collect();
            (format!("f{i:02}.txt"), noise)
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let t = s.template(
        "t",
        "name: t\nversion: 1.0.0\nmanifest: {metadata: {owner: team-t}}\n",
        &refs,
    );
    let mut cmd = s.plat_with_file_limit(1);
    cmd.env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.com")
        .env("GIT_COMMITTER_NAME", "A")
        .env("GIT_COMMITTER_EMAIL", "a@example.com")
        .args(["new", &t, "api", "--no-input"]);
    let r = run(&mut cmd);
    r.code(3)
        .stderr_has("writing the git packfile")
        .stderr_has("File too large")
        .stderr_has("hint: a file grew larger than this process may write");
    assert_eq!(s.entries(), ["t"], "nothing left behind");
}

#[test]
fn an_unreadable_render_timeout_is_an_error() {
    let s = Scratch::new();
    run(s.plat().env("PLAT_RENDER_TIMEOUT_MS", "ten").args([
        "new",
        "service",
        "api",
        "--no-input",
        "--dry-run",
    ]))
    .code(2)
    .stderr_has("PLAT_RENDER_TIMEOUT_MS is `ten`");
}
