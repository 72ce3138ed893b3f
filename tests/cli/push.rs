//! `plat new --remote URL [--push]`: origin set in the new repository, the
//! first commit pushed over file://, git://, http, https and ssh (real
//! servers on 127.0.0.1, servers/), upstream set; credentials in the URL
//! refused before anything is written; a push that fails keeps the project
//! and exits 3.

use std::path::Path;
use std::process::Command;

use crate::servers::http::{self as web, Certificates, Lighttpd};
use crate::servers::repo::git;
use crate::servers::ssh::Sshd;
use crate::servers::{self, free_port};
use crate::support::*;

const TEMPLATE: &str = "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\n";

/// A scratch directory with a small template in it.
fn scratch() -> (Scratch, String) {
    let s = Scratch::new();
    let t = s.template("t", TEMPLATE, &[("README.md", "# {{ name }}\n")]);
    (s, t)
}

/// An empty bare repository at `rel`, as a server would hold one.
fn bare(s: &Scratch, rel: &str) -> std::path::PathBuf {
    let dir = s.join(rel);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "--bare", "-b", "main"]);
    dir
}

/// `plat new T api --no-input --format json` plus `args`, from `cmd`.
fn new_api(cmd: &mut Command, t: &str, args: &[&str]) -> Run {
    run(cmd
        .args(["new", t, "api", "--no-input", "--format", "json"])
        .args(args))
}

/// The new repository's first commit is exactly what `remote` holds on
/// main, and main tracks origin/main.
#[track_caller]
fn assert_pushed(s: &Scratch, out: &Run, remote: &Path, url: &str) {
    let doc = out.json();
    let commit = doc["git"]["commit"].as_str().unwrap().to_string();
    assert_eq!(doc["git"]["remote"], url, "{doc}");
    assert_eq!(doc["git"]["pushed"], true, "{doc}");
    assert_eq!(git(remote, &["rev-parse", "refs/heads/main"]), commit);
    assert_eq!(git(remote, &["rev-list", "--count", "main"]), "1");
    let api = s.join("api");
    assert_eq!(git(&api, &["config", "branch.main.remote"]), "origin");
    assert_eq!(
        git(&api, &["config", "branch.main.merge"]),
        "refs/heads/main"
    );
    assert_eq!(git(&api, &["config", "remote.origin.url"]), url);
    assert_eq!(git(&api, &["rev-parse", "origin/main"]), commit);
    assert_eq!(
        git(&api, &["rev-parse", "--abbrev-ref", "main@{upstream}"]),
        "origin/main"
    );
}

#[test]
fn push_over_file_url_sends_the_first_commit_and_sets_the_upstream() {
    let (s, t) = scratch();
    let remote = bare(&s, "remote/api.git");
    let url = format!("file://{}", remote.display());
    let out = new_api(
        &mut s.plat_with_identity(),
        &t,
        &["--remote", &url, "--push"],
    );
    out.code(0).stderr_has("Pushed main to");
    assert_pushed(&s, &out, &remote, &url);
}

#[test]
fn remote_without_push_sets_origin_and_contacts_no_server() {
    let (s, t) = scratch();
    // Nothing listens there: a push, or any contact, would fail.
    let url = format!("https://127.0.0.1:{}/acme/api.git", free_port());
    let out = new_api(&mut s.plat_with_identity(), &t, &["--remote", &url]);
    out.code(0).stderr_has("nothing pushed");
    let doc = out.json();
    assert_eq!(doc["git"]["remote"], url.as_str());
    assert_eq!(doc["git"]["pushed"], false);
    let api = s.join("api");
    assert_eq!(git(&api, &["config", "remote.origin.url"]), url);
    let config = s.read("api/.git/config");
    assert!(
        !config.contains("[branch"),
        "no upstream without a push: {config}"
    );
}

#[test]
fn gh_shorthand_becomes_an_https_origin() {
    let (s, t) = scratch();
    new_api(
        &mut s.plat_with_identity(),
        &t,
        &["--remote", "gh:acme/api"],
    )
    .code(0);
    assert_eq!(
        git(&s.join("api"), &["config", "remote.origin.url"]),
        "https://github.com/acme/api.git"
    );
}

#[test]
fn a_credential_in_the_url_is_refused_and_nothing_is_written() {
    let (s, t) = scratch();
    for url in [
        "https://bot:s3cret-token@git.acme.example/acme/api.git",
        "https://ghp_s3cret-token@github.com/acme/api.git",
        "ssh://git:s3cret-token@git.acme.example/acme/api.git",
    ] {
        let out = new_api(
            &mut s.plat_with_identity(),
            &t,
            &["--remote", url, "--push"],
        );
        out.code(2)
            .stderr_has("carries a credential")
            .stderr_has("credential helper")
            .stderr_has("PLAT_GIT_TOKEN_<HOST>")
            .stderr_has("ssh-agent");
        assert!(!out.stderr.contains("s3cret"), "{}", out.stderr);
        assert_eq!(s.entries(), ["t"], "{url}: nothing may be written");
    }
}

