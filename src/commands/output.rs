//! The one door to stdout: every command's data (reports, JSON, diffs,
//! dry-run plans) goes out here. Styles are stripped when colours are off.
//! A reader that went away (`plat doctor | head`) is not an error: output
//! stops quietly and the command ends as it would have, as git and ripgrep
//! do.
#![allow(clippy::disallowed_methods)]

use anyhow::{Context as _, Result};
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout's reader has gone: nothing more is written.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout.
pub fn print(text: &str) -> Result<()> {
    write(text.as_bytes())
}

/// Writes one JSON document (and a newline) to stdout.
pub fn json(value: &serde_json::Value) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value).context("encoding JSON")?;
    text.push('\n');
    write(text.as_bytes())
}

fn write(bytes: &[u8]) -> Result<()> {
    if CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = anstream::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        other => other.context("writing to standard output"),
    }
}
