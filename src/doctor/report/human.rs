//! The terminal report: findings grouped by category, a score line, and
//! one line per service for `--all`. Styled; the output stream strips the
//! styles when colours are off.

use anstyle::{AnsiColor, Style};
use std::fmt::Write as _;

use crate::doctor::all::AllReport;
use crate::doctor::check_id::CheckId;
use crate::doctor::finding::{Finding, ServiceReport, Severity, Status, Summary};

const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Info => CYAN,
    }
}

/// Options of the human report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Human {
    /// Show diffs and passing checks' messages.
    pub verbose: bool,
    /// Only failures and the score.
    pub quiet: bool,
    pub strict: bool,
}

/// The terminal report of one service, grouped by category; styled (the
/// caller's stream strips styles when colours are off).
pub fn service(r: &ServiceReport, o: Human) -> String {
    let mut out = String::new();
    let title = r.name.as_deref().unwrap_or("(no manifest)");
    let _ = writeln!(
        out,
        "{BOLD}plat doctor{BOLD:#} {title} {DIM}{}{DIM:#}",
        r.root.display()
    );
    let mut category = "";
    let findings = &r.findings;
    let mut i = 0;
    while i < findings.len() {
        let f = &findings[i];
        i += 1;
        if o.quiet && !f.counts() {
            continue;
        }
        if f.category.as_str() != category {
            category = f.category.as_str();
            let _ = writeln!(out, "\n{BOLD}{category}{BOLD:#}");
        }
        let mut ids = f.id.as_str().to_string();
        if f.status == Status::Skip && !o.verbose {
            let shared = same_skip(f, &findings[i..]);
            for next in &findings[i..i + shared] {
                ids.push(' ');
                ids.push_str(next.id.as_str());
            }
            i += shared;
        }
        finding_line(&mut out, f, &ids);
        if f.status == Status::Fail {
            failure_details(&mut out, f, o.verbose);
        }
    }
    let s = r.summary();
    let _ = writeln!(out, "\n{}", score_line(&s, o.strict));
    out
}

/// How many of the findings at the start of `rest` are skipped for the
/// same reason as `f`, so they share its line.
fn same_skip(f: &Finding, rest: &[Finding]) -> usize {
    rest.iter()
        .take_while(|n| {
            n.status == Status::Skip && n.message == f.message && n.category == f.category
        })
        .count()
}

/// A finding's line: its mark, the check IDs, its severity when it
/// fails, and its message.
fn finding_line(out: &mut String, f: &Finding, ids: &str) {
    let (mark, style) = match f.status {
        Status::Pass => ("✓", GREEN),
        Status::Skip => ("-", DIM),
        Status::Fail if f.suppressed.is_some() => ("~", DIM),
        Status::Fail => ("✗", severity_style(f.severity)),
    };
    let sev = if f.status == Status::Fail && f.suppressed.is_none() {
        let s = severity_style(f.severity);
        format!(" {s}{}{s:#}", f.severity.as_str())
    } else {
        String::new()
    };
    let body = if f.status == Status::Skip {
        format!("{DIM}{}{DIM:#}", f.message)
    } else {
        f.message.clone()
    };
    let _ = writeln!(
        out,
        "  {style}{mark}{style:#} {DIM}{ids}{DIM:#}{sev} {body}"
    );
}

/// The lines under a failure: why it is suppressed, or where it is, how
/// to fix it and its diff.
fn failure_details(out: &mut String, f: &Finding, verbose: bool) {
    if let Some(s) = &f.suppressed {
        let _ = writeln!(
            out,
            "      {DIM}suppressed: {}{}{DIM:#}",
            s.reason,
            s.expires
                .as_ref()
                .map(|e| format!(" (until {e})"))
                .unwrap_or_default()
        );
        return;
    }
    if let Some(loc) = location_text(f) {
        let _ = writeln!(out, "      {CYAN}-->{CYAN:#} {loc}");
    }
    if let Some(fix) = &f.remediation {
        let _ = writeln!(out, "      {BOLD}fix:{BOLD:#} {fix}");
    }
    match &f.diff {
        Some(diff) if verbose => diff_lines(out, diff),
        Some(_) => {
            let _ = writeln!(out, "      {DIM}(--verbose shows the diff){DIM:#}");
        }
        None => {}
    }
}

