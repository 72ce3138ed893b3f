//! `plat completions SHELL` and `plat man DIR`: the command line described
//! for shells and `man`, generated from the same clap tree that parses it
//! (the candidates of dynamic completion are `complete`'s).

use anyhow::{Context as _, Result};
use clap::CommandFactory;
use std::path::Path;

use super::ui::Ui;
use super::{complete, output};
use crate::cli::Cli;
use crate::effects::replace;
use crate::error::exit;

/// Prints the completion script for `shell` on stdout: the dynamic one,
/// which asks plat for candidates as the user types (template names,
/// `--set` variables), or with `fixed` (`--static`) one that knows only
/// the commands and flags and never runs plat.
pub fn completions(shell: clap_complete::Shell, fixed: bool) -> Result<u8> {
    let script = if fixed {
        let mut cmd = Cli::command();
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut cmd, "plat", &mut script);
        script
    } else {
        complete::registration(shell)
            .with_context(|| format!("writing the {shell} completion script"))?
    };
    output::print(&String::from_utf8_lossy(&script))?;
    Ok(exit::SUCCESS)
}

/// Writes one page per command into `dir`: `plat.1`, `plat-new.1`,
/// `plat-template-lint.1`, ...
pub fn man(dir: &Path, ui: Ui) -> Result<u8> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut written = 0;
    page(&cmd, "plat", dir, &mut written)?;
    ui.status("Wrote", format!("{written} man pages to {}", dir.display()));
    Ok(exit::SUCCESS)
}

fn page(cmd: &clap::Command, name: &str, dir: &Path, written: &mut usize) -> Result<()> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .title(name)
        .render(&mut roff)
        .with_context(|| format!("rendering the man page of {name}"))?;
    replace::write_atomic(&dir.join(format!("{name}.1")), &roff, false)?;
    *written += 1;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        page(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}
