//! `plat new`.

use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::environment::Environment;
use super::output::{self, Schema};
use super::sources::{self, Fetching};
use super::ui::{Ui, BOLD, DIM};
use super::{config, prompt};
use crate::cli::{Format, NewArgs};
use crate::effects::git::GitOutcome;
use crate::error::{exit, InputError};
use crate::fetch::Network;
use crate::new::answers::{Inputs, Prompter};
use crate::new::remote::RemoteRequest;
use crate::new::{self, NewRequest, Prepared};
use crate::template::{Definition, Plan, Template};
use crate::util::read::{self, Input};

/// Default render deadline; `PLAT_RENDER_TIMEOUT_MS` overrides it.
pub(super) const RENDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Scaffolds a project (or, with `--dry-run`, shows what would be
/// written) and tells the user what happened and what to do next.
pub fn run(args: NewArgs, ui: Ui, env: &Environment, fetching: Fetching) -> Result<u8> {
    let req = request(&args, env)?;
    new::preflight(&req)?;
    let fetching = Fetching {
        no_input: no_input(&args),
        ..fetching
    };
    let sources = sources::sources(env, &config::load(env)?, fetching, ui)?;
    if let Some(remote) = &req.remote {
        remote.check_offline(sources.network.offline)?;
    }
    let template = sources.load(&sources.parse(&args.template, args.reference.as_deref())?)?;
    ui.detail(format!(
        "template {} {} from {}",
        template.definition.name, template.definition.version, template.origin
    ));
    let prepared = prepare(&args, &req, template, ui)?;
    let plan = new::plan(&prepared, req.render_timeout)?;
    let template_steps = new::guide::template_steps(&prepared)?;
    let template = &prepared.template;
    let def = &template.definition;
    let mut recorded = serde_json::Map::new();
    recorded.insert("name".into(), def.name.clone().into());
    recorded.insert("version".into(), def.version.clone().into());
    recorded.extend(template.origin.provenance());
    let summary = serde_json::json!({
        "template": recorded,
        "target": req.target,
    });
    if args.dry_run {
        return dry_run(&args, &req.target, &plan, summary, ui);
    }
    let git = new::write::write(&req, &plan, &new::commit_message(template))?;
    report_created(&req.target, def, &plan, ui);
    report_git(&git, &req.target, ui);
    let pushed = match (push(&req, &git, &sources.network, ui), args.format) {
        // No next steps after a failed push: the error says what to do.
        (Err(e), Format::Human) => return Err(e),
        (pushed, _) => pushed,
    };
    match args.format {
        Format::Json => output::document(
            Schema::NewResult,
            created_json(summary, &plan, &git, req.remote.as_ref(), pushed.is_ok())?,
        )?,
        Format::Human => {
            let origin = match &req.remote {
                None => new::guide::Origin::None,
                Some(r) if r.push && pushed.is_ok() => new::guide::Origin::Pushed,
                Some(_) => new::guide::Origin::Set,
            };
            ui.say(next_steps(&new::guide::next_steps(
                &req.target,
                &req.branch,
                &plan,
                &git,
                origin,
                &template_steps,
            )))
        }
    }
    pushed?;
    Ok(exit::SUCCESS)
}

/// `--remote`, and with `--push` the push: said on stderr; a failed push
/// is the command's error once the result is reported.
fn push(req: &NewRequest, git: &GitOutcome, net: &Network, ui: Ui) -> Result<()> {
    let Some(remote) = &req.remote else {
        return Ok(());
    };
    if !remote.push {
        ui.status(
            "Remote",
            format!("origin is {}; nothing pushed", remote.url),
        );
        return Ok(());
    }
    ui.status("Pushing", format!("{} to {}", req.branch, remote.url));
    new::remote::push(req, git, net)?;
    ui.status(
        "Pushed",
        format!(
            "{} to {}; its upstream is origin/{}",
            req.branch, remote.url, req.branch
        ),
    );
    Ok(())
}

/// Resolves the answers, prompting when plat may, and shows the warnings
/// resolving left.
fn prepare(args: &NewArgs, req: &NewRequest, template: Template, ui: Ui) -> Result<Prepared> {
    let mut dialoguer = prompt::can_prompt(no_input(args)).then(prompt::Dialoguer::new);
    let prompter = dialoguer.as_mut().map(|d| d as &mut dyn Prompter);
    let prepared = new::prepare(&req.inputs, template, prompter)?;
    for w in &prepared.answers.warnings {
        ui.warn(w);
    }
    Ok(prepared)
}

/// `Created payments-api from template ... (12 files: 1 generated, ...)`.
fn report_created(target: &Path, def: &Definition, plan: &Plan, ui: Ui) {
    let counts: Vec<String> = plan
        .counts()
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    ui.status(
        "Created",
        format!(
            "{} from template {} {} ({} files: {})",
            target.display(),
            def.name,
            def.version,
            plan.files.len(),
            counts.join(", ")
        ),
    );
}

/// `--format json` after a write: the summary, the files and what git
/// did (the commit only there, under `git`), with the remote
/// (credential-free) and whether it was pushed.
fn created_json(
    mut doc: serde_json::Value,
    plan: &Plan,
    git: &GitOutcome,
    remote: Option<&RemoteRequest>,
    pushed: bool,
) -> Result<serde_json::Value> {
    doc["dry_run"] = false.into();
    doc["files"] = files_json(plan);
    doc["git"] = serde_json::to_value(git)?;
    doc["git"]["remote"] = remote.map(|r| r.url.to_string()).into();
    doc["git"]["pushed"] = (pushed && remote.is_some_and(|r| r.push)).into();
    Ok(doc)
}

/// Every file of the plan, the same objects with and without `--dry-run`.
fn files_json(plan: &Plan) -> serde_json::Value {
    plan.files
        .iter()
        .map(|f| {
            serde_json::json!({
                "path": f.path, "size": f.contents.len(), "kind": f.kind,
                "executable": f.executable, "managed": f.managed,
            })
        })
        .collect()
}

/// `Next steps` and its shell lines, their comments aligned.
fn next_steps(steps: &[String]) -> String {
    let split = |s: &str| -> (String, Option<String>) {
        match s.split_once(" # ") {
            Some((cmd, why)) => (cmd.trim_end().to_string(), Some(why.trim().to_string())),
            None => (s.to_string(), None),
        }
    };
    let width = steps
        .iter()
        .filter_map(|s| {
            s.split_once(" # ")
                .map(|(c, _)| c.trim_end().chars().count())
        })
        .filter(|&w| w <= 40)
        .max()
        .unwrap_or(0);
    let mut out = format!("\n{BOLD}Next steps{BOLD:#}");
    for s in steps {
        match split(s) {
            (cmd, Some(why)) => out.push_str(&format!("\n  {cmd:<width$}  {DIM}# {why}{DIM:#}")),
            (cmd, None) => out.push_str(&format!("\n  {cmd}")),
        }
    }
    out
}

/// `--dry-run`: the plan, and nothing written.
fn dry_run(
    args: &NewArgs,
    target: &Path,
    plan: &Plan,
    mut summary: serde_json::Value,
    ui: Ui,
) -> Result<u8> {
    match args.format {
        Format::Json => {
            summary["dry_run"] = true.into();
            summary["files"] = files_json(plan);
            output::document(Schema::NewResult, summary)?;
        }
        Format::Human => {
            let mut out = String::new();
            for f in &plan.files {
                out.push_str(&format!(
                    "{:>9}  {:<9}  {}{}{}\n",
                    f.contents.len(),
                    f.kind.as_str(),
                    f.path,
                    if f.managed { "  (managed)" } else { "" },
                    if f.executable { "  (executable)" } else { "" }
                ));
            }
            output::print(&out)?;
            ui.note(format!(
                "dry run: {} files would be written to {}; nothing was written",
                plan.files.len(),
                target.display()
            ));
        }
    }
    Ok(exit::SUCCESS)
}

fn report_git(git: &GitOutcome, target: &Path, ui: Ui) {
    match git {
        GitOutcome::Committed { branch, commit } => ui.status(
            "Committed",
            format!("{} on branch {branch}", &commit[..commit.len().min(12)]),
        ),
        GitOutcome::NoIdentity { .. } => ui.warn(format!(
            "created the git repository but made no commit: no git identity is set. Set one with `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com` (or GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL), then run `git -C {} commit -m \"Initial commit\"`; the files are already staged",
            target.display()
        )),
        GitOutcome::InsideRepository { repository } => ui.note(format!(
            "{} is inside the git repository at {}; no new repository was created and nothing was added to git",
            target.display(),
            repository.display()
        )),
        GitOutcome::Disabled => {}
    }
}

/// `--no-input`, or answers read from standard input.
fn no_input(args: &NewArgs) -> bool {
    args.no_input || values_from_stdin(args.values.as_deref())
}

/// `--set KEY=VALUE` arguments as pairs.
pub(super) fn parse_set(set: &[String]) -> Result<Vec<(String, String)>> {
    set.iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => bail!(InputError(format!(
                "--set `{kv}`: expected KEY=VALUE, e.g. --set owner=team-payments"
            ))),
        })
        .collect()
}

