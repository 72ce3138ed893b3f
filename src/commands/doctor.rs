//! `plat doctor`: check one service or every service under a directory,
//! optionally fix what is mechanical, and print the report.

use anyhow::Result;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{DoctorArgs, ReportFormat};
use crate::doctor::{self, all, fix, policy::Policy, report, sarif, Options};
use crate::error::exit;
use crate::ui::Ui;

/// The longest a single-service run may take: a template that loops
/// without end must not hang a CI job.
const DEADLINE: Duration = Duration::from_secs(30);
/// The same for `--all`, however many services: generous, it only has to
/// stop a run that would never end.
const ALL_DEADLINE: Duration = Duration::from_secs(30 * 60);

pub fn run(args: DoctorArgs, ui: Ui) -> Result<u8> {
    if args.list {
        match args.format {
            ReportFormat::Json => super::print_json(&report::list_json())?,
            _ => print(&report::list_human())?,
        }
        return Ok(exit::SUCCESS);
    }
    let mut policies: Vec<PathBuf> = Vec::new();
    if !args.no_config {
        let config = crate::config::load()?;
        if let Some(p) = &config.path {
            if !config.doctor.policies.is_empty() {
                ui.detail(format!("policies from {}", p.display()));
            }
        }
        policies.extend(config.doctor.policies);
    }
    policies.extend(args.policy.iter().cloned());
    let opts = Options {
        policy: Policy::load(&policies)?,
        template: args.template.clone(),
        templates: Default::default(),
    };
    let strict = args.strict;
    let human = report::Human {
        verbose: ui.verbose,
        quiet: ui.quiet,
        strict,
    };

    if let Some(dir) = &args.all {
        let jobs = args
            .jobs
            .map(usize::from)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let dir_owned = dir.clone();
        let a = crate::scaffold::with_deadline(ALL_DEADLINE, "checking the services", move || {
            all::check_all(&dir_owned, &opts, jobs)
        })?;
        if a.services.is_empty() {
            ui.warn(format!(
                "no platform.yaml found under `{}` (.gitignored paths, .git, node_modules and target are skipped)",
                dir.display()
            ));
        }
        match args.format {
            ReportFormat::Human => print(&report::human_all(&a, human))?,
            ReportFormat::Json => super::print_json(&report::json_all(&a, strict))?,
            ReportFormat::Markdown => print(&report::markdown_all(&a, strict))?,
            ReportFormat::Sarif => {
                // One repository (a monorepo): paths from its root, as code
                // scanning expects. Several: from the --all directory.
                let reports: Vec<&doctor::ServiceReport> = a.services.iter().collect();
                let first = a.services.first().and_then(|r| r.repository.clone());
                let base = match first {
                    Some(repo)
                        if a.services
                            .iter()
                            .all(|r| r.repository.as_ref() == Some(&repo)) =>
                    {
                        repo
                    }
                    _ => a.root.clone(),
                };
                super::print_json(&sarif::sarif(&reports, &|_| Some(base.clone())))?
            }
        }
        return Ok(if a.failing(strict) > 0 {
            exit::PROBLEMS
        } else {
            exit::SUCCESS
        });
    }

    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let located = crate::service::locate(&path)?;
    // Checks run under the deadline; fixes are plain file writes, outside it.
    let opts = std::sync::Arc::new(opts);
    let check = |located: &crate::service::Located| {
        let (located, opts) = (located.clone(), opts.clone());
        crate::scaffold::with_deadline(DEADLINE, "checking the service", move || {
            Ok(doctor::check(&located, &opts))
        })
    };
    let mut r = check(&located)?;
    let mut fixed = None;
    if args.fix {
        fixed = Some(fix::apply(&located, &r, args.allow_dirty)?);
        r = check(&located)?;
    }
    if let Some(f) = &fixed {
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
    match args.format {
        ReportFormat::Human => print(&report::human(&r, human))?,
        ReportFormat::Json => {
            let mut doc = report::json(&r, strict);
            if let Some(f) = &fixed {
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
            super::print_json(&doc)?
        }
        ReportFormat::Markdown => print(&report::markdown(&r, strict))?,
        ReportFormat::Sarif => super::print_json(&sarif::sarif(&[&r], &|r| r.repository.clone()))?,
    }
    Ok(if r.summary().fails(strict) {
        exit::PROBLEMS
    } else {
        exit::SUCCESS
    })
}

/// Styled text on stdout; anstream strips the styles when colours are off.
fn print(text: &str) -> Result<()> {
    let mut out = anstream::stdout().lock();
    super::quiet_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}
