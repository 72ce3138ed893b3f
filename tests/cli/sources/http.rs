//! Templates over smart HTTP, run through the real plat binary: plain http
//! and https (a test certificate authority given by SSL_CERT_FILE), a proxy
//! proved used, credentials (the URL, a git credential helper, host-scoped
//! tokens) and servers that misbehave, all on 127.0.0.1 (servers::http).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::servers::http::{self as web, Certificates, Lighttpd};
use crate::servers::repo::{git, Catalogue};
use crate::support::*;

/// The acme catalogue behind lighttpd (http and https), in a scratch
/// directory.
struct Site {
    s: Scratch,
    cat: Catalogue,
    certs: Certificates,
    server: Lighttpd,
}

fn site() -> Site {
    let s = Scratch::new();
    let cat = Catalogue::new(&s.join("remote"), "acme");
    let certs = web::certificates(&s.join("certs"));
    let server = web::lighttpd(&s.join("web"), &s.join("remote"), Some(&certs));
    Site {
        s,
        cat,
        certs,
        server,
    }
}

impl Site {
    /// plat trusting the test CA through SSL_CERT_FILE, as users do.
    fn plat(&self) -> Command {
        let mut cmd = self.s.plat_with_identity();
        cmd.env("SSL_CERT_FILE", &self.certs.ca);
        cmd
    }

