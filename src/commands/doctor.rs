//! `plat doctor`: check one service or every service under a directory,
//! optionally fix what is mechanical, and print the report.

use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::config::{self, Config};
use super::environment::Environment;
use super::output;
use super::progress::{self, Steps};
use super::sources::{self, Fetching};
use super::ui::Ui;
use crate::cli::{DoctorArgs, ReportFormat};
use crate::doctor::all::{self, AllReport};
use crate::doctor::finding::ServiceReport;
use crate::doctor::fix::{self, Fixed};
use crate::doctor::policy::Policy;
use crate::doctor::report::{
    self, codequality, github, human, json, junit, markdown, sarif, Scope,
};
use crate::doctor::{self, explain, Options};
use crate::effects::deadline;
use crate::error::exit;
use crate::service::locate::{locate, Located};
use crate::util::date::Date;

/// The longest a single-service run may take: a template that loops
/// without end must not hang a CI job.
const DEADLINE: Duration = Duration::from_secs(30);
/// The same for `--all`, however many services: generous, it only has to
/// stop a run that would never end.
const ALL_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// Checks (and with `--fix` repairs) one service or, with `--all`, every
/// service under a directory; failing checks are the exit code.
pub fn run(args: DoctorArgs, ui: Ui, env: &Environment, fetching: Fetching) -> Result<u8> {
    if let Some(code) = &args.explain {
        output::print(&explain::explain(explain::parse(code)?))?;
        return Ok(exit::SUCCESS);
    }
    if args.list {
        match args.format {
            ReportFormat::Json => output::document(output::Schema::DoctorChecks, json::list())?,
            _ => output::print(&human::list())?,
        }
        return Ok(exit::SUCCESS);
    }
    let opts = options(&args, ui, env, fetching)?;
    let style = report::Human {
        verbose: ui.verbose,
        quiet: ui.quiet,
        strict: args.strict,
    };
    if let Some(dir) = &args.all {
        let shown = args.format == ReportFormat::Human && progress::wanted(ui);
        let steps = Steps::new(shown, env.progress_after(progress::QUIET_FOR)?, "Checking");
        return run_all(dir, &args, &opts, ui, style, &steps);
    }
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let located = locate(&path, &env.ceilings)?;
    // Checks run under the deadline; fixes are plain file writes, outside it.
    let check = |located: &Located| {
        deadline::within("checking the service", DEADLINE, || {
            doctor::check(located, &opts)
        })
    };
    let mut r = check(&located);
    let mut fixed = None;
    if args.fix {
        fixed = Some(fix::apply(&located, &r, args.allow_dirty)?);
        r = check(&located);
    }
    if let Some(f) = &fixed {
        report_fixes(f, ui);
    }
    print_service(&r, fixed.as_ref(), args.format, style)?;
    Ok(verdict(r.summary().fails(args.strict)))
}

/// `--all`: every service under `dir`, checked in parallel.
fn run_all(
    dir: &Path,
    args: &DoctorArgs,
    opts: &Options,
    ui: Ui,
    style: report::Human,
    steps: &Steps,
) -> Result<u8> {
    let jobs = args
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let a = deadline::within("checking the services", ALL_DEADLINE, || {
        all::check_all(dir, opts, jobs, steps)
    });
    steps.finish();
    let a = a?;
    if a.services.is_empty() {
        ui.warn(format!(
            "no platform.yaml found under `{}` (.gitignored paths, .git, node_modules and target are skipped)",
            dir.display()
        ));
    }
    print_all(&a, args.format, style)?;
    Ok(verdict(a.failing(args.strict) > 0))
}

fn verdict(fails: bool) -> u8 {
    if fails {
        exit::PROBLEMS
    } else {
        exit::SUCCESS
    }
}

