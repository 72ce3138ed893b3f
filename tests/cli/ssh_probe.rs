//! TEMPORARY: the ssh transport through git2 directly, until `plat new`
//! takes git URLs.

use crate::servers::repo::Catalogue;
use crate::servers::ssh::{Agent, Silent, Sshd};
use crate::support::*;
use std::time::{Duration, Instant};

fn fetch(url: &str, into: &std::path::Path) -> Result<(), git2::Error> {
    let repo = git2::Repository::init_bare(into).unwrap();
    let mut remote = repo.remote_anonymous(url)?;
    remote.fetch(&["+refs/tags/*:refs/tags/*"], None, None)
}

#[test]
fn probe() {
    let s = Scratch::new();
    let cat = Catalogue::new(&s.join("remote"), "acme");
    let Some(sshd) = Sshd::start(&s.join("ssh")) else {
        return;
    };
    let config = s.join("ssh/current_config");
    std::env::set_var("PROBE_CONFIG", &config);
    let net = plat::fetch::Network {
        connect_timeout: Duration::from_millis(1500),
        idle_timeout: Duration::from_millis(1500),
        ssh: plat::fetch::transport::ssh::SshSettings {
            command: Some(
                Sshd::ssh_command(std::path::Path::new("$PROBE_CONFIG")).replace('\'', "\""),
            ),
            ..Default::default()
        },
        ..Default::default()
    };
    plat::fetch::transport::register(&net).unwrap();
    let use_config = |p: std::path::PathBuf| std::fs::copy(p, &config).unwrap();

    use_config(sshd.key_file_client("key", "user_key"));
    let t = Instant::now();
    fetch(&sshd.url(&cat.bare), &s.join("c1")).unwrap_or_else(|e| panic!("{e}\n{}", sshd.log()));
    eprintln!("ssh:// fetch {:?}", t.elapsed());
    let got = git2::Repository::open(s.join("c1")).unwrap();
    assert_eq!(
        got.revparse_single("v1.0.0^{commit}")
            .unwrap()
            .id()
            .to_string(),
        cat.rev("v1.0.0")
    );
    fetch(
        &format!("{}@plat-test:{}", sshd.user, cat.bare.display()),
        &s.join("c2"),
    )
    .unwrap();
    fetch(&format!("plat-test:{}", cat.bare.display()), &s.join("c2b")).unwrap();

    let e = fetch(&sshd.url(&s.join("nope.git")), &s.join("c3")).unwrap_err();
    eprintln!("missing repo: {e}");
    use_config(sshd.key_file_client("wrong", "other_key"));
    let e = fetch(&sshd.url(&cat.bare), &s.join("c4")).unwrap_err();
    eprintln!("wrong key: {e}");
    use_config(sshd.client("unknown", false, "  IdentityAgent none\n  IdentityFile x\n"));
    let e = fetch(&sshd.url(&cat.bare), &s.join("c5")).unwrap_err();
    eprintln!("unknown host: {e}");

    let agent = Agent::start(&sshd).unwrap();
    use_config(sshd.client(
        "agent",
        true,
        &format!(
            "  IdentityAgent {}\n{}",
            agent.socket.display(),
            Agent::identity(&sshd)
        ),
    ));
    fetch(&sshd.url(&cat.bare), &s.join("c6")).unwrap_or_else(|e| panic!("agent: {e}"));

    let silent = Silent::start();
    let t = Instant::now();
    let e = fetch(
        &format!("ssh://127.0.0.1:{}/x.git", silent.port),
        &s.join("c7"),
    )
    .unwrap_err();
    eprintln!("silent after {:?}: {e}", t.elapsed());
    let t = Instant::now();
    let e = fetch(
        &format!("ssh://127.0.0.1:{}/x.git", crate::servers::free_port()),
        &s.join("c8"),
    )
    .unwrap_err();
    eprintln!("refused after {:?}: {e}", t.elapsed());
    let e = fetch("ssh://-oProxyCommand=touch%20pwned/x", &s.join("c9")).unwrap_err();
    eprintln!("inject: {e}");
    assert!(!std::path::Path::new("pwned").exists());
    drop(agent);
    let hung = Sshd::start_with(&s.join("hung"), "ForceCommand sleep 60\n").unwrap();
    use_config(hung.key_file_client("key", "user_key"));
    let t = Instant::now();
    let e = fetch(&hung.url(&cat.bare), &s.join("c10")).unwrap_err();
    eprintln!("hung after {:?}: {e}", t.elapsed());
    let left = crate::servers::ssh::processes_mentioning(&s.path().to_string_lossy());
    eprintln!("left: {left:#?}");
    let me = std::process::id().to_string();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        let f: Vec<&str> = stat.split_whitespace().collect();
        if f.len() > 3 && f[3] == me {
            eprintln!("child: {stat}");
        }
    }
}
