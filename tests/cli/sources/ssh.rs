//! Templates over ssh, through the OpenSSH client, from sshd on 127.0.0.1:
//! a key file, ssh-agent with a passphrase-protected key, the scp-like
//! form through a `Host` alias, git's ways of naming the client, and the
//! failures people meet (unknown host, wrong key, no repository, a server
//! that hangs, Ctrl-C, a hostile URL), each with a clear message.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::servers::repo::Catalogue;
use crate::servers::ssh::{processes_mentioning, Agent, Sshd};
use crate::servers::Silent;
use crate::support::*;

/// A scratch directory, the acme catalogue and sshd serving it.
fn setup() -> (Scratch, Catalogue, Sshd) {
    let s = Scratch::new();
    let cat = Catalogue::new(&s.join("remote"), "acme");
    let sshd = Sshd::start(&s.join("ssh"));
    (s, cat, sshd)
}

/// `plat new SOURCE NAME --no-input` with ssh configured by `config`.
fn new_over(s: &Scratch, config: &Path, source: &str, name: &str) -> Run {
    run(plat_over(s, config).args(["new", source, name, "--no-input"]))
}

fn plat_over(s: &Scratch, config: &Path) -> Command {
    let mut cmd = s.plat_with_identity();
    cmd.env("GIT_SSH_COMMAND", Sshd::ssh_command(config))
        .env_remove("SSH_AUTH_SOCK");
    cmd
}

/// `ssh://` source of the `service` template at `v1.0.0`.
fn service_at_v1(sshd: &Sshd, cat: &Catalogue) -> String {
    format!("{}//service?ref=v1.0.0", sshd.url(&cat.bare))
}

#[test]
fn a_key_file_logs_in_and_the_service_pins_the_commit() {
    let (s, cat, sshd) = setup();
    let config = sshd.key_file_client("key", "user_key");
    new_over(&s, &config, &service_at_v1(&sshd, &cat), "api")
        .code(0)
        .stderr_has("Fetching");
    assert!(s.read("api/README.md").contains("acme service 1.0.0"));
    let doc: serde_yaml::Value = serde_yaml::from_str(&s.read("api/platform.yaml")).unwrap();
    let source = doc["template"]["source"].as_str().unwrap_or_default();
    assert_eq!(source, sshd.url(&cat.bare));
    assert_eq!(
        doc["template"]["commit"].as_str(),
        Some(cat.rev("v1.0.0").as_str())
    );
    assert!(processes_mentioning(&config.to_string_lossy()).is_empty());
}

#[test]
fn the_scp_like_form_reaches_the_server_through_a_host_alias() {
    let (s, cat, sshd) = setup();
    let config = sshd.key_file_client("key", "user_key");
    let source = format!(
        "{}@plat-test:{}//worker?ref=v1.1.0",
        sshd.user,
        cat.bare.display()
    );
    new_over(&s, &config, &source, "w").code(0);
    assert_eq!(s.read("w/main.txt"), "worker w\n");
}

#[test]
fn ssh_agent_holds_a_key_with_a_passphrase() {
    let (s, cat, sshd) = setup();
    let agent = Agent::start(&sshd);
    // The key's private half is gone: only the agent can sign with it.
    let config = sshd.client("agent", true, &Agent::identity(&sshd));
    let source = service_at_v1(&sshd, &cat);
    new_over(&s, &config, &source, "without")
        .code(3)
        .stderr_has("did not accept any key")
        .stderr_has("must be in ssh-agent");
    run(plat_over(&s, &config)
        .env("SSH_AUTH_SOCK", &agent.socket)
        .args(["new", &source, "api", "--no-input"]))
    .code(0);
    assert!(s.read("api/README.md").contains("1.0.0"));
}

#[test]
fn git_ssh_and_core_ssh_command_name_the_client_as_for_git() {
    let (s, cat, sshd) = setup();
    let config = sshd.key_file_client("key", "user_key");
    // GIT_SSH: a program, no shell; named `ssh`, so it gets OpenSSH's options.
    let wrapper = s.write(
        "bin/ssh",
        &format!("#!/bin/sh\nexec ssh -F '{}' \"$@\"\n", config.display()),
    );
    chmod_x(&wrapper);
    let source = service_at_v1(&sshd, &cat);
    run(s
        .plat_with_identity()
        .env("GIT_SSH", &wrapper)
        .args(["new", &source, "a", "--no-input"]))
    .code(0);
    // core.sshCommand from the user's git config.
    s.write(
        ".home/.gitconfig",
        &format!("[core]\n\tsshCommand = {}\n", Sshd::ssh_command(&config)),
    );
    run(s
        .plat_with_identity()
        .args(["new", &source, "b", "--no-input"]))
    .code(0);
    assert!(s.read("b/README.md").contains("1.0.0"));
}

