//! Documentation that runs: every shell block of docs/onboarding.md and of
//! the README's usage section is executed, in order, in a scratch
//! directory, with `plat` on PATH, so the pages a platform team copies
//! cannot rot.
//!
//! The scratch world a page runs in, and nothing else:
//! - blocks run one after another in `work/`, each in its own
//!   `bash -euo pipefail`, so a block fails on its first failing command;
//!   files persist between blocks, shell variables do not;
//! - HOME is the scratch's own, with a git identity (a new user's machine
//!   has one) and `url.<local>.insteadOf` rules that send
//!   `git@github.com:acme/NAME.git` and `https://github.com/acme/NAME.git`
//!   to empty bare repositories under `github/acme/` (made for every such
//!   name the page mentions, as a person creates the empty repository on
//!   the git host first), so pushes work offline and can be checked;
//! - BACKSTAGE_URL and BACKSTAGE_TOKEN point at a stub of Backstage's
//!   catalog API on 127.0.0.1 that records the locations registered.
//!
//! A block preceded by `<!-- doc-test: skip: REASON -->` is not run (the
//! reason is required); a block tagged other than sh/bash/shell is text.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use crate::support::*;

/// One fenced shell block of a page.
#[derive(Debug)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    code: String,
    /// Why it is not run, when it is not.
    skip: Option<String>,
}

/// The shell blocks of `markdown` (from `from_heading` to the next heading
/// of the same level, when given).
fn shell_blocks(markdown: &str, from_heading: Option<&str>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut inside: Option<(usize, bool, String)> = None;
    let mut skip: Option<String> = None;
    let mut in_section = from_heading.is_none();
    let level = from_heading.map(|h| h.chars().take_while(|c| *c == '#').count());
    for (i, line) in markdown.lines().enumerate() {
        if let Some((start, shell, mut code)) = inside.take() {
            if line.trim_start().starts_with("```") {
                if shell && in_section {
                    blocks.push(Block {
                        line: start,
                        code,
                        skip: skip.take(),
                    });
                }
                skip = None;
            } else {
                code.push_str(line);
                code.push('\n');
                inside = Some((start, shell, code));
            }
            continue;
        }
        if let (Some(heading), Some(level)) = (from_heading, level) {
            let hashes = line.chars().take_while(|c| *c == '#').count();
            if line == heading {
                in_section = true;
            } else if in_section && hashes > 0 && hashes <= level && line[hashes..].starts_with(' ')
            {
                in_section = false;
            }
        }
        if let Some(rest) = line.trim().strip_prefix("<!-- doc-test: skip:") {
            let reason = rest.trim_end_matches("-->").trim();
            assert!(!reason.is_empty(), "line {}: a skip needs a reason", i + 1);
            skip = Some(reason.to_string());
        } else if let Some(info) = line.trim_start().strip_prefix("```") {
            let lang = info.split_whitespace().next().unwrap_or("");
            inside = Some((
                i + 1,
                matches!(lang, "sh" | "bash" | "shell"),
                String::new(),
            ));
        } else if !line.trim().is_empty() {
            // A skip marker belongs to the block right after it.
            skip = None;
        }
    }
    assert!(inside.is_none(), "an unclosed code fence");
    blocks
}

/// A stub of Backstage's catalog API: `POST /api/catalog/locations`
/// with a bearer token records the body and answers 201, as Backstage does.
struct Backstage {
    url: String,
    registered: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Backstage {
    const TOKEN: &'static str = "doc-test-token";

    fn start() -> Backstage {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let registered = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&registered);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                let mut length = 0;
                let mut authorized = false;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                        break;
                    }
                    let (name, value) = header.split_once(':').unwrap_or((&header, ""));
                    match name.to_ascii_lowercase().as_str() {
                        "content-length" => length = value.trim().parse().unwrap_or(0),
                        "authorization" => {
                            authorized = value.trim() == format!("Bearer {}", Self::TOKEN)
                        }
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let ok = request_line.starts_with("POST /api/catalog/locations ") && authorized;
                let response = match serde_json::from_slice::<serde_json::Value>(&body) {
                    Ok(json) if ok => {
                        let answer = serde_json::json!({"location": {"id": "1", "type": json["type"], "target": json["target"]}, "entities": []});
                        seen.lock().unwrap().push(json);
                        format!("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}", answer.to_string().len())
                    }
                    _ => {
                        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_string()
                    }
                };
                let _ = stream.write_all(response.as_bytes());
            }
        });
        Backstage { url, registered }
    }
}

