//! Where templates come from, as the rim sets it up for a run: plat's
//! config (aliases), the git cache, the network, `--offline` and
//! `--refresh`, and a reporter that shows fetches on stderr (a progress bar
//! on a terminal, nothing on a pipe: `progress`).

use anyhow::Result;
use std::sync::Arc;
use std::time::Duration;

use super::config::Config;
use super::environment::Environment;
use super::progress::{self, Bar};
use super::ui::Ui;
use crate::fetch::{Cache, Freshness, Reporter};
use crate::template::source::Sources;
use crate::template::spec::Aliases;

/// `--offline` and `--refresh`, from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fetching {
    pub offline: bool,
    pub refresh: bool,
    /// `--no-input`: ssh may not ask for a passphrase or about a new host
    /// key, not even on a terminal (it runs in BatchMode, as it does
    /// without a terminal).
    pub no_input: bool,
}

/// The run's template sources.
pub fn sources(env: &Environment, config: &Config, fetching: Fetching, ui: Ui) -> Result<Sources> {
    let mut network = env.network(fetching.offline)?;
    network.ssh.interactive = super::prompt::can_prompt(fetching.no_input);
    Ok(Sources {
        aliases: Aliases(config.sources.clone()),
        cache: env.cache_dir().map(Cache::new),
        freshness: Freshness {
            offline: network.offline,
            refresh: fetching.refresh,
        },
        network,
        reporter: Arc::new(FetchReport::new(
            ui,
            env.progress_after(progress::QUIET_FOR)?,
        )),
    })
}

/// Fetches on stderr: a `Fetching URL` line, then a bar if it takes a
/// while and stderr is a terminal; notes as warnings.
struct FetchReport {
    ui: Ui,
    bar: Bar,
}

impl FetchReport {
    fn new(ui: Ui, after: Duration) -> FetchReport {
        FetchReport {
            ui,
            bar: Bar::new(
                progress::wanted(ui),
                after,
                "Receiving",
                "{prefix:>12.cyan.bold} [{bar:30}] {pos}/{len} objects, {msg}",
            ),
        }
    }
}

impl Reporter for FetchReport {
    fn fetch_started(&self, url: &str) {
        self.ui.status("Fetching", url);
        self.bar.start();
    }

    fn progress(&self, received: usize, total: usize, bytes: usize) {
        self.bar.set(received as u64, total as u64, || {
            indicatif::HumanBytes(bytes as u64).to_string()
        });
    }

    fn fetch_finished(&self) {
        self.bar.finish();
    }

    fn note(&self, message: String) {
        self.ui.warn(message);
    }
}
