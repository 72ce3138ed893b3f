//! Policy as data: a platform team's own rules, severity overrides and
//! disabled checks, read from YAML files (`--policy`, or plat's config).
//! docs/doctor.md documents the format. Loading reports every problem of
//! every file at once, each with its file and field.
//!
//! This file reads and merges the files; `rule` decodes and checks one
//! rule, `field_path` the manifest fields that rules name.

mod field_path;
mod rule;

use anyhow::{bail, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::check_id::CheckId;
use super::finding::{RuleId, Severity};
use crate::error::InputError;
use crate::util::read::{self, Input};
use crate::util::suggest::did_you_mean;
pub use field_path::{FieldPath, Seg};
pub use rule::{FileGlob, Rule, Test};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PolicyFile {
    #[serde(default)]
    api_version: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    /// Decoded one by one, so every rule's problems are reported.
    #[serde(default)]
    rules: Vec<serde_yaml::Value>,
}

impl PolicyFile {
    /// What is wrong with the file's `apiVersion` and `kind`.
    fn header_problems(&self, label: &str) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(v) = &self.api_version {
            if v != crate::manifest::API_VERSION {
                problems.push(format!(
                    "{label}: `apiVersion` {v:?} is not supported; use `{}`",
                    crate::manifest::API_VERSION
                ));
            }
        }
        if let Some(k) = &self.kind {
            if k != "Policy" {
                problems.push(format!("{label}: `kind` {k:?} must be `Policy`"));
            }
        }
        problems
    }
}

/// A `disable:` or `severity:` entry as written. Overrides may name rules
/// of any file, so they are resolved once every file's rules are known.
struct Override {
    file: String,
    field: &'static str,
    code: String,
    /// `None` disables the check.
    severity: Option<Severity>,
}

impl Override {
    /// A file's overrides: its disabled checks, then its severities.
    fn of(label: &str, disable: Vec<String>, severity: BTreeMap<String, Severity>) -> Vec<Self> {
        let disabled = disable.into_iter().map(|code| (code, "disable", None));
        let severities = severity
            .into_iter()
            .map(|(code, sev)| (code, "severity", Some(sev)));
        disabled
            .chain(severities)
            .map(|(code, field, severity)| Override {
                file: label.to_string(),
                field,
                code,
                severity,
            })
            .collect()
    }
}

/// Every policy of a run, merged.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Every file's rules, in file order; IDs are unique.
    pub rules: Vec<Rule>,
    /// Severity overrides, the last file's winning.
    pub severity: BTreeMap<RuleId, Severity>,
    /// Disabled check -> the policy file that disabled it.
    pub disabled: BTreeMap<RuleId, String>,
}

