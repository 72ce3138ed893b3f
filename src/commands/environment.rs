//! The one place plat reads its environment variables. The core reads
//! none: what it needs arrives in its requests.
#![allow(clippy::disallowed_methods)]

use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::effects::git::IdentityEnv;
use crate::error::InputError;
use crate::fetch::transport::http::{HttpSettings, ProxyEnv, Tokens};
use crate::fetch::transport::ssh::SshSettings;
use crate::fetch::Network;
use crate::new::answers::ENV_PREFIX;

/// Every variable plat reads, read once at start-up.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `PLAT_CONFIG`: plat's config file, named explicitly.
    pub plat_config: Option<PathBuf>,
    pub xdg_config_home: Option<PathBuf>,
    pub home: Option<PathBuf>,
    /// `PLAT_CACHE_DIR`, `XDG_CACHE_HOME`: where git sources are cached.
    pub plat_cache_dir: Option<PathBuf>,
    pub xdg_cache_home: Option<PathBuf>,
    /// `PLAT_VAR_*`: answers to template variables, by full name.
    pub answers: BTreeMap<String, String>,
    /// `PLAT_RENDER_TIMEOUT_MS`, as written.
    render_timeout_ms: Option<String>,
    /// `PLAT_PROGRESS_DELAY_MS`, as written.
    progress_delay_ms: Option<String>,
    /// `GIT_AUTHOR_*`, `GIT_COMMITTER_*`, `EMAIL`.
    pub identity: IdentityEnv,
    /// `GIT_CEILING_DIRECTORIES`: where the search for a repository stops.
    pub ceilings: Vec<PathBuf>,
    /// `PLAT_OFFLINE`, `PLAT_CONNECT_TIMEOUT_MS`, `PLAT_NETWORK_TIMEOUT_MS`,
    /// as written.
    offline: Option<String>,
    connect_timeout_ms: Option<String>,
    network_timeout_ms: Option<String>,
    // ---- https transport (fetch::transport::http; docs/networks.md, "https") ----
    /// `https_proxy`, `http_proxy`, `all_proxy`, `no_proxy` (each also in
    /// upper case; the lower-case spelling wins, as in curl and git).
    http_proxy: ProxyEnv,
    /// `SSL_CERT_FILE`, `SSL_CERT_DIR` (a `:`-separated list),
    /// `GIT_SSL_CAINFO`.
    ssl_cert_file: Option<PathBuf>,
    ssl_cert_dirs: Vec<PathBuf>,
    git_ssl_cainfo: Option<PathBuf>,
    /// `PLAT_GIT_TOKEN_<HOST>`, `GH_TOKEN`, `GITHUB_TOKEN`, `GITLAB_TOKEN`,
    /// `CI_JOB_TOKEN` with `CI_SERVER_HOST`. Its `Debug` shows no token.
    git_tokens: Tokens,
    // ---- end of the https transport's variables ----
    // --- the ssh transport: GIT_SSH_COMMAND, GIT_SSH, GIT_SSH_VARIANT ---
    /// What git's ssh variables say, as plat's ssh transport takes them.
    ssh: SshSettings,
    // --- end of the ssh transport's variables ---
}

