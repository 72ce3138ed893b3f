//! The JSON report: the template, how many sets of answers it was
//! rendered with, the counts, and every finding with its id, name,
//! severity, place (`file` under `root`) and the answers it showed
//! with. The rim prints it as a versioned document
//! (docs/schemas/template-lint.v1.schema.json).

use serde_json::{json, Value};

use crate::lint::finding::{Report, Severity};

pub fn json(report: &Report) -> Value {
    json!({
        "template": {
            "name": report.name,
            "version": report.version,
            "source": report.source,
        },
        "root": report.root,
        "combinations": report.combinations,
        "errors": report.count(Severity::Error),
        "warnings": report.count(Severity::Warning),
        "findings": report.findings.iter().map(|f| {
            let spec = f.id.spec();
            json!({
                "id": spec.code,
                "name": spec.name,
                "severity": spec.severity,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "message": f.message,
                "answers": f.answers,
            })
        }).collect::<Vec<_>>(),
    })
}
