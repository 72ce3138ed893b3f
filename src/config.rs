//! plat's own configuration: `$PLAT_CONFIG`, else
//! `$XDG_CONFIG_HOME/plat/config.yaml`, else `~/.config/plat/config.yaml`.
//! It names the policies `plat doctor` applies on this machine, so a
//! platform team can ship one file to every laptop and CI image.

use anyhow::{Context as _, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub doctor: DoctorConfig,
    /// Where the file was read from; relative paths in it are relative to
    /// its directory.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoctorConfig {
    /// Policy files, applied before any `--policy`.
    #[serde(default)]
    pub policies: Vec<PathBuf>,
}

/// Where the configuration is looked for.
pub fn location() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PLAT_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some(base.join("plat").join("config.yaml"))
}

/// Reads the configuration; a missing file is an empty configuration,
/// unless `$PLAT_CONFIG` names it explicitly.
pub fn load() -> Result<Config> {
    let Some(path) = location() else {
        return Ok(Config::default());
    };
    let explicit = std::env::var_os("PLAT_CONFIG").is_some_and(|p| !p.is_empty());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(Config::default())
        }
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "reading plat's config {} (set by PLAT_CONFIG or XDG_CONFIG_HOME)",
                    path.display()
                )
            })
        }
    };
    let label = path.display().to_string();
    let mut config: Config = if text.trim().is_empty() {
        Config::default()
    } else {
        crate::yaml::from_str(&text, &label)?
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    for p in &mut config.doctor.policies {
        if p.is_relative() {
            *p = dir.join(&*p);
        }
    }
    config.path = Some(path);
    Ok(config)
}
