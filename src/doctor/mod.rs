//! `plat doctor`: how far a service is from the golden path. Each check
//! adds findings (pass, fail or skip) to a [`ServiceReport`]; a check whose
//! prerequisite failed is skipped, naming the check that failed. Reports are
//! data: `report` turns them into human text, JSON, SARIF or Markdown.

pub mod all;
pub mod catalog;
mod files;
pub mod fix;
mod infra;
mod pipeline;
pub mod policy;
pub mod report;
mod repository;
pub mod sarif;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::drift::{self, Change, ChangeKind};
use crate::manifest::{self, Manifest, Positions};
use crate::service::{Located, RepoState};
use crate::source::{self, Template};
use policy::Policy;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
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
    /// The template the managed files were rendered with, for `--fix`.
    pub template_version: Option<(String, String)>,
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
    loaded: Mutex<HashMap<String, Arc<Result<Arc<Template>, String>>>>,
}

impl Templates {
    pub fn get(&self, spec: &str) -> Arc<Result<Arc<Template>, String>> {
        if let Some(t) = self.loaded.lock().ok().and_then(|m| m.get(spec).cloned()) {
            return t;
        }
        let loaded = Arc::new(
            source::load(spec)
                .map(Arc::new)
                .map_err(|e| format!("{e:#}")),
        );
        if let Ok(mut m) = self.loaded.lock() {
            m.insert(spec.to_string(), loaded.clone());
        }
        loaded
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
                None => (id.to_lowercase(), "policy".into(), Severity::Error, None, false),
            },
        };
        let severity = self.opts.policy.severity.get(id).copied().unwrap_or(severity);
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
    pub positions: &'a Positions,
}

impl ManifestDoc<'_> {
    /// A location in platform.yaml at the field `path`.
    pub fn at(&self, path: &str) -> Option<Location> {
        Some(Location::at(
            crate::scaffold::MANIFEST_FILE,
            self.positions.line(path),
        ))
    }
}

const MANIFEST_DEPENDENT: &[&str] = &[
    "PLAT104", "PLAT204", "PLAT205", "PLAT300", "PLAT301", "PLAT302", "PLAT402", "PLAT403",
    "PLAT404", "PLAT405", "PLAT500", "PLAT501", "PLAT502", "PLAT600", "PLAT601", "PLAT700",
    "PLAT701",
];

