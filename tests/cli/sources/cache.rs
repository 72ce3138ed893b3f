//! plat's cache: what answers without the network, offline, refresh,
//! concurrent fetches, damage, `plat cache`.

use super::*;

#[test]
fn offline_needs_the_cache_and_says_how_to_fill_it() {
    let (s, cat) = catalogue();
    let source = format!("{}//service?ref=v1.0.0", cat.file_url());
    run(s
        .plat_with_identity()
        .args(["new", &source, "api", "--no-input", "--offline"]))
    .code(2)
    .stderr_has("is not in plat's cache")
    .stderr_has("without --offline");
    new_from(&s, &source, "api").code(0);
    let again = run(s.plat_with_identity().env("PLAT_OFFLINE", "1").args([
        "new",
        &source,
        "api2",
        "--no-input",
    ]));
    again.code(0);
    assert!(!again.stderr.contains("Fetching"), "{}", again.stderr);
}

#[test]
fn a_cached_tag_never_touches_the_network_but_a_branch_is_fetched() {
    let (s, cat) = catalogue();
    let d = servers::git_daemon(&s.join("remote"));
    let url = format!("git://127.0.0.1:{}/acme.git//service", d.port);
    new_from(&s, &format!("{url}?ref=v1.0.0"), "a").code(0);
    new_from(&s, &url, "b").code(0).stderr_has("Fetching");
    drop(d); // the server is gone
    let tag = new_from(&s, &format!("{url}?ref=v1.0.0"), "c");
    tag.code(0);
    assert!(!tag.stderr.contains("Fetching"), "{}", tag.stderr);
    assert_eq!(
        provenance(&s, "c")["commit"].as_str(),
        Some(cat.rev("v1.0.0").as_str())
    );
    // A branch cannot be trusted from the cache, but a cached copy beats
    // failing: plat says so.
    new_from(&s, &url, "d")
        .code(0)
        .stderr_has("using the copy of")
        .stderr_has("cached just now");
    run(s
        .plat_with_identity()
        .args(["new", &url, "e", "--no-input", "--offline"]))
    .code(0)
    .stderr_has("offline: using the default branch");
}

#[test]
fn a_new_tag_is_found_by_fetching_again() {
    let (s, cat) = catalogue();
    new_from(&s, &format!("{}//service?ref=v1.0.0", cat.file_url()), "a").code(0);
    cat.commit(&servers::repo::service_template("2.0.0"), "service 2.0.0");
    cat.tag("v2.0.0");
    cat.publish();
    new_from(&s, &format!("{}//service?ref=v2.0.0", cat.file_url()), "b").code(0);
    assert!(s.read("b/README.md").contains("2.0.0"));
}

#[test]
fn sync_and_doctor_render_the_recorded_commit_offline() {
    let (s, cat) = catalogue();
    new_from(
        &s,
        &format!("{}//service?ref=v1.0.0", cat.file_url()),
        "api",
    )
    .code(0);
    // Upstream moves on; the service stays on what it was made from.
    cat.commit(&servers::repo::service_template("2.0.0"), "service 2.0.0");
    cat.publish();
    run(s
        .plat()
        .current_dir(s.join("api"))
        .args(["sync", "--check", "--offline"]))
    .code(0);
    let (_, report) = crate::doctor::doctor_json(&s, "api", &["--offline"]);
    assert_eq!(crate::doctor::status(&report, "PLAT601"), "pass");
    assert_eq!(crate::doctor::status(&report, "PLAT500"), "pass");
    // With an empty cache and offline, the template is unavailable, said
    // plainly, and nothing breaks.
    std::fs::remove_dir_all(cache_dir(&s)).unwrap();
    run(s
        .plat()
        .current_dir(s.join("api"))
        .args(["sync", "--check", "--offline"]))
    .code(2)
    .stderr_has("not in plat's cache");
}

