//! `plat completions SHELL` and `plat man DIR`: generated from the clap
//! tree, so every command and flag is there.

use crate::support::*;

#[test]
fn completions_know_every_command_for_every_shell() {
    let s = Scratch::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(s.plat().args(["completions", shell]));
        out.code(0);
        for word in ["update", "template", "allow-dirty", "offline"] {
            assert!(out.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let bash = run(s.plat().args(["completions", "bash"])).stdout;
    let path = s.write("plat.bash", &bash);
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    run(s.plat().args(["completions", "tcsh"]))
        .code(2)
        .stderr_has("possible values: bash, elvish, fish, powershell, zsh");
}

#[test]
fn man_writes_a_page_per_command() {
    let s = Scratch::new();
    run(s.plat().args(["man", "pages/man1"]))
        .code(0)
        .stderr_has("Wrote 21 man pages to pages/man1");
    let pages = s.tree("pages/man1");
    for page in [
        "plat.1",
        "plat-new.1",
        "plat-update.1",
        "plat-template-lint.1",
        "plat-cache-clean.1",
    ] {
        assert!(pages.contains(&page.to_string()), "{page} not in {pages:?}");
    }
    assert!(!pages.iter().any(|p| p.contains("help")), "{pages:?}");
    let update = s.read("pages/man1/plat-update.1");
    assert!(update.contains(".TH plat-update 1"), "{update}");
    assert!(update.contains("allow\\-dirty"), "{update}");
}
