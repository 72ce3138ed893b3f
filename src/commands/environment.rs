//! The one place plat reads its environment variables. The core reads
//! none: what it needs arrives in its requests.
#![allow(clippy::disallowed_methods)]

use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::effects::git::IdentityEnv;
use crate::error::InputError;
use crate::new::answers::ENV_PREFIX;

/// Every variable plat reads, read once at start-up.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `PLAT_CONFIG`: plat's config file, named explicitly.
    pub plat_config: Option<PathBuf>,
    pub xdg_config_home: Option<PathBuf>,
    pub home: Option<PathBuf>,
    /// `PLAT_VAR_*`: answers to template variables, by full name.
    pub answers: BTreeMap<String, String>,
    /// `PLAT_RENDER_TIMEOUT_MS`, as written.
    render_timeout_ms: Option<String>,
    /// `GIT_AUTHOR_*`, `GIT_COMMITTER_*`, `EMAIL`.
    pub identity: IdentityEnv,
    /// `GIT_CEILING_DIRECTORIES`: where the search for a repository stops.
    pub ceilings: Vec<PathBuf>,
}

fn path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn text(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl Environment {
    /// Reads every variable once, at start-up, so the whole run sees the
    /// same environment.
    pub fn read() -> Environment {
        Environment {
            plat_config: path("PLAT_CONFIG"),
            xdg_config_home: path("XDG_CONFIG_HOME"),
            home: path("HOME"),
            answers: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .filter(|(k, _)| k.starts_with(ENV_PREFIX) && k.len() > ENV_PREFIX.len())
                .collect(),
            render_timeout_ms: text("PLAT_RENDER_TIMEOUT_MS"),
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
        }
    }

    /// `PLAT_RENDER_TIMEOUT_MS` if set, else `default`.
    pub fn render_timeout(&self, default: Duration) -> Result<Duration> {
        let Some(ms) = &self.render_timeout_ms else {
            return Ok(default);
        };
        match ms.trim().parse::<u64>() {
            Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
            _ => bail!(InputError(format!(
                "PLAT_RENDER_TIMEOUT_MS is `{ms}`; set it to a whole number of milliseconds above 0, or unset it"
            ))),
        }
    }
}
