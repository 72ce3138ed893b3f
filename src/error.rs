//! The few errors a caller must branch on: they decide the exit code.

/// Exit codes, part of plat's interface (docs/exit-codes.md).
pub mod exit {
    pub const SUCCESS: u8 = 0;
    /// A check ran and found problems (`manifest validate`, `doctor`).
    pub const PROBLEMS: u8 = 1;
    /// Bad usage or bad input; nothing was changed.
    pub const ERROR: u8 = 2;
    /// Interrupted by Ctrl-C or SIGTERM: `new` leaves nothing behind;
    /// `sync` and `doctor --fix` stop after the file being replaced.
    pub const INTERRUPTED: u8 = 130;
}

/// Bad input from the user: values, files or template. Its message is the
/// whole explanation (possibly several lines).
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// The user interrupted plat; whatever it was writing has been removed.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Problems as an indented list, one `  - ` line each: how plat reports
/// every problem of an input at once.
pub fn bullets<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The exit code for an error that ended a command.
pub fn code_for(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| e.is::<Interrupted>()) {
        exit::INTERRUPTED
    } else {
        exit::ERROR
    }
}