/// The scratch world a page runs in (see the module's comment).
struct World {
    s: Scratch,
    backstage: Backstage,
}

impl World {
    fn new(page: &str) -> World {
        let s = Scratch::new();
        std::fs::create_dir_all(s.join("work")).unwrap();
        let github = s.join("github/acme");
        std::fs::create_dir_all(&github).unwrap();
        let mut names: Vec<&str> = page
            .match_indices("acme/")
            .filter_map(|(i, _)| {
                let rest = &page[i + "acme/".len()..];
                let end = rest.find(".git")?;
                let name = &rest[..end];
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
                    .then_some(name)
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let bare = github.join(format!("{name}.git"));
            assert!(Command::new("git")
                .args(["init", "-q", "--bare", "-b", "main"])
                .arg(&bare)
                .status()
                .unwrap()
                .success());
        }
        let local = format!("file://{}/", github.display());
        s.write(
            ".home/.gitconfig",
            &format!(
                "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n[init]\n\tdefaultBranch = main\n\
                 [url \"{local}\"]\n\tinsteadOf = git@github.com:acme/\n\tinsteadOf = https://github.com/acme/\n"
            ),
        );
        World {
            s,
            backstage: Backstage::start(),
        }
    }

    fn run(&self, page: &str, block: &Block) -> Run {
        let plat = PathBuf::from(env!("CARGO_BIN_EXE_plat"));
        let bin = plat.parent().unwrap();
        let cmd = self.s.plat();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![bin.to_path_buf()];
        dirs.extend(std::env::split_paths(&path));
        let mut sh = Command::new("bash");
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => sh.env(k, v),
                None => sh.env_remove(k),
            };
        }
        sh.current_dir(self.s.join("work"))
            .env("PATH", std::env::join_paths(dirs).unwrap())
            .env("HOME", self.s.join(".home"))
            .env("BACKSTAGE_URL", &self.backstage.url)
            .env("BACKSTAGE_TOKEN", Backstage::TOKEN)
            .env("NO_COLOR", "1")
            .args([
                "--noprofile",
                "--norc",
                "-euo",
                "pipefail",
                "-c",
                &block.code,
            ])
            .stdin(std::process::Stdio::null());
        let r = run(&mut sh);
        assert_eq!(
            r.code, 0,
            "{page}:{}: this block failed (exit {}):\n{}\n--- stdout\n{}\n--- stderr\n{}",
            block.line, r.code, block.code, r.stdout, r.stderr
        );
        r
    }

    fn work(&self, rel: &str) -> PathBuf {
        self.s.join("work").join(rel)
    }
}

fn read(page: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(page)).unwrap()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?} in {}", dir.display());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn every_shell_block_of_the_onboarding_page_runs() {
    let page = "docs/onboarding.md";
    let text = read(page);
    let blocks = shell_blocks(&text, None);
    assert!(
        blocks.len() >= 8,
        "{page} has {} shell blocks",
        blocks.len()
    );
    let skipped: Vec<_> = blocks.iter().filter(|b| b.skip.is_some()).collect();
    assert!(skipped.is_empty(), "{page} skips blocks: {skipped:?}");
    let world = World::new(&text);
    let mut out = String::new();
    for block in &blocks {
        out += &world.run(page, block).stdout;
    }
    // What the page promises, seen from outside.
    for service in [
        "payments-api",
        "payments-core",
        "ledger",
        "checkout-web",
        "refunds",
    ] {
        let dir = world.work(service);
        assert!(
            dir.join("platform.yaml").is_file(),
            "{service} was not created"
        );
        assert_eq!(
            git(&dir, &["rev-list", "--count", "HEAD"]),
            "1",
            "{service}"
        );
    }
    let core = std::fs::read_to_string(world.work("payments-core/platform.yaml")).unwrap();
    assert!(
        core.contains("language: go"),
        "the values file's answers: {core}"
    );
    let ledger = std::fs::read_to_string(world.work("ledger/platform.yaml")).unwrap();
    assert!(
        ledger.contains("language: python"),
        "standard input's answers: {ledger}"
    );
    let web = std::fs::read_to_string(world.work("checkout-web/platform.yaml")).unwrap();
    assert!(
        web.contains("language: typescript"),
        "the environment's answers: {web}"
    );
    // The pushed repository holds exactly the service's first commit.
    let pushed = world.s.join("github/acme/payments-api.git");
    assert_eq!(
        git(&pushed, &["rev-parse", "main"]),
        git(&world.work("payments-api"), &["rev-parse", "HEAD"])
    );
    // --remote --push, alone and in the bootstrap script: the branch is on
    // the git host, and the service's main tracks it.
    for service in ["invoices", "fraud-check"] {
        let dir = world.work(service);
        let host = world.s.join(&format!("github/acme/{service}.git"));
        assert_eq!(
            git(&host, &["rev-parse", "main"]),
            git(&dir, &["rev-parse", "HEAD"]),
            "{service}"
        );
        assert_eq!(
            git(&dir, &["rev-parse", "--abbrev-ref", "main@{upstream}"]),
            "origin/main",
            "{service}"
        );
    }
    assert!(out.contains("fraud-check: "), "{out}");
    // The catalog entry was registered at its URL on the git host.
    let registered = world.backstage.registered.lock().unwrap();
    assert_eq!(registered.len(), 1, "{registered:?}");
    assert_eq!(registered[0]["type"], "url");
    assert_eq!(
        registered[0]["target"],
        "https://github.com/acme/payments-api/blob/main/catalog-info.yaml"
    );
    assert!(out.contains("created refunds at "), "{out}");
}