/// Checks the service found at `located`.
pub fn check(located: &Located, opts: &Options) -> ServiceReport {
    let mut run = Run::new(opts);
    let root = located.root.as_path();
    repository::git(&mut run, located);

    // The manifest, step by step: each step is the next one's prerequisite.
    let mut text = String::new();
    let mut value = serde_yaml::Value::Null;
    let mut parsed: Option<Manifest> = None;
    let mut blocked: Option<String> = None;
    match &located.manifest {
        None => {
            let top = located.searched.last().map(|p| p.display().to_string());
            let near = located
                .searched
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let msg = match (&located.repo, top) {
                (RepoState::Ready { .. } | RepoState::Unborn { .. }, Some(top)) if top != near => {
                    format!("no platform.yaml in `{near}` or any directory above it up to the repository root `{top}`")
                }
                (RepoState::Ready { .. } | RepoState::Unborn { .. }, _) => {
                    format!("no platform.yaml at the repository root `{near}`")
                }
                _ => format!("no platform.yaml in `{near}` or any directory above it"),
            };
            run.fail("PLAT100", msg, None);
            run.skip(&["PLAT101", "PLAT102", "PLAT103"], "platform.yaml is missing (PLAT100)");
            blocked = Some("platform.yaml is missing (PLAT100)".into());
        }
        Some(path) => {
            run.pass("PLAT100", "platform.yaml found");
            match manifest_text(path) {
                Err(msg) => {
                    run.fail("PLAT101", msg, Some(Location::file(crate::scaffold::MANIFEST_FILE)));
                }
                Ok(t) => text = t,
            }
            if !run.failed("PLAT101") {
                match parse_yaml(&text) {
                    Ok(v) => {
                        run.pass("PLAT101", "platform.yaml parses");
                        value = v;
                    }
                    Err(p) => {
                        run.fail(
                            "PLAT101",
                            format!("platform.yaml does not parse: {}", p.message),
                            Some(Location::at(crate::scaffold::MANIFEST_FILE, p.line)),
                        );
                    }
                }
            }
            if run.failed("PLAT101") {
                run.skip(&["PLAT102", "PLAT103"], "platform.yaml does not parse (PLAT101)");
                blocked = Some("platform.yaml does not parse (PLAT101)".into());
            } else if let Some(msg) = api_version_problem(&value) {
                let positions = Positions::of(&text);
                let field = if msg.starts_with("kind") { "kind" } else { "apiVersion" };
                run.fail(
                    "PLAT103",
                    msg,
                    Some(Location::at(crate::scaffold::MANIFEST_FILE, positions.line(field))),
                );
                run.skip(&["PLAT102"], "platform.yaml's apiVersion is not supported (PLAT103)");
                blocked = Some("platform.yaml's apiVersion is not supported (PLAT103)".into());
            } else {
                run.pass("PLAT103", format!("apiVersion {}", manifest::API_VERSION));
                match manifest::parse(&text) {
                    Ok(m) => {
                        run.pass("PLAT102", "platform.yaml is valid");
                        parsed = Some(m);
                    }
                    Err(problems) => {
                        for p in problems {
                            let field = if p.path.is_empty() {
                                String::new()
                            } else {
                                format!("`{}`: ", p.path)
                            };
                            run.fail(
                                "PLAT102",
                                format!("{field}{}", p.message),
                                Some(Location::at(crate::scaffold::MANIFEST_FILE, p.line)),
                            );
                        }
                        blocked = Some("platform.yaml is not valid (PLAT102)".into());
                    }
                }
            }
        }
    }

    repository::files(&mut run, root);
    infra::dockerfile(&mut run, root);

    let positions;
    let mut changes = Vec::new();
    let mut template_version = None;
    match (&parsed, &blocked) {
        (Some(m), _) => {
            positions = Positions::of(&text);
            let doc = ManifestDoc {
                manifest: m,
                positions: &positions,
            };
            repository::owner(&mut run, &doc);
            repository::codeowners(&mut run, root, &doc);
            repository::catalog(&mut run, root, &doc);
            pipeline::check(&mut run, root, &doc);
            infra::kubernetes(&mut run, root, &doc);
            if let Some((c, v)) = template_and_drift(&mut run, root, &doc) {
                changes = c;
                template_version = v;
            }
            suppressions(&mut run, &doc);
            policy::evaluate(&mut run, root, Some(&value), &positions);
            apply_suppressions(&mut run.findings, m);
        }
        (None, reason) => {
            let reason = reason.clone().unwrap_or_default();
            run.skip(MANIFEST_DEPENDENT, &reason);
            let positions = Positions::of("");
            policy::evaluate(&mut run, root, None, &positions);
        }
    }
    apply_disabled(&mut run.findings, &opts.policy);
    // Built-in checks by ID (so by category), then the policy's in order.
    run.findings.sort_by_key(|f| match catalog::find(&f.id) {
        Some(_) => (0, f.id.clone(), 0),
        None => (
            1,
            String::new(),
            opts.policy.rules.iter().position(|r| r.id == f.id).unwrap_or(usize::MAX),
        ),
    });
    ServiceReport {
        name: parsed.as_ref().map(|m| m.metadata.name.clone()),
        root: root.to_path_buf(),
        repository: located.repo.workdir().map(Path::to_path_buf),
        findings: run.findings,
        changes,
        template_version,
    }
}

