//! `plat sync`: re-render the managed files and write those that changed.

use anyhow::Result;
use serde_json::json;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{Format, SyncArgs};
use crate::drift::ChangeKind;
use crate::error::exit;
use crate::ui::Ui;

const DEADLINE: Duration = Duration::from_secs(30);

pub fn run(args: SyncArgs, ui: Ui) -> Result<u8> {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let located = crate::service::locate(&path)?;
    let template = args.template.clone();
    let loc = located.clone();
    let plan = crate::scaffold::with_deadline(DEADLINE, "rendering the managed files", move || {
        crate::sync::plan(&loc, template.as_deref())
    })?;
    let pending = !plan.changes.is_empty() || plan.bump.is_some();
    let write = pending && !args.check && !args.dry_run;
    if write {
        crate::sync::refuse_dirty(&located, &plan.changes, args.allow_dirty)?;
        crate::sync::apply(&plan.root, &plan.changes, plan.bump.as_ref())?;
    }
    let verb = |k: ChangeKind| match (k, write) {
        (ChangeKind::Create, true) => "Created",
        (ChangeKind::Update, true) => "Updated",
        (ChangeKind::Remove, true) => "Removed",
        (ChangeKind::Create, false) => "Would create",
        (ChangeKind::Update, false) => "Would update",
        (ChangeKind::Remove, false) => "Would remove",
    };
    match args.format {
        Format::Json => super::print_json(&json!({
            "service": plan.manifest.metadata.name,
            "path": plan.root.display().to_string(),
            "template": {"name": plan.template.0, "version": plan.template.1},
            "written": write,
            "inSync": !pending,
            "templateVersion": plan.bump.as_ref().map(|(from, to)| json!({"from": from, "to": to})),
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
                    writeln!(out, "{} {}", verb(c.kind).to_lowercase(), c.path)?;
                }
            }
            for c in &plan.changes {
                if write {
                    ui.status(verb(c.kind), &c.path);
                }
            }
            if let Some((from, to)) = &plan.bump {
                let v = if write { "Updated" } else { "Would update" };
                ui.status(v, format!("platform.yaml template.version {from} -> {to}"));
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
                ui.warn(format!(
                    "{} managed file{} out of step with platform.yaml; run `plat sync` to update them",
                    plan.changes.len(),
                    if plan.changes.len() == 1 { " is" } else { "s are" }
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
