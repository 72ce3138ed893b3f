//! Everything plat tells a person goes through here: progress, notes,
//! warnings and errors, on stderr, styled when colours are on. Data for
//! scripts goes to stdout through `output`.
#![allow(clippy::disallowed_methods)]

use anstyle::{AnsiColor, Style};
use std::io::Write as _;

const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default().bold();
/// Styles shared with the commands' own output, so both look alike.
pub const DIM: Style = Style::new().dimmed();
pub const BOLD: Style = Style::new().bold();

/// How much to tell a person: set once from `--quiet` and `--verbose`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ui {
    /// Only warnings and errors.
    pub quiet: bool,
    pub verbose: bool,
}

/// One line on stderr, above any progress bar. A stderr nobody reads is
/// no reason to fail.
fn line(text: std::fmt::Arguments) {
    super::progress::above_bars(|| {
        let _ = writeln!(anstream::stderr().lock(), "{text}");
    });
}

impl Ui {
    /// A step that happened, cargo style: `    Created payments-api`.
    pub fn status(&self, verb: &str, message: impl std::fmt::Display) {
        if !self.quiet {
            line(format_args!("{GREEN}{verb:>12}{GREEN:#} {message}"));
        }
    }

    /// Detail shown only with --verbose.
    pub fn detail(&self, message: impl std::fmt::Display) {
        if self.verbose && !self.quiet {
            line(format_args!("{DIM}{:>12} {message}{DIM:#}", ""));
        }
    }

    /// A remark worth knowing; silent with --quiet.
    pub fn note(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            line(format_args!("{CYAN}note{CYAN:#}: {message}"));
        }
    }

    /// Text for a person (a "next steps" block); silent with --quiet.
    pub fn say(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            line(format_args!("{message}"));
        }
    }

    /// Something to act on; shown even with --quiet.
    pub fn warn(&self, message: impl std::fmt::Display) {
        line(format_args!("{YELLOW}warning{YELLOW:#}: {message}"));
    }

    /// Prints an error and its causes, and what to do about a failing
    /// machine (a full disk, a read-only file system).
    pub fn error(&self, err: &anyhow::Error) {
        let mut chain = err.chain();
        if let Some(first) = chain.next() {
            line(format_args!("{RED}error{RED:#}: {first}"));
        }
        for cause in chain {
            line(format_args!("  {DIM}caused by:{DIM:#} {cause}"));
        }
        if let Some(hint) = environment_hint(err) {
            line(format_args!("  {CYAN}hint{CYAN:#}: {hint}"));
        }
    }
}

/// What to do when the machine failed plat, said in plain words.
fn environment_hint(err: &anyhow::Error) -> Option<&'static str> {
    use std::io::ErrorKind;
    let io = err
        .chain()
        .find_map(|e| e.downcast_ref::<std::io::Error>())?;
    Some(match io.kind() {
        ErrorKind::StorageFull => "the disk is full: free some space and run the command again",
        ErrorKind::FileTooLarge => {
            "a file grew larger than this process may write (see `ulimit -f`) or the file system holds"
        }
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only: write somewhere else",
        ErrorKind::PermissionDenied => {
            "permission denied: check who owns the file and its directory"
        }
        ErrorKind::QuotaExceeded => "the disk quota is exceeded: free some space",
        _ => return None,
    })
}
