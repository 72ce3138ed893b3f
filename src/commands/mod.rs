//! The rim. [`run`] parses the command line, reads the environment, runs
//! the command on a worker thread and watches it: Ctrl-C, SIGTERM and
//! deadlines are handled here, in one place. Each command turns its
//! arguments into a request, calls the core, and prints the result for
//! people (stderr, `ui`) or scripts (stdout, `output`).

mod cache;
mod complete;
mod config;
mod doctor;
mod environment;
mod manifest;
mod new;
mod output;
mod progress;
mod prompt;
mod shell_help;
mod sources;
mod sync;
mod template;
mod template_init;
mod template_test;
mod templates;
mod ui;
mod update;

use anyhow::{anyhow, Result};
use clap::Parser;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::cli::{Cli, ColorWhen, Command};
use crate::effects::{deadline, interrupt};
use crate::error::{self, exit, Interrupted};
use environment::Environment;
use ui::Ui;

/// How long a command may take to stop by itself after Ctrl-C before its
/// work is abandoned (a prompt, or a render that does not return).
const GRACE: Duration = Duration::from_millis(200);
/// The deepest template plat renders needs a deep stack.
const STACK: usize = 256 * 1024 * 1024;

enum Event {
    Done(Result<u8>),
    Interrupt,
}

/// Runs plat with `args` and returns the process exit code.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    if let Some(code) = complete::respond(&args) {
        return code;
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::INPUT
            } else {
                exit::SUCCESS
            };
        }
    };
    use_color(cli.global.color);
    let ui = Ui {
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
    };
    let env = Environment::read();
    let fetching = sources::Fetching {
        offline: cli.global.offline,
        refresh: cli.global.refresh,
        no_input: false,
    };
    let (tx, rx) = mpsc::channel();
    let on_signal = tx.clone();
    let _ = ctrlc::set_handler(move || {
        interrupt::request();
        let _ = on_signal.send(Event::Interrupt);
    });
    let worker = std::thread::Builder::new()
        .name("plat".into())
        .stack_size(STACK)
        .spawn(move || {
            let result = dispatch(cli.command, ui, env, fetching);
            let _ = tx.send(Event::Done(result));
        });
    let result = match worker {
        Ok(_) => supervise(&rx),
        Err(e) => Err(anyhow!("starting plat's worker thread: {e}")),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            ui.error(&err);
            error::code_for(&err)
        }
    }
}

/// Sets `--color` for every styled stream of the run; progress bars and
/// prompts (drawn with `console`) follow anstream's choice for stderr.
#[allow(clippy::disallowed_methods)]
fn use_color(when: ColorWhen) {
    match when {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    }
    .write_global();
    let stderr = anstream::AutoStream::choice(&std::io::stderr());
    dialoguer::console::set_colors_enabled_stderr(stderr != anstream::ColorChoice::Never);
}

/// Waits for the command, ending it early on a deadline or an interrupt.
/// A file being replaced is always finished; anything else the command
/// does not stop by itself within [`GRACE`] is abandoned: its staging
/// directory is removed and plat exits.
fn supervise(rx: &mpsc::Receiver<Event>) -> Result<u8> {
    let mut stop_by: Option<Instant> = None;
    loop {
        let now = Instant::now();
        let wake = [stop_by, deadline::next()]
            .into_iter()
            .flatten()
            .min()
            .map_or(Duration::from_millis(100), |at| {
                at.saturating_duration_since(now)
                    .min(Duration::from_millis(100))
            });
        match rx.recv_timeout(wake) {
            Ok(Event::Done(result)) => return result,
            Ok(Event::Interrupt) if stop_by.is_some() => return Err(abandon()),
            Ok(Event::Interrupt) => stop_by = Some(Instant::now() + GRACE),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(anyhow!("plat's worker thread stopped unexpectedly"))
            }
        }
        if stop_by.is_some_and(|t| Instant::now() >= t) && !interrupt::replacing() {
            return Err(abandon());
        }
        if let Some(err) = deadline::expired() {
            interrupt::abandon();
            return Err(err);
        }
    }
}

/// Leaves the command behind after an interrupt, as cleanly as it can.
#[allow(clippy::disallowed_methods)]
fn abandon() -> anyhow::Error {
    interrupt::abandon();
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        // A prompt may have hidden the cursor and left the line open.
        let term = dialoguer::console::Term::stderr();
        let _ = term.show_cursor();
        let _ = term.write_line("");
    }
    anyhow!(Interrupted)
}

fn dispatch(command: Command, ui: Ui, env: Environment, fetching: sources::Fetching) -> Result<u8> {
    match command {
        Command::New(args) => new::run(args, ui, &env, fetching),
        Command::Templates(cmd) => templates::run(cmd, ui, &env, fetching),
        Command::Template(cmd) => template::run(cmd, ui, &env, fetching),
        Command::Cache(cmd) => cache::run(cmd, ui, &env),
        Command::Manifest(cmd) => manifest::run(cmd, ui),
        Command::Doctor(args) => doctor::run(args, ui, &env, fetching),
        Command::Sync(args) => sync::run(args, ui, &env, fetching),
        Command::Update(args) => update::run(args, ui, &env, fetching),
        Command::Completions { shell, fixed } => shell_help::completions(shell, fixed),
        Command::Man { dir } => shell_help::man(&dir, ui),
    }
}
