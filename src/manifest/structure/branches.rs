//! `anyOf` and `oneOf`: a value passes if one of the alternative schemas
//! accepts it; otherwise the report is about the alternative it came
//! closest to, or names the choices when they are all constants.

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use super::messages::{expected, not_one_of, show};
use super::{type_matches, Walker};
use crate::manifest::{At, Issue};

impl<'s> Walker<'s> {
    /// Checks `anyOf`/`oneOf`: the value passes if one branch accepts it,
    /// otherwise the problems of the closest branch are reported.
    /// Returns whether checking may go on with the other keywords.
    pub(super) fn check_branches(
        &mut self,
        branches: &'s [Json],
        value: &Yaml,
        depth: usize,
    ) -> bool {
        let saved = std::mem::take(&mut self.issues);
        let failed = self.try_branches(branches, value, depth);
        self.issues = saved;
        match failed {
            None => true,
            Some(results) => {
                self.report_closest(&results, value);
                false
            }
        }
    }

    /// Each branch with its problems, or `None` as soon as one has none.
    fn try_branches(
        &mut self,
        branches: &'s [Json],
        value: &Yaml,
        depth: usize,
    ) -> Option<Vec<(&'s Json, Vec<Issue>)>> {
        let mut results = Vec::new();
        for branch in branches {
            self.check(branch, value, depth + 1);
            let issues = std::mem::take(&mut self.issues);
            if issues.is_empty() {
                return None;
            }
            results.push((self.resolve(branch), issues));
        }
        Some(results)
    }

    /// Names the choices when every branch is a constant; otherwise reports
    /// the problems of the branch of the right type with the fewest, or,
    /// when none has the right type, the types that would do.
    fn report_closest(&mut self, results: &[(&'s Json, Vec<Issue>)], value: &Yaml) {
        let consts: Option<Vec<&str>> = results
            .iter()
            .map(|(b, _)| b.get("const").and_then(Json::as_str))
            .collect();
        if let Some(names) = consts {
            self.push(At::Value, not_one_of(&self.subject(), &names, value));
            return;
        }
        let fitting = results
            .iter()
            .filter(|(b, _)| b.get("type").is_none_or(|t| type_matches(t, value)));
        match fitting.min_by_key(|(_, issues)| issues.len()) {
            Some((_, issues)) => self.issues.extend(issues.iter().cloned()),
            None => {
                let wanted: Vec<String> = results
                    .iter()
                    .filter_map(|(b, _)| b.get("type"))
                    .filter(|t| t.as_str() != Some("null"))
                    .map(expected)
                    .collect();
                self.push(
                    At::Value,
                    format!(
                        "{} must be {}, found {}",
                        self.subject(),
                        wanted.join(" or "),
                        show(value)
                    ),
                );
            }
        }
    }
}
