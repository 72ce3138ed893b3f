//! The checks on platform.yaml's suppressions (PLAT700, PLAT701). What a
//! live suppression hides is decided after every check, in `triage`.

use super::{ManifestDoc, Run};
use crate::doctor::check_id::CheckId;
use crate::util::date::Date;

/// PLAT700/701: suppressions that expired or name no check.
pub(in crate::doctor) fn check(run: &mut Run, doc: &ManifestDoc, today: Date) {
    for (i, s) in doc.manifest.suppressions.iter().enumerate() {
        if let Some(expires) = s.expires.filter(|d| *d <= today) {
            run.fail(
                CheckId::SuppressionExpired,
                format!(
                    "the suppression of {} expired on {expires} (reason given: {}); {} is reported again",
                    s.check, s.reason, s.check
                ),
                doc.at(&format!("suppressions[{i}].expires")),
            );
        }
        if run.opts.policy.resolve(&s.check).is_none() {
            let hint = run
                .opts
                .policy
                .hint(&s.check)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            run.fail(
                CheckId::SuppressionUnknown,
                format!(
                    "the suppression names `{}`, which is not a check{hint}",
                    s.check
                ),
                doc.at(&format!("suppressions[{i}].check")),
            );
        }
    }
    run.pass_unless_failed(CheckId::SuppressionExpired, "no suppression has expired");
    run.pass_unless_failed(
        CheckId::SuppressionUnknown,
        "every suppression names a known check",
    );
}
