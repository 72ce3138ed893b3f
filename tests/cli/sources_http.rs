//! Templates over smart HTTP: plain http and https (a test certificate
//! authority), a proxy, credentials, and servers that misbehave, against
//! real servers on 127.0.0.1 (servers::http).

use crate::servers::http::{self as web, Certificates};
use crate::servers::repo::{git, Catalogue};
use crate::support::*;
use std::path::Path;
use std::process::Command;

/// The catalogue behind lighttpd with TLS, or None when a server is missing.
fn served(s: &Scratch) -> Option<(Catalogue, Certificates, web::Lighttpd)> {
    let cat = Catalogue::new(&s.join("remote"), "acme");
    let certs = web::certificates(&s.join("certs"))?;
    let server = web::lighttpd(&s.join("web"), &s.join("remote"), Some(&certs))?;
    Some((cat, certs, server))
}

#[test]
fn the_servers_serve_the_catalogue_to_git() {
    let s = Scratch::new();
    let Some((cat, certs, server)) = served(&s) else {
        return;
    };
    let tag = cat.rev("v1.1.0");
    let plain = git(
        s.path(),
        &["ls-remote", &format!("{}/git/acme.git", server.http())],
    );
    assert!(plain.contains(&tag), "{plain}");
    let tls = git_trusting(
        &certs.ca,
        &[],
        &format!("{}/git/acme.git", server.https("127.0.0.1")),
    );
    assert!(tls.contains(&tag), "{tls}");
    let private = format!(
        "{}/private/acme.git",
        server
            .http()
            .replace("://", &format!("://{}:{}@", web::USER, web::PASSWORD))
    );
    assert!(git(s.path(), &["ls-remote", &private]).contains(&tag));
    let Some(proxy) = web::tinyproxy(&s.join("proxy")) else {
        return;
    };
    let via = git_trusting(
        &certs.ca,
        &["-c", &format!("http.proxy={}", proxy.url())],
        &format!("{}/git/acme.git", server.https("localhost")),
    );
    assert!(via.contains(&tag), "{via}");
    assert!(proxy.logged().contains("CONNECT"), "{}", proxy.logged());
}

/// `git ls-remote URL` with the test CA trusted (GIT_SSL_CAINFO) and `args`
/// before the command.
fn git_trusting(ca: &Path, args: &[&str], url: &str) -> String {
    let out = Command::new("git")
        .args(args)
        .args(["ls-remote", url])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_SSL_CAINFO", ca)
        .output()
        .expect("running git");
    assert!(
        out.status.success(),
        "git ls-remote {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