fn path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn text(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// `name`'s value unless unset or empty.
fn nonempty(name: &str) -> Option<String> {
    text(name).filter(|v| !v.is_empty())
}

/// The first of two spellings that is set and not empty.
fn either(first: &str, second: &str) -> Option<String> {
    nonempty(first).or_else(|| nonempty(second))
}

/// Where the names of host-scoped tokens begin (`PLAT_GIT_TOKEN_<HOST>`).
const TOKEN_PREFIX: &str = "PLAT_GIT_TOKEN_";

impl Environment {
    /// Reads every variable once, at start-up, so the whole run sees the
    /// same environment.
    pub fn read() -> Environment {
        Environment {
            plat_config: path("PLAT_CONFIG"),
            xdg_config_home: path("XDG_CONFIG_HOME"),
            home: path("HOME"),
            plat_cache_dir: path("PLAT_CACHE_DIR"),
            xdg_cache_home: path("XDG_CACHE_HOME"),
            answers: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .filter(|(k, _)| k.starts_with(ENV_PREFIX) && k.len() > ENV_PREFIX.len())
                .collect(),
            render_timeout_ms: text("PLAT_RENDER_TIMEOUT_MS"),
            progress_delay_ms: nonempty("PLAT_PROGRESS_DELAY_MS"),
            identity: IdentityEnv {
                author_name: text("GIT_AUTHOR_NAME"),
                author_email: text("GIT_AUTHOR_EMAIL"),
                committer_name: text("GIT_COMMITTER_NAME"),
                committer_email: text("GIT_COMMITTER_EMAIL"),
                email: text("EMAIL"),
            },
            ceilings: std::env::var_os("GIT_CEILING_DIRECTORIES")
                .map(|v| {
                    std::env::split_paths(&v)
                        .filter(|p| !p.as_os_str().is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            offline: text("PLAT_OFFLINE"),
            connect_timeout_ms: text("PLAT_CONNECT_TIMEOUT_MS"),
            network_timeout_ms: text("PLAT_NETWORK_TIMEOUT_MS"),
            // ---- https transport ----
            http_proxy: ProxyEnv {
                https: either("https_proxy", "HTTPS_PROXY"),
                http: either("http_proxy", "HTTP_PROXY"),
                all: either("all_proxy", "ALL_PROXY"),
                no_proxy: either("no_proxy", "NO_PROXY"),
            },
            ssl_cert_file: path("SSL_CERT_FILE"),
            ssl_cert_dirs: std::env::var_os("SSL_CERT_DIR")
                .map(|v| {
                    std::env::split_paths(&v)
                        .filter(|p| !p.as_os_str().is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            git_ssl_cainfo: path("GIT_SSL_CAINFO"),
            git_tokens: Tokens {
                per_host: std::env::vars_os()
                    .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                    .filter_map(|(k, v)| Some((k.strip_prefix(TOKEN_PREFIX)?.to_string(), v)))
                    .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                    .collect(),
                gh_token: nonempty("GH_TOKEN"),
                github_token: nonempty("GITHUB_TOKEN"),
                gitlab_token: nonempty("GITLAB_TOKEN"),
                ci_job_token: nonempty("CI_JOB_TOKEN"),
                ci_server_host: nonempty("CI_SERVER_HOST"),
            },
            // --- the ssh transport ---
            ssh: SshSettings {
                command: text("GIT_SSH_COMMAND").filter(|v| !v.is_empty()),
                program: path("GIT_SSH"),
                variant: text("GIT_SSH_VARIANT").filter(|v| !v.is_empty()),
                interactive: false,
            },
            // --- end of the ssh transport ---
        }
    }

    /// How plat may reach git servers: `--offline` (`offline_flag`) or
    /// `PLAT_OFFLINE`, the timeouts, and what each transport reads.
    pub fn network(&self, offline_flag: bool) -> Result<Network> {
        let defaults = Network::default();
        Ok(Network {
            offline: offline_flag || flag("PLAT_OFFLINE", self.offline.as_deref())?,
            connect_timeout: millis(
                "PLAT_CONNECT_TIMEOUT_MS",
                self.connect_timeout_ms.as_deref(),
                defaults.connect_timeout,
            )?,
            idle_timeout: millis(
                "PLAT_NETWORK_TIMEOUT_MS",
                self.network_timeout_ms.as_deref(),
                defaults.idle_timeout,
            )?,
            http: HttpSettings {
                proxy: self.http_proxy.clone(),
                ssl_cert_file: self.ssl_cert_file.clone(),
                ssl_cert_dirs: self.ssl_cert_dirs.clone(),
                git_ssl_cainfo: self.git_ssl_cainfo.clone(),
                tokens: self.git_tokens.clone(),
            },
            // ssh asks nothing unless the command sets `interactive`
            // (commands::sources, from the terminal and --no-input).
            ssh: self.ssh.clone(),
        })
    }

    /// Where git sources are cached: `$PLAT_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/plat/git`, else `~/.cache/plat/git`.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        if let Some(dir) = &self.plat_cache_dir {
            return Some(dir.clone());
        }
        let base = self
            .xdg_cache_home
            .clone()
            .filter(|p| p.is_absolute())
            .or_else(|| self.home.as_ref().map(|h| h.join(".cache")))?;
        Some(base.join("plat").join("git"))
    }

    /// `PLAT_RENDER_TIMEOUT_MS` if set, else `default`.
    pub fn render_timeout(&self, default: Duration) -> Result<Duration> {
        millis(
            "PLAT_RENDER_TIMEOUT_MS",
            self.render_timeout_ms.as_deref(),
            default,
        )
    }

    /// How long an operation runs before its progress bar appears:
    /// `PLAT_PROGRESS_DELAY_MS` (0: at once), else `default`.
    pub fn progress_after(&self, default: Duration) -> Result<Duration> {
        let Some(ms) = self.progress_delay_ms.as_deref() else {
            return Ok(default);
        };
        ms.trim().parse::<u64>().map(Duration::from_millis).map_err(|_| {
            InputError(format!(
                "PLAT_PROGRESS_DELAY_MS is `{ms}`; set it to a whole number of milliseconds (0 shows progress at once), or unset it"
            ))
            .into()
        })
    }
}

/// A duration in milliseconds from the variable `name`, if set.
fn millis(name: &str, value: Option<&str>, default: Duration) -> Result<Duration> {
    let Some(ms) = value else {
        return Ok(default);
    };
    match ms.trim().parse::<u64>() {
        Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
        _ => bail!(InputError(format!(
            "{name} is `{ms}`; set it to a whole number of milliseconds above 0, or unset it"
        ))),
    }
}

/// A yes/no variable: `1`/`true`/`yes` or `0`/`false`/`no`/empty.
fn flag(name: &str, value: Option<&str>) -> Result<bool> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("" | "0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(other) => bail!(InputError(format!(
            "{name} is `{other}`; set it to 1 (or true) to work offline, 0 or unset it otherwise"
        ))),
    }
}
