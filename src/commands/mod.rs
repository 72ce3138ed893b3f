//! The rim: each command turns parsed arguments into a request, calls the
//! core, and prints the result for people (stderr) or scripts (stdout).
#![allow(clippy::print_stdout)]

mod doctor;
mod manifest;
mod new;
mod sync;
mod templates;

use anyhow::Result;

use crate::cli::Command;
use crate::ui::Ui;

pub fn dispatch(command: Command, ui: Ui) -> Result<u8> {
    match command {
        Command::New(args) => new::run(args, ui),
        Command::Templates(cmd) => templates::run(cmd, ui),
        Command::Manifest(cmd) => manifest::run(cmd, ui),
        Command::Doctor(args) => doctor::run(args, ui),
        Command::Sync(args) => sync::run(args, ui),
    }
}

/// Prints one JSON document on stdout.
fn print_json(value: &serde_json::Value) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    quiet_pipe(result)
}

/// A reader that stopped reading (`plat doctor | head`) is not an error.
fn quiet_pipe(result: std::io::Result<()>) -> Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
