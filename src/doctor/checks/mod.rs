//! The checks, one file per area. Each adds findings (pass, fail or skip)
//! to a [`Run`]; a check whose prerequisite failed is skipped, naming the
//! check that failed.

pub(super) mod dockerfile;
mod files;
pub(super) mod kubernetes;
pub(super) mod leftovers;
pub(super) mod managed;
pub(super) mod manifest;
pub(super) mod pipeline;
pub(super) mod policy_rules;
pub(super) mod repository;
pub(super) mod suppressions;
pub(super) mod upstream;

use std::cell::OnceCell;
use std::path::Path;
use std::rc::Rc;

use super::check_id::CheckId;
use super::finding::{Category, Finding, Location, RuleId, Severity, Status};
use super::options::Options;
use crate::manifest::{Manifest, Positions, MANIFEST_FILE};
use crate::service::walk;

/// The findings of one service's run, built up check by check.
pub(super) struct Run<'a> {
    pub opts: &'a Options,
    pub findings: Vec<Finding>,
    /// The service's files, walked on first use.
    files: OnceCell<Rc<[String]>>,
}

impl<'a> Run<'a> {
    pub fn new(opts: &'a Options) -> Self {
        Run {
            opts,
            findings: Vec::new(),
            files: OnceCell::new(),
        }
    }

    /// Every file of the service at `root`, as the service walker lists
    /// them with `.gitignore` honoured: walked once per run for all the
    /// checks and policy rules that search the service.
    pub fn service_files(&self, root: &Path) -> Rc<[String]> {
        self.files
            .get_or_init(|| walk::files(root, None, true).into())
            .clone()
    }

    fn push(&mut self, id: RuleId, status: Status, message: String, location: Option<Location>) {
        let (name, category, severity, remediation, fixable) = match &id {
            RuleId::Builtin(c) => {
                let s = c.spec();
                (
                    s.name.to_string(),
                    s.category,
                    s.severity,
                    Some(s.remediation.to_string()),
                    s.fixable,
                )
            }
            RuleId::Policy(_) => match self.opts.policy.rule(&id) {
                Some(r) => (
                    r.name.clone(),
                    Category::Policy,
                    r.severity,
                    r.remediation.clone(),
                    false,
                ),
                None => (
                    id.as_str().to_lowercase(),
                    Category::Policy,
                    Severity::Error,
                    None,
                    false,
                ),
            },
        };
        let failed = status == Status::Fail;
        self.findings.push(Finding {
            id,
            name,
            category,
            severity,
            status,
            message,
            location,
            remediation: remediation.filter(|_| failed),
            fixable: fixable && failed,
            diff: None,
            suppressed: None,
            fixed_by_creating: None,
        });
    }

    pub fn pass(&mut self, id: impl Into<RuleId>, message: impl Into<String>) {
        self.push(id.into(), Status::Pass, message.into(), None);
    }

    /// Records a failure; the returned finding can be given a diff, a
    /// specific remediation or a different `fixable`.
    pub fn fail(
        &mut self,
        id: impl Into<RuleId>,
        message: impl Into<String>,
        location: Option<Location>,
    ) -> &mut Finding {
        self.push(id.into(), Status::Fail, message.into(), location);
        self.findings.last_mut().expect("just pushed")
    }

    pub fn skip<I: Into<RuleId>>(&mut self, ids: impl IntoIterator<Item = I>, reason: &str) {
        for id in ids {
            self.push(id.into(), Status::Skip, format!("skipped: {reason}"), None);
        }
    }

    /// Records a pass for `id` unless it has failed in this run: for
    /// checks that report one failure per problem and one pass otherwise.
    pub fn pass_unless_failed(&mut self, id: impl Into<RuleId>, message: impl Into<String>) {
        let id = id.into();
        if !self.failed(id.clone()) {
            self.push(id, Status::Pass, message.into(), None);
        }
    }

    /// Whether `id` has failed so far in this run.
    pub fn failed(&self, id: impl Into<RuleId>) -> bool {
        let id = id.into();
        self.findings
            .iter()
            .any(|f| f.id == id && f.status == Status::Fail)
    }

    /// Skips every built-in check in `ids`.
    pub fn skip_checks(&mut self, ids: &[CheckId], reason: &str) {
        self.skip(ids.iter().copied(), reason);
    }

    /// Skips `ids` because `failed` failed: `reason (PLAT101)`.
    pub fn skip_after(&mut self, ids: &[CheckId], failed: CheckId, reason: &str) {
        self.skip_checks(ids, &format!("{reason} ({failed})"));
    }
}

/// The manifest as far as it could be read.
pub(super) struct ManifestDoc<'a> {
    pub manifest: &'a Manifest,
    pub text: &'a str,
    /// Built on first use: most runs point at no field.
    pub positions: std::cell::OnceCell<Positions>,
}

impl ManifestDoc<'_> {
    /// The line of the field at `path` (`metadata.owner`).
    pub fn line(&self, path: &str) -> Option<usize> {
        self.positions
            .get_or_init(|| Positions::of(self.text))
            .line(path)
    }

    /// A location in platform.yaml at the field `path`.
    pub fn at(&self, path: &str) -> Option<Location> {
        Some(Location::at(MANIFEST_FILE, self.line(path)))
    }
}