impl Policy {
    /// The rule with this ID, for a finding's name, severity and fix.
    pub fn rule(&self, id: &RuleId) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == *id)
    }

    /// The check `code` names: built-in, or one of this policy's rules.
    pub fn resolve(&self, code: &str) -> Option<RuleId> {
        CheckId::parse(code).map(RuleId::Builtin).or_else(|| {
            self.rules
                .iter()
                .find(|r| r.id.as_str() == code)
                .map(|r| r.id.clone())
        })
    }

    /// "did you mean" for a code that names no check.
    pub fn hint(&self, code: &str) -> Option<&str> {
        let known = CheckId::ALL
            .iter()
            .map(|c| c.code())
            .chain(self.rules.iter().map(|r| r.id.as_str()));
        did_you_mean(code, known)
    }

    /// Reads and merges the files in order (later files override
    /// severities).
    pub fn load(paths: &[PathBuf]) -> Result<Policy> {
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let label = path.display().to_string();
            let text = read::read_text(path, Input::Policy).map_err(|e| {
                InputError(format!("{e}; check the --policy path or plat's config"))
            })?;
            files.push((label, text));
        }
        Policy::parse(&files)
    }

    /// [`Policy::load`] for texts already read: `files` are (label, text)
    /// pairs. Every problem of every file is reported at once.
    pub fn parse(files: &[(String, String)]) -> Result<Policy> {
        let mut policy = Policy::default();
        let mut problems = Vec::new();
        let mut overrides = Vec::new();
        for (label, text) in files {
            let file: PolicyFile = crate::util::yaml::from_str(text, label)?;
            problems.extend(file.header_problems(label));
            policy.add_rules(file.rules, label, &mut problems);
            overrides.extend(Override::of(label, file.disable, file.severity));
        }
        for o in overrides {
            if let Err(problem) = policy.apply(o) {
                problems.push(problem);
            }
        }
        if !problems.is_empty() {
            bail!(InputError(format!(
                "the policy is not valid:\n{}",
                crate::error::bullets(&problems)
            )));
        }
        Ok(policy)
    }

    /// Adds the rules of the file `label`; a rule that is not valid, or
    /// reuses an ID, is a problem instead.
    fn add_rules(
        &mut self,
        rules: Vec<serde_yaml::Value>,
        label: &str,
        problems: &mut Vec<String>,
    ) {
        for (i, value) in rules.into_iter().enumerate() {
            match rule::compile(value, label) {
                Ok(rule) => match self.rule(&rule.id) {
                    Some(prev) => problems.push(format!(
                        "{label}: `rules[{i}].id` {} is already defined in {}; give each rule its own ID",
                        rule.id, prev.source
                    )),
                    None => self.rules.push(rule),
                },
                Err(e) => problems.push(format!(
                    "{label}: `rules[{i}]{}`{}: {}",
                    e.field.map(|f| format!(".{f}")).unwrap_or_default(),
                    e.id.map(|id| format!(" ({id})")).unwrap_or_default(),
                    e.message
                )),
            }
        }
    }

    /// Applies one override, or says why the code it names is no check.
    fn apply(&mut self, o: Override) -> Result<(), String> {
        let Some(id) = self.resolve(&o.code) else {
            let hint = self
                .hint(&o.code)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; `plat doctor --list` shows every check".into());
            return Err(format!(
                "{}: `{}` names `{}`, which is not a check{hint}",
                o.file, o.field, o.code
            ));
        };
        match o.severity {
            Some(sev) => {
                self.severity.insert(id, sev);
            }
            None => {
                self.disabled.insert(id, o.file);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> String {
        Policy::parse(&[("p.yaml".into(), text.into())])
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn rules_decode_by_kind_and_report_every_problem() {
        let err = problems(
            "rules:\n  - {id: ACME001, kind: file-exist, path: x, message: m}\n  - {id: ACME002, kind: file-exists, message: m}\n  - {id: ACME003, kind: manifest-required, field: a, pattern: x, message: m}\n  - {id: ACME004, kind: file-contains, path: x, pattern: '(', message: m}\ndisable: [PLAT5O1]\n",
        );
        for want in [
            "`rules[0].kind` (ACME001): `file-exist` is not a rule kind; did you mean `file-exists`?",
            "`rules[1].path` (ACME002): a `file-exists` rule needs `path`",
            "`rules[2]` (ACME003): unknown field `pattern` for a `manifest-required` rule",
            "`rules[3].pattern` (ACME004): is not a valid regular expression",
            "`disable` names `PLAT5O1`, which is not a check; did you mean `PLAT501`?",
        ] {
            assert!(err.contains(want), "{want:?} not in:\n{err}");
        }
    }

    #[test]
    fn overrides_resolve_to_checks_and_rules() {
        let p = Policy::parse(&[(
            "p.yaml".into(),
            "rules:\n  - {id: ACME001, kind: file-exists, path: x, message: m}\nseverity: {PLAT202: error, ACME001: warning}\ndisable: [PLAT203]\n".into(),
        )])
        .unwrap();
        assert_eq!(
            p.severity.get(&RuleId::Builtin(CheckId::Readme)),
            Some(&Severity::Error)
        );
        assert_eq!(
            p.severity.get(&RuleId::Policy("ACME001".into())),
            Some(&Severity::Warning)
        );
        assert!(p
            .disabled
            .contains_key(&RuleId::Builtin(CheckId::Gitignore)));
    }
}
