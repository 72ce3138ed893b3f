//! `plat template test`: the report of a template's cases, for people
//! (cargo test's shape, with a unified diff per file that differs) or for
//! scripts (JSON); with `--bless`, what was written.

use anyhow::Result;
use serde_json::json;
use std::path::PathBuf;

use super::environment::Environment;
use super::new::RENDER_TIMEOUT;
use super::output::{self, Schema};
use super::ui::Ui;
use crate::authoring::snapshot::{Difference, Mismatch};
use crate::authoring::{self, CaseResult, Outcome, TestReport, TestRequest};
use crate::cli::{Format, TemplateTestArgs};
use crate::error::exit;

/// Runs the cases (writing them with `--bless`) and reports; a case that
/// differs or does not render is exit 1.
pub fn run(args: TemplateTestArgs, ui: Ui, env: &Environment) -> Result<u8> {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let req = TestRequest {
        dir: dir.clone(),
        cases: args.cases,
        bless: args.bless,
        render_timeout: env.render_timeout(RENDER_TIMEOUT)?,
    };
    let report = authoring::test(&req)?;
    for r in &report.results {
        for w in &r.warnings {
            ui.warn(format!("{}: {w}", r.case.shown()));
        }
    }
    match args.format {
        Format::Json => output::document(Schema::TemplateTest, json_report(&report))?,
        Format::Human if report.blessed => blessed(&report, ui),
        Format::Human => {
            output::print(&human(&report))?;
            if report
                .results
                .iter()
                .any(|r| matches!(r.outcome, Outcome::Differs(_)))
            {
                ui.note(format!(
                    "if the renders are what the template should produce now, run `plat template test {} --bless` and review the diff",
                    dir.display()
                ));
            }
        }
    }
    Ok(if report.failed() {
        exit::PROBLEMS
    } else {
        exit::SUCCESS
    })
}

/// One line per case, then each failure in full, then the totals.
fn human(report: &TestReport) -> String {
    let mut out = String::new();
    let mut details = String::new();
    for r in &report.results {
        let status = match &r.outcome {
            Outcome::Passed => "ok",
            Outcome::Differs(found) => {
                details.push_str(&format!(
                    "\n---- {}: {} ----\n",
                    r.case.shown(),
                    count(found.len(), "difference")
                ));
                for d in found {
                    details.push_str(&difference(d));
                }
                "FAILED"
            }
            Outcome::Failed(e) => {
                details.push_str(&format!("\n---- {} ----\n{e:#}\n", r.case.shown()));
                "FAILED"
            }
        };
        out.push_str(&format!("{status:<7} {}\n", r.case.name));
    }
    let passed = report
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Passed))
        .count();
    let failed = report.results.len() - passed;
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    out.push_str(&details);
    out.push_str(&format!(
        "\ntest result: {verdict}. {passed} passed; {failed} failed (template {} {})\n",
        report.template.0, report.template.1
    ));
    out
}

/// A difference for a person: the diff, or one line naming the file.
fn difference(d: &Difference) -> String {
    let (rendered, expected) = if d.executable {
        ("executable", "not executable")
    } else {
        ("not executable", "executable")
    };
    match d.mismatch {
        Mismatch::Changed => d.diff.clone(),
        Mismatch::Missing => format!("missing  {}: in expected/, not rendered\n", d.path),
        Mismatch::Extra => format!("extra    {}: rendered, not in expected/\n", d.path),
        Mismatch::Mode => format!(
            "mode     {}: {rendered} in the render, {expected} in expected/\n",
            d.path
        ),
    }
}

/// `--bless`: what each case's expected tree gained, lost or changed.
fn blessed(report: &TestReport, ui: Ui) {
    for r in &report.results {
        let expected = format!("{}/expected", r.case.shown());
        match &r.outcome {
            Outcome::Passed => ui.status("Unchanged", &expected),
            Outcome::Differs(found) => {
                ui.status(
                    "Blessed",
                    format!("{expected} ({})", count(found.len(), "change")),
                );
                for d in found {
                    let path = format!("{expected}/{}", d.path);
                    match d.mismatch {
                        Mismatch::Changed => ui.status("Updated", path),
                        Mismatch::Extra => ui.status("Added", path),
                        Mismatch::Missing => ui.status("Removed", path),
                        Mismatch::Mode if d.executable => ui.status("Chmod", format!("+x {path}")),
                        Mismatch::Mode => ui.status("Chmod", format!("-x {path}")),
                    }
                }
            }
            Outcome::Failed(e) => ui.error(e),
        }
    }
}

/// `--format json`: the template, the totals and every case.
fn json_report(report: &TestReport) -> serde_json::Value {
    let tally =
        |want: fn(&Outcome) -> bool| report.results.iter().filter(|r| want(&r.outcome)).count();
    json!({
        "template": {"name": report.template.0, "version": report.template.1},
        "blessed": report.blessed,
        "ok": !report.failed(),
        "passed": tally(|o| matches!(o, Outcome::Passed)),
        "differ": tally(|o| matches!(o, Outcome::Differs(_))),
        "failed": tally(|o| matches!(o, Outcome::Failed(_))),
        "cases": report.results.iter().map(case_json).collect::<Vec<_>>(),
    })
}

fn case_json(r: &CaseResult) -> serde_json::Value {
    let (status, error, found): (_, Option<String>, &[Difference]) = match &r.outcome {
        Outcome::Passed => ("passed", None, &[]),
        Outcome::Differs(found) => ("differs", None, found),
        Outcome::Failed(e) => ("failed", Some(format!("{e:#}")), &[]),
    };
    json!({
        "name": r.case.name,
        "path": r.case.shown(),
        "status": status,
        "error": error,
        "warnings": r.warnings,
        "differences": found.iter().map(|d| json!({
            "path": d.path,
            "mismatch": d.mismatch,
            "diff": d.diff,
            "executable": d.executable,
        })).collect::<Vec<_>>(),
    })
}

/// `1 difference`, `3 differences`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
