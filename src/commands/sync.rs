//! `plat sync`: re-render the managed files and write those that changed.

use anyhow::Result;
use serde_json::json;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{Format, SyncArgs};
use crate::error::exit;
use crate::ui::Ui;

const DEADLINE: Duration = Duration::from_secs(30);

pub fn run(args: SyncArgs, ui: Ui) -> Result<u8> {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let located = crate::service::locate(&path)?;
    let template = args.template.clone();
    let loc = located.clone();
    let plan =
        crate::scaffold::with_deadline(DEADLINE, "rendering the managed files", move || {
            crate::sync::plan(&loc, template.as_deref())
        })?;
    let pending = !plan.changes.is_empty() || plan.upgrade.is_some();
    let write = pending && !args.check && !args.dry_run;
    if write {
        crate::sync::refuse_dirty(&located, &plan.changes, args.allow_dirty)?;
        crate::sync::apply(&plan.root, &plan.changes, plan.upgrade.as_ref())?;
    }
    let upgrade_line = plan
        .upgrade
        .as_ref()
        .map(|u| format!("platform.yaml template.version {} -> {}", u.from, u.to));
    match args.format {
        Format::Json => super::print_json(&json!({
            "service": plan.manifest.metadata.name,
            "path": plan.root.display().to_string(),
            "template": {"name": plan.template.0, "version": plan.template.1},
            "written": write,
            "in_sync": !pending,
            "template_version": plan.upgrade.as_ref().map(|u| json!({"from": u.from, "to": u.to})),
            "changes": plan.changes.iter().map(|c| json!({
                "path": c.path,
                "change": c.kind,
                "diff": c.diff(),
            })).collect::<Vec<_>>(),
        }))?,
        Format::Human => {
            if args.dry_run {
                let mut out = anstream::stdout().lock();
                for c in &plan.changes {
                    out.write_all(c.diff().as_bytes())?;
                }
                out.flush()?;
            } else if !write {
                let mut out = std::io::stdout().lock();
                for c in &plan.changes {
                    writeln!(out, "{} {}", c.kind.verb(false).to_lowercase(), c.path)?;
                }
                if let Some(line) = &upgrade_line {
                    writeln!(out, "would update {line}")?;
                }
            }
            if write {
                ui.status("Syncing", plan.root.display());
                for c in &plan.changes {
                    ui.status(c.kind.verb(true), &c.path);
                }
                if let Some(line) = &upgrade_line {
                    ui.status("Updated", line);
                }
            }
            if !pending {
                ui.status(
                    "In step",
                    format!(
                        "{}: every managed file matches platform.yaml ({} {})",
                        plan.manifest.metadata.name, plan.template.0, plan.template.1
                    ),
                );
            } else if args.check {
                let n = plan.changes.len();
                let mut what = Vec::new();
                if n > 0 {
                    what.push(format!(
                        "{n} managed file{} out of step",
                        if n == 1 { " is" } else { "s are" }
                    ));
                }
                if plan.upgrade.is_some() {
                    what.push("template.version is behind the template".to_string());
                }
                ui.warn(format!(
                    "{} with platform.yaml; run `plat sync` to update",
                    what.join(" and ")
                ));
            }
        }
    }
    Ok(if args.check && pending {
        exit::PROBLEMS
    } else {
        exit::SUCCESS
    })
}
