//! `plat new` as a library call: load the template, resolve the answers,
//! build platform.yaml and decide every output path, then render each file
//! into a staging directory (with the first commit) and move it into place.
//! Each step is a function of the previous one's output.

use anyhow::{anyhow, bail, Context as _, Result};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tera::{Context, Tera};

use crate::answers::{self, Answers, Inputs, Prompter};
use crate::definition::NAME_VAR;
use crate::engine;
use crate::error::InputError;
use crate::git::{self, GitOutcome};
use crate::manifest;
use crate::render::{self, FileKind, Plan, Renderer};
use crate::source::{self, Template};
use crate::write::{self, TargetState};

/// The file plat writes from the template's `manifest:` section.
pub const MANIFEST_FILE: &str = "platform.yaml";

/// Everything `plat new` was asked to do.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub template: String,
    pub inputs: Inputs,
    pub target: PathBuf,
    pub force: bool,
    pub git: bool,
    pub branch: String,
    /// The whole render must finish within this.
    pub render_timeout: Duration,
}

/// A project whose every path is decided, not yet rendered or written.
pub struct Prepared {
    pub template: Arc<Template>,
    pub answers: Answers,
    pub renderer: Renderer,
}

/// The result of writing a project.
#[derive(Debug, Clone)]
pub struct Written {
    pub git: GitOutcome,
    /// How each output was made, in `renderer.outputs` order.
    pub kinds: Vec<FileKind>,
}

/// Checks the request's own arguments before any prompt is shown.
pub fn preflight(req: &NewRequest) -> Result<()> {
    if req.git {
        git::check_branch(&req.branch)?;
    }
    if !req.force && write::target_state(&req.target)? == TargetState::NonEmpty {
        bail!(InputError(format!(
            "target directory `{}` is not empty; pass --force to write the template's files into it (plat never deletes files), or choose another --output",
            req.target.display()
        )));
    }
    Ok(())
}

pub fn load(req: &NewRequest) -> Result<Arc<Template>> {
    source::load(&req.template).map(Arc::new)
}

/// The context every template string sees besides the answers.
fn base_context(template: &Template) -> Context {
    let mut ctx = Context::new();
    ctx.insert("plat_version", env!("CARGO_PKG_VERSION"));
    ctx.insert(
        "template",
        &serde_json::json!({
            "name": template.definition.name,
            "version": template.definition.version,
        }),
    );
    ctx
}

/// Resolves the answers (prompting through `prompter` if given), builds
/// platform.yaml and decides every output path.
pub fn prepare(
    req: &NewRequest,
    template: Arc<Template>,
    prompter: Option<&mut dyn Prompter>,
) -> Result<Prepared> {
    let tera = engine::new_tera();
    let base = base_context(&template);
    let path_vars = render::path_variables(&template);
    let answers = answers::resolve(
        &template.definition,
        &req.inputs,
        prompter,
        &tera,
        &base,
        &path_vars,
    )?;
    let mut ctx = base;
    ctx.extend(answers.context());
    let manifest = build_manifest(&template, &answers, &ctx)?;
    let text = manifest::to_yaml(&manifest)?;
    let mut renderer = Renderer::new(&template, contexts(&template, &manifest, &ctx))?;
    if renderer.outputs.iter().any(|o| o.path == MANIFEST_FILE) {
        bail!(InputError(format!(
            "the template has its own `files/{MANIFEST_FILE}`; plat writes {MANIFEST_FILE} itself from the `manifest:` section of template.yaml, so remove that file and move its content there"
        )));
    }
    renderer.add_generated(MANIFEST_FILE, text.into_bytes())?;
    Ok(Prepared {
        template,
        answers,
        renderer,
    })
}

