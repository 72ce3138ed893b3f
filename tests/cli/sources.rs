//! Templates from git sources: file://, git daemon, and (in their own
//! modules) smart HTTP and ssh, against real servers on 127.0.0.1.

use crate::servers::{self, repo::Catalogue};
use crate::support::*;

#[test]
fn the_catalogue_is_served_by_git_daemon() {
    let s = Scratch::new();
    let cat = Catalogue::new(&s.join("remote"), "acme");
    let Some(d) = servers::git_daemon(&s.join("remote")) else {
        return;
    };
    let refs = servers::repo::git(
        s.path(),
        &["ls-remote", &format!("git://127.0.0.1:{}/acme.git", d.port)],
    );
    assert!(refs.contains(&cat.rev("v1.1.0")), "{refs}");
}

#[test]
fn a_published_commit_reaches_the_bare_repository() {
    let s = Scratch::new();
    let cat = Catalogue::new(&s.join("remote"), "acme");
    cat.commit(&servers::repo::service_template("2.0.0"), "service 2.0.0");
    cat.tag("v2.0.0");
    cat.publish();
    let refs = servers::repo::git(s.path(), &["ls-remote", &cat.file_url()]);
    assert!(refs.contains("refs/tags/v2.0.0"), "{refs}");
}
