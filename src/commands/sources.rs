//! Where templates come from, as the rim sets it up for a run: plat's
//! config (aliases), the git cache, the network, `--offline` and
//! `--refresh`, and a reporter that shows fetches on stderr (a progress bar
//! on a terminal, nothing on a pipe).
#![allow(clippy::disallowed_methods)] // asks whether stderr is a terminal

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::config::Config;
use super::environment::Environment;
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
        reporter: Arc::new(FetchReport::new(ui)),
    })
}

/// How long a fetch runs before a progress bar appears.
const QUIET_FOR: Duration = Duration::from_millis(400);

/// Fetches on stderr: a `Fetching URL` line, then a bar if it takes a
/// while and stderr is a terminal; notes as warnings.
struct FetchReport {
    ui: Ui,
    terminal: bool,
    state: Mutex<Progress>,
}

#[derive(Default)]
struct Progress {
    started: Option<Instant>,
    bar: Option<ProgressBar>,
}

impl FetchReport {
    fn new(ui: Ui) -> FetchReport {
        FetchReport {
            ui,
            terminal: std::io::stderr().is_terminal() && !ui.quiet,
            state: Mutex::new(Progress::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Reporter for FetchReport {
    fn fetch_started(&self, url: &str) {
        self.ui.status("Fetching", url);
        self.state().started = Some(Instant::now());
    }

    fn progress(&self, received: usize, total: usize, bytes: usize) {
        if !self.terminal {
            return;
        }
        let mut state = self.state();
        let shown = state.started.is_some_and(|t| t.elapsed() >= QUIET_FOR);
        if state.bar.is_none() && shown && total > 0 {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:>12.cyan.bold} [{bar:30}] {pos}/{len} objects, {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix("Receiving");
            state.bar = Some(bar);
        }
        if let Some(bar) = &state.bar {
            bar.set_length(total as u64);
            bar.set_position(received as u64);
            bar.set_message(indicatif::HumanBytes(bytes as u64).to_string());
        }
    }

    fn fetch_finished(&self) {
        let mut state = self.state();
        if let Some(bar) = state.bar.take() {
            bar.finish_and_clear();
        }
        state.started = None;
    }

    fn note(&self, message: String) {
        self.ui.warn(message);
    }
}
