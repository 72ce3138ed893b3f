//! SARIF 2.1.0 for code-scanning upload (`util::sarif`): one run, a rule
//! per check that failed, a result per failure. Paths are relative to the
//! repository root (`%SRCROOT%`) so the findings land on the right files.

use serde_json::{json, Value};
use std::path::Path;

use crate::doctor::finding::{Finding, ServiceReport, Severity, Status};
use crate::manifest::MANIFEST_FILE;
use crate::util::sarif::{self, Level, Log, Rule};

fn level(s: Severity) -> Level {
    match s {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Note,
    }
}

/// The SARIF log of one or more services; `base` is what result paths are
/// relative to (the repository root, or the `--all` directory).
pub fn sarif(
    reports: &[&ServiceReport],
    base_of: &dyn Fn(&ServiceReport) -> Option<std::path::PathBuf>,
) -> Value {
    let mut log = Log::new();
    for r in reports {
        let base = base_of(r);
        for f in r.findings.iter().filter(|f| f.status == Status::Fail) {
            log.add(
                f.id.as_str(),
                || rule(f),
                result(f, &r.root, base.as_deref()),
            );
        }
    }
    log.finish("https://github.com/plat-dev/plat/blob/main/docs/doctor.md")
}

fn rule(f: &Finding) -> Rule {
    let spec = f.id.builtin().map(|c| c.spec());
    let summary = spec
        .map(|c| c.summary.to_string())
        .unwrap_or_else(|| f.name.clone());
    let help = spec
        .map(|c| c.remediation.to_string())
        .or_else(|| f.remediation.clone())
        .unwrap_or_else(|| summary.clone());
    Rule {
        id: f.id.as_str().to_string(),
        name: f.name.clone(),
        summary,
        help,
        help_uri: spec.map(|_| {
            format!(
                "https://github.com/plat-dev/plat/blob/main/docs/doctor.md#{}",
                f.id.as_str().to_lowercase()
            )
        }),
        level: level(f.severity),
        properties: json!({"category": f.category, "fixable": f.fixable}),
    }
}

fn result(f: &Finding, root: &Path, base: Option<&Path>) -> sarif::Finding {
    let mut text = f.message.clone();
    if let Some(fix) = &f.remediation {
        text.push_str(". Fix: ");
        text.push_str(fix);
    }
    // Every result needs a place; a finding about the whole service points
    // at its manifest.
    let rel = f
        .location
        .as_ref()
        .map(|l| l.path.clone())
        .unwrap_or_else(|| MANIFEST_FILE.to_string());
    let full = root.join(&rel);
    let uri = match base {
        Some(b) => crate::service::relative(&full, b),
        None => rel,
    };
    sarif::Finding {
        level: level(f.severity),
        message: text,
        fingerprint: format!("{}:{}:{}", f.id, uri, f.message),
        uri,
        line: f.location.as_ref().and_then(|l| l.line),
        column: None,
        suppression: f.suppressed.as_ref().map(|s| s.reason.clone()),
    }
}
