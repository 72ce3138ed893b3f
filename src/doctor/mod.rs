//! `plat doctor`: how far a service is from the golden path. Each check
//! adds findings (pass, fail or skip) to a [`ServiceReport`]; a check whose
//! prerequisite failed is skipped, naming the check that failed. Reports are
//! data: `report` turns them into human text, JSON, SARIF or Markdown.

pub mod all;
pub mod catalog;
mod files;
pub mod fix;
mod infra;
mod manifest;
mod pipeline;
pub mod policy;
pub mod report;
mod repository;
mod rules;
pub mod sarif;
mod suppressions;
mod template;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::drift::Change;
use crate::manifest::{Manifest, Positions};
use crate::service::{Located, RepoState};
use crate::source::{self, Template};
use policy::Policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
}

/// A place in the service, relative to its root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Location {
        Location {
            path: path.into(),
            line: None,
        }
    }

    pub fn at(path: impl Into<String>, line: Option<usize>) -> Location {
        Location {
            path: path.into(),
            line,
        }
    }
}

/// A failure accepted by a suppression in platform.yaml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// One result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: String,
    pub name: String,
    pub category: String,
    pub severity: Severity,
    pub status: Status,
    pub message: String,
    pub location: Option<Location>,
    pub remediation: Option<String>,
    pub fixable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
}

impl Finding {
    /// A failure that counts: not suppressed.
    pub fn counts(&self) -> bool {
        self.status == Status::Fail && self.suppressed.is_none()
    }
}

/// Everything doctor found about one service.
#[derive(Debug, Clone)]
pub struct ServiceReport {
    /// metadata.name, when the manifest says.
    pub name: Option<String>,
    pub root: PathBuf,
    /// The repository's working tree, if any.
    pub repository: Option<PathBuf>,
    pub findings: Vec<Finding>,
    /// Out-of-step managed files, for `--fix` (empty when drift was skipped).
    pub changes: Vec<Change>,
    /// The move to a newer template version, for `--fix`.
    pub upgrade: Option<crate::drift::Upgrade>,
    /// metadata.owner, when platform.yaml is valid.
    pub owner: Option<String>,
}

/// Counts over a report's findings.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub suppressed: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match f.status {
                Status::Pass => s.passed += 1,
                Status::Skip => s.skipped += 1,
                Status::Fail if f.suppressed.is_some() => s.suppressed += 1,
                Status::Fail => {
                    s.failed += 1;
                    match f.severity {
                        Severity::Error => s.errors += 1,
                        Severity::Warning => s.warnings += 1,
                        Severity::Info => s.infos += 1,
                    }
                }
            }
        }
        s
    }

    /// Whether this summary fails the run: any error, or with `strict` any
    /// warning.
    pub fn fails(&self, strict: bool) -> bool {
        self.errors > 0 || (strict && self.warnings > 0)
    }

    /// Passed checks as a share of those that ran, 0-100.
    pub fn score(&self) -> u32 {
        let ran = self.passed + self.failed + self.suppressed;
        if ran == 0 {
            return 0;
        }
        ((self.passed + self.suppressed) as f64 * 100.0 / ran as f64).floor() as u32
    }

    pub fn add(&mut self, o: &Summary) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
        self.suppressed += o.suppressed;
        self.errors += o.errors;
        self.warnings += o.warnings;
        self.infos += o.infos;
    }
}

impl ServiceReport {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings)
    }
}

/// Loaded templates, shared by the services of one run.
#[derive(Default)]
pub struct Templates {
    loaded: Mutex<HashMap<String, Loaded>>,
}

/// A template with its managed files parsed, or why it could not be loaded.
pub type Loaded = Arc<Result<LoadedTemplate, String>>;

pub struct LoadedTemplate {
    pub template: Arc<Template>,
    pub compiled: Option<crate::render::Compiled>,
}

impl Templates {
    /// Loads `spec` once per run; services that share a template share
    /// the work.
    pub fn get(&self, spec: &str) -> Loaded {
        let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        loaded
            .entry(spec.to_string())
            .or_insert_with(|| {
                Arc::new(
                    source::load(spec)
                        .map(|t| LoadedTemplate {
                            compiled: crate::render::Compiled::of(&t).ok(),
                            template: Arc::new(t),
                        })
                        .map_err(|e| format!("{e:#}")),
                )
            })
            .clone()
    }
}

/// What every check in a run shares.
#[derive(Default)]
pub struct Options {
    pub policy: Policy,
    /// Render managed files with this template instead of the recorded one.
    pub template: Option<String>,
    pub templates: Templates,
}

/// The findings of one run, built up check by check.
pub(crate) struct Run<'a> {
    opts: &'a Options,
    findings: Vec<Finding>,
}

impl<'a> Run<'a> {
    fn new(opts: &'a Options) -> Self {
        Run {
            opts,
            findings: Vec::new(),
        }
    }

    fn push(&mut self, id: &str, status: Status, message: String, location: Option<Location>) {
        let (name, category, severity, remediation, fixable) = match catalog::find(id) {
            Some(c) => (
                c.name.to_string(),
                c.category.to_string(),
                c.severity,
                Some(c.remediation.to_string()),
                c.fixable,
            ),
            None => match self.opts.policy.rule(id) {
                Some(r) => (
                    r.name.clone(),
                    "policy".to_string(),
                    r.severity,
                    r.remediation.clone(),
                    false,
                ),
                None => (
                    id.to_lowercase(),
                    "policy".into(),
                    Severity::Error,
                    None,
                    false,
                ),
            },
        };
        let severity = self
            .opts
            .policy
            .severity
            .get(id)
            .copied()
            .unwrap_or(severity);
        self.findings.push(Finding {
            id: id.to_string(),
            name,
            category,
            severity,
            status,
            message,
            location,
            remediation: if status == Status::Fail {
                remediation
            } else {
                None
            },
            fixable: fixable && status == Status::Fail,
            diff: None,
            suppressed: None,
        });
    }