fn manifest_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() > manifest::MAX_MANIFEST_BYTES {
        return Err(format!(
            "platform.yaml is {} bytes, more than the {} plat reads; is this the right file?",
            bytes.len(),
            manifest::MAX_MANIFEST_BYTES
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "platform.yaml is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A YAML problem with its line.
struct YamlProblem {
    message: String,
    line: Option<usize>,
}

fn parse_yaml(text: &str) -> Result<serde_yaml::Value, YamlProblem> {
    if let Some((line, _)) = crate::yaml::too_deep(text, manifest::MAX_DEPTH) {
        return Err(YamlProblem {
            message: format!(
                "the document is nested too deeply; plat reads at most {} levels",
                manifest::MAX_DEPTH
            ),
            line: Some(line),
        });
    }
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(v @ serde_yaml::Value::Mapping(_)) => Ok(v),
        Ok(serde_yaml::Value::Null) => Err(YamlProblem {
            message: "the file is empty; it needs apiVersion, kind and metadata".into(),
            line: None,
        }),
        Ok(_) => Err(YamlProblem {
            message: "the document is not a mapping of fields".into(),
            line: Some(1),
        }),
        Err(e) => {
            let mut message = e.to_string();
            if let Some(i) = message.find(" at line ") {
                message.truncate(i);
            }
            Err(YamlProblem {
                message,
                line: e.location().map(|l| l.line()),
            })
        }
    }
}

fn api_version_problem(value: &serde_yaml::Value) -> Option<String> {
    let api = value.get("apiVersion").and_then(|v| v.as_str());
    match api {
        None => {
            return Some(format!(
                "apiVersion is missing; add `apiVersion: {}`",
                manifest::API_VERSION
            ))
        }
        Some(v) if v != manifest::API_VERSION => {
            return Some(format!(
                "apiVersion `{v}` is not supported; this plat reads `{}`{}",
                manifest::API_VERSION,
                if v.starts_with("plat.dev/") {
                    " (a newer plat may read it)"
                } else {
                    ""
                }
            ))
        }
        _ => {}
    }
    match value.get("kind").and_then(|v| v.as_str()) {
        Some(manifest::KIND) => None,
        Some(k) => Some(format!(
            "kind `{k}` is not supported; platform.yaml describes a `{}`",
            manifest::KIND
        )),
        None => Some(format!("kind is missing; add `kind: {}`", manifest::KIND)),
    }
}

/// PLAT600/601 and the drift checks, which need the template.
fn template_and_drift(
    run: &mut Run,
    root: &Path,
    doc: &ManifestDoc,
) -> Option<(Vec<Change>, Option<(String, String)>)> {
    const DRIFT: &[&str] = &["PLAT500", "PLAT501", "PLAT502"];
    let recorded = doc.manifest.template.as_ref();
    let spec = match (&run.opts.template, recorded) {
        (Some(spec), _) => spec.clone(),
        (None, Some(t)) => t
            .source
            .strip_prefix("builtin:")
            .unwrap_or(&t.source)
            .to_string(),
        (None, None) => {
            run.skip(&["PLAT600", "PLAT601"], "platform.yaml records no template");
            run.skip(DRIFT, "platform.yaml records no template, so no file is managed");
            return None;
        }
    };
    let loaded = run.opts.templates.get(&spec);
    let template = match loaded.as_ref() {
        Ok(t) => {
            run.pass("PLAT601", format!("template `{}` loaded", t.definition.name));
            t.clone()
        }
        Err(e) => {
            run.fail(
                "PLAT601",
                format!("the template `{spec}` cannot be loaded: {e}"),
                doc.at("template.source"),
            );
            run.skip(&["PLAT600"], "the template cannot be loaded (PLAT601)");
            run.skip(DRIFT, "the template cannot be loaded (PLAT601)");
            return None;
        }
    };
    let available = template.definition.version.clone();
    let recorded_version = recorded.map(|t| t.version.clone()).unwrap_or_default();
    let newer = match (
        semver::Version::parse(&recorded_version),
        semver::Version::parse(&available),
    ) {
        (Ok(r), Ok(a)) => r.cmp(&a),
        _ => recorded_version.cmp(&available),
    };
    match newer {
        std::cmp::Ordering::Less => {
            let f = run.fail(
                "PLAT600",
                format!(
                    "platform.yaml records template {} {recorded_version}; {available} is available",
                    template.definition.name
                ),
                doc.at("template.version"),
            );
            f.fixable = true;
        }
        std::cmp::Ordering::Equal => run.pass(
            "PLAT600",
            format!("template {} {available} is the newest", template.definition.name),
        ),
        std::cmp::Ordering::Greater => {
            let f = run.fail(
                "PLAT600",
                format!(
                    "platform.yaml records template {} {recorded_version}, newer than the {available} this plat has",
                    template.definition.name
                ),
                doc.at("template.version"),
            );
            f.remediation = Some("upgrade plat (or pass --template with the newer template)".into());
            f.fixable = false;
            run.skip(DRIFT, "the recorded template is newer than this plat's (PLAT600)");
            return None;
        }
    }
    let expected = match drift::expected(&template, doc.manifest) {
        Ok(e) => e,
        Err(e) => {
            let reason = format!("the template does not render from platform.yaml: {e:#}");
            for id in DRIFT {
                let f = run.fail(id, reason.clone(), doc.at("template"));
                f.fixable = false;
                f.remediation = Some(
                    "fix platform.yaml or the template so `plat sync --dry-run` renders".into(),
                );
            }
            return None;
        }
    };
    let changes = match drift::compare(root, &expected) {
        Ok(c) => c,
        Err(e) => {
            for id in DRIFT {
                let f = run.fail(id, format!("{e:#}"), None);
                f.fixable = false;
            }
            return None;
        }
    };
    let count = |k: ChangeKind| changes.iter().filter(|c| c.kind == k).count();
    for (id, kind, ok) in [
        ("PLAT500", ChangeKind::Update, "managed files match platform.yaml"),
        ("PLAT501", ChangeKind::Create, "every managed file exists"),
        ("PLAT502", ChangeKind::Remove, "no stale managed file"),
    ] {
        if count(kind) == 0 {
            run.pass(id, format!("{} ({} files)", ok, expected.files.len()));
        }
        for c in changes.iter().filter(|c| c.kind == kind) {
            let message = match kind {
                ChangeKind::Update => format!("{} differs from what platform.yaml renders", c.path),
                ChangeKind::Create => format!("{} is missing", c.path),
                ChangeKind::Remove => format!(
                    "{} is a managed file platform.yaml no longer renders",
                    c.path
                ),
            };
            let f = run.fail(id, message, Some(Location::file(c.path.clone())));
            f.diff = Some(c.diff());
        }
    }
    Some((
        changes,
        (newer == std::cmp::Ordering::Less).then(|| (recorded_version, available)),
    ))
}

/// PLAT700/701: suppressions that expired or name no check.
fn suppressions(run: &mut Run, doc: &ManifestDoc) {
    let today = crate::date::today();
    let mut expired = 0;
    let mut unknown = 0;
    for (i, s) in doc.manifest.suppressions.iter().enumerate() {
        if s.expires.as_deref().is_some_and(|d| d <= today.as_str()) {
            expired += 1;
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
            unknown += 1;
            let mut known: Vec<&str> = catalog::CHECKS.iter().map(|c| c.id).collect();
            known.extend(run.opts.policy.rules.iter().map(|r| r.id.as_str()));
            let hint = crate::suggest::did_you_mean(&s.check, known.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            run.fail(
                "PLAT701",
                format!("the suppression names `{}`, which is not a check{hint}", s.check),
                doc.at(&format!("suppressions[{i}].check")),
            );
        }
    }
    if expired == 0 {
        run.pass("PLAT700", "no suppression has expired");
    }
    if unknown == 0 {
        run.pass("PLAT701", "every suppression names a known check");
    }
}

/// Marks failures accepted by a live suppression.
fn apply_suppressions(findings: &mut [Finding], m: &Manifest) {
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
fn apply_disabled(findings: &mut Vec<Finding>, policy: &Policy) {
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