/// Runs `work` (`task`, for the message) on a thread with a large stack
/// (deeply nested templates) and a deadline (templates that loop without
/// end). On the deadline any staging directory or file being replaced is
/// removed and an error returned; the stuck thread ends with the process.
pub fn with_deadline<T: Send + 'static>(
    timeout: Duration,
    task: &'static str,
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("render".into())
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(work());
        })
        .context("starting the render thread")?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            write::abandon_staging();
            bail!(InputError(format!(
                "{task} took longer than {} seconds; the template probably loops without end (check its `for` loops and components); nothing was written",
                timeout.as_secs_f64()
            )))
        }
        Err(_) => bail!("the render thread stopped unexpectedly"),
    }
}

/// `--dry-run`: every output rendered in memory, nothing written.
pub fn dry_run(prepared: &Prepared) -> Result<Plan> {
    prepared.renderer.plan(&prepared.template)
}

/// The contexts files render with: everything for scaffolded files; for
/// managed files only what platform.yaml and the template version give.
pub fn contexts(
    template: &Template,
    manifest: &manifest::Manifest,
    answers_ctx: &Context,
) -> render::Contexts {
    let mut managed = base_context(template);
    managed.insert("manifest", manifest);
    managed.insert(
        "managed_header",
        &format!(
            "{} from platform.yaml (template {} {}). Do not edit: change platform.yaml instead.",
            render::MANAGED_MARKER,
            template.definition.name,
            template.definition.version
        ),
    );
    let mut full = answers_ctx.clone();
    full.insert("manifest", manifest);
    render::Contexts { full, managed }
}

/// Builds platform.yaml from the template's `manifest:` section, the name
/// and the provenance, through the manifest's own types.
pub fn build_manifest(
    template: &Template,
    answers: &Answers,
    ctx: &Context,
) -> Result<manifest::Manifest> {
    use serde_yaml::{Mapping, Value};
    let def = &template.definition;
    let tera = engine::new_tera();
    let section = match &def.manifest {
        Some(v) => render_value(v, &tera, ctx, "manifest")?,
        None => Value::Mapping(Mapping::new()),
    };
    let Value::Mapping(mut doc) = section else {
        bail!(InputError(format!(
            "template `{}`: `manifest:` in template.yaml must be a mapping",
            def.name
        )));
    };
    let name = answers
        .values
        .get(NAME_VAR)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let metadata = doc
        .entry(Value::from("metadata"))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Value::Mapping(m) = metadata {
        m.insert(Value::from("name"), Value::from(name));
    }
    doc.insert(
        Value::from("apiVersion"),
        Value::from(manifest::API_VERSION),
    );
    doc.insert(Value::from("kind"), Value::from("Service"));
    let provenance = serde_json::json!({
        "source": template.origin.to_string(),
        "name": def.name,
        "version": def.version,
        "answers": answers.recordable(),
    });
    doc.insert(
        Value::from("template"),
        serde_yaml::to_value(provenance).map_err(|e| anyhow!("{e}"))?,
    );
    let m = manifest::from_value(Value::Mapping(doc)).map_err(|problems| {
        InputError(format!(
            "template `{}` produces an invalid {MANIFEST_FILE}; fix the `manifest:` section of its template.yaml (or the answers it uses):\n{}",
            def.name,
            crate::error::bullets(&problems)
        ))
    })?;
    Ok(m)
}