    /// `plat new SOURCE NAME --no-input` with `env` set.
    fn new_from(&self, source: &str, name: &str, env: &[(&str, &str)]) -> Run {
        let mut cmd = self.plat();
        cmd.args(["new", source, name, "--no-input"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(&mut cmd)
    }

    /// `https://127.0.0.1:<port>/<path>/acme.git//service?ref=<tag>`.
    fn https(&self, path: &str, tag: &str) -> String {
        format!(
            "{}/{path}/acme.git//service?ref={tag}",
            self.server.https("127.0.0.1")
        )
    }

    fn commit_of(&self, project: &str) -> String {
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&self.s.read(&format!("{project}/platform.yaml"))).unwrap();
        doc["template"]["commit"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

#[test]
fn the_servers_serve_the_catalogue_to_git() {
    let site = site();
    let tag = site.cat.rev("v1.1.0");
    let plain = git(
        site.s.path(),
        &["ls-remote", &format!("{}/git/acme.git", site.server.http())],
    );
    assert!(plain.contains(&tag), "{plain}");
    let url = format!("{}/git/acme.git", site.server.https("localhost"));
    let out = Command::new("git")
        .args(["ls-remote", &url])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_SSL_CAINFO", &site.certs.ca)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&tag),
        "{out:?}"
    );
}

#[test]
fn a_service_comes_from_https_at_a_tag() {
    let site = site();
    site.new_from(&site.https("git", "v1.0.0"), "api", &[])
        .code(0)
        .stderr_has("Created");
    assert!(site.s.read("api/README.md").contains("acme service 1.0.0"));
    assert_eq!(site.commit_of("api"), site.cat.rev("v1.0.0"));
}

#[test]
fn without_the_authority_the_certificate_is_refused() {
    let site = site();
    let mut cmd = site.s.plat_with_identity();
    cmd.args(["new", &site.https("git", "v1.0.0"), "api", "--no-input"]);
    run(&mut cmd)
        .code(3)
        .stderr_has("is not trusted")
        .stderr_has("SSL_CERT_FILE");
    // git's http.sslCAInfo is the other way to name it.
    site.s.write(
        ".home/.gitconfig",
        &format!("[http]\n\tsslCAInfo = {}\n", site.certs.ca.display()),
    );
    run(&mut cmd).code(0);
}

#[test]
fn plain_http_serves_a_template() {
    let site = site();
    let source = format!("{}/git/acme.git//worker?ref=v1.1.0", site.server.http());
    site.new_from(&source, "w", &[]).code(0);
    assert_eq!(site.s.read("w/main.txt"), "worker w\n");
    assert_eq!(site.commit_of("w"), site.cat.rev("v1.1.0"));
}

#[test]
fn the_proxy_is_used_unless_no_proxy_names_the_host() {
    let site = site();
    let proxy = web::tinyproxy(&site.s.join("proxy"));
    let source = site.https("git", "v1.0.0");
    let cache = |n: &str| site.s.join(&format!("cache-{n}")).display().to_string();
    site.new_from(
        &source,
        "a",
        &[
            ("HTTPS_PROXY", &proxy.url()),
            ("PLAT_CACHE_DIR", &cache("a")),
        ],
    )
    .code(0);
    let tunnels = |log: &str| log.matches("Established connection").count();
    let after_first = tunnels(&proxy.logged());
    assert!(
        after_first > 0,
        "tinyproxy saw no tunnel:\n{}",
        proxy.logged()
    );
    site.new_from(
        &source,
        "b",
        &[
            ("HTTPS_PROXY", &proxy.url()),
            ("NO_PROXY", "localhost, 127.0.0.0/8"),
            ("PLAT_CACHE_DIR", &cache("b")),
        ],
    )
    .code(0);
    assert_eq!(
        tunnels(&proxy.logged()),
        after_first,
        "NO_PROXY was ignored"
    );
    // git's http.proxy wins over the environment, as in git.
    site.s.write(
        ".home/.gitconfig",
        &format!("[http]\n\tproxy = {}\n", proxy.url()),
    );
    site.new_from(
        &source,
        "c",
        &[
            ("HTTPS_PROXY", "http://127.0.0.1:9"),
            ("PLAT_CACHE_DIR", &cache("c")),
        ],
    )
    .code(0);
    // The first and the last run tunnelled, the one NO_PROXY names did not.
    assert_eq!(
        tunnels(&proxy.logged()),
        2 * after_first,
        "{}",
        proxy.logged()
    );
}

#[test]
fn a_server_that_never_answers_fails_in_moments() {
    let site = site();
    let silent = crate::servers::Silent::start(None);
    let unreachable = web::Unreachable::start();
    for (url, says) in [
        (
            format!("http://127.0.0.1:{}/acme.git", silent.port),
            "sent nothing for 400ms",
        ),
        // The TLS handshake is part of connecting.
        (
            format!("https://127.0.0.1:{}/acme.git", silent.port),
            "timed out after 400ms",
        ),
        (
            format!("https://127.0.0.1:{}/acme.git", unreachable.port),
            "timed out after 400ms",
        ),
    ] {
        let start = Instant::now();
        site.new_from(
            &format!("{url}//service"),
            "api",
            &[
                ("PLAT_NETWORK_TIMEOUT_MS", "400"),
                ("PLAT_CONNECT_TIMEOUT_MS", "400"),
            ],
        )
        .code(3)
        .stderr_has(says);
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{url}: {:?}",
            start.elapsed()
        );
    }
}

#[test]
fn without_credentials_the_error_says_what_was_tried() {
    let site = site();
    site.new_from(&site.https("private", "v1.0.0"), "api", &[])
        .code(3)
        .stderr_has("HTTP 401")
        .stderr_has("the URL (no credentials)")
        .stderr_has("git's credential helpers")
        .stderr_has("PLAT_GIT_TOKEN_127_0_0_1 not set")
        .stderr_has("git help credentials");
    assert!(!site.s.join("api").exists());
}

#[test]
fn a_git_credential_helper_gives_the_password() {
    let site = site();
    let asked = site.s.join("helper-asked");
    site.s.write(
        ".home/.gitconfig",
        &format!(
            "[credential]\n\thelper = \"!f() {{ cat > {}; echo username={}; echo password={}; }}; f\"\n",
            asked.display(),
            web::USER,
            web::PASSWORD
        ),
    );
    let source = format!(
        "{}/private/acme.git//service?ref=v1.1.0",
        site.server.https("localhost")
    );
    let out = site.new_from(&source, "api", &[]);
    out.code(0);
    assert_no_secret(
        &out,
        &site.s.path().join("api"),
        &site.s.join(".home/.cache"),
    );
    let request = std::fs::read_to_string(&asked).unwrap();
    assert!(request.contains("protocol=https"), "{request}");
    assert!(
        request.contains(&format!("host=localhost:{}", site.server.tls_port.unwrap())),
        "{request}"
    );
}

#[test]
fn credentials_in_the_url_never_show() {
    let site = site();
    let with = |password: &str| {
        site.https("private", "v1.0.0")
            .replace("://", &format!("://{}:{password}@", web::USER))
    };
    let out = site.new_from(&with(web::PASSWORD), "api", &[]);
    out.code(0).stderr_has("Created");
    let cache = site.s.join(".home/.cache");
    assert_no_secret(&out, &site.s.join("api"), &cache);
    let list = run(site.plat().args(["cache", "list"]));
    assert!(!list.stdout.contains(web::PASSWORD) && !list.stderr.contains(web::PASSWORD));
    // A wrong password is not shown either, and the error says it was
    // refused (another cache: the tag is cached already).
    let wrong = "n0t-the-Pa55word";
    let elsewhere = site.s.join("cache-2").display().to_string();
    let out = site.new_from(&with(wrong), "bad", &[("PLAT_CACHE_DIR", &elsewhere)]);
    out.code(3)
        .stderr_has("the user and password in the URL (rejected)");
    assert!(
        !out.stderr.contains(wrong) && !out.stdout.contains(wrong),
        "{}",
        out.stderr
    );
}

#[test]
fn a_token_goes_to_its_own_host_only_and_only_over_https() {
    let site = site();
    let user_url = site
        .https("private", "v1.0.0")
        .replace("://", &format!("://{}@", web::USER));
    // A token for another host is not sent here (it is the right
    // password: had it been sent, the fetch would have worked).
    site.new_from(
        &user_url,
        "a",
        &[("PLAT_GIT_TOKEN_GIT_ACME_EXAMPLE", web::PASSWORD)],
    )
    .code(3)
    .stderr_has("PLAT_GIT_TOKEN_127_0_0_1 not set");
    // Over plain http it is not sent either.
    let http_url = format!(
        "http://{}@127.0.0.1:{}/private/acme.git//service",
        web::USER,
        site.server.server.port
    );
    site.new_from(
        &http_url,
        "b",
        &[("PLAT_GIT_TOKEN_127_0_0_1", web::PASSWORD)],
    )
    .code(3)
    .stderr_has("only sent over https");
    // Its own host, over https, gets it.
    let out = site.new_from(
        &user_url,
        "c",
        &[("PLAT_GIT_TOKEN_127_0_0_1", web::PASSWORD)],
    );
    out.code(0);
    site.server.wait_for_request(&format!(" {} ", web::USER));
    assert_no_secret(&out, &site.s.join("c"), &site.s.join(".home/.cache"));
}

#[test]
fn redirects_are_followed_as_git_does_and_loops_end() {
    let site = site();
    site.new_from(&site.https("moved", "v1.0.0"), "api", &[])
        .code(0);
    assert_eq!(site.commit_of("api"), site.cat.rev("v1.0.0"));
    site.new_from(&site.https("loop", "v1.0.0"), "x", &[])
        .code(3)
        .stderr_has("redirected more than 10 times");
}

#[test]
fn a_web_page_or_a_dumb_server_is_named_as_such() {
    let site = site();
    site.new_from(&site.https("web", "v1.0.0"), "x", &[])
        .code(3)
        .stderr_has("answered with a web page");
    site.new_from(&site.https("dumb", "v1.0.0"), "y", &[])
        .code(3)
        .stderr_has("\"dumb\" HTTP");
}

/// No output, file of the project, or file or name in the cache holds the
/// test password.
#[track_caller]
fn assert_no_secret(out: &Run, project: &Path, cache: &Path) {
    let secret = web::PASSWORD;
    assert!(
        !out.stdout.contains(secret) && !out.stderr.contains(secret),
        "{}",
        out.stderr
    );
    if project.join(".git").exists() {
        let log = git(project, &["log", "--format=%B"]);
        assert!(!log.contains(secret), "{log}");
    }
    for root in [project, cache] {
        for rel in files_under(root) {
            assert!(!rel.contains(secret), "{rel}");
            let bytes = std::fs::read(root.join(&rel)).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret),
                "{} holds the password",
                root.join(&rel).display()
            );
        }
    }
}