/// The run's policy (from plat's config, then `--policy`) and options.
fn options(args: &DoctorArgs, ui: Ui, env: &Environment, fetching: Fetching) -> Result<Options> {
    let mut policies: Vec<PathBuf> = Vec::new();
    let config = if args.no_config {
        Config::default()
    } else {
        config::load(env)?
    };
    if let Some(p) = &config.path {
        if !config.doctor.policies.is_empty() {
            ui.detail(format!("policies from {}", p.display()));
        }
    }
    policies.extend(config.doctor.policies.iter().cloned());
    policies.extend(args.policy.iter().cloned());
    let sources = sources::sources(env, &config, fetching, ui)?;
    let template = args
        .template
        .as_deref()
        .map(|t| sources.parse(t, None))
        .transpose()?;
    Ok(Options {
        policy: Policy::load(&policies)?,
        template,
        sources,
        templates: Default::default(),
        today: Date::today(),
        ceilings: env.ceilings.clone(),
    })
}

fn report_fixes(f: &Fixed, ui: Ui) {
    for c in &f.changes {
        ui.status(c.kind.verb(true), &c.path);
    }
    if let Some(u) = &f.upgrade {
        ui.status(
            "Updated",
            format!("platform.yaml template.version {} -> {}", u.from, u.to),
        );
    }
    if f.changes.is_empty() && f.upgrade.is_none() {
        ui.note("nothing to fix automatically");
    }
}

fn print_service(
    r: &ServiceReport,
    fixed: Option<&Fixed>,
    format: ReportFormat,
    style: report::Human,
) -> Result<()> {
    match format {
        ReportFormat::Human => output::print(&human::service(r, style)),
        ReportFormat::Json => {
            let mut doc = json::service(r, style.strict);
            if let Some(f) = fixed {
                let mut list: Vec<serde_json::Value> = f
                    .changes
                    .iter()
                    .map(|c| serde_json::json!({"path": c.path, "change": c.kind}))
                    .collect();
                if f.upgrade.is_some() {
                    list.push(serde_json::json!({"path": "platform.yaml", "change": "update"}));
                }
                doc["fixed"] = serde_json::Value::Array(list);
            }
            output::json(&doc)
        }
        ReportFormat::Markdown => output::print(&markdown::service(r, style.strict)),
        ReportFormat::Sarif => print_ci(&Scope::one(r), Ci::Sarif, style.strict),
        ReportFormat::Codequality => print_ci(&Scope::one(r), Ci::Codequality, style.strict),
        ReportFormat::Github => print_ci(&Scope::one(r), Ci::Github, style.strict),
        ReportFormat::Junit => print_ci(&Scope::one(r), Ci::Junit, style.strict),
    }
}

/// The formats CI systems read: the same for one service and for `--all`.
#[derive(Clone, Copy)]
enum Ci {
    Sarif,
    Codequality,
    Github,
    Junit,
}

fn print_ci(scope: &Scope, format: Ci, strict: bool) -> Result<()> {
    match format {
        Ci::Sarif => output::json(&sarif::sarif(scope)),
        Ci::Codequality => output::json(&codequality::codequality(scope)),
        Ci::Github => output::print(&github::github(scope, strict)),
        Ci::Junit => output::print(&junit::junit(scope)),
    }
}

fn print_all(a: &AllReport, format: ReportFormat, style: report::Human) -> Result<()> {
    match format {
        ReportFormat::Human => output::print(&human::all(a, style)),
        ReportFormat::Json => output::json(&json::all(a, style.strict)),
        ReportFormat::Markdown => output::print(&markdown::all(a, style.strict)),
        ReportFormat::Sarif => print_ci(&Scope::all(a), Ci::Sarif, style.strict),
        ReportFormat::Codequality => print_ci(&Scope::all(a), Ci::Codequality, style.strict),
        ReportFormat::Github => print_ci(&Scope::all(a), Ci::Github, style.strict),
        ReportFormat::Junit => print_ci(&Scope::all(a), Ci::Junit, style.strict),
    }
}
