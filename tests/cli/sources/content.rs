//! What a template from git may hold: links inside, no submodules, no
//! LFS pointers, no links out.

use super::*;

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
