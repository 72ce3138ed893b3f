//! `plat sync`: re-render the managed files and write those that changed.

use anyhow::Result;
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

use super::config;
use super::environment::Environment;
use super::output::{self, Schema};
use super::sources::{self, Fetching};
use super::ui::Ui;
use crate::cli::{Format, SyncArgs};
use crate::effects::deadline;
use crate::error::exit;
use crate::service::locate::locate;
use crate::service::sync::{self, Drift};

/// The longest rendering the managed files may take.
const DEADLINE: Duration = Duration::from_secs(30);

/// Finds the drift, writes it unless told not to, and reports it; with
/// `--check`, drift is the exit code.
pub fn run(args: SyncArgs, ui: Ui, env: &Environment, fetching: Fetching) -> Result<u8> {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let located = locate(&path, &env.ceilings)?;
    let sources = sources::sources(env, &config::load(env)?, fetching, ui)?;
    let template = args
        .template
        .as_deref()
        .map(|t| sources.parse(t, None))
        .transpose()?;
    let drift = deadline::within("rendering the managed files", DEADLINE, || {
        sync::drift(&located, template.as_ref(), &sources)
    })?;
    let pending = !drift.changes.is_empty() || drift.upgrade.is_some();
    let write = pending && !args.check && !args.dry_run;
    if write {
        sync::refuse_dirty(&located, &drift.changes, args.allow_dirty)?;
        sync::apply(&located, &drift.changes, drift.upgrade.as_ref())?;
    }
    match args.format {
        Format::Json => output::document(Schema::SyncResult, json_report(&drift, write, pending))?,
        Format::Human => {
            print_human(&args, ui, &drift, write)?;
            conclude(&args, ui, &drift, pending);
        }
    }
    Ok(if args.check && pending {
        exit::PROBLEMS
    } else {
        exit::SUCCESS
    })
}

/// `--format json`: the service, whether it was in step, and every change
/// with its diff; `upgraded_from` is the `template.version` platform.yaml
/// moves from (to `template.version`), when it does.
fn json_report(drift: &Drift, written: bool, pending: bool) -> serde_json::Value {
    json!({
        "service": drift.manifest.metadata.name,
        "path": drift.root.display().to_string(),
        "template": {"name": drift.template.0, "version": drift.template.1},
        "written": written,
        "in_sync": !pending,
        "upgraded_from": drift.upgrade.as_ref().map(|u| &u.from),
        "changes": drift.changes.iter().map(|c| json!({
            "path": c.path,
            "change": c.kind,
            "diff": c.diff(),
        })).collect::<Vec<_>>(),
    })
}

/// The changes for a person: diffs on stdout for `--dry-run`, what would
/// change on stdout for `--check`, what changed on stderr after a write.
fn print_human(args: &SyncArgs, ui: Ui, drift: &Drift, written: bool) -> Result<()> {
    let upgrade_line = drift
        .upgrade
        .as_ref()
        .map(|u| format!("platform.yaml template.version {} -> {}", u.from, u.to));
    if args.dry_run {
        let diffs: String = drift.changes.iter().map(|c| c.diff()).collect();
        return output::print(&diffs);
    }
    if !written {
        let mut out = String::new();
        for c in &drift.changes {
            out.push_str(&format!(
                "{} {}\n",
                c.kind.verb(false).to_lowercase(),
                c.path
            ));
        }
        if let Some(line) = &upgrade_line {
            out.push_str(&format!("would update {line}\n"));
        }
        return output::print(&out);
    }
    ui.status("Syncing", drift.root.display());
    for c in &drift.changes {
        ui.status(c.kind.verb(true), &c.path);
    }
    if let Some(line) = &upgrade_line {
        ui.status("Updated", line);
    }
    Ok(())
}

/// The last word: in step, or (for `--check`) a warning saying what is not.
fn conclude(args: &SyncArgs, ui: Ui, drift: &Drift, pending: bool) {
    if !pending {
        ui.status(
            "In step",
            format!(
                "{}: every managed file matches platform.yaml ({} {})",
                drift.manifest.metadata.name, drift.template.0, drift.template.1
            ),
        );
    } else if args.check {
        ui.warn(out_of_step(drift.changes.len(), drift.upgrade.is_some()));
    }
}

/// `3 managed files are out of step ... with platform.yaml; run ...`.
fn out_of_step(files: usize, upgrade: bool) -> String {
    let mut what = Vec::new();
    if files > 0 {
        what.push(format!(
            "{files} managed file{} out of step",
            if files == 1 { " is" } else { "s are" }
        ));
    }
    if upgrade {
        what.push("template.version is behind the template".to_string());
    }
    format!(
        "{} with platform.yaml; run `plat sync` to update",
        what.join(" and ")
    )
}
