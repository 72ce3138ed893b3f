//! Templates from git: file:// and git daemon sources, pinning, the cache
//! and working offline. (Smart HTTP and ssh have their own modules.)

use std::path::PathBuf;

use crate::servers::{self, repo::Catalogue};
use crate::support::*;

/// A scratch directory with the acme catalogue at `remote/acme.git`.
fn catalogue() -> (Scratch, Catalogue) {
    let s = Scratch::new();
    let cat = Catalogue::new(&s.join("remote"), "acme");
    (s, cat)
}

/// plat's cache directory for scratch runs (XDG_CACHE_HOME is set there).
fn cache_dir(s: &Scratch) -> PathBuf {
    s.join(".home/.cache/plat/git")
}

fn new_from(s: &Scratch, source: &str, name: &str) -> Run {
    run(s
        .plat_with_identity()
        .args(["new", source, name, "--no-input"]))
}

/// The `template:` section of a project's platform.yaml.
fn provenance(s: &Scratch, project: &str) -> serde_yaml::Value {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&s.read(&format!("{project}/platform.yaml"))).unwrap();
    doc["template"].clone()
}

#[test]
fn a_service_from_a_tag_pins_the_commit_it_was_made_from() {
    let (s, cat) = catalogue();
    let source = format!("{}//service?ref=v1.0.0", cat.file_url());
    new_from(&s, &source, "api")
        .code(0)
        .stderr_has("Fetching")
        .stderr_has("Created");
    assert!(s
        .read("api/README.md")
        .contains("Made from acme service 1.0.0"));
    let t = provenance(&s, "api");
    assert_eq!(t["source"].as_str(), Some(cat.file_url().as_str()));
    assert_eq!(t["path"].as_str(), Some("service"));
    assert_eq!(t["ref"].as_str(), Some("v1.0.0"));
    assert_eq!(t["commit"].as_str(), Some(cat.rev("v1.0.0").as_str()));
    assert_eq!(t["version"].as_str(), Some("1.0.0"));
    // The new repository's first commit says where it came from.
    let log = servers::repo::git(&s.join("api"), &["log", "-1", "--format=%B"]);
    assert!(log.contains(&cat.rev("v1.0.0")[..12]), "{log}");
}

#[test]
fn without_a_ref_the_default_branch_is_used_and_no_ref_recorded() {
    let (s, cat) = catalogue();
    new_from(&s, &format!("{}//service", cat.file_url()), "api").code(0);
    assert!(s.read("api/README.md").contains("1.2.0-dev"));
    let t = provenance(&s, "api");
    assert!(t.get("ref").is_none(), "{t:?}");
    assert_eq!(t["commit"].as_str(), Some(cat.rev("main").as_str()));
}

#[test]
fn the_ref_flag_names_the_version_and_must_agree_with_the_source() {
    let (s, cat) = catalogue();
    let url = format!("{}//worker", cat.file_url());
    run(s
        .plat_with_identity()
        .args(["new", &url, "w", "--ref", "v1.1.0", "--no-input"]))
    .code(0);
    assert_eq!(provenance(&s, "w")["ref"].as_str(), Some("v1.1.0"));
    run(s.plat().args([
        "new",
        &format!("{url}?ref=v1.1.0"),
        "x",
        "--ref",
        "v1.0.0",
        "--no-input",
    ]))
    .code(2)
    .stderr_has("--ref says `v1.0.0`");
}

#[test]
fn a_commit_id_is_a_ref_too() {
    let (s, cat) = catalogue();
    let short = &cat.rev("v1.1.0")[..10];
    new_from(
        &s,
        &format!("{}//service?ref={short}", cat.file_url()),
        "api",
    )
    .code(0);
    assert!(s.read("api/README.md").contains("1.1.0"));
    assert_eq!(
        provenance(&s, "api")["commit"].as_str(),
        Some(cat.rev("v1.1.0").as_str())
    );
}

#[test]
fn git_daemon_serves_a_template() {
    let (s, cat) = catalogue();
    let Some(d) = servers::git_daemon(&s.join("remote")) else {
        return;
    };
    let source = format!("git://127.0.0.1:{}/acme.git//service?ref=v1.1.0", d.port);
    new_from(&s, &source, "api").code(0);
    assert!(s.read("api/README.md").contains("1.1.0"));
    let t = provenance(&s, "api");
    assert_eq!(
        t["source"].as_str(),
        Some(format!("git://127.0.0.1:{}/acme.git", d.port).as_str())
    );
    assert_eq!(t["commit"].as_str(), Some(cat.rev("v1.1.0").as_str()));
}

#[test]
fn an_unknown_ref_suggests_the_nearest_and_lists_what_there_is() {
    let (s, cat) = catalogue();
    new_from(&s, &format!("{}//service?ref=v1.1", cat.file_url()), "api")
        .code(2)
        .stderr_has("no tag, branch or commit `v1.1`")
        .stderr_has("did you mean `v1.1.0`?")
        .stderr_has("tags: v1.1.0, v1.0.0")
        .stderr_has("branches: main");
    assert_eq!(s.entries(), ["remote"], "nothing was created");
}

