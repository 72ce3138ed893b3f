//! PLAT602: a newer tag or a branch that moved on, and a network that is
//! down.

use super::*;

#[test]
fn doctor_reports_a_newer_tag_and_a_branch_that_moved_on() {
    let (s, cat) = catalogue();
    let url = format!("{}//service", cat.file_url());
    new_from(&s, &format!("{url}?ref=v1.0.0"), "tagged").code(0);
    new_from(&s, &url, "tracking").code(0);
    new_from(&s, &format!("{url}?ref={}", cat.rev("v1.0.0")), "pinned").code(0);
    let (status, message) = upstream(&s, "tagged", &[]);
    assert_eq!(status, "fail", "{message}");
    assert!(message.contains("v1.1.0 of file://"), "{message}");
    assert!(message.contains("is newer than `v1.0.0`"), "{message}");
    assert_eq!(upstream(&s, "tracking", &[]).0, "pass");
    assert_eq!(upstream(&s, "pinned", &[]).0, "pass");
    cat.commit(&servers::repo::service_template("1.3.0"), "service 1.3.0");
    cat.publish();
    let (status, message) = upstream(&s, "tracking", &[]);
    assert_eq!(status, "fail", "{message}");
    assert!(
        message.contains("the default branch of file://"),
        "{message}"
    );
    assert!(
        message.contains("has moved on: 1 new commit since"),
        "{message}"
    );
    assert!(message.contains(&cat.rev("main")[..12]), "{message}");
}

#[test]
fn doctor_never_fails_because_the_server_is_down() {
    let (s, _) = catalogue();
    let d = servers::git_daemon(&s.join("remote"));
    let url = format!("git://127.0.0.1:{}/acme.git//service?ref=v1.0.0", d.port);
    new_from(&s, &url, "api").code(0);
    drop(d);
    // From the cache, saying so.
    let (status, message) = upstream(&s, "api", &[]);
    assert_eq!(status, "fail", "{message}");
    assert!(message.contains("v1.1.0 of git://"), "{message}");
    assert!(
        message.contains("as far as plat knows: fetching git://"),
        "{message}"
    );
    let (status, message) = upstream(&s, "api", &["--offline"]);
    assert_eq!(status, "fail");
    assert!(
        message.contains("as far as plat knows: offline"),
        "{message}"
    );
    // With no cache either, the check cannot tell, and says why.
    std::fs::remove_dir_all(cache_dir(&s)).unwrap();
    let (status, message) = upstream(&s, "api", &[]);
    assert_eq!(status, "skip");
    assert!(message.contains("cannot tell"), "{message}");
}
