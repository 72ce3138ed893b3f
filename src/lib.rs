//! plat: the golden path on the command line.
//!
//! Data flows one way: arguments -> request -> template -> answers -> plan ->
//! staged write -> git -> report. The clap tree lives in `cli`; `commands`
//! turns it into requests and prints the results; everything else is the
//! core, which never prints and never prompts by itself.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod answers;
pub mod cli;
mod commands;
pub mod config;
pub mod date;
pub mod definition;
pub mod doctor;
pub mod drift;
pub mod engine;
pub mod error;
pub mod git;

pub mod manifest;
pub mod pathcheck;
mod prompt;
pub mod render;
pub mod rules;
pub mod scaffold;
pub mod service;
pub mod source;
mod suggest;
pub mod sync;
pub mod ui;
pub mod write;
pub mod yaml;

use clap::Parser;

/// Runs plat with `args` and returns the process exit code.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                error::exit::ERROR
            } else {
                error::exit::SUCCESS
            };
        }
    };
    let choice = match cli.global.color {
        cli::ColorWhen::Auto => anstream::ColorChoice::Auto,
        cli::ColorWhen::Always => anstream::ColorChoice::Always,
        cli::ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    let ui = ui::Ui {
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
    };
    write::install_interrupt_handler();
    match commands::dispatch(cli.command, ui) {
        Ok(code) => code,
        Err(err) => {
            ui.error(&err);
            error::code_for(&err)
        }
    }
}
