//! Doctor reports as data (the versioned JSON document) and as text for
//! people (terminal) and pull requests (Markdown). SARIF is in `sarif`.

use anstyle::{AnsiColor, Style};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

use super::all::AllReport;
use super::{catalog, Finding, ServiceReport, Severity, Status, Summary};

/// Version of the JSON document; bumped only on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

fn tool() -> Value {
    json!({"name": "plat", "version": env!("CARGO_PKG_VERSION")})
}

fn summary_json(s: &Summary, strict: bool) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or_default();
    v["score"] = json!(s.score());
    v["ok"] = json!(!s.fails(strict));
    v
}

fn service_json(r: &ServiceReport, base: Option<&Path>) -> Value {
    json!({
        "name": r.name,
        "path": base.map(|b| crate::service::relative(&r.root, b)).unwrap_or_else(|| r.root.display().to_string()),
        "repository": r.repository.as_ref().map(|p| p.display().to_string()),
    })
}

fn checks_json(findings: &[Finding]) -> Value {
    serde_json::to_value(findings).unwrap_or_default()
}

/// The JSON document of one service.
pub fn json(r: &ServiceReport, strict: bool) -> Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "tool": tool(),
        "strict": strict,
        "service": service_json(r, None),
        "summary": summary_json(&r.summary(), strict),
        "checks": checks_json(&r.findings),
    })
}

/// The JSON document of `--all`: one result per service.
pub fn json_all(a: &AllReport, strict: bool) -> Value {
    let services: Vec<Value> = a
        .services
        .iter()
        .map(|r| {
            json!({
                "service": service_json(r, Some(&a.root)),
                "summary": summary_json(&r.summary(), strict),
                "checks": checks_json(&r.findings),
            })
        })
        .collect();
    let mut summary = summary_json(&a.summary(), strict);
    summary["services"] = json!(a.services.len());
    summary["failing"] = json!(a.failing(strict));
    summary["passing"] = json!(a.services.len() - a.failing(strict));
    json!({
        "schema_version": SCHEMA_VERSION,
        "tool": tool(),
        "strict": strict,
        "root": a.root.display().to_string(),
        "summary": summary,
        "services": services,
    })
}

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

fn location_text(f: &Finding) -> Option<String> {
    f.location.as_ref().map(|l| match l.line {
        Some(line) => format!("{}:{line}", l.path),
        None => l.path.clone(),
    })
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
pub fn human(r: &ServiceReport, o: Human) -> String {
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
        if f.category != category {
            category = if f.category.is_empty() {
                "other"
            } else {
                &f.category
            };
            let _ = writeln!(out, "\n{BOLD}{category}{BOLD:#}");
        }
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
        let mut ids = f.id.clone();
        if f.status == Status::Skip && !o.verbose {
            // Checks skipped for the same reason share a line.
            while let Some(next) = findings.get(i).filter(|n| {
                n.status == Status::Skip && n.message == f.message && n.category == f.category
            }) {
                ids.push(' ');
                ids.push_str(&next.id);
                i += 1;
            }
        }
        let body = if f.status == Status::Skip {
            format!("{DIM}{}{DIM:#}", f.message)
        } else {
            f.message.clone()
        };
        let _ = writeln!(
            out,
            "  {style}{mark}{style:#} {DIM}{ids}{DIM:#}{sev} {body}"
        );
        if f.status != Status::Fail {
            continue;
        }
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
            continue;
        }
        if let Some(loc) = location_text(f) {
            let _ = writeln!(out, "      {CYAN}-->{CYAN:#} {loc}");
        }
        if let Some(fix) = &f.remediation {
            let _ = writeln!(out, "      {BOLD}fix:{BOLD:#} {fix}");
        }
        if let Some(diff) = &f.diff {
            if o.verbose {
                for line in diff.lines() {
                    let st = match line.chars().next() {
                        Some('+') if !line.starts_with("+++") => GREEN,
                        Some('-') if !line.starts_with("---") => RED,
                        Some('@') => CYAN,
                        _ => DIM,
                    };
                    let _ = writeln!(out, "      {st}{line}{st:#}");
                }
            } else {
                let _ = writeln!(out, "      {DIM}(--verbose shows the diff){DIM:#}");
            }
        }
    }
    let s = r.summary();
    let _ = writeln!(out, "\n{}", score_line(&s, o.strict));
    out
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
pub fn human_all(a: &AllReport, o: Human) -> String {
    let mut out = String::new();
    let width = a
        .services
        .iter()
        .map(|r| r.name.as_deref().unwrap_or("?").len())
        .max()
        .unwrap_or(0);
    for r in &a.services {
        let s = r.summary();
        if o.quiet && !s.fails(o.strict) {
            continue;
        }
        let (mark, style) = if s.fails(o.strict) {
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

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown report for a pull-request comment.
pub fn markdown(r: &ServiceReport, strict: bool) -> String {
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
    let _ = writeln!(out, "{}\n", strip_styles(&score_line(&s, strict)));
    markdown_findings(&mut out, &r.findings, "");
    out
}

fn markdown_findings(out: &mut String, findings: &[Finding], prefix: &str) {
    let failing: Vec<&Finding> = findings.iter().filter(|f| f.counts()).collect();
    if !failing.is_empty() {
        let _ = writeln!(out, "| | Check | Location | Finding | Fix |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for f in &failing {
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
    let diffs: Vec<&&Finding> = failing.iter().filter(|f| f.diff.is_some()).collect();
    if !diffs.is_empty() {
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
    let others: Vec<&Finding> = findings.iter().filter(|f| !f.counts()).collect();
    if !others.is_empty() {
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
}

/// The Markdown report of `--all`: a table of services, then the failures.
pub fn markdown_all(a: &AllReport, strict: bool) -> String {
    let mut out = String::new();
    let s = a.summary();
    let failing = a.failing(strict);
    let verdict = if failing > 0 { "❌" } else { "✅" };
    let _ = writeln!(
        out,
        "## {verdict} plat doctor: {} services, {failing} failing\n\n{}\n",
        a.services.len(),
        strip_styles(&score_line(&s, strict))
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

fn strip_styles(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `plat doctor --list`: every built-in check.
pub fn list_human() -> String {
    let mut out = String::new();
    for c in catalog::CHECKS {
        let st = severity_style(c.severity);
        let _ = writeln!(
            out,
            "{BOLD}{}{BOLD:#} {:<24} {st}{:<7}{st:#} {}{}",
            c.id,
            c.name,
            c.severity.as_str(),
            c.summary,
            if c.fixable { " (fixable)" } else { "" }
        );
    }
    out
}

pub fn list_json() -> Value {
    Value::Array(
        catalog::CHECKS
            .iter()
            .map(|c| {
                json!({
                    "id": c.id, "name": c.name, "category": c.category,
                    "severity": c.severity, "summary": c.summary,
                    "remediation": c.remediation, "fixable": c.fixable,
                })
            })
            .collect(),
    )
}
