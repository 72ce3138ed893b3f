//! The one pass after the checks: what the run's policy and the service's
//! suppressions make of the findings. Severity overrides, disabled checks
//! (kept once, as skipped), live suppressions, then which failures `--fix`
//! can really repair, and the report order.

use super::check_id::CheckId;
use super::finding::{Finding, RuleId, Status, Suppressed};
use super::policy::Policy;
use crate::manifest::Manifest;
use crate::util::date::Date;

pub(super) fn triage(
    findings: &mut Vec<Finding>,
    policy: &Policy,
    manifest: Option<&Manifest>,
    today: Date,
) {
    for f in findings.iter_mut() {
        if let Some(sev) = policy.severity.get(&f.id) {
            f.severity = *sev;
        }
    }
    disable(findings, policy);
    if let Some(m) = manifest {
        suppress(findings, policy, m, today);
    }
    // A missing pipeline or environment is fixable only when the template
    // renders it: then `--fix` writes the missing managed files (PLAT501).
    let created: Vec<String> = findings
        .iter()
        .filter(|f| f.id == CheckId::ManagedMissing && f.counts() && f.fixable)
        .filter_map(|f| f.location.as_ref().map(|l| l.path.clone()))
        .collect();
    for f in findings.iter_mut() {
        if let Some(prefix) = &f.fixed_by_creating {
            f.fixable &= created.iter().any(|p| p.starts_with(prefix.as_str()));
        }
    }
    // Built-in checks by code (so by category), then the policy's in order.
    findings.sort_by_key(|f| match &f.id {
        RuleId::Builtin(c) => (0, *c as usize),
        RuleId::Policy(_) => (
            1,
            policy
                .rules
                .iter()
                .position(|r| r.id == f.id)
                .unwrap_or(usize::MAX),
        ),
    });
}

/// A disabled check stays in the report once, as skipped.
fn disable(findings: &mut Vec<Finding>, policy: &Policy) {
    if policy.disabled.is_empty() {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    findings.retain_mut(|f| match policy.disabled.get(&f.id) {
        None => true,
        Some(source) => {
            if !seen.insert(f.id.clone()) {
                return false;
            }
            f.status = Status::Skip;
            f.message = format!("skipped: disabled by the policy {source}");
            f.location = None;
            f.remediation = None;
            f.fixable = false;
            f.diff = None;
            f.suppressed = None;
            true
        }
    });
}

/// Marks failures accepted by a suppression that has not expired.
fn suppress(findings: &mut [Finding], policy: &Policy, m: &Manifest, today: Date) {
    for s in &m.suppressions {
        if s.expires.is_some_and(|d| d <= today) {
            continue;
        }
        let Some(id) = policy.resolve(&s.check) else {
            continue;
        };
        for f in findings
            .iter_mut()
            .filter(|f| f.id == id && f.status == Status::Fail)
        {
            f.suppressed = Some(Suppressed {
                reason: s.reason.clone(),
                expires: s.expires,
            });
        }
    }
}
