//! `plat update`: move the service to a newer version of its template.

use anyhow::Result;
use serde_json::json;
use std::path::{Path, PathBuf};

use super::config;
use super::environment::Environment;
use super::new::{parse_set, read_values, values_from_stdin, RENDER_TIMEOUT};
use super::output::{self, Schema};
use super::progress::{self, Steps};
use super::prompt;
use super::sources::{self, Fetching};
use super::ui::{Ui, BOLD};
use crate::cli::{Format, UpdateArgs};
use crate::error::exit;
use crate::new::answers::{Inputs, Prompter};
use crate::service::locate::locate;
use crate::template::source::Sources;
use crate::update::fleet::{self, FleetOptions, ServiceResult, Status};
use crate::update::merge::{Action, Outcome};
use crate::update::{self, apply, FileUpdate, Plan, Update, UpdateRequest};

/// Plans the update, writes it unless told not to, and reports it.
pub fn run(args: UpdateArgs, ui: Ui, env: &Environment, fetching: Fetching) -> Result<u8> {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let located = locate(&path, &env.ceilings)?;
    let no_input = args.no_input || values_from_stdin(args.values.as_deref());
    let fetching = Fetching {
        no_input,
        ..fetching
    };
    let sources = sources::sources(env, &config::load(env)?, fetching, ui)?;
    let req = UpdateRequest {
        to: args.to.clone(),
        inputs: Inputs {
            set: parse_set(&args.set)?,
            values: args.values.as_deref().map(read_values).transpose()?,
            env: env.answers.clone(),
            ..Inputs::default()
        },
        render_timeout: env.render_timeout(RENDER_TIMEOUT)?,
    };
    if let Some(dir) = &args.all {
        return all(&args, dir, ui, env, &req, &sources);
    }
    // --check and --dry-run ask nothing: new variables take their defaults.
    let ask = !args.check && !args.dry_run;
    let mut dialoguer = (ask && prompt::can_prompt(no_input)).then(prompt::Dialoguer::new);
    let prompter = dialoguer.as_mut().map(|d| d as &mut dyn Prompter);
    let update = match update::plan(&located, &req, &sources, prompter)? {
        Plan::UpToDate(v) => return up_to_date(&args, ui, &located.root, &v),
        Plan::Update(u) => u,
    };
    for w in &update.warnings {
        ui.warn(w);
    }
    let write = !args.check && !args.dry_run;
    if write {
        if !args.allow_dirty {
            apply::refuse_dirty(&located, &update)?;
        }
        apply::apply(&located, &update)?;
    }
    match args.format {
        Format::Json => output::document(
            Schema::UpdateResult,
            json_report(&update, write, args.dry_run),
        )?,
        Format::Human => human(&args, ui, &update, write)?,
    }
    Ok(if args.check || update.conflicts() > 0 {
        exit::PROBLEMS
    } else {
        exit::SUCCESS
    })
}

fn up_to_date(args: &UpdateArgs, ui: Ui, root: &Path, v: &update::Version) -> Result<u8> {
    match args.format {
        Format::Json => output::document(
            Schema::UpdateResult,
            json!({
                "path": root.display().to_string(),
                "from": v,
                "to": v,
                "up_to_date": true,
                "written": false,
                "conflicts": 0,
                "files": [],
            }),
        )?,
        Format::Human => ui.status("Up to date", format!("on {v}, the newest there is")),
    }
    Ok(exit::SUCCESS)
}

/// `--format json`: both versions and every file with its outcome.
fn json_report(u: &Update, written: bool, diffs: bool) -> serde_json::Value {
    let files: Vec<&FileUpdate> = u.files.iter().chain(std::iter::once(&u.manifest)).collect();
    json!({
        "path": u.root.display().to_string(),
        "from": u.from,
        "to": u.to,
        "up_to_date": false,
        "written": written,
        "base_known": u.base_known,
        "conflicts": u.conflicts(),
        "new_answers": u.new_answers,
        "warnings": u.warnings,
        "files": files.iter().map(|f| {
            let mut v = json!({
                "path": f.path,
                "outcome": f.outcome,
            });
            if let Some(from) = &f.renamed_from {
                v["renamed_from"] = json!(from);
            }
            if f.conflicts > 0 {
                v["conflicts"] = json!(f.conflicts);
            }
            if matches!(f.action, Action::Beside(_)) {
                v["written_beside"] = json!(format!("{}{}", f.path, apply::PLAT_NEW));
            }
            if diffs {
                v["diff"] = json!(diff(f));
            }
            v
        }).collect::<Vec<_>>(),
    })
}