    pub(crate) fn pass(&mut self, id: &str, message: impl Into<String>) {
        self.push(id, Status::Pass, message.into(), None);
    }

    /// Records a failure; the returned finding can be given a diff, a
    /// specific remediation or a different `fixable`.
    pub(crate) fn fail(
        &mut self,
        id: &str,
        message: impl Into<String>,
        location: Option<Location>,
    ) -> &mut Finding {
        self.push(id, Status::Fail, message.into(), location);
        self.findings.last_mut().expect("just pushed")
    }

    pub(crate) fn skip(&mut self, ids: &[&str], reason: &str) {
        for id in ids {
            self.push(id, Status::Skip, format!("skipped: {reason}"), None);
        }
    }

    /// Records a pass for `id` unless it has failed in this run: for
    /// checks that report one failure per problem and one pass otherwise.
    pub(crate) fn pass_unless_failed(&mut self, id: &str, message: impl Into<String>) {
        if !self.failed(id) {
            self.pass(id, message);
        }
    }

    /// Whether `id` has failed so far in this run.
    fn failed(&self, id: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.id == id && f.status == Status::Fail)
    }
}

/// The manifest as far as it could be read.
pub(crate) struct ManifestDoc<'a> {
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
        Some(Location::at(
            crate::scaffold::MANIFEST_FILE,
            self.line(path),
        ))
    }
}

/// Checks the service found at `located`.
pub fn check(located: &Located, opts: &Options) -> ServiceReport {
    let mut run = Run::new(opts);
    let root = located.root.as_path();
    repository::git(&mut run, located);
    if let RepoState::Bare { .. } = located.repo {
        let others: Vec<&str> = catalog::CHECKS
            .iter()
            .map(|c| c.id)
            .chain(opts.policy.rules.iter().map(|r| r.id.as_str()))
            .filter(|id| !matches!(*id, "PLAT200" | "PLAT201"))
            .collect();
        run.skip(&others, "a bare repository has no working tree (PLAT200)");
        return finish(run, located, None, Vec::new(), None);
    }

    let state = manifest::read(&mut run, located);
    let (text, value, parsed, blocked) = (state.text, state.value, state.parsed, state.blocked);

    repository::files(&mut run, root);
    infra::dockerfile(&mut run, root);

    let mut changes = Vec::new();
    let mut upgrade = None;
    match (&parsed, &blocked) {
        (Some(m), _) => {
            let doc = ManifestDoc {
                manifest: m,
                text: &text,
                positions: Default::default(),
            };
            manifest::owner(&mut run, &doc);
            repository::codeowners(&mut run, root, &doc);
            repository::catalog(&mut run, root, &doc);
            pipeline::check(&mut run, root, &doc);
            infra::kubernetes(&mut run, root, &doc);
            if let Some(o) = template::check(&mut run, root, &doc) {
                changes = o.changes;
                upgrade = o.upgrade;
            }
            suppressions::check(&mut run, &doc);
            rules::evaluate(&mut run, root, Some(&value), &|p| doc.line(p));
            suppressions::apply(&mut run.findings, m);
        }
        (None, reason) => {
            let reason = reason.clone().unwrap_or_default();
            let dependent: Vec<&str> = catalog::CHECKS
                .iter()
                .filter(|c| c.needs_manifest)
                .map(|c| c.id)
                .collect();
            run.skip(&dependent, &reason);
            rules::evaluate(&mut run, root, None, &|_| None);
        }
    }
    let mut report = finish(run, located, parsed.as_ref(), changes, upgrade);
    if report.name.is_none() {
        // An invalid manifest may still say whose it is.
        report.name = value
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_string);
    }
    report
}

fn finish(
    mut run: Run,
    located: &Located,
    parsed: Option<&Manifest>,
    changes: Vec<Change>,
    upgrade: Option<crate::drift::Upgrade>,
) -> ServiceReport {
    let opts = run.opts;
    suppressions::disable(&mut run.findings, &opts.policy);
    // Missing pipeline or Kubernetes files are fixable only when the
    // template renders them (they are then PLAT501 failures too).
    let renders = |prefixes: &[&str]| {
        run.findings.iter().any(|f| {
            f.id == "PLAT501"
                && f.counts()
                && f.fixable
                && f.location
                    .as_ref()
                    .is_some_and(|l| prefixes.iter().any(|p| l.path.starts_with(p)))
        })
    };
    let (ci, k8s) = (
        renders(&[".github/", ".gitlab-ci.yml"]),
        renders(&["deploy/"]),
    );
    for f in run.findings.iter_mut() {
        match f.id.as_str() {
            "PLAT300" => f.fixable &= ci,
            "PLAT402" => f.fixable &= k8s,
            _ => {}
        }
    }

    // Built-in checks by ID (so by category), then the policy's in order.
    run.findings.sort_by_key(|f| match catalog::find(&f.id) {
        Some(_) => (0, f.id.clone(), 0),
        None => (
            1,
            String::new(),
            opts.policy
                .rules
                .iter()
                .position(|r| r.id == f.id)
                .unwrap_or(usize::MAX),
        ),
    });
    ServiceReport {
        name: parsed.map(|m| m.metadata.name.clone()),
        root: located.root.clone(),
        repository: located.repo.workdir().map(Path::to_path_buf),
        findings: run.findings,
        changes,
        upgrade,
        owner: parsed.map(|m| m.metadata.owner.clone()),
    }
}
