//! What doctor finds: one [`Finding`] per result of a check, and a
//! [`ServiceReport`] per service with its [`Summary`].

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

use super::check_id::CheckId;
use crate::service::drift::{Change, Upgrade};
use crate::util::date::Date;

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

/// What a check is about; findings are grouped by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Manifest,
    Repository,
    Pipeline,
    Infrastructure,
    Drift,
    Template,
    Suppressions,
    /// A platform team's own rules.
    Policy,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Manifest => "manifest",
            Category::Repository => "repository",
            Category::Pipeline => "pipeline",
            Category::Infrastructure => "infrastructure",
            Category::Drift => "drift",
            Category::Template => "template",
            Category::Suppressions => "suppressions",
            Category::Policy => "policy",
        }
    }
}

/// Which check a finding belongs to: a built-in one or a policy's rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    Builtin(CheckId),
    Policy(Arc<str>),
}

impl RuleId {
    pub fn as_str(&self) -> &str {
        match self {
            RuleId::Builtin(c) => c.code(),
            RuleId::Policy(id) => id,
        }
    }

    pub fn builtin(&self) -> Option<CheckId> {
        match self {
            RuleId::Builtin(c) => Some(*c),
            RuleId::Policy(_) => None,
        }
    }
}

impl From<CheckId> for RuleId {
    fn from(c: CheckId) -> RuleId {
        RuleId::Builtin(c)
    }
}

impl PartialEq<CheckId> for RuleId {
    fn eq(&self, other: &CheckId) -> bool {
        *self == RuleId::Builtin(*other)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
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
    pub expires: Option<Date>,
}

/// One result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: RuleId,
    pub name: String,
    pub category: Category,
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
    /// Fixable only if `--fix` writes a missing managed file under this
    /// path (a pipeline or an environment the template renders).
    #[serde(skip)]
    pub fixed_by_creating: Option<String>,
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
    pub upgrade: Option<Upgrade>,
    /// metadata.owner, when platform.yaml is valid.
    pub owner: Option<String>,
}

impl ServiceReport {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings)
    }

    /// Whether `id` failed and counts.
    pub fn counts(&self, id: CheckId) -> bool {
        self.findings.iter().any(|f| f.id == id && f.counts())
    }
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
