//! `plat template lint`: everything wrong with a template, found in one
//! run, each finding at its file and line. template.yaml is checked on
//! its own first (`definition`: its YAML, schema, rules and the names its
//! expressions use); when it holds, the template is loaded and checked
//! whole: its own paths (`portable`), its rules' globs (`unmatched`), its
//! variables against their uses (`variables`), every combination of
//! answers rendered as `plat new` would (`answers`, `renders`), and its
//! version against the newest tag (`version`). What each finding means is
//! in `finding`; the reports in `report`.

pub mod answers;
mod definition;
mod expressions;
pub mod finding;
mod portable;
mod renders;
pub mod report;
mod unmatched;
mod variables;
mod version;

use anyhow::Result;
use std::path::PathBuf;
use std::time::Duration;

use crate::template::rules::RuleGlobs;
use crate::template::source::Sources;
use crate::template::spec::Spec;
use crate::template::Engine;
use definition::Places;
pub use finding::{Finding, LintId, Report, Severity};

/// What to lint, and how.
#[derive(Debug, Clone)]
pub struct LintRequest {
    /// The template as `plat new` takes it, for the commands findings
    /// suggest.
    pub argument: String,
    pub spec: Spec,
    /// Each set of answers must render within this.
    pub render_timeout: Duration,
    /// GIT_CEILING_DIRECTORIES: where the search for the repository around
    /// a directory stops.
    pub ceilings: Vec<PathBuf>,
}

/// Lints the template `req` names. An error only when it cannot be read at
/// all (no such directory, source or file): exit 2; findings are the
/// report's.
pub fn lint(sources: &Sources, req: &LintRequest) -> Result<Report> {
    let text = sources.definition_text(&req.spec)?;
    let places = Places::of(&text);
    let (mut findings, def) = definition::check(&text, &places);
    let mut report = Report {
        argument: req.argument.clone(),
        name: def.as_ref().map(|d| d.name.clone()).unwrap_or_default(),
        version: def.as_ref().map(|d| d.version.clone()).unwrap_or_default(),
        source: req.spec.to_string(),
        root: root(&req.spec),
        combinations: 0,
        findings: Vec::new(),
    };
    if def.is_none() || findings.iter().any(|f| f.severity() == Severity::Error) {
        report.findings = sorted(findings);
        return Ok(report);
    }
    let template = sources.load(&req.spec)?;
    report.source = template.origin.to_string();
    let globs = RuleGlobs::of(&template)?;
    findings.extend(portable::check(&template));
    findings.extend(unmatched::check(&template, &places));
    findings.extend(variables::check(&template, &globs, &places));
    // A render failure where a name the file cannot see already is says
    // the same thing again.
    let explained = findings
        .iter()
        .filter(|f| {
            matches!(
                f.id,
                LintId::UndeclaredVariable | LintId::ManagedReadsAnswers
            )
        })
        .filter_map(|f| Some((f.file.clone(), f.line?, f.column?)))
        .collect();
    let combinations = answers::combinations(&template.definition);
    report.combinations = combinations.len();
    match Engine::new(&template) {
        Ok(engine) => findings.extend(
            renders::Renders {
                template: &template,
                engine: &engine,
                globs: &globs,
                places: &places,
                explained: &explained,
                timeout: req.render_timeout,
            }
            .check(&combinations),
        ),
        Err(e) => findings.push(Finding::new(
            LintId::RenderFailure,
            "partials/",
            format!("{e:#}"),
        )),
    }
    findings.extend(version::check(
        &template,
        sources.cache.as_ref(),
        &req.ceilings,
        &places,
    ));
    report.findings = sorted(findings);
    Ok(report)
}

/// What findings' paths are shown under: a directory as given, a git
/// source's path in its repository; nothing for a built-in.
fn root(spec: &Spec) -> Option<String> {
    match spec {
        Spec::Local(path) => Some(path.display().to_string()),
        Spec::Git(git) if !git.subdir.is_empty() => Some(git.subdir.clone()),
        _ => None,
    }
}

/// template.yaml first, then by file, line, column and kind.
fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                f.file != definition::FILE,
                f.file.clone(),
                f.line.unwrap_or(0),
                f.column.unwrap_or(0),
                f.id,
            )
        };
        key(a).cmp(&key(b))
    });
    findings
}
