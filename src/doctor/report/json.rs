//! The versioned JSON document (docs/schemas/doctor-report.v1.schema.json)
//! and `plat doctor --list --format json`.

use serde_json::{json, Value};
use std::path::Path;

use crate::doctor::all::AllReport;
use crate::doctor::check_id::CheckId;
use crate::doctor::finding::{Finding, ServiceReport, Summary};

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
pub fn service(r: &ServiceReport, strict: bool) -> Value {
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
pub fn all(a: &AllReport, strict: bool) -> Value {
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

/// `plat doctor --list --format json`: every built-in check.
pub fn list() -> Value {
    let checks: Vec<Value> = CheckId::ALL
        .iter()
        .map(|c| {
            let s = c.spec();
            json!({
                "id": s.code, "name": s.name, "category": s.category,
                "severity": s.severity, "summary": s.summary,
                "remediation": s.remediation, "fixable": s.fixable,
            })
        })
        .collect();
    json!({ "checks": checks })
}
