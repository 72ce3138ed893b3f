//! Prompts appear only on a terminal: these tests run plat under a
//! pseudo-terminal (`script`) and type the answers.

use crate::support::*;

const ASKS: &str = "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nvariables:\n  - name: owner\n    help: the owning team\n  - name: port\n    type: integer\n    default: 8080\n";

/// Runs `plat ARGS` under a pseudo-terminal with `typed` as keyboard input.
#[cfg(unix)]
pub fn on_terminal(s: &Scratch, args: &str, typed: &str) -> Run {
    on_terminal_with(s, &[], args, typed)
}

/// [`on_terminal`] with more environment variables.
#[cfg(unix)]
pub fn on_terminal_with(s: &Scratch, envs: &[(&str, &str)], args: &str, typed: &str) -> Run {
    use std::io::Write;
    let plat = env!("CARGO_BIN_EXE_plat");
    let mut cmd = s.plat();
    cmd.envs(envs.iter().copied());
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut sh = std::process::Command::new("script");
    sh.current_dir(s.path())
        .envs(
            cmd.get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .args(["-qec", &format!("{plat} {args}"), "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = sh.spawn().expect("script(1) from util-linux");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(typed.as_bytes()).unwrap();
    // Keep the terminal open until plat has read everything.
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(5));
        drop(stdin);
    });
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[cfg(unix)]
#[test]
fn a_terminal_is_asked_and_invalid_answers_are_asked_again() {
    let s = Scratch::new();
    let t = s.template("t", ASKS, &[("a.txt", "{{ owner }}:{{ port }}")]);
    let r = on_terminal(
        &s,
        &format!("new {t} api --no-git --color never"),
        "team-x\rnope\r9000\r",
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("owner (the owning team)"), "{}", r.stdout);
    assert!(
        r.stdout.contains("expected an integer, found `nope`"),
        "{}",
        r.stdout
    );
    assert_eq!(s.read("api/a.txt"), "team-x:9000");
}

#[cfg(unix)]
#[test]
fn given_answers_are_not_asked_again() {
    let s = Scratch::new();
    let t = s.template("t", ASKS, &[("a.txt", "{{ owner }}:{{ port }}")]);
    let r = on_terminal(
        &s,
        &format!("new {t} api --no-git --color never --set owner=ops"),
        "\r",
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(!r.stdout.contains("owner ("), "{}", r.stdout);
    assert_eq!(s.read("api/a.txt"), "ops:8080");
}

#[cfg(unix)]
#[test]
fn no_input_never_prompts_even_on_a_terminal() {
    let s = Scratch::new();
    let t = s.template("t", ASKS, &[("a.txt", "{{ owner }}")]);
    let r = on_terminal(
        &s,
        &format!("new {t} api --no-git --no-input --color never"),
        "team-x\r",
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout.contains("owner (string): the owning team"),
        "{}",
        r.stdout
    );
    assert!(!s.join("api").exists());
}

#[cfg(unix)]
#[test]
fn values_typed_on_the_terminal_with_values_dash_are_never_followed_by_a_prompt() {
    let s = Scratch::new();
    let t = s.template("t", ASKS, &[("a.txt", "{{ owner }}:{{ port }}")]);
    // Answers up to end of input (Ctrl-D); `owner` is left out, and plat
    // must say so rather than ask for it on the same terminal.
    let r = on_terminal(
        &s,
        &format!("new {t} api --no-git --color never --values -"),
        "port: 9000\r\x04",
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout.contains("1 required variable has no value"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("owner (the owning team)"),
        "{}",
        r.stdout
    );
    assert!(!s.join("api").exists());
}

/// Removes terminal escape sequences, leaving what a person reads.
#[cfg(unix)]
fn plain(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(unix)]
#[test]
fn an_invalid_answer_is_never_shown_as_accepted() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nvariables:\n  - name: owner\n    pattern: 'team-[a-z]+'\n  - name: port\n    type: integer\n    default: 8080\n    min: 1\n    max: 65535\n",
        &[("a.txt", "{{ owner }}:{{ port }}")],
    );
    for colour in ["always", "never"] {
        let out = format!("api-{colour}");
        let r = on_terminal(
            &s,
            &format!("new {t} {out} --no-git --color {colour}"),
            "ops\rteam-x\r99999\r9000\r",
        );
        assert_eq!(r.code, 0, "{}", r.stdout);
        let screen = plain(&r.stdout);
        // The same messages as for --set, shown while the question stays open.
        assert!(
            screen.contains("`ops` does not match the pattern `team-[a-z]+`"),
            "{screen}"
        );
        assert!(
            screen.contains("99999 is out of range") || screen.contains("between 1 and 65535"),
            "{screen}"
        );
        // Accepted: `✔ port · 9000` (colours) or `port: 9000` ending its
        // line (no colours); what is typed stays on the prompt's line.
        let accepted =
            |v: &str| screen.contains(&format!("· {v}")) || screen.contains(&format!(": {v}\r\n"));
        assert!(!accepted("99999") && !accepted("ops"), "{screen:?}");
        assert!(accepted("9000") && accepted("team-x"), "{screen}");
        assert_eq!(s.read(&format!("{out}/a.txt")), "team-x:9000");
    }
}

#[cfg(unix)]
#[test]
fn enter_on_a_secret_with_a_default_takes_the_default() {
    let s = Scratch::new();
    let t = s.template(
        "t",
        "name: t\nversion: 0.1.0\nmanifest: {metadata: {owner: team-test}}\nvariables:\n  - name: token\n    secret: true\n    default: dev-token\n    pattern: '^[a-z-]+$'\n",
        &[("a.txt", "{{ token }}")],
    );
    let r = on_terminal(&s, &format!("new {t} api --no-git --color never"), "\r");
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(s.read("api/a.txt"), "dev-token");
}