/// Renders every output into a staging directory, makes the first commit
/// there, and moves the result into place. A failure or interrupt at any
/// point removes the staging directory: nothing is left behind.
pub fn write(req: &NewRequest, prepared: &Prepared) -> Result<Written> {
    let def = &prepared.template.definition;
    let message = format!(
        "Initial commit from plat template {} {}\n\nCreated by plat {} from {}.",
        def.name,
        def.version,
        env!("CARGO_PKG_VERSION"),
        prepared.template.origin
    );
    let outputs = &prepared.renderer.outputs;
    let paths: Vec<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    let state = write::target_state(&req.target)?;
    if state == TargetState::NonEmpty {
        if !req.force {
            preflight(req)?;
        }
        write::check_obstacles(&req.target, &paths)?;
    }
    let enclosing = if req.git {
        git::enclosing_repository(&req.target)
    } else {
        None
    };
    // A new repository is built in the staging directory, so it is part of
    // the all-or-nothing step; `--force` into an existing directory adds
    // the files after they are moved.
    let fresh = state != TargetState::NonEmpty;
    let mut staging = write::Staging::beside(&req.target)?;
    let mut repo = match (&enclosing, req.git && fresh) {
        (None, true) => Some(git::NewRepo::init(staging.path(), &req.branch)?),
        _ => None,
    };
    let mut kinds = Vec::with_capacity(outputs.len());
    for (i, out) in outputs.iter().enumerate() {
        let (contents, kind) = prepared.renderer.render(&prepared.template, i)?;
        staging.write_file(&out.path, &contents, out.executable)?;
        if let Some(repo) = repo.as_mut() {
            repo.add(&out.path, &contents, out.executable)?;
        }
        kinds.push(kind);
    }
    let mut outcome = match (&enclosing, req.git) {
        (Some(repository), true) => GitOutcome::InsideRepository {
            repository: repository.clone(),
        },
        (_, false) => GitOutcome::Disabled,
        (None, true) => GitOutcome::Disabled, // set below
    };
    if fresh {
        if let Some(repo) = repo {
            outcome = repo.commit(&message)?;
        }
        staging.publish(&req.target)?;
    } else {
        staging.move_into(&req.target, &paths)?;
        if req.git && enclosing.is_none() {
            let mut repo = git::NewRepo::init(&req.target, &req.branch)?;
            for out in outputs {
                let contents = std::fs::read(req.target.join(&out.path))
                    .with_context(|| format!("reading {}", out.path))?;
                repo.add(&out.path, &contents, out.executable)?;
            }
            outcome = repo.commit(&message)?;
        }
    }
    Ok(Written {
        git: outcome,
        kinds,
    })
}

/// Renders every string of a template's `manifest:` section. A string that
/// is exactly one expression (`"{{ port }}"`, `"{{ envs }}"`) takes the
/// expression's typed value: a number, a boolean, a list, a mapping.
fn render_value(
    value: &serde_yaml::Value,
    tera: &Tera,
    ctx: &Context,
    at: &str,
) -> Result<serde_yaml::Value> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::String(s) => {
            let trimmed = s.trim();
            let whole = trimmed
                .strip_prefix("{{")
                .and_then(|r| r.strip_suffix("}}"))
                .filter(|inner| !inner.contains("{{") && !inner.contains("}}"));
            if let Some(inner) = whole {
                let v = engine::eval_value(tera, inner, ctx).map_err(|e| anyhow!("{at}: {e}"))?;
                return serde_yaml::to_value(v).map_err(|e| anyhow!("{at}: {e}"));
            }
            Y::String(engine::render_str(tera, s, ctx).map_err(|e| anyhow!("{at}: {e}"))?)
        }
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                let at = format!("{at}[{i}]");
                match conditional_item(v) {
                    Some((cond, then)) => {
                        if engine::eval_bool(tera, cond, ctx)
                            .map_err(|e| anyhow!("{at}.if: {e}"))?
                        {
                            out.push(render_value(then, tera, ctx, &format!("{at}.then"))?);
                        }
                    }
                    None => out.push(render_value(v, tera, ctx, &at)?),
                }
            }
            Y::Sequence(out)
        }
        Y::Mapping(map) => {
            let mut out = serde_yaml::Mapping::new();
            for (k, v) in map {
                let key = k.as_str().map(str::to_string).unwrap_or_default();
                out.insert(
                    k.clone(),
                    render_value(v, tera, ctx, &format!("{at}.{key}"))?,
                );
            }
            Y::Mapping(out)
        }
        Y::Tagged(t) => render_value(&t.value, tera, ctx, at)?,
        other => other.clone(),
    })
}

/// A list item `{if: EXPR, then: VALUE}`: VALUE when EXPR is true, else
/// nothing.
fn conditional_item(v: &serde_yaml::Value) -> Option<(&str, &serde_yaml::Value)> {
    let map = v.as_mapping()?;
    if map.len() != 2 {
        return None;
    }
    let cond = map.get("if")?.as_str()?;
    Some((cond, map.get("then")?))
}
