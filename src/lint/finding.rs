//! What `plat template lint` finds: each kind with its id (`TL001`), name,
//! severity, summary and what to do (docs/templates.md, "Lint", lists
//! them), and one finding: where (the file, its line and column), what,
//! and the answers the template was rendered with when it showed.

use serde::Serialize;
use serde_json::{Map, Value};

/// How serious a finding is: errors break the people who use the
/// template and fail the run (exit 1); warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Every kind of finding, in the order of their ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LintId {
    InvalidDefinition,
    UnknownName,
    UndeclaredVariable,
    UnusedVariable,
    RenderFailure,
    PathCollision,
    CaseCollision,
    EmptyName,
    UnportableOutputPath,
    UnportableSourcePath,
    UnmatchedRule,
    ManagedReadsAnswers,
    InvalidManifest,
    VersionNotBumped,
}

/// What a kind of finding is.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub help: &'static str,
}

impl LintId {
    pub const ALL: [LintId; 14] = [
        LintId::InvalidDefinition,
        LintId::UnknownName,
        LintId::UndeclaredVariable,
        LintId::UnusedVariable,
        LintId::RenderFailure,
        LintId::PathCollision,
        LintId::CaseCollision,
        LintId::EmptyName,
        LintId::UnportableOutputPath,
        LintId::UnportableSourcePath,
        LintId::UnmatchedRule,
        LintId::ManagedReadsAnswers,
        LintId::InvalidManifest,
        LintId::VersionNotBumped,
    ];

    /// `TL001`.
    pub fn code(self) -> &'static str {
        self.spec().code
    }

    pub fn severity(self) -> Severity {
        self.spec().severity
    }

    pub fn spec(self) -> Spec {
        use Severity::{Error, Warning};
        let (code, name, severity, summary, help) = match self {
            LintId::InvalidDefinition => (
                "TL001",
                "invalid-definition",
                Error,
                "template.yaml does not fit its schema or its rules",
                "fix the field named; `plat template schema` gives editors the schema",
            ),
            LintId::UnknownName => (
                "TL002",
                "unknown-name",
                Error,
                "an expression of template.yaml names something it cannot see",
                "a `when` or default sees the variables declared before it; a rule, the `manifest:` section and `renamed:` see every variable; a managed rule only `manifest`",
            ),
            LintId::UndeclaredVariable => (
                "TL003",
                "undeclared-variable",
                Error,
                "a file uses a variable template.yaml does not declare",
                "declare the variable under `variables:`, or fix the name",
            ),
            LintId::UnusedVariable => (
                "TL004",
                "unused-variable",
                Warning,
                "a variable is asked for but nothing uses it",
                "use it in a file, a file name, a rule or the `manifest:` section, or remove it",
            ),
            LintId::RenderFailure => (
                "TL005",
                "render-failure",
                Error,
                "the template fails to render for some answers",
                "render it with the answers shown (`plat new TEMPLATE NAME --set ...`) and fix the file",
            ),
            LintId::PathCollision => (
                "TL006",
                "path-collision",
                Error,
                "two files render to the same path, or one path is both a file and a directory",
                "give the files distinct names, or a rule that keeps only one of them",
            ),
            LintId::CaseCollision => (
                "TL007",
                "case-collision",
                Error,
                "two rendered paths differ only by case, one file on macOS and Windows",
                "give the files names that differ by more than case",
            ),
            LintId::EmptyName => (
                "TL008",
                "empty-name",
                Warning,
                "a `{{ }}` in a file name renders empty and no rule leaves the file out: the file silently disappears",
                "say when the file exists with a rule's `include_if`, or give the value a default",
            ),
            LintId::UnportableOutputPath => (
                "TL009",
                "unportable-output-path",
                Error,
                "a rendered path is one plat refuses to write: a name Windows cannot hold, `..`, `.git`",
                "change the file name or the values it uses",
            ),
            LintId::UnportableSourcePath => (
                "TL010",
                "unportable-source-path",
                Warning,
                "a path in the template itself cannot be checked out on Windows",
                "write `!` for `|` in file names (`{{ name ! snake_case }}`), single quotes for double, and avoid `: * ? < >`, trailing dots and spaces and device names (CON, NUL, COM1)",
            ),
            LintId::UnmatchedRule => (
                "TL011",
                "unmatched-rule",
                Warning,
                "a rule's glob matches no file of the template",
                "globs match paths under `files/` before rendering; match a templated name with `*`",
            ),
            LintId::ManagedReadsAnswers => (
                "TL012",
                "managed-reads-answers",
                Error,
                "a managed file reads an answer, which it cannot see: managed files render from platform.yaml alone",
                "read the value from the manifest (`manifest.metadata.owner`, `manifest.template.answers.NAME`)",
            ),
            LintId::InvalidManifest => (
                "TL013",
                "invalid-manifest",
                Error,
                "the `manifest:` section gives an invalid platform.yaml for some answers",
                "render it with the answers shown and fix the section (docs/manifest.md)",
            ),
            LintId::VersionNotBumped => (
                "TL014",
                "version-not-bumped",
                Warning,
                "files changed since the newest version tag, but `version` did not",
                "raise `version` before tagging: services record it, and `plat update` goes by it",
            ),
        };
        Spec {
            code,
            name,
            severity,
            summary,
            help,
        }
    }
}

/// One problem, where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub id: LintId,
    /// Relative to the template's root: `template.yaml`,
    /// `files/src/main.rs`, `partials/header`.
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// The answers given when it showed (the rest were defaults), `name`
    /// first.
    pub answers: Option<Map<String, Value>>,
}

impl Finding {
    /// A finding about `file`, at no particular line.
    pub fn new(id: LintId, file: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            id,
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            answers: None,
        }
    }

    /// At `pos` (line, column), when known.
    pub fn at(mut self, pos: Option<(usize, usize)>) -> Finding {
        if let Some((line, column)) = pos {
            self.line = Some(line);
            self.column = Some(column);
        }
        self
    }

    pub fn with_answers(mut self, answers: &Map<String, Value>) -> Finding {
        self.answers = Some(answers.clone());
        self
    }

    pub fn severity(&self) -> Severity {
        self.id.severity()
    }
}

/// Everything one lint found.
#[derive(Debug, Clone)]
pub struct Report {
    /// The template as `plat new` takes it (`./t`, `service`, a git
    /// source with `--ref REF`), for the commands findings suggest.
    pub argument: String,
    pub name: String,
    pub version: String,
    /// Where the template came from (`builtin:service`, a directory, a git
    /// source at a commit).
    pub source: String,
    /// What the findings' paths are relative to, as the user can open it:
    /// the directory as given, or a git source's path in its repository;
    /// none for a built-in.
    pub root: Option<String>,
    /// How many sets of answers the template was rendered with.
    pub combinations: usize,
    /// By file (template.yaml first), line, column and id.
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity() == severity)
            .count()
    }

    /// Whether the run fails: an error-level finding.
    pub fn failed(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// `file` as the user can open it: under [`Report::root`].
    pub fn shown_path(&self, file: &str) -> String {
        match &self.root {
            Some(root) if root != "." && !root.is_empty() => {
                format!("{}/{file}", root.trim_end_matches('/'))
            }
            _ => file.to_string(),
        }
    }
}
