//! `plat new`.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::answers::{Inputs, ENV_PREFIX};
use crate::cli::{Format, NewArgs};
use crate::error::{exit, InputError};
use crate::git::GitOutcome;
use crate::prompt;
use crate::render::{self, FileKind};
use crate::scaffold::{self, NewRequest};
use crate::ui::{Ui, BOLD};

/// Default render deadline; `PLAT_RENDER_TIMEOUT_MS` overrides it.
const RENDER_TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(args: NewArgs, ui: Ui) -> Result<u8> {
    let req = request(&args)?;
    if let Some(ms) = std::env::var("PLAT_TEST_WRITE_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        crate::write::set_write_delay(ms);
    }
    scaffold::preflight(&req)?;
    let template = scaffold::load(&req)?;
    let def = &template.definition;
    ui.detail(format!(
        "template {} {} from {}",
        def.name, def.version, template.origin
    ));

    let mut dialoguer = prompt::can_prompt(args.no_input).then(prompt::Dialoguer::new);
    let prompter = dialoguer
        .as_mut()
        .map(|d| d as &mut dyn crate::answers::Prompter);
    let prepared = Arc::new(scaffold::prepare(&req, template.clone(), prompter)?);
    for w in &prepared.answers.warnings {
        ui.warn(w);
    }

    if args.dry_run {
        let p = Arc::clone(&prepared);
        let plan =
            scaffold::with_deadline(req.render_timeout, "rendering the template", move || {
                scaffold::dry_run(&p)
            })?;
        match args.format {
            Format::Json => super::print_json(&serde_json::json!({
                "template": def.name,
                "version": def.version,
                "source": template.origin.to_string(),
                "target": req.target,
                "dry_run": true,
                "files": plan.files.iter().map(|f| serde_json::json!({
                    "path": f.path, "size": f.contents.len(), "kind": f.kind, "executable": f.executable, "managed": f.managed,
                })).collect::<Vec<_>>(),
            }))?,
            Format::Human => {
                let mut out = String::new();
                for f in &plan.files {
                    let kind = match f.kind {
                        FileKind::Rendered => "rendered",
                        FileKind::Raw => "raw",
                        FileKind::Binary => "binary",
                        FileKind::Generated => "generated",
                    };
                    out.push_str(&format!(
                        "{:>9}  {:<9}  {}{}{}\n",
                        f.contents.len(),
                        kind,
                        f.path,
                        if f.managed { "  (managed)" } else { "" },
                        if f.executable { "  (executable)" } else { "" }
                    ));
                }
                print!("{out}");
                ui.note(format!(
                    "dry run: {} files would be written to {}; nothing was written",
                    plan.files.len(),
                    req.target.display()
                ));
            }
        }
        return Ok(exit::SUCCESS);
    }

    let written = {
        let (p, r) = (Arc::clone(&prepared), req.clone());
        scaffold::with_deadline(req.render_timeout, "rendering the template", move || {
            scaffold::write(&r, &p)
        })?
    };
    let outputs = &prepared.renderer.outputs;
    let counts = render::counts(&written.kinds);
    ui.status(
        "Created",
        format!(
            "{} from template {} {} ({} files: {})",
            req.target.display(),
            def.name,
            def.version,
            outputs.len(),
            counts
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    match &written.git {
        GitOutcome::Committed { branch, commit } => ui.status(
            "Committed",
            format!("{} on branch {branch}", &commit[..commit.len().min(12)]),
        ),
        GitOutcome::NoIdentity { .. } => ui.warn(format!(
            "created the git repository but made no commit: no git identity is set. Set one with `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com` (or GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL), then run `git -C {} commit -m \"Initial commit\"`; the files are already staged",
            req.target.display()
        )),
        GitOutcome::InsideRepository { repository } => ui.note(format!(
            "{} is inside the git repository at {}; no new repository was created and nothing was added to git",
            req.target.display(),
            repository.display()
        )),
        GitOutcome::Disabled => {}
    }

    match args.format {
        Format::Json => super::print_json(&serde_json::json!({
            "template": def.name,
            "version": def.version,
            "source": template.origin.to_string(),
            "target": req.target,
            "dry_run": false,
            "files": outputs.iter().map(|o| &o.path).collect::<Vec<_>>(),
            "git": written.git,
            "commit": match &written.git { GitOutcome::Committed { commit, .. } => Some(commit), _ => None },
        }))?,
        Format::Human => {
            if !ui.quiet {
                anstream::eprintln!(
                    "\n{BOLD}Next steps{BOLD:#}\n  cd {}\n  plat manifest validate\n  see README.md to build and run it",
                    req.target.display()
                );
            }
        }
    }
    Ok(exit::SUCCESS)
}

fn request(args: &NewArgs) -> Result<NewRequest> {
    let set = args
        .set
        .iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => bail!(InputError(format!(
                "--set `{kv}`: expected KEY=VALUE, e.g. --set owner=team-payments"
            ))),
        })
        .collect::<Result<Vec<_>>>()?;
    let values = args.values.as_ref().map(read_values).transpose()?;
    let env: BTreeMap<String, String> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, _)| k.starts_with(ENV_PREFIX) && k.len() > ENV_PREFIX.len())
        .collect();
    let render_timeout = std::env::var("PLAT_RENDER_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(RENDER_TIMEOUT);
    Ok(NewRequest {
        template: args.template.clone(),
        inputs: Inputs {
            name: args.name.clone(),
            set,
            values,
            env,
        },
        target: args
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from(&args.name)),
        force: args.force,
        git: !args.no_git,
        branch: args.branch.clone(),
        render_timeout,
    })
}

fn read_values(path: &PathBuf) -> Result<(String, BTreeMap<String, serde_yaml::Value>)> {
    let origin = path.display().to_string();
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading values file {origin}"))?;
    let value: serde_yaml::Value =
        crate::yaml::from_str(&text, &origin).map_err(|e| InputError(e.to_string()))?;
    let map = match value {
        serde_yaml::Value::Mapping(m) => m,
        serde_yaml::Value::Null => Default::default(),
        _ => bail!(InputError(format!(
            "{origin}: a values file must be a mapping of variable names to values, e.g. `owner: team-payments`"
        ))),
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let Some(k) = k.as_str() else {
            bail!(InputError(format!(
                "{origin}: keys must be variable names (strings)"
            )));
        };
        out.insert(k.to_string(), v);
    }
    Ok((origin, out))
}
