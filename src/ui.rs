//! Everything plat tells a person goes through here: progress and warnings
//! on stderr, styled when colours are on. Data for scripts goes to stdout
//! from the commands themselves.

use anstyle::{AnsiColor, Style};

const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default().bold();
pub const DIM: Style = Style::new().dimmed();
pub const BOLD: Style = Style::new().bold();

#[derive(Debug, Clone, Copy, Default)]
pub struct Ui {
    pub quiet: bool,
    pub verbose: bool,
}

impl Ui {
    /// A step that happened, cargo style: `    Created payments-api`.
    pub fn status(&self, verb: &str, message: impl std::fmt::Display) {
        if !self.quiet {
            anstream::eprintln!("{GREEN}{verb:>12}{GREEN:#} {message}");
        }
    }

    /// Detail shown only with --verbose.
    pub fn detail(&self, message: impl std::fmt::Display) {
        if self.verbose && !self.quiet {
            anstream::eprintln!("{DIM}{:>12} {message}{DIM:#}", "");
        }
    }

    pub fn note(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            anstream::eprintln!("{CYAN}note{CYAN:#}: {message}");
        }
    }

    pub fn warn(&self, message: impl std::fmt::Display) {
        anstream::eprintln!("{YELLOW}warning{YELLOW:#}: {message}");
    }

    /// Prints an error and its causes.
    pub fn error(&self, err: &anyhow::Error) {
        let mut chain = err.chain();
        if let Some(first) = chain.next() {
            anstream::eprintln!("{RED}error{RED:#}: {first}");
        }
        for cause in chain {
            anstream::eprintln!("  {DIM}caused by:{DIM:#} {cause}");
        }
    }
}
