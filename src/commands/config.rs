//! plat's own configuration: `$PLAT_CONFIG`, else
//! `$XDG_CONFIG_HOME/plat/config.yaml`, else `~/.config/plat/config.yaml`.
//! It names the policies `plat doctor` applies on this machine, so a
//! platform team can ship one file to every laptop and CI image.

use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::environment::Environment;
use crate::error::InputError;
use crate::template::source::Sources;
use crate::template::spec::Spec;
use crate::util::read::{self, Input};

/// plat's configuration file: what a platform team sets once per machine.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub doctor: DoctorConfig,
    /// Short names for git sources: `acme: https://git.acme.example/platform/templates.git`
    /// lets `plat new acme//service api` work.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    /// Where `plat templates list` looks for templates beyond the
    /// built-ins: git sources (or aliases) and directories.
    #[serde(default)]
    pub catalogs: Vec<String>,
    /// Where the file was read from; relative paths in it are relative to
    /// its directory.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

impl Config {
    /// What a catalogue of `catalogs:` names: a relative directory is
    /// taken from the config file's directory.
    pub fn catalogue(&self, text: &str, sources: &Sources) -> Result<Spec> {
        let config_dir = self.path.as_deref().and_then(Path::parent);
        Ok(match (sources.parse(text, None)?, config_dir) {
            (Spec::Local(p), Some(dir)) if p.is_relative() => Spec::Local(dir.join(p)),
            (spec, _) => spec,
        })
    }
}

/// The `doctor:` section: the policies every run on this machine applies.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoctorConfig {
    /// Policy files, applied before any `--policy`.
    #[serde(default)]
    pub policies: Vec<PathBuf>,
}

/// Where the configuration is looked for, and whether PLAT_CONFIG named it.
fn location(env: &Environment) -> Option<(PathBuf, bool)> {
    if let Some(p) = &env.plat_config {
        return Some((p.clone(), true));
    }
    let base = env
        .xdg_config_home
        .clone()
        .or_else(|| env.home.as_ref().map(|h| h.join(".config")))?;
    Some((base.join("plat").join("config.yaml"), false))
}

/// Reads the configuration; a missing file is an empty configuration,
/// unless `$PLAT_CONFIG` names it explicitly.
pub fn load(env: &Environment) -> Result<Config> {
    let Some((path, explicit)) = location(env) else {
        return Ok(Config::default());
    };
    let bytes = match read::open(&path).and_then(|f| f.read_all(Input::Config)) {
        Ok(b) => b,
        Err(r) if r.is_missing() && !explicit => return Ok(Config::default()),
        Err(r) => {
            return Err(InputError(format!(
                "{} (plat's config, set by PLAT_CONFIG or XDG_CONFIG_HOME)",
                r.message(&path, Input::Config)
            ))
            .into())
        }
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        InputError(format!(
            "{}: plat's config is not UTF-8 text",
            path.display()
        ))
    })?;
    let label = path.display().to_string();
    let mut config: Config = if text.trim().is_empty() {
        Config::default()
    } else {
        crate::util::yaml::from_str(&text, &label)?
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    for p in &mut config.doctor.policies {
        if p.is_relative() {
            *p = dir.join(&*p);
        }
    }
    check_aliases(&config.sources, &path)?;
    config.path = Some(path);
    Ok(config)
}

/// Alias names are plain words: never a path, a URL, or a shorthand.
fn check_aliases(sources: &BTreeMap<String, String>, path: &Path) -> Result<()> {
    for name in sources.keys() {
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            && name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if !plain || name == "gh" || name == "gl" {
            return Err(InputError(format!(
                "{}: `sources.{name}`: an alias is a plain name (lowercase letters, digits, `-`, `_`; not `gh` or `gl`), e.g. `acme`",
                path.display()
            ))
            .into());
        }
    }
    Ok(())
}
