//! Progress bars on stderr, one way for every long operation (a fetch,
//! `doctor --all`, `update --all`): drawn only on a terminal, never with
//! `--quiet` or a format for machines, and only once the operation has run
//! for a while, so quick runs stay quiet.
#![allow(clippy::disallowed_methods)] // asks whether stderr is a terminal

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::ui::Ui;
use crate::util::progress::Progress;

/// How long an operation runs before its bar appears, unless
/// `PLAT_PROGRESS_DELAY_MS` says otherwise.
pub const QUIET_FOR: Duration = Duration::from_millis(400);

/// Every bar of the run, drawn together on stderr: a fetch during
/// `doctor --all` shows under the run's bar, and lines plat prints
/// meanwhile ([`above_bars`]) appear above them, not through them.
static BARS: LazyLock<MultiProgress> =
    LazyLock::new(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));

/// Runs `write` (a line on stderr) with the bars out of its way; they are
/// drawn again below it.
pub fn above_bars<R>(write: impl FnOnce() -> R) -> R {
    BARS.suspend(write)
}

/// Whether a bar may be drawn: stderr is a terminal and `--quiet` is off.
/// A command with a format for machines does not ask for one at all.
pub fn wanted(ui: Ui) -> bool {
    std::io::stderr().is_terminal() && !ui.quiet
}

/// A bar that appears once its operation has run for `after`.
pub struct Bar {
    enabled: bool,
    after: Duration,
    prefix: &'static str,
    template: &'static str,
    state: Mutex<State>,
}

struct State {
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Bar {
    /// A bar labelled `prefix`, laid out by `template` (indicatif's
    /// template language; `{prefix}` is right-aligned like plat's status
    /// words); `enabled` as [`wanted`] says.
    pub fn new(
        enabled: bool,
        after: Duration,
        prefix: &'static str,
        template: &'static str,
    ) -> Bar {
        Bar {
            enabled,
            after,
            prefix,
            template,
            state: Mutex::new(State {
                started: Instant::now(),
                bar: None,
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The operation (again) begins now.
    pub fn start(&self) {
        self.state().started = Instant::now();
    }

    /// `pos` of `len` done; the bar appears once the operation has run
    /// long enough.
    pub fn set(&self, pos: u64, len: u64, message: impl FnOnce() -> String) {
        if !self.enabled {
            return;
        }
        let mut state = self.state();
        if state.bar.is_none() && state.started.elapsed() >= self.after && len > 0 {
            let bar = BARS.add(ProgressBar::new(len));
            bar.set_style(
                ProgressStyle::with_template(self.template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_prefix(self.prefix);
            state.bar = Some(bar);
        }
        if let Some(bar) = &state.bar {
            bar.set_length(len);
            bar.set_position(pos);
            bar.set_message(message());
        }
    }

    /// Removes the bar, leaving the terminal as it was before it.
    pub fn finish(&self) {
        if let Some(bar) = self.state().bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Items of a long operation: `Checking [=====>   ] 12/40 services/api`.
pub struct Steps {
    bar: Bar,
    found: AtomicUsize,
    done: AtomicUsize,
}

impl Steps {
    /// Counted under `verb`, e.g. `Checking` or `Updating`.
    pub fn new(enabled: bool, after: Duration, verb: &'static str) -> Steps {
        Steps {
            bar: Bar::new(
                enabled,
                after,
                verb,
                "{prefix:>12.cyan.bold} [{bar:30}] {pos}/{len} services  {wide_msg}",
            ),
            found: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
        }
    }

    /// Removes the bar before the report is printed.
    pub fn finish(&self) {
        self.bar.finish();
    }
}

impl Progress for Steps {
    fn found(&self, n: usize) {
        let found = self.found.fetch_add(n, Ordering::Relaxed) + n;
        let done = self.done.load(Ordering::Relaxed);
        self.bar.set(done as u64, found as u64, String::new);
    }

    fn done(&self, n: usize, last: &str) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        let found = self.found.load(Ordering::Relaxed).max(done);
        self.bar.set(done as u64, found as u64, || last.to_string());
    }
}