/// The change a file's update makes, as a unified diff from the disk.
fn diff(f: &FileUpdate) -> String {
    let ours = f.ours.as_deref().unwrap_or_default();
    let (old_name, new_name) = (
        match (&f.renamed_from, &f.ours) {
            (Some(from), _) => format!("a/{from}"),
            (None, Some(_)) => format!("a/{}", f.path),
            (None, None) => "/dev/null".to_string(),
        },
        format!("b/{}", f.path),
    );
    let new: &[u8] = match &f.action {
        Action::Write(b) => b,
        Action::Delete => &[],
        Action::Beside(_) | Action::Nothing => return String::new(),
    };
    let new_name = if f.action == Action::Delete {
        "/dev/null".to_string()
    } else {
        new_name
    };
    let moved = match &f.renamed_from {
        Some(from) => format!("rename from {from}\nrename to {}\n", f.path),
        None => String::new(),
    };
    let text = if ours == new {
        String::new()
    } else {
        crate::util::diff::unified(ours, new, &old_name, &new_name)
    };
    moved + &text
}

/// The verb a person reads for an outcome, and whether it is worth a line
/// without `--verbose` (files nobody changed are not).
fn verb(o: Outcome) -> Option<&'static str> {
    Some(match o {
        Outcome::Unchanged => return None,
        Outcome::Updated => "Updated",
        Outcome::Kept => "Kept",
        Outcome::Merged => "Merged",
        Outcome::Conflict => "Conflict",
        Outcome::Added => "Added",
        Outcome::Deleted => "Deleted",
        Outcome::KeptDeletedLocally => "Not restored",
        Outcome::KeptEdited => "Kept",
        Outcome::Renamed => "Renamed",
        Outcome::PlatNew => "Beside",
        Outcome::Managed => "Rendered",
    })
}

/// What a line says about one file beyond its path.
fn detail(f: &FileUpdate) -> String {
    let path = match &f.renamed_from {
        Some(from) => format!("{from} -> {}", f.path),
        None => f.path.clone(),
    };
    let why = match f.outcome {
        Outcome::Kept => " (your changes; the template did not change it)",
        Outcome::KeptEdited => " (the template removed it; you had edited it)",
        Outcome::KeptDeletedLocally => " (you deleted it; the template changed it)",
        Outcome::PlatNew => " (binary, changed on both sides: the new version is beside it)",
        Outcome::Merged => " (your changes and the template's)",
        Outcome::Managed => " (managed, from platform.yaml)",
        _ => "",
    };
    let conflicts = match f.conflicts {
        0 => String::new(),
        1 => " (1 conflict)".to_string(),
        n => format!(" ({n} conflicts)"),
    };
    let beside = if matches!(f.action, Action::Beside(_)) {
        format!(": {}{}", f.path, apply::PLAT_NEW)
    } else {
        String::new()
    };
    format!("{path}{why}{conflicts}{beside}")
}

/// The report for a person: each file that is not plain unchanged on
/// stderr; with `--dry-run` the diffs on stdout; `--check` one line.
fn human(args: &UpdateArgs, ui: Ui, u: &Update, written: bool) -> Result<()> {
    if args.check {
        output::print(&format!("update available: {} -> {}\n", u.from, u.to))?;
        ui.warn(format!(
            "{} is behind its template: {} is out; run `plat update`",
            u.root.display(),
            u.to.version
        ));
        return Ok(());
    }
    ui.status(
        if written { "Updating" } else { "Would update" },
        format!("{}: {} -> {}", u.root.display(), u.from, u.to),
    );
    let files: Vec<&FileUpdate> = u.files.iter().chain(std::iter::once(&u.manifest)).collect();
    let managed = files
        .iter()
        .filter(|f| f.outcome == Outcome::Managed)
        .count();
    if managed > 0 {
        ui.status(
            "Rendered",
            format!(
                "{managed} managed file{} from platform.yaml (as `plat sync`)",
                if managed == 1 { "" } else { "s" }
            ),
        );
    }
    for f in files.iter().filter(|f| f.outcome != Outcome::Managed) {
        if let Some(v) = verb(f.outcome) {
            let line = detail(f);
            if f.outcome == Outcome::Conflict {
                ui.warn(format!("conflict in {line}"));
            } else {
                ui.status(v, line);
            }
        }
    }
    if args.dry_run {
        let diffs: String = files.iter().map(|f| diff(f)).collect();
        output::print(&diffs)?;
    }
    conclude(ui, u, written);
    Ok(())
}