#[test]
fn fetches_of_one_repository_at_once_all_succeed() {
    let (s, cat) = catalogue();
    // The first fetch, four times at once: each renames its own copy into
    // place or finds another's there.
    all_at_once(
        &s,
        &format!("{}//service", cat.file_url()),
        &["a", "b", "c", "d"],
    );
    let entries = || -> Vec<String> {
        std::fs::read_dir(cache_dir(&s))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(
        entries().len(),
        1,
        "one entry, no temporary left: {:?}",
        entries()
    );
    // Updates of that entry, four at once: each moves its packs and refs in.
    cat.commit(&servers::repo::service_template("1.3.0"), "service 1.3.0");
    cat.publish();
    all_at_once(
        &s,
        &format!("{}//service", cat.file_url()),
        &["e", "f", "g", "h"],
    );
    assert_eq!(entries().len(), 1, "{:?}", entries());
    for name in ["e", "f", "g", "h"] {
        assert!(
            s.read(&format!("{name}/README.md")).contains("1.3.0"),
            "{name}"
        );
    }
    run(s.plat_with_identity().args([
        "new",
        &format!("{}//service", cat.file_url()),
        "i",
        "--no-input",
        "--offline",
    ]))
    .code(0);
    assert!(s.read("i/README.md").contains("1.3.0"));
}

#[test]
fn a_tag_is_trusted_until_refresh() {
    let (s, cat) = catalogue();
    let source = format!("{}//service?ref=v1.0.0", cat.file_url());
    new_from(&s, &source, "a").code(0);
    // Someone moves the tag upstream (they should not, but it happens).
    cat.commit(&servers::repo::service_template("1.0.1"), "service 1.0.1");
    servers::repo::git(&cat.work, &["tag", "-f", "v1.0.0"]);
    servers::repo::git(
        &cat.work,
        &["push", "-q", "-f", &cat.bare.to_string_lossy(), "v1.0.0"],
    );
    new_from(&s, &source, "b").code(0);
    assert!(s.read("b/README.md").contains("1.0.0."), "the cached tag");
    run(s
        .plat_with_identity()
        .args(["new", &source, "c", "--no-input", "--refresh"]))
    .code(0)
    .stderr_has("Fetching");
    assert!(
        s.read("c/README.md").contains("1.0.1"),
        "the tag as it is now"
    );
}

#[test]
fn a_damaged_cache_entry_is_fetched_afresh() {
    let (s, cat) = catalogue();
    let source = format!("{}//service?ref=v1.0.0", cat.file_url());
    new_from(&s, &source, "a").code(0);
    let entry = std::fs::read_dir(cache_dir(&s))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for pack in std::fs::read_dir(entry.join("objects/pack")).unwrap() {
        let p = pack.unwrap().path();
        if p.extension().is_some_and(|x| x == "pack") {
            let len = std::fs::metadata(&p).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
            f.set_len(len / 2).unwrap();
        }
    }
    new_from(&s, &source, "b")
        .code(0)
        .stderr_has("damaged; fetching it afresh");
    assert!(s.read("b/README.md").contains("1.0.0"));
    // An entry that is no repository at all is replaced too.
    std::fs::remove_dir_all(entry.join("objects")).unwrap();
    new_from(&s, &source, "c")
        .code(0)
        .stderr_has("damaged; fetching it afresh");
}

#[test]
fn cache_list_and_clean() {
    let (s, cat) = catalogue();
    new_from(&s, &format!("{}//service?ref=v1.0.0", cat.file_url()), "a").code(0);
    let r = run(s.plat().args(["cache", "list", "--format", "json"]));
    r.code(0);
    let repos = r.json()["repositories"].clone();
    assert_eq!(repos[0]["source"], cat.file_url().as_str(), "{repos}");
    assert!(repos[0]["bytes"].as_u64().unwrap() > 0);
    run(s.plat().args(["cache", "list"]))
        .code(0)
        .stdout_has(&cat.file_url())
        .stdout_has("fetched just now");
    run(s
        .plat()
        .args(["cache", "clean", "https://elsewhere.example/x.git"]))
    .code(0)
    .stderr_has("none of those sources");
    run(s.plat().args(["cache", "clean", &cat.file_url()]))
        .code(0)
        .stderr_has("Removed");
    assert!(std::fs::read_dir(cache_dir(&s)).unwrap().next().is_none());
}
