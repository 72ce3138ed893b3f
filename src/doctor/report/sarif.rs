//! SARIF 2.1.0 for code-scanning upload (`util::sarif`): one run, a rule
//! per check that failed, a result per failure. Paths are relative to the
//! repository root (`%SRCROOT%`) so the findings land on the right files.
//! A built-in check's rule describes it with its section of docs/doctor.md.

use serde_json::{json, Value};

use super::scope::{Placed, Scope};
use crate::doctor::explain;
use crate::doctor::finding::{Finding, Severity, Status};
use crate::util::sarif::{self, Level, Log, Rule};

fn level(s: Severity) -> Level {
    match s {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Note,
    }
}

/// The SARIF log of the services in `scope`: every failure, suppressed
/// ones with their justification.
pub fn sarif(scope: &Scope) -> Value {
    let mut log = Log::new();
    for p in scope.placed(|f| f.status == Status::Fail) {
        log.add(p.finding.id.as_str(), || rule(p.finding), result(&p));
    }
    log.finish(explain::DOCS_URL)
}

fn rule(f: &Finding) -> Rule {
    let (summary, full_description, help, help_markdown, help_uri) = match f.id.builtin() {
        Some(id) => (
            id.spec().summary.to_string(),
            explain::full_description(id),
            explain::text(id),
            explain::markdown(id),
            explain::help_uri(id),
        ),
        None => {
            // A policy's rule: its message says what it wants, its
            // remediation how to get there.
            let fix = f
                .remediation
                .clone()
                .unwrap_or_else(|| "see the policy that defines this rule".to_string());
            let policies = format!("{}#policies", explain::DOCS_URL);
            (
                f.name.clone(),
                format!("A policy rule of this platform team: {}.", f.name),
                format!("{fix}. Policy rules: {policies}"),
                format!("{fix}.\n\nSee [Policies]({policies}) in plat's documentation."),
                policies,
            )
        }
    };
    Rule {
        id: f.id.as_str().to_string(),
        name: f.name.clone(),
        summary,
        full_description,
        help,
        help_markdown,
        help_uri: Some(help_uri),
        level: level(f.severity),
        properties: json!({"category": f.category, "fixable": f.fixable}),
    }
}

fn result(p: &Placed) -> sarif::Finding {
    let f = p.finding;
    let mut text = f.message.clone();
    if let Some(fix) = &f.remediation {
        text.push_str(". Fix: ");
        text.push_str(fix);
    }
    sarif::Finding {
        level: level(f.severity),
        message: text,
        fingerprint: p.key.clone(),
        uri: p.path.clone(),
        line: f.location.as_ref().and_then(|l| l.line),
        column: None,
        suppression: f.suppressed.as_ref().map(|s| s.reason.clone()),
    }
}