fn conclude(ui: Ui, u: &Update, written: bool) {
    let conflicted: Vec<&str> = u
        .files
        .iter()
        .chain(std::iter::once(&u.manifest))
        .filter(|f| f.conflicts > 0)
        .map(|f| f.path.as_str())
        .collect();
    if !conflicted.is_empty() {
        ui.warn(format!(
            "{} conflict{} in {}: both you and the template changed the same lines. Edit the marked blocks (<<<<<<< ours, ||||||| the version you had, >>>>>>> the new version), keep what you want, remove the markers; then `plat doctor`{}",
            u.conflicts(),
            if u.conflicts() == 1 { "" } else { "s" },
            conflicted.join(", "),
            if conflicted.contains(&crate::manifest::MANIFEST_FILE) {
                " and `plat sync` (the managed files follow platform.yaml once it is resolved)"
            } else {
                ""
            }
        ));
    } else if written {
        ui.status(
            "Updated",
            format!("to {}; review with `git diff`, then commit", u.to),
        );
    } else {
        ui.say(format!("{BOLD}Nothing written{BOLD:#} (--dry-run)"));
    }
}

/// `--all DIR`: every service, one line each (stdout), a summary (stderr).
fn all(
    args: &UpdateArgs,
    dir: &Path,
    ui: Ui,
    env: &Environment,
    req: &UpdateRequest,
    sources: &Sources,
) -> Result<u8> {
    let opts = FleetOptions {
        write: !args.check && !args.dry_run,
        allow_dirty: args.allow_dirty,
        branch: args.commit.then(|| args.branch.clone()).flatten(),
        identity: env.identity.clone(),
        ceilings: env.ceilings.clone(),
        jobs: args.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(2, |n| n.get()),
            usize::from,
        ),
    };
    let shown = args.format == Format::Human && progress::wanted(ui);
    let steps = Steps::new(shown, env.progress_after(progress::QUIET_FOR)?, "Updating");
    let updated = fleet::update_all(dir, req, sources, &opts, &steps);
    steps.finish();
    let (root, results) = updated?;
    let failing = results.iter().filter(|r| r.fails()).count();
    match args.format {
        Format::Json => output::document(
            Schema::UpdateResult,
            json!({
                "root": root.display().to_string(),
                "written": opts.write,
                "branch": opts.branch,
                "services": results,
            }),
        )?,
        Format::Human => {
            let lines: String = results.iter().map(fleet_line).collect();
            output::print(&lines)?;
            let n = results.len();
            let summary = format!(
                "{n} service{} under {}: {}",
                if n == 1 { "" } else { "s" },
                root.display(),
                tally(&results)
            );
            if failing > 0 {
                ui.warn(summary);
            } else {
                ui.status("Done", summary);
            }
        }
    }
    Ok(if failing > 0 {
        exit::PROBLEMS
    } else {
        exit::SUCCESS
    })
}

/// `updated      services/api  svc 0.2.0 -> 0.3.0 (4 files, 1 conflict)`.
fn fleet_line(r: &ServiceResult) -> String {
    let (word, what) = match &r.status {
        Status::UpToDate { version } => ("up-to-date", format!("{version}")),
        Status::Available { from, to } => ("available", format!("{from} -> {to}")),
        Status::Updated {
            from,
            to,
            files,
            conflicts,
        } => (
            if *conflicts > 0 {
                "conflict"
            } else {
                "updated"
            },
            format!(
                "{from} -> {to} ({files} file{}{}){}",
                if *files == 1 { "" } else { "s" },
                match conflicts {
                    0 => String::new(),
                    1 => ", 1 conflict".into(),
                    n => format!(", {n} conflicts"),
                },
                r.commit
                    .as_deref()
                    .map(|c| format!(" committed {}", &c[..c.len().min(12)]))
                    .unwrap_or_default()
            ),
        ),
        Status::Skipped { reason } => ("skipped", reason.clone()),
        Status::Failed { error } => ("failed", error.replace('\n', " ")),
    };
    format!("{word:<11} {}  {what}\n", r.path)
}

/// `2 updated, 1 up to date, 1 skipped`.
fn tally(results: &[ServiceResult]) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in results {
        let key = match &r.status {
            Status::UpToDate { .. } => "up to date",
            Status::Available { .. } => "with an update available",
            Status::Updated { conflicts: 0, .. } => "updated",
            Status::Updated { .. } => "updated with conflicts",
            Status::Skipped { .. } => "skipped",
            Status::Failed { .. } => "failed",
        };
        *counts.entry(key).or_default() += 1;
    }
    if counts.is_empty() {
        return "no platform.yaml found".into();
    }
    counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}