#[test]
fn an_unknown_path_lists_the_templates_in_the_repository() {
    let (s, cat) = catalogue();
    new_from(&s, &format!("{}//servce?ref=v1.1.0", cat.file_url()), "api")
        .code(2)
        .stderr_has("has no template at `servce`")
        .stderr_has("did you mean `//service`?")
        .stderr_has("templates in it: service, worker");
    new_from(&s, &cat.file_url(), "api")
        .code(2)
        .stderr_has("has no template.yaml at its root")
        .stderr_has("name one with `//PATH`");
}

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
    let Some(d) = servers::git_daemon(&s.join("remote")) else {
        return;
    };
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
fn two_fetches_of_one_repository_at_once_both_succeed() {
    let (s, cat) = catalogue();
    let source = format!("{}//service?ref=v1.1.0", cat.file_url());
    let spawn = |name: &str| {
        s.plat_with_identity()
            .args(["new", &source, name, "--no-input"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children: Vec<_> = (0..4).map(|i| spawn(&format!("svc{i}"))).collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let left: Vec<String> = std::fs::read_dir(cache_dir(&s))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 1, "one entry, no temporary left: {left:?}");
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
fn credentials_in_a_url_appear_nowhere() {
    let s = Scratch::new();
    let port = servers::free_port(); // nothing listens there
    let source = format!("https://bot:hunter2@127.0.0.1:{port}/acme.git//service");
    let r = run(s.plat().env("PLAT_CONNECT_TIMEOUT_MS", "2000").args([
        "new",
        &source,
        "api",
        "--no-input",
    ]));
    assert_ne!(r.code, 0);
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
    assert!(!r.stderr.contains("bot:"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("https://127.0.0.1:{port}/acme.git")),
        "{}",
        r.stderr
    );
    let names: Vec<String> = files_under(&s.join(".home"))
        .into_iter()
        .chain(s.entries())
        .collect();
    assert!(names.iter().all(|n| !n.contains("hunter2")), "{names:?}");
}

#[test]
fn submodules_lfs_pointers_and_links_out_of_the_template_are_refused() {
    let (s, cat) = catalogue();
    let lfs = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n";
    cat.commit(&[("service/files/logo.png".into(), lfs.into())], "lfs");
    cat.tag("lfs");
    servers::repo::git(&cat.work, &["rm", "-q", "service/files/logo.png"]);
    let sub = cat.rev("v1.0.0");
    servers::repo::git(
        &cat.work,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{sub},service/files/vendor"),
        ],
    );
    servers::repo::git(&cat.work, &["commit", "-q", "-m", "submodule"]);
    cat.tag("submodule");
    servers::repo::git(&cat.work, &["rm", "-q", "--cached", "service/files/vendor"]);
    std::os::unix::fs::symlink(
        "../../../../etc/passwd",
        cat.work.join("service/files/passwd"),
    )
    .unwrap();
    servers::repo::git(&cat.work, &["add", "-A"]);
    servers::repo::git(&cat.work, &["commit", "-q", "-m", "link out"]);
    cat.tag("link");
    cat.publish();
    let url = format!("{}//service", cat.file_url());
    new_from(&s, &format!("{url}?ref=lfs"), "a")
        .code(2)
        .stderr_has("`files/logo.png` is a Git LFS pointer");
    new_from(&s, &format!("{url}?ref=submodule"), "b")
        .code(2)
        .stderr_has("`files/vendor` is a git submodule");
    new_from(&s, &format!("{url}?ref=link"), "c")
        .code(2)
        .stderr_has("`files/passwd` is a symbolic link outside the template");
    assert_eq!(s.entries(), ["remote"], "nothing was created");
}

#[test]
fn links_inside_a_git_template_are_followed() {
    let (s, cat) = catalogue();
    std::os::unix::fs::symlink("README.md", cat.work.join("service/files/INDEX.md")).unwrap();
    servers::repo::git(&cat.work, &["add", "-A"]);
    servers::repo::git(&cat.work, &["commit", "-q", "-m", "link in"]);
    cat.publish();
    new_from(&s, &format!("{}//service", cat.file_url()), "api").code(0);
    assert_eq!(s.read("api/INDEX.md"), s.read("api/README.md"));
}

/// plat's config with an alias and catalogues, in the scratch home.
fn config(s: &Scratch, cat: &Catalogue) {
    s.write(
        ".home/.config/plat/config.yaml",
        &format!(
            "sources:\n  acme: {}\ncatalogs:\n  - acme\n  - ./local\n",
            cat.file_url()
        ),
    );
    s.template(
        ".home/.config/plat/local/lib",
        "name: lib\nversion: 0.1.0\ndescription: a library\n",
        &[("x.txt", "x\n")],
    );
}

#[test]
fn aliases_from_the_config_name_sources() {
    let (s, cat) = catalogue();
    config(&s, &cat);
    new_from(&s, "acme//worker?ref=v1.1.0", "w").code(0);
    assert_eq!(
        provenance(&s, "w")["source"].as_str(),
        Some(cat.file_url().as_str()),
        "the alias is expanded: the service works on machines without it"
    );
    run(s
        .plat()
        .args(["templates", "show", "acme//service", "--ref", "v1.0.0"]))
    .code(0)
    .stdout_has("service 1.0.0");
    new_from(&s, "acm//service", "x")
        .code(2)
        .stderr_has("no source alias `acm`")
        .stderr_has("did you mean `acme`?");
}

#[test]
fn templates_list_shows_catalogues_with_their_versions() {
    let (s, cat) = catalogue();
    config(&s, &cat);
    let r = run(s.plat().args(["templates", "list", "--format", "json"]));
    r.code(0);
    let doc = r.json();
    let list = doc["templates"].as_array().unwrap();
    let find = |name: &str| {
        list.iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing: {doc}"))
    };
    assert_eq!(find("service")["source"], "service", "the built-in first");
    let worker = find("worker");
    assert_eq!(worker["catalog"], "acme");
    assert_eq!(
        worker["source"],
        format!("{}//worker", cat.file_url()).as_str()
    );
    assert_eq!(worker["versions"], serde_json::json!(["v1.1.0", "v1.0.0"]));
    assert_eq!(find("lib")["catalog"], "./local");
    run(s.plat().args(["templates", "list"]))
        .code(0)
        .stdout_has("versions: v1.1.0, v1.0.0")
        .stdout_has("The acme service");
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
