//! The terminal report: one line per finding, `path:line:column:
//! severity[TL005]: message` as compilers write them (editors and
//! terminals open the place), and for a finding that showed with certain
//! answers, the `plat new` command that shows it again. Styled; the
//! output stream strips styles when colours are off.

use anstyle::{AnsiColor, Style};
use std::fmt::Write as _;

use super::command_line;
use crate::lint::finding::{Report, Severity};

const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// Every finding, in the report's order; empty when there is none.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let style = match f.severity() {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
        };
        let mut place = report.shown_path(&f.file);
        if let Some(line) = f.line {
            let _ = write!(place, ":{line}");
            if let Some(column) = f.column {
                let _ = write!(place, ":{column}");
            }
        }
        let _ = writeln!(
            out,
            "{BOLD}{place}{BOLD:#}: {style}{}[{}]{style:#}: {}",
            f.severity().as_str(),
            f.id.code(),
            f.message
        );
        if let Some(answers) = &f.answers {
            let _ = writeln!(
                out,
                "  {DIM}with:{DIM:#} plat new {} {} --no-input",
                report.argument,
                command_line(answers)
            );
        }
    }
    out
}
