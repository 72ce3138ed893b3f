//! Markdown, for a pull-request comment: a verdict, the failures as a
//! table, drift diffs and the other checks folded away.

use std::fmt::Write as _;

use super::human::{location_text, score_line};
use crate::doctor::all::AllReport;
use crate::doctor::finding::{Finding, ServiceReport, Severity, Status};

/// Text for a table cell: pipes escaped, on one line.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown report for a pull-request comment.
pub fn service(r: &ServiceReport, strict: bool) -> String {
    let mut out = String::new();
    let s = r.summary();
    let name = r.name.as_deref().unwrap_or("(no manifest)");
    let verdict = if s.fails(strict) {
        "❌"
    } else if s.failed > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let _ = writeln!(out, "## {verdict} plat doctor: `{name}`\n");
    let _ = writeln!(out, "{}\n", plain(&score_line(&s, strict)));
    markdown_findings(&mut out, &r.findings, "");
    out
}

/// A service's findings: the failures as a table, their diffs, and the
/// other checks folded away. Locations are shown under `prefix`.
fn markdown_findings(out: &mut String, findings: &[Finding], prefix: &str) {
    let failing: Vec<&Finding> = findings.iter().filter(|f| f.counts()).collect();
    if !failing.is_empty() {
        failures_table(out, &failing, prefix);
    }
    let diffs: Vec<&Finding> = failing.into_iter().filter(|f| f.diff.is_some()).collect();
    if !diffs.is_empty() {
        drift_diffs(out, &diffs);
    }
    let others: Vec<&Finding> = findings.iter().filter(|f| !f.counts()).collect();
    if !others.is_empty() {
        other_checks(out, &others);
    }
}

/// The failures, one table row each.
fn failures_table(out: &mut String, failing: &[&Finding], prefix: &str) {
    let _ = writeln!(out, "| | Check | Location | Finding | Fix |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for f in failing {
        let icon = match f.severity {
            Severity::Error => "❌",
            Severity::Warning => "⚠️",
            Severity::Info => "ℹ️",
        };
        let loc = location_text(f)
            .map(|l| format!("`{prefix}{l}`"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {icon} {} | `{}` {} | {} | {} | {} |",
            f.severity.as_str(),
            f.id,
            f.name,
            md_cell(&loc),
            md_cell(&f.message),
            md_cell(f.remediation.as_deref().unwrap_or("")),
        );
    }
    let _ = writeln!(out);
}

/// The drift diffs, folded away.
fn drift_diffs(out: &mut String, diffs: &[&Finding]) {
    let _ = writeln!(
        out,
        "<details><summary>Drift: {} file(s) differ from platform.yaml</summary>\n",
        diffs.len()
    );
    for f in diffs {
        let _ = writeln!(
            out,
            "```diff\n{}```\n",
            f.diff.as_deref().unwrap_or_default()
        );
    }
    let _ = writeln!(out, "</details>\n");
}

/// The checks that passed, were skipped or are suppressed, folded away.
fn other_checks(out: &mut String, others: &[&Finding]) {
    let _ = writeln!(
        out,
        "<details><summary>{} other checks (passed, skipped, suppressed)</summary>\n",
        others.len()
    );
    for f in others {
        let mark = match (f.status, &f.suppressed) {
            (Status::Pass, _) => "✅",
            (Status::Fail, Some(_)) => "🔕",
            _ => "⏭️",
        };
        let extra = f
            .suppressed
            .as_ref()
            .map(|s| format!(" (suppressed: {})", s.reason))
            .unwrap_or_default();
        let _ = writeln!(out, "- {mark} `{}` {}{extra}", f.id, md_cell(&f.message));
    }
    let _ = writeln!(out, "\n</details>");
}

/// The Markdown report of `--all`: a table of services, then the failures.
pub fn all(a: &AllReport, strict: bool) -> String {
    let mut out = String::new();
    let s = a.summary();
    let failing = a.failing(strict);
    let verdict = if failing > 0 { "❌" } else { "✅" };
    let _ = writeln!(
        out,
        "## {verdict} plat doctor: {} services, {failing} failing\n\n{}\n",
        a.services.len(),
        plain(&score_line(&s, strict))
    );
    let _ = writeln!(out, "| Service | Path | Score | Errors | Warnings |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for r in &a.services {
        let s = r.summary();
        let _ = writeln!(
            out,
            "| {} {} | `{}` | {}% | {} | {} |",
            if s.fails(strict) {
                "❌"
            } else if s.failed > 0 {
                "⚠️"
            } else {
                "✅"
            },
            md_cell(r.name.as_deref().unwrap_or("?")),
            crate::service::relative(&r.root, &a.root),
            s.score(),
            s.errors,
            s.warnings
        );
    }
    for r in a.services.iter().filter(|r| r.summary().failed > 0) {
        let _ = writeln!(out, "\n### `{}`\n", r.name.as_deref().unwrap_or("?"));
        let prefix = format!("{}/", crate::service::relative(&r.root, &a.root));
        let failing: Vec<Finding> = r.findings.iter().filter(|f| f.counts()).cloned().collect();
        markdown_findings(
            &mut out,
            &failing,
            if prefix == "./" { "" } else { &prefix },
        );
    }
    out
}

/// Text without its terminal styles.
fn plain(s: &str) -> String {
    anstream::adapter::strip_str(s).to_string()
}
