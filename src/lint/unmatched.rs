//! Rules whose globs match no file of the template (TL011): a typo, or a
//! file renamed without its rule, so the rule silently does nothing.

use super::definition::Places;
use super::definition::FILE;
use super::finding::{Finding, LintId};
use crate::template::Template;
use crate::util::glob::glob;

/// One finding per glob that matches nothing under `files/`.
pub fn check(template: &Template, places: &Places) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (i, rule) in template.definition.rules.iter().enumerate() {
        for (j, pattern) in rule.paths.iter().enumerate() {
            let Ok(g) = glob(pattern) else { continue };
            let matcher = g.compile_matcher();
            if template.files.iter().any(|f| matcher.is_match(&f.path)) {
                continue;
            }
            let kind = if rule.raw { "raw " } else { "" };
            findings.push(
                Finding::new(
                    LintId::UnmatchedRule,
                    FILE,
                    format!(
                        "`rules[{i}]`: the {kind}glob `{pattern}` matches no file under `files/`"
                    ),
                )
                .at(places.value(&format!("rules[{i}].paths[{j}]"))),
            );
        }
    }
    findings
}
