//! Tools for template authors. `plat template test`: each case of a
//! template ([`cases`]) rendered as `plat new` plans it and compared with
//! its expected tree, or written as the new one with `--bless`
//! ([`snapshot`]). `plat template init`: a new template that passes its own
//! test ([`init`], from the files in [`starter`]).

pub mod cases;
pub mod init;
pub mod snapshot;
pub mod starter;

use anyhow::{Context as _, Result};
use std::path::PathBuf;
use std::time::Duration;

use crate::effects::interrupt;
use crate::error::Interrupted;
use crate::template::source::load_dir;
use crate::template::Template;
use cases::Case;
use snapshot::Difference;

/// Everything `plat template test` was asked to do.
#[derive(Debug, Clone)]
pub struct TestRequest {
    /// The template directory.
    pub dir: PathBuf,
    /// Only these cases, when any is named.
    pub cases: Vec<String>,
    /// Write each render as its case's expected tree.
    pub bless: bool,
    /// Each case's render must finish within this.
    pub render_timeout: Duration,
}

/// What became of one case.
#[derive(Debug)]
pub enum Outcome {
    /// The render is the expected tree.
    Passed,
    /// The render differs from the expected tree; with `--bless` it is the
    /// expected tree now, and these are the changes.
    Differs(Vec<Difference>),
    /// The case did not render, or its expected tree could not be read:
    /// nothing was compared or written.
    Failed(anyhow::Error),
}

/// One case's result.
#[derive(Debug)]
pub struct CaseResult {
    pub case: Case,
    pub outcome: Outcome,
    /// What resolving its answers warned about.
    pub warnings: Vec<String>,
}

/// Every case's result, in name order.
#[derive(Debug)]
pub struct TestReport {
    /// The template's name and version.
    pub template: (String, String),
    pub blessed: bool,
    pub results: Vec<CaseResult>,
}

impl TestReport {
    /// Whether the run fails: a case failed, or (without `--bless`)
    /// differs.
    pub fn failed(&self) -> bool {
        self.results.iter().any(|r| match r.outcome {
            Outcome::Passed => false,
            Outcome::Differs(_) => !self.blessed,
            Outcome::Failed(_) => true,
        })
    }
}

/// Runs the template's cases, and writes the expected trees that changed
/// when blessing. A case that fails does not stop the others; a template
/// that does not load, or a tree that cannot be written, stops the run.
pub fn test(req: &TestRequest) -> Result<TestReport> {
    let template = load_dir(&req.dir)?;
    let shown = req.dir.display().to_string();
    let cases = cases::find(&req.dir, &shown, &req.cases)?;
    let mut results = Vec::with_capacity(cases.len());
    for case in cases {
        interrupt::check()?;
        results.push(run_case(&template, case, req)?);
    }
    let def = &template.definition;
    Ok(TestReport {
        template: (def.name.clone(), def.version.clone()),
        blessed: req.bless,
        results,
    })
}

/// Renders and compares one case (writing it when blessing); an error is
/// the case's own unless it was an interrupt or a failed write.
fn run_case(template: &Template, case: Case, req: &TestRequest) -> Result<CaseResult> {
    let checked = cases::render(template, &case, req.render_timeout)
        .with_context(|| format!("{} does not render", case.shown()))
        .and_then(|r| Ok((snapshot::compare(&r.plan, &case.expected())?, r)));
    let (differences, rendered) = match checked {
        Ok(found) => found,
        Err(e) if e.chain().any(|c| c.is::<Interrupted>()) => return Err(e),
        Err(e) => {
            return Ok(CaseResult {
                case,
                outcome: Outcome::Failed(e),
                warnings: Vec::new(),
            })
        }
    };
    if req.bless && !differences.is_empty() {
        snapshot::write(&rendered.plan, &case.expected())
            .with_context(|| format!("writing {}", case.expected().display()))?;
    }
    Ok(CaseResult {
        case,
        outcome: if differences.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Differs(differences)
        },
        warnings: rendered.warnings,
    })
}
