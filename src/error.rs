//! The errors a caller must branch on: they decide the exit code. Every
//! other error is plumbing (anyhow with context naming the file) and counts
//! as a failure of the environment: the disk, the file system, git.

/// Exit codes, part of plat's interface (docs/exit-codes.md).
pub mod exit {
    pub const SUCCESS: u8 = 0;
    /// A check ran and found problems (`manifest validate`, `doctor`,
    /// `sync --check`).
    pub const PROBLEMS: u8 = 1;
    /// Bad usage or bad input (arguments, values, template, manifest,
    /// policy); nothing was changed.
    pub const INPUT: u8 = 2;
    /// The environment failed plat: a file could not be written or read,
    /// the disk is full, git failed. `new` leaves nothing behind; `sync`
    /// and `doctor --fix` say which files were already replaced (each whole).
    pub const ENVIRONMENT: u8 = 3;
    /// Interrupted by Ctrl-C or SIGTERM: `new` leaves nothing behind;
    /// `sync` and `doctor --fix` stop after the file being replaced.
    pub const INTERRUPTED: u8 = 130;
}

/// Bad input from the user: arguments, values, files or template. Its
/// message is the whole explanation (possibly several lines).
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

/// The exit code for an error that ended a command: the first typed error
/// in its chain decides; an untyped one is a failure of the environment.
pub fn code_for(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.is::<Interrupted>() {
            return exit::INTERRUPTED;
        }
        if cause.is::<InputError>() {
            return exit::INPUT;
        }
    }
    exit::ENVIRONMENT
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::{anyhow, Context};

    #[test]
    fn typed_errors_decide_the_exit_code_through_context() {
        let input = Err::<(), _>(InputError("bad".into()))
            .context("reading x")
            .unwrap_err();
        assert_eq!(code_for(&input), exit::INPUT);
        let stopped = Err::<(), _>(Interrupted).context("stopped").unwrap_err();
        assert_eq!(code_for(&stopped), exit::INTERRUPTED);
        let disk = Err::<(), _>(std::io::Error::other("no space"))
            .context("writing y")
            .unwrap_err();
        assert_eq!(code_for(&disk), exit::ENVIRONMENT);
        assert_eq!(code_for(&anyhow!("git failed")), exit::ENVIRONMENT);
    }
}
