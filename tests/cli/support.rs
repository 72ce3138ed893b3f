//! Helpers: a scratch directory, a `plat` command with a clean
//! environment, and small template fixtures built on the fly.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Variables that change how plat reaches servers (proxies, certificate
/// authorities, tokens), any spelling: a test sets the ones it means.
const NETWORK: &[&str] = &[
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GITLAB_TOKEN",
    "CI_JOB_TOKEN",
    "CI_SERVER_HOST",
];

pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// Writes `contents` to `rel`, creating parents.
    pub fn write(&self, rel: &str, contents: &str) -> PathBuf {
        let p = self.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, contents).unwrap();
        p
    }

    /// `plat` run in this directory, with HOME here, no git identity, no
    /// PLAT_VAR_* variables, no proxy, certificate or token variables, and
    /// stdin closed (never a terminal).
    pub fn plat(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_plat"));
        cmd.current_dir(self.path()).stdin(Stdio::null());
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().into_owned();
            if k.starts_with("PLAT_")
                || k.starts_with("GIT_")
                || k == "EMAIL"
                || NETWORK.contains(&k.to_ascii_uppercase().as_str())
            {
                cmd.env_remove(&k);
            }
        }
        let home = self.join(".home");
        fs::create_dir_all(&home).unwrap();
        cmd.env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("NO_COLOR", "1")
            .env("GIT_CEILING_DIRECTORIES", self.path());
        cmd
    }

    /// `plat` (environment as [`Scratch::plat`]) under a file-size limit of
    /// `kib` KiB: writes beyond it fail as they would on a full disk.
    #[cfg(unix)]
    pub fn plat_with_file_limit(&self, kib: u32) -> Command {
        let plat = self.plat();
        let mut sh = Command::new("bash");
        for (k, v) in plat.get_envs() {
            match v {
                Some(v) => sh.env(k, v),
                None => sh.env_remove(k),
            };
        }
        sh.current_dir(self.path())
            .stdin(Stdio::null())
            .arg("-c")
            .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_plat"));
        sh
    }

    /// `plat` with a git identity set through the environment.
    pub fn plat_with_identity(&self) -> Command {
        let mut cmd = self.plat();
        cmd.env("GIT_AUTHOR_NAME", "Ada Lovelace")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada Lovelace")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com");
        cmd
    }

    /// A small template at `rel` with the given template.yaml and files.
    pub fn template(&self, rel: &str, yaml: &str, files: &[(&str, &str)]) -> String {
        self.write(&format!("{rel}/template.yaml"), yaml);
        fs::create_dir_all(self.join(&format!("{rel}/files"))).unwrap();
        for (path, contents) in files {
            self.write(&format!("{rel}/files/{path}"), contents);
        }
        format!("./{rel}")
    }

    /// Every file below `rel` (relative paths, sorted), skipping `.git`.
    pub fn tree(&self, rel: &str) -> Vec<String> {
        files_under(&self.join(rel))
    }

    /// Names of the entries directly in the scratch directory.
    pub fn entries(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(self.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".home")
            .collect();
        v.sort();
        v
    }

    /// Replaces the first `from` in `rel` with `to`; `from` must be there.
    #[track_caller]
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} lacks {from:?}");
        fs::write(self.join(rel), text.replacen(from, to, 1)).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }
}

/// Every file below `root` (relative paths, sorted), skipping `.git`.
pub fn files_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if p.is_dir() {
            walk(root, &p, out);
        } else {
            out.push(
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

/// The result of a run, for assertions with good failure messages.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` to the end, at most [`HANG`]: a plat that hangs (on a FIFO,
/// a device, an endless template) fails the test instead of the whole run.
pub fn run(cmd: &mut Command) -> Run {
    finish(cmd, None)
}

/// [`run`] with `input` on standard input (a pipe, closed after it).
pub fn run_input(cmd: &mut Command, input: &str) -> Run {
    finish(cmd.stdin(Stdio::piped()), Some(input.as_bytes().to_vec()))
}

fn finish(cmd: &mut Command, input: Option<Vec<u8>>) -> Run {
    use std::io::{Read as _, Write as _};
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running plat");
    if let Some(input) = input {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        // plat may stop reading early (an error): a broken pipe is fine.
        std::thread::spawn(move || stdin.write_all(&input));
    }
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for plat") {
            break status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("plat did not finish within {HANG:?}: {cmd:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Longer than any plat run in these tests takes, even on a busy machine.
pub const HANG: std::time::Duration = std::time::Duration::from_secs(120);

impl Run {
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n--- stderr\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n--- stdout\n{}",
            self.stdout
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A file that renders for far longer than any deadline.
pub const ENDLESS_LOOP: &str = "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% for c in range(end=100000) %}{% endfor %}{% endfor %}{% endfor %}";

/// A template with one variable of each kind and a conditional file.
pub const KITCHEN_SINK: &str = r#"
name: sink
description: every kind of variable
version: 1.2.3
variables:
  - name: name
    pattern: '[a-z][-a-z0-9]*'
    help: DNS label
  - name: owner
    default: "team-{{ name }}"
    help: owning team
  - name: port
    type: integer
    default: 8080
    min: 1024
    max: 65535
  - name: language
    type: choice
    choices: [rust, go]
    default: rust
  - name: envs
    type: multichoice
    choices: [dev, staging, prod]
    default: [dev, prod]
  - name: with_db
    type: boolean
    default: false
  - name: db_name
    default: "{{ name | snake_case }}"
    when: with_db
  - name: token
    secret: true
    default: s3cr3t
rules:
  - paths: ["db/**"]
    include_if: with_db
  - paths: ["ci/**"]
    raw: true
manifest:
  metadata:
    owner: "{{ owner }}"
  infrastructure:
    image:
      registry: registry.example.com
      repository: "{{ name }}"
    port: "{{ port }}"
"#;

pub fn sink_files() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "README.md",
            "{{ name }} by {{ owner }} on {{ port }} in {{ language }} for {{ envs | join(sep=',') }}{% if with_db %} db={{ db_name }}{% endif %} token={{ token }}\n",
        ),
        ("db/schema.sql", "create database {{ db_name }};\n"),
        ("ci/pipeline.yml", "run: ${{ github.sha }}\n"),
        ("{{ language }}/main.txt", "main for {{ name }}\n"),
    ]
}

/// Starts `cmd` with its output captured.
pub fn spawn(cmd: &mut Command) -> std::process::Child {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Sends `signal` (`-INT`, `-TERM`) to `child` and returns its exit code,
/// stderr and how long it took to end.
#[cfg(unix)]
pub fn signal(
    child: std::process::Child,
    signal: &str,
) -> (Option<i32>, String, std::time::Duration) {
    let sent = std::time::Instant::now();
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        sent.elapsed(),
    )
}

/// The built-in `service` template's current version, read from its
/// template.yaml so that a release does not rewrite the tests.
pub fn service_version() -> &'static str {
    include_str!("../../templates/service/template.yaml")
        .lines()
        .find_map(|l| l.strip_prefix("version: "))
        .expect("templates/service/template.yaml has a version: line")
        .trim()
}