fn request(args: &NewArgs, env: &Environment) -> Result<NewRequest> {
    let set = parse_set(&args.set)?;
    let values = args.values.as_deref().map(read_values).transpose()?;
    Ok(NewRequest {
        template: args.template.clone(),
        inputs: Inputs {
            name: args.name.clone(),
            set,
            values,
            env: env.answers.clone(),
            ..Inputs::default()
        },
        // `dir/.` and `dir/` name `dir` (a rename needs the plain name).
        target: args
            .output
            .as_deref()
            .map_or_else(|| PathBuf::from(&args.name), |o| o.components().collect()),
        force: args.force,
        git: !args.no_git,
        branch: args.branch.clone(),
        render_timeout: env.render_timeout(RENDER_TIMEOUT)?,
        identity: env.identity.clone(),
        ceilings: env.ceilings.clone(),
        remote: args
            .remote
            .as_deref()
            .map(|url| RemoteRequest::parse(url, args.push))
            .transpose()?,
    })
}

/// `--values -`: the answers come from standard input, so nothing may be
/// asked there too.
pub(super) fn values_from_stdin(values: Option<&Path>) -> bool {
    values == Some(Path::new("-"))
}

/// `--values FILE`, or `--values -` for YAML or JSON on standard input.
pub(super) fn read_values(path: &Path) -> Result<(String, BTreeMap<String, serde_yaml::Value>)> {
    let (origin, text) = if values_from_stdin(Some(path)) {
        (
            "standard input".to_string(),
            prompt::read_stdin_text(Input::Values)?,
        )
    } else {
        (
            path.display().to_string(),
            read::read_text(path, Input::Values)?,
        )
    };
    let values = new::answers::parse_values(&text, &origin)?;
    Ok((origin, values))
}