#[test]
fn an_unknown_host_key_is_refused_with_a_way_forward() {
    let (s, cat, sshd) = setup();
    let config = sshd.client("unknown", false, "  IdentityAgent none\n");
    new_over(&s, &config, &service_at_v1(&sshd, &cat), "api")
        .code(3)
        .stderr_has("127.0.0.1 is not a known host")
        .stderr_has("refuses unknown host keys")
        .stderr_has(&format!("ssh-keyscan -p {} 127.0.0.1", sshd.port()));
    assert_eq!(
        s.read("ssh/empty_known_hosts"),
        "",
        "the key was not recorded"
    );
    assert!(!s.join("api").exists());
}

#[test]
fn a_key_the_server_does_not_know_is_refused_with_hints() {
    let (s, cat, sshd) = setup();
    let config = sshd.key_file_client("other", "other_key");
    new_over(&s, &config, &service_at_v1(&sshd, &cat), "api")
        .code(3)
        .stderr_has("did not accept any key ssh offered")
        .stderr_has("Permission denied (publickey)")
        .stderr_has("ssh-add -l");
}

#[test]
fn a_missing_repository_says_so() {
    let (s, _cat, sshd) = setup();
    let config = sshd.key_file_client("key", "user_key");
    let url = sshd.url(&s.join("remote/nope.git"));
    new_over(&s, &config, &format!("{url}//service"), "api")
        .code(3)
        .stderr_has("no repository `")
        .stderr_has("does not appear to be a git repository");
}

#[test]
fn a_server_that_never_speaks_fails_within_seconds() {
    let (s, _cat, sshd) = setup();
    let config = sshd.key_file_client("key", "user_key");
    let silent = Silent::start(None);
    let start = Instant::now();
    let url = format!("ssh://127.0.0.1:{}/acme.git//service", silent.port);
    run(plat_over(&s, &config)
        .env("PLAT_CONNECT_TIMEOUT_MS", "1000")
        .env("PLAT_NETWORK_TIMEOUT_MS", "1000")
        .args(["new", &url, "api", "--no-input"]))
    .code(3)
    .stderr_has("timed out after 1 s");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_server_that_stops_answering_after_login_fails_within_seconds() {
    let (s, cat, _) = setup();
    let hung = Sshd::start_with(&s.join("hung"), "ForceCommand cat >/dev/null\n");
    let config = hung.key_file_client("key", "user_key");
    let start = Instant::now();
    run(plat_over(&s, &config)
        .env("PLAT_CONNECT_TIMEOUT_MS", "2000")
        .env("PLAT_NETWORK_TIMEOUT_MS", "1000")
        .args(["new", &service_at_v1(&hung, &cat), "api", "--no-input"]))
    .code(3)
    .stderr_has("sent nothing for 3 s");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        processes_mentioning(&config.to_string_lossy()),
        Vec::<String>::new()
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_fetch_and_its_ssh() {
    let (s, cat, _) = setup();
    let hung = Sshd::start_with(&s.join("hung"), "ForceCommand cat >/dev/null\n");
    let config = hung.key_file_client("key", "user_key");
    let child = spawn(plat_over(&s, &config).args([
        "new",
        &service_at_v1(&hung, &cat),
        "api",
        "--no-input",
    ]));
    let needle = config.to_string_lossy().into_owned();
    let start = Instant::now();
    while processes_mentioning(&needle).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "ssh never started"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    let (code, stderr, took) = signal(child, "-INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(processes_mentioning(&needle), Vec::<String>::new());
    assert!(!s.join("api").exists());
}

#[test]
fn an_option_in_the_host_or_user_is_refused_and_nothing_runs() {
    let s = Scratch::new();
    let witness = s.join("ssh-ran");
    let ssh = format!("touch '{}'; ssh", witness.display());
    for source in [
        "ssh://-oProxyCommand=touch%20pwned/x.git//service",
        "ssh://-oProxyCommand=touch%20pwned@127.0.0.1/x.git//service",
        "-oProxyCommand=touch%20pwned@127.0.0.1:x.git//service",
    ] {
        let out = run(s.plat_with_identity().env("GIT_SSH_COMMAND", &ssh).args([
            "new",
            "--no-input",
            "--",
            source,
            "api",
        ]));
        assert_ne!(out.code, 0, "{source}: {}", out.stderr);
        assert!(out.stderr.contains("`-`"), "{source}: {}", out.stderr);
    }
    assert!(!witness.exists(), "ssh was started");
    assert!(!s.join("pwned").exists());
}

#[cfg(unix)]
fn chmod_x(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
fn chmod_x(_: &Path) {}
