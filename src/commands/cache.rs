//! `plat cache list` and `plat cache clean`: the git repositories plat
//! fetched templates from.

use anyhow::{bail, Result};
use serde_json::json;

use super::config;
use super::environment::Environment;
use super::output::{self, Schema};
use super::ui::{Ui, BOLD, DIM};
use crate::cli::{CacheCommand, Format};
use crate::error::{exit, InputError};
use crate::fetch::cache::{age, Cache};
use crate::template::spec::{Aliases, Spec};

pub fn run(cmd: CacheCommand, ui: Ui, env: &Environment) -> Result<u8> {
    let Some(root) = env.cache_dir() else {
        bail!(InputError(
            "plat has no cache directory: set PLAT_CACHE_DIR, XDG_CACHE_HOME or HOME".into()
        ));
    };
    let cache = Cache::new(root);
    match cmd {
        CacheCommand::List { format } => list(&cache, format, ui),
        CacheCommand::Clean { sources } => clean(&cache, &sources, ui, env),
    }
}

fn list(cache: &Cache, format: Format, ui: Ui) -> Result<u8> {
    let entries = cache.list()?;
    match format {
        Format::Json => output::document(
            Schema::CacheList,
            json!({
                "directory": cache.root,
                "repositories": entries.iter().map(|e| json!({
                    "source": e.url,
                    "path": e.path,
                    "bytes": e.bytes,
                    "fetched": e.fetched.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_secs()),
                })).collect::<Vec<_>>(),
            }),
        )?,
        Format::Human => {
            if entries.is_empty() {
                ui.note(format!("plat's cache ({}) is empty", cache.root.display()));
                return Ok(exit::SUCCESS);
            }
            let mut out = String::new();
            for e in &entries {
                out.push_str(&format!(
                    "{BOLD}{}{BOLD:#}  {}  {DIM}fetched {}{DIM:#}\n",
                    e.url,
                    indicatif::HumanBytes(e.bytes),
                    age(&e.path)
                ));
            }
            output::print(&out)?;
            ui.detail(format!("in {}", cache.root.display()));
        }
    }
    Ok(exit::SUCCESS)
}

fn clean(cache: &Cache, sources: &[String], ui: Ui, env: &Environment) -> Result<u8> {
    let aliases = Aliases(config::load(env)?.sources);
    let mut urls = Vec::new();
    for text in sources {
        match Spec::parse(text, &aliases, None)? {
            Spec::Git(g) => urls.push(g.url),
            _ => bail!(InputError(format!(
                "`{text}` is not a git source; `plat cache clean` takes git URLs, gh:/gl: shorthands or aliases (or nothing, to remove everything)"
            ))),
        }
    }
    let removed = cache.clean(&urls)?;
    for e in &removed {
        ui.status("Removed", &e.url);
    }
    if removed.is_empty() {
        ui.note(if urls.is_empty() {
            "plat's cache was already empty".to_string()
        } else {
            "none of those sources is in plat's cache".to_string()
        });
    }
    Ok(exit::SUCCESS)
}
