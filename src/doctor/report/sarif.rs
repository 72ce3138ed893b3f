//! SARIF 2.1.0 for code-scanning upload: one run, a rule per check that
//! ran, a result per failure. Paths are relative to the repository root
//! (`%SRCROOT%`) so the findings land on the right files.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

use crate::doctor::finding::{Finding, ServiceReport, Severity, Status};
use crate::manifest::MANIFEST_FILE;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The SARIF log of one or more services; `base` is what result paths are
/// relative to (the repository root, or the `--all` directory).
pub fn sarif(
    reports: &[&ServiceReport],
    base_of: &dyn Fn(&ServiceReport) -> Option<std::path::PathBuf>,
) -> Value {
    let mut rules: BTreeMap<String, (usize, Value)> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut results = Vec::new();
    for r in reports {
        let base = base_of(r);
        for f in r.findings.iter().filter(|f| f.status == Status::Fail) {
            let id = f.id.as_str().to_string();
            if !rules.contains_key(&id) {
                rules.insert(id.clone(), (order.len(), rule(f)));
                order.push(id.clone());
            }
            results.push(result(f, rules[&id].0, &r.root, base.as_deref()));
        }
    }
    let rules: Vec<Value> = order.iter().map(|id| rules[id].1.clone()).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "plat",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/plat-dev/plat/blob/main/docs/doctor.md",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn rule(f: &Finding) -> Value {
    let spec = f.id.builtin().map(|c| c.spec());
    let summary = spec
        .map(|c| c.summary.to_string())
        .unwrap_or_else(|| f.name.clone());
    let help = spec
        .map(|c| c.remediation.to_string())
        .or_else(|| f.remediation.clone())
        .unwrap_or_else(|| summary.clone());
    let mut rule = json!({
        "id": f.id,
        "name": f.name,
        "shortDescription": {"text": summary},
        "help": {"text": help},
        "defaultConfiguration": {"level": level(f.severity)},
        "properties": {"category": f.category, "fixable": f.fixable},
    });
    if spec.is_some() {
        rule["helpUri"] = json!(format!(
            "https://github.com/plat-dev/plat/blob/main/docs/doctor.md#{}",
            f.id.as_str().to_lowercase()
        ));
    }
    rule
}

fn result(f: &Finding, rule_index: usize, root: &Path, base: Option<&Path>) -> Value {
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
    let mut physical = json!({"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}});
    if let Some(line) = f.location.as_ref().and_then(|l| l.line) {
        physical["region"] = json!({"startLine": line});
    }
    let mut v = json!({
        "ruleId": f.id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "kind": "fail",
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {"platFinding/v1": format!("{}:{}:{}", f.id, uri, f.message)},
    });
    if let Some(s) = &f.suppressed {
        v["suppressions"] = json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": s.reason,
        }]);
    }
    v
}
