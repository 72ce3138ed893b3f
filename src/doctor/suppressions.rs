//! Suppressions in platform.yaml (PLAT700, PLAT701 and what they hide)
//! and checks a policy disables.

use super::{catalog, policy::Policy, Finding, ManifestDoc, Run, Status, Suppressed};
use crate::manifest::Manifest;

/// PLAT700/701: suppressions that expired or name no check.
pub(super) fn check(run: &mut Run, doc: &ManifestDoc) {
    let today = crate::date::today();
    for (i, s) in doc.manifest.suppressions.iter().enumerate() {
        if s.expires.as_deref().is_some_and(|d| d <= today.as_str()) {
            run.fail(
                "PLAT700",
                format!(
                    "the suppression of {} expired on {} (reason given: {}); {} is reported again",
                    s.check,
                    s.expires.as_deref().unwrap_or_default(),
                    s.reason,
                    s.check
                ),
                doc.at(&format!("suppressions[{i}].expires")),
            );
        }
        if catalog::find(&s.check).is_none() && run.opts.policy.rule(&s.check).is_none() {
            let mut known: Vec<&str> = catalog::CHECKS.iter().map(|c| c.id).collect();
            known.extend(run.opts.policy.rules.iter().map(|r| r.id.as_str()));
            let hint = crate::suggest::did_you_mean(&s.check, known.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            run.fail(
                "PLAT701",
                format!(
                    "the suppression names `{}`, which is not a check{hint}",
                    s.check
                ),
                doc.at(&format!("suppressions[{i}].check")),
            );
        }
    }
    run.pass_unless_failed("PLAT700", "no suppression has expired");
    run.pass_unless_failed("PLAT701", "every suppression names a known check");
}

/// Marks failures accepted by a live suppression.
pub(super) fn apply(findings: &mut [Finding], m: &Manifest) {
    let today = crate::date::today();
    for s in &m.suppressions {
        if s.expires.as_deref().is_some_and(|d| d <= today.as_str()) {
            continue;
        }
        for f in findings
            .iter_mut()
            .filter(|f| f.id == s.check && f.status == Status::Fail)
        {
            f.suppressed = Some(Suppressed {
                reason: s.reason.clone(),
                expires: s.expires.clone(),
            });
        }
    }
}

/// Checks a policy disables stay in the report once, as skipped.
pub(super) fn disable(findings: &mut Vec<Finding>, policy: &Policy) {
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
