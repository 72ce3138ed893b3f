//! Naming a template in git and what platform.yaml pins: refs, paths,
//! aliases, catalogues.

use super::*;

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
    let d = servers::git_daemon(&s.join("remote"));
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
fn a_manifest_with_credentials_in_its_source_or_no_commit_is_invalid() {
    let s = Scratch::new();
    s.write(
        "platform.yaml",
        "apiVersion: plat.dev/v1\nkind: Service\nmetadata:\n  name: api\n  owner: team-a\ntemplate:\n  source: https://bot:hunter2@git.acme.example/t.git\n  path: service\n  name: service\n  version: 1.0.0\n",
    );
    let r = run(s.plat().args(["manifest", "validate"]));
    r.code(1)
        .stdout_has("template.source: `source` holds credentials; write it without them (`https://git.acme.example/t.git`)")
        .stdout_has("template.commit: a template from git needs the `commit`");
    assert!(!r.stdout.contains("hunter2"), "{}", r.stdout);
}