#[test]
fn a_remote_is_a_repository_not_a_directory_in_one_or_a_ref() {
    let (s, t) = scratch();
    for url in [
        "https://git.acme.example/acme/templates.git//service",
        "https://git.acme.example/acme/api.git?ref=main",
        "gh:acme/templates//service",
    ] {
        new_api(&mut s.plat_with_identity(), &t, &["--remote", url])
            .code(2)
            .stderr_has("a remote is the repository itself");
        assert_eq!(s.entries(), ["t"], "{url}: nothing may be written");
    }
}

#[test]
fn remote_needs_a_repository_of_its_own_and_push_needs_a_remote() {
    let (s, t) = scratch();
    let url = "https://git.acme.example/acme/api.git";
    new_api(
        &mut s.plat_with_identity(),
        &t,
        &["--remote", url, "--no-git"],
    )
    .code(2)
    .stderr_has("--no-git");
    new_api(&mut s.plat_with_identity(), &t, &["--push"])
        .code(2)
        .stderr_has("--remote");
    new_api(&mut s.plat_with_identity(), &t, &["--remote", "not a url"])
        .code(2)
        .stderr_has("not a git URL");
    new_api(
        &mut s.plat_with_identity(),
        &t,
        &["--remote", url, "--push", "--offline"],
    )
    .code(2)
    .stderr_has("offline");
    assert_eq!(s.entries(), ["t"]);
    std::fs::create_dir_all(s.join("mono")).unwrap();
    git(&s.join("mono"), &["init", "-q"]);
    new_api(
        &mut s.plat_with_identity(),
        &t,
        &["--remote", url, "--output", "mono/api"],
    )
    .code(2)
    .stderr_has("inside the git repository");
    assert!(!s.join("mono/api").exists());
}

#[test]
fn a_remote_that_already_has_the_branch_rejects_the_push_and_the_project_stays() {
    let (s, t) = scratch();
    let remote = bare(&s, "remote/api.git");
    let other = s.join("other");
    std::fs::create_dir_all(&other).unwrap();
    git(&other, &["init", "-q", "-b", "main"]);
    git(
        &other,
        &["commit", "-q", "--allow-empty", "-m", "someone else's"],
    );
    git(&other, &["push", "-q", remote.to_str().unwrap(), "main"]);
    let theirs = git(&remote, &["rev-parse", "main"]);
    let url = format!("file://{}", remote.display());
    let out = new_api(
        &mut s.plat_with_identity(),
        &t,
        &["--remote", &url, "--push"],
    );
    out.code(3)
        .stderr_has("refs/heads/main")
        .stderr_has("non-fast-forward")
        .stderr_has("git -C api push -u origin main");
    assert_eq!(git(&remote, &["rev-parse", "main"]), theirs);
    let doc = out.json();
    assert_eq!(doc["git"]["pushed"], false, "{doc}");
    let api = s.join("api");
    assert_eq!(s.read("api/README.md"), "# api\n");
    assert_eq!(git(&api, &["rev-list", "--count", "HEAD"]), "1");
    assert_eq!(git(&api, &["status", "--porcelain"]), "");
    assert_eq!(git(&api, &["config", "remote.origin.url"]), url);
}

#[test]
fn push_over_git_daemon_and_a_hook_that_declines_names_the_ref_and_reason() {
    let (s, t) = scratch();
    let remote = bare(&s, "remote/api.git");
    git(&remote, &["config", "daemon.receivepack", "true"]);
    let d = servers::git_daemon_with(&s.join("remote"), &["--enable=receive-pack"]);
    let url = format!("git://127.0.0.1:{}/api.git", d.port);
    let out = new_api(
        &mut s.plat_with_identity(),
        &t,
        &["--remote", &url, "--push"],
    );
    out.code(0);
    assert_pushed(&s, &out, &remote, &url);

    let declined = bare(&s, "remote/declined.git");
    let hook = declined.join("hooks/pre-receive");
    // Chatter first (more than plat keeps), the reason last.
    std::fs::write(
        &hook,
        "#!/bin/sh\ni=0\nwhile [ $i -lt 300 ]; do echo \"checking object $i of the push\" >&2; i=$((i+1)); done\necho 'main is frozen' >&2\nexit 1\n",
    )
    .unwrap();
    chmod_x(&hook);
    let url = format!("git://127.0.0.1:{}/declined.git", d.port);
    let out = run(s.plat_with_identity().args([
        "new",
        &t,
        "api2",
        "--output",
        "api two",
        "--no-input",
        "--remote",
        &url,
        "--push",
    ]));
    out.code(3)
        .stderr_has("rejected refs/heads/main")
        .stderr_has("hook declined")
        .stderr_has("the server said: checking object 298 of the push / checking object 299 of the push / main is frozen")
        .stderr_has("git -C 'api two' push -u origin main");
    assert!(s.join("api two/README.md").is_file());
}