/// A unified diff, coloured line by line.
fn diff_lines(out: &mut String, diff: &str) {
    for line in diff.lines() {
        let st = match line.chars().next() {
            Some('+') if !line.starts_with("+++") => GREEN,
            Some('-') if !line.starts_with("---") => RED,
            Some('@') => CYAN,
            _ => DIM,
        };
        let _ = writeln!(out, "      {st}{line}{st:#}");
    }
}

/// `score 89%: 24 passed, 2 failed (1 error, 1 warning), 3 skipped`
pub fn score_line(s: &Summary, strict: bool) -> String {
    let style = if s.fails(strict) {
        RED
    } else if s.failed > 0 {
        YELLOW
    } else {
        GREEN
    };
    let mut failed = format!("{} failed", s.failed);
    let mut parts = Vec::new();
    for (n, word) in [
        (s.errors, "error"),
        (s.warnings, "warning"),
        (s.infos, "info"),
    ] {
        if n > 0 {
            parts.push(format!(
                "{n} {word}{}",
                if n == 1 || word == "info" { "" } else { "s" }
            ));
        }
    }
    if !parts.is_empty() {
        failed.push_str(&format!(" ({})", parts.join(", ")));
    }
    let mut line = format!(
        "{style}score {}%{style:#}: {} passed, {failed}, {} skipped",
        s.score(),
        s.passed,
        s.skipped
    );
    if s.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", s.suppressed));
    }
    line
}

/// One line per service and the totals, for `--all`.
pub fn all(a: &AllReport, o: Human) -> String {
    let mut out = String::new();
    let width = a
        .services
        .iter()
        .map(|r| r.name.as_deref().unwrap_or("?").len())
        .max()
        .unwrap_or(0);
    for r in &a.services {
        if o.quiet && !r.summary().fails(o.strict) {
            continue;
        }
        service_line(&mut out, r, a, width, o.strict);
        if o.verbose {
            for f in r.findings.iter().filter(|f| f.counts()) {
                let _ = writeln!(
                    out,
                    "    {} {} {}{}",
                    f.id,
                    f.severity.as_str(),
                    f.message,
                    location_text(f)
                        .map(|l| format!(" ({l})"))
                        .unwrap_or_default()
                );
            }
        }
    }
    let s = a.summary();
    let failing = a.failing(o.strict);
    let _ = writeln!(
        out,
        "\n{BOLD}{} services{BOLD:#}: {} passing, {failing} failing; {}",
        a.services.len(),
        a.services.len() - failing,
        score_line(&s, o.strict)
    );
    out
}

/// A service's line in `--all`: its mark, name, score, path and counts,
/// the names padded to `width`.
fn service_line(out: &mut String, r: &ServiceReport, a: &AllReport, width: usize, strict: bool) {
    let s = r.summary();
    let (mark, style) = if s.fails(strict) {
        ("✗", RED)
    } else if s.failed > 0 {
        ("!", YELLOW)
    } else {
        ("✓", GREEN)
    };
    let mut counts = Vec::new();
    for (n, word) in [(s.errors, "error"), (s.warnings, "warning")] {
        if n > 0 {
            counts.push(format!("{n} {word}{}", if n == 1 { "" } else { "s" }));
        }
    }
    let _ = writeln!(
        out,
        "{style}{mark}{style:#} {:<width$}  {:>3}%  {DIM}{}{DIM:#}{}",
        r.name.as_deref().unwrap_or("?"),
        s.score(),
        crate::service::relative(&r.root, &a.root),
        if counts.is_empty() {
            String::new()
        } else {
            format!("  {}", counts.join(", "))
        }
    );
}

/// `path:line` (or the path) of a finding's location, as reports show it.
pub(super) fn location_text(f: &Finding) -> Option<String> {
    f.location.as_ref().map(|l| match l.line {
        Some(line) => format!("{}:{line}", l.path),
        None => l.path.clone(),
    })
}

/// `plat doctor --list`: every built-in check.
pub fn list() -> String {
    let mut out = String::new();
    for c in CheckId::ALL {
        let s = c.spec();
        let st = severity_style(s.severity);
        let _ = writeln!(
            out,
            "{BOLD}{}{BOLD:#} {:<24} {st}{:<7}{st:#} {}{}",
            s.code,
            s.name,
            s.severity.as_str(),
            s.summary,
            if s.fixable { " (fixable)" } else { "" }
        );
    }
    out
}
