//! SARIF 2.1.0 (`util::sarif`): a rule per kind of finding that occurred,
//! a result per finding at its file, line and column, relative to the
//! template's root as given (for a directory in a repository, run lint
//! from the repository's root so the paths are the repository's).

use serde_json::{json, Value};

use super::command_line;
use crate::lint::finding::{LintId, Report, Severity};
use crate::util::sarif::{Finding, Level, Log, Rule};

const DOCS: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/blob/main/docs/templates.md#lint"
);

pub fn sarif(report: &Report) -> Value {
    let mut log = Log::new();
    for f in &report.findings {
        let shown = report.shown_path(&f.file);
        let uri = shown.trim_start_matches("./").to_string();
        let mut message = f.message.clone();
        if let Some(answers) = &f.answers {
            message.push_str(&format!(" (answers: {})", command_line(answers)));
        }
        let result = Finding {
            level: level(f.severity()),
            fingerprint: format!("{}:{}:{}", f.id.code(), uri, f.message),
            message,
            uri,
            line: f.line,
            column: f.column,
            suppression: None,
        };
        log.add(f.id.code(), || rule(f.id), result);
    }
    log.finish(DOCS)
}

fn level(s: Severity) -> Level {
    match s {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
    }
}

fn rule(id: LintId) -> Rule {
    let spec = id.spec();
    Rule {
        id: spec.code.to_string(),
        name: spec.name.to_string(),
        summary: spec.summary.to_string(),
        full_description: format!("{}: {}.", spec.name, spec.summary),
        help: format!("{}. See {DOCS}", spec.help),
        help_markdown: format!(
            "{}.\n\nSee [{} in plat's template documentation]({DOCS}).",
            spec.help, spec.code
        ),
        help_uri: Some(DOCS.to_string()),
        level: level(spec.severity),
        properties: json!({"category": "template"}),
    }
}