#[test]
fn git_daemon_without_receive_pack_says_git_urls_are_read_only() {
    let (s, t) = scratch();
    bare(&s, "remote/api.git");
    let d = servers::git_daemon(&s.join("remote"));
    let url = format!("git://127.0.0.1:{}/api.git", d.port);
    let out = new_api(
        &mut s.plat_with_identity(),
        &t,
        &["--remote", &url, "--push"],
    );
    out.code(3).stderr_has("read-only").stderr_has("ssh://");
    assert!(s.join("api/README.md").is_file());
}

/// Bare repositories under `remote/` behind lighttpd, which lets anyone
/// push to `/git/` (`http.receivepack`) and whoever logs in to `/private/`.
fn web_site(s: &Scratch) -> (Certificates, Lighttpd) {
    let certs = web::certificates(&s.join("certs"));
    let server = web::lighttpd(&s.join("web"), &s.join("remote"), Some(&certs));
    (certs, server)
}

#[test]
fn push_over_http_and_https_with_the_test_authority() {
    let (s, t) = scratch();
    let (certs, server) = web_site(&s);
    for (name, base) in [("plain", server.http()), ("tls", server.https("127.0.0.1"))] {
        let remote = bare(&s, &format!("remote/{name}.git"));
        git(&remote, &["config", "http.receivepack", "true"]);
        let url = format!("{base}/git/{name}.git");
        std::fs::remove_dir_all(s.join("api")).ok();
        let mut cmd = s.plat_with_identity();
        cmd.env("SSL_CERT_FILE", &certs.ca);
        let out = new_api(&mut cmd, &t, &["--remote", &url, "--push"]);
        out.code(0);
        assert_pushed(&s, &out, &remote, &url);
    }
    server.wait_for_request("POST /git/tls.git/git-receive-pack");
}

#[test]
fn an_http_401_on_push_names_what_was_tried_and_keeps_the_project() {
    let (s, t) = scratch();
    let (certs, server) = web_site(&s);
    let remote = bare(&s, "remote/api.git");
    let url = format!("{}/private/api.git", server.https("127.0.0.1"));
    let mut cmd = s.plat_with_identity();
    cmd.env("SSL_CERT_FILE", &certs.ca);
    let out = new_api(&mut cmd, &t, &["--remote", &url, "--push"]);
    out.code(3)
        .stderr_has("401")
        .stderr_has("PLAT_GIT_TOKEN_127_0_0_1")
        .stderr_has("git -C api push -u origin main");
    assert!(!out.stderr.contains(web::PASSWORD));
    assert!(s.join("api/README.md").is_file());
    assert!(git(&remote, &["for-each-ref"]).is_empty());

    // With a credential helper, as users set one up, the push goes through
    // and the password is written nowhere.
    s.write(
        ".home/.gitconfig",
        &format!(
            "[credential]\n\thelper = \"!f() {{ cat >/dev/null; echo username={}; echo password={}; }}; f\"\n",
            web::USER,
            web::PASSWORD
        ),
    );
    let mut cmd = s.plat_with_identity();
    cmd.env("SSL_CERT_FILE", &certs.ca);
    let out = run(cmd.args(["new", &t, "api2", "--no-input", "--remote", &url, "--push"]));
    out.code(0);
    assert_eq!(
        git(&remote, &["rev-parse", "main"]),
        git(&s.join("api2"), &["rev-parse", "HEAD"])
    );
    let config = s.read("api2/.git/config");
    assert!(
        !config.contains(web::PASSWORD) && !config.contains(web::USER),
        "{config}"
    );
}

#[test]
fn push_over_ssh_runs_receive_pack_through_openssh() {
    let (s, t) = scratch();
    let remote = bare(&s, "remote/api.git");
    let sshd = Sshd::start(&s.join("ssh"));
    let config = sshd.key_file_client("push", "user_key");
    let url = sshd.url(&remote);
    let out = new_api(
        s.plat_with_identity()
            .env("GIT_SSH_COMMAND", Sshd::ssh_command(&config)),
        &t,
        &["--remote", &url, "--push"],
    );
    out.code(0);
    assert_pushed(&s, &out, &remote, &url);
}

#[cfg(unix)]
fn chmod_x(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
fn chmod_x(_: &Path) {}
