//! `plat template lint` and `plat template schema`: tools for the people
//! who write templates.

use anyhow::Result;
use std::path::Path;

use super::config;
use super::environment::Environment;
use super::new::RENDER_TIMEOUT;
use super::output::{self, Schema};
use super::sources::{self, Fetching};
use super::ui::Ui;
use crate::cli::{LintArgs, LintFormat, TemplateCommand};
use crate::error::exit;
use crate::lint::{self, report, LintRequest, Report, Severity};
use crate::template::spec::Spec;

pub fn run(cmd: TemplateCommand, ui: Ui, env: &Environment, fetching: Fetching) -> Result<u8> {
    match cmd {
        TemplateCommand::Schema => {
            output::json(crate::template::schema::schema())?;
            Ok(exit::SUCCESS)
        }
        TemplateCommand::Lint(args) => run_lint(args, ui, env, fetching),
        TemplateCommand::Test(args) => super::template_test::run(args, ui, env),
        TemplateCommand::Init(args) => super::template_init::run(args, ui, env),
    }
}

/// Lints one template; an error-level finding is exit 1.
fn run_lint(args: LintArgs, ui: Ui, env: &Environment, fetching: Fetching) -> Result<u8> {
    let config = config::load(env)?;
    let sources = sources::sources(env, &config, fetching, ui)?;
    // A directory is what a template's author lints most: one that exists
    // is taken as such even without `./`.
    let path = Path::new(&args.template);
    let mut argument = args.template.clone();
    let spec = if args.reference.is_none() && path.is_dir() {
        if !argument.contains('/') && !argument.starts_with('.') {
            argument = format!("./{argument}");
        }
        Spec::Local(path.to_path_buf())
    } else {
        if let Some(r) = &args.reference {
            argument = format!("{argument} --ref {r}");
        }
        sources.parse(&args.template, args.reference.as_deref())?
    };
    let req = LintRequest {
        argument,
        spec,
        render_timeout: env.render_timeout(RENDER_TIMEOUT)?,
        ceilings: env.ceilings.clone(),
    };
    let report = lint::lint(&sources, &req)?;
    match args.format {
        LintFormat::Human => {
            output::print(&report::human::human(&report))?;
            summary(&report, ui);
        }
        LintFormat::Json => output::document(Schema::TemplateLint, report::json::json(&report))?,
        LintFormat::Sarif => output::json(&report::sarif::sarif(&report))?,
    }
    Ok(if report.failed() {
        exit::PROBLEMS
    } else {
        exit::SUCCESS
    })
}

/// One line on stderr: what was linted and what was found.
fn summary(report: &Report, ui: Ui) {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let what = format!(
        "{} {} ({}, rendered with {} set{} of answers)",
        report.name,
        report.version,
        report.source,
        report.combinations,
        if report.combinations == 1 { "" } else { "s" }
    );
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    if errors + warnings == 0 {
        ui.status("Clean", what);
    } else {
        ui.warn(format!(
            "{what}: {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        ));
    }
}