#[test]
fn every_shell_block_of_the_readme_usage_runs() {
    let page = "README.md";
    let text = read(page);
    let blocks = shell_blocks(&text, Some("## Usage"));
    assert!(
        !blocks.is_empty(),
        "README.md has no shell block under ## Usage"
    );
    let world = World::new(&text);
    for block in &blocks {
        assert!(block.skip.is_none(), "{page}:{}: skipped", block.line);
        world.run(page, block);
    }
    assert_eq!(
        git(
            &world.work("payments-api"),
            &["rev-list", "--count", "HEAD"]
        ),
        "1"
    );
}

/// The README's first command, as a newcomer runs it in plat's own
/// checkout: the service lands beside the checkout, in its own repository
/// with its first commit, and plat's tree is untouched.
#[test]
fn the_readmes_first_command_creates_a_committed_service_outside_the_checkout() {
    let text = read("README.md");
    let first = shell_blocks(&text, None)
        .into_iter()
        .next()
        .expect("README.md starts with a shell block");
    let line = first.code.lines().next().unwrap();
    let command = line.split(" #").next().unwrap().trim();
    let args = command
        .strip_prefix("cargo run --release -- ")
        .unwrap_or_else(|| {
            panic!("README's first command is not `cargo run --release -- ...`: {line}")
        });
    let world = World::new("");
    let checkout = world.work("plat");
    std::fs::create_dir_all(&checkout).unwrap();
    git(&checkout, &["init", "-q"]);
    let block = Block {
        line: first.line,
        code: format!("cd plat\nplat {args}\n"),
        skip: None,
    };
    world.run("README.md", &block);
    let service = world.work("payments-api");
    assert_eq!(git(&service, &["rev-list", "--count", "HEAD"]), "1");
    assert_eq!(
        git(&service, &["rev-parse", "--show-toplevel"]),
        service.canonicalize().unwrap().display().to_string()
    );
    assert_eq!(
        git(
            &checkout,
            &["status", "--porcelain", "--untracked-files=all"]
        ),
        ""
    );
}

#[test]
fn blocks_are_found_with_their_lines_and_skips() {
    let md = "# T\n\n```sh\necho a\n```\n\n<!-- doc-test: skip: needs a real cluster -->\n```bash\nkubectl apply\n```\n\n```yaml\nk: v\n```\n\n## Usage\n\n```sh\necho b\n```\n\n## Next\n\n```sh\necho c\n```\n";
    let all = shell_blocks(md, None);
    assert_eq!(all.len(), 4);
    assert_eq!((all[0].line, all[0].code.as_str()), (3, "echo a\n"));
    assert_eq!(all[1].skip.as_deref(), Some("needs a real cluster"));
    assert!(all[2].skip.is_none() && all[3].skip.is_none());
    let usage = shell_blocks(md, Some("## Usage"));
    assert_eq!(usage.len(), 1);
    assert_eq!(usage[0].code, "echo b\n");
}
