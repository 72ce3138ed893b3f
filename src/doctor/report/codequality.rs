//! GitLab Code Quality: the subset of the Code Climate issue format GitLab
//! reads from `artifacts:reports:codequality` (a JSON array; each issue a
//! `description`, `check_name`, `fingerprint`, `severity`, `location.path`
//! and `location.lines.begin`). Only the failures that count are issues:
//! passes, skips and suppressed failures are left out.

use serde_json::{json, Value};

use super::scope::Scope;
use crate::doctor::finding::Severity;

/// GitLab's severities are `info`, `minor`, `major`, `critical` and
/// `blocker`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// The Code Quality report of the services in `scope`.
pub fn codequality(scope: &Scope) -> Value {
    let issues: Vec<Value> = scope
        .placed(|f| f.counts())
        .into_iter()
        .map(|p| {
            let f = p.finding;
            let mut description = format!("{} {}: {}", f.id, f.name, f.message);
            if let Some(fix) = &f.remediation {
                description.push_str(". Fix: ");
                description.push_str(fix);
            }
            json!({
                "type": "issue",
                "description": description,
                "check_name": f.id.as_str(),
                "fingerprint": p.fingerprint,
                "severity": severity(f.severity),
                "location": {"path": p.path, "lines": {"begin": p.line}},
            })
        })
        .collect();
    Value::Array(issues)
}
