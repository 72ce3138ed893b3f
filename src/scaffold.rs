//! `plat new` as a library call: load the template, resolve the answers,
//! render the plan (with platform.yaml), then write it and make the first
//! commit. Each step is a function of the previous one's output.

use anyhow::{anyhow, bail, Context as _, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tera::Context;

use crate::answers::{self, Answers, Inputs, Prompter};
use crate::definition::NAME_VAR;
use crate::engine;
use crate::error::InputError;
use crate::git::{self, GitOutcome};
use crate::manifest;
use crate::render::{self, FileKind, Plan, PlannedFile};
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

/// A rendered project, not yet written.
pub struct Prepared {
    pub template: Arc<Template>,
    pub answers: Answers,
    pub plan: Plan,
}

/// The result of writing a project.
#[derive(Debug, Clone)]
pub struct Written {
    pub git: GitOutcome,
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

/// Resolves answers and renders the plan, platform.yaml included.
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
    let plan = render_with_deadline(
        Arc::clone(&template),
        answers.clone(),
        ctx,
        req.render_timeout,
    )?;
    Ok(Prepared {
        template,
        answers,
        plan,
    })
}

/// Runs the render on a thread with a large stack and a deadline, so a
/// template that nests too deep or loops without end fails cleanly.
fn render_with_deadline(
    template: Arc<Template>,
    answers: Answers,
    ctx: Context,
    timeout: Duration,
) -> Result<Plan> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("render".into())
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(render_plan(&template, &answers, &ctx));
        })
        .context("starting the render thread")?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => bail!(InputError(format!(
            "rendering the template took longer than {} seconds; it probably loops without end (check its `for` loops and components)",
            timeout.as_secs_f64()
        ))),
        Err(_) => bail!("the render thread stopped unexpectedly"),
    }
}

fn render_plan(template: &Template, answers: &Answers, ctx: &Context) -> Result<Plan> {
    let manifest = build_manifest(template, answers, ctx)?;
    let text = manifest::to_yaml(&manifest)?;
    let ctxs = contexts(template, &manifest, ctx);
    let mut plan = render::render(template, &ctxs)?;
    if plan.files.iter().any(|f| f.path == MANIFEST_FILE) {
        bail!(InputError(format!(
            "the template has its own `files/{MANIFEST_FILE}`; plat writes {MANIFEST_FILE} itself from the `manifest:` section of template.yaml, so remove that file and move its content there"
        )));
    }
    plan.files.push(PlannedFile {
        path: MANIFEST_FILE.to_string(),
        contents: text.into_bytes(),
        executable: false,
        kind: FileKind::Generated,
        managed: false,
    });
    plan.finish()?;
    Ok(plan)
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
        Some(v) => render::render_value(v, &tera, ctx, "manifest")?,
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
            problems
                .iter()
                .map(|p| format!("  - {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))
    })?;
    Ok(m)
}

/// Writes the plan to the target and sets up git.
pub fn write(req: &NewRequest, prepared: &Prepared) -> Result<Written> {
    let def = &prepared.template.definition;
    let message = format!(
        "Initial commit from plat template {} {}\n\nCreated by plat {} from {}.",
        def.name,
        def.version,
        env!("CARGO_PKG_VERSION"),
        prepared.template.origin
    );
    let files: Vec<git::CommitFile<'_>> = prepared
        .plan
        .files
        .iter()
        .map(|f| git::CommitFile {
            path: &f.path,
            contents: &f.contents,
            executable: f.executable,
        })
        .collect();
    let enclosing = if req.git {
        git::enclosing_repository(&req.target)
    } else {
        None
    };
    let mut outcome = GitOutcome::Disabled;
    let state = write::target_state(&req.target)?;
    if state == TargetState::NonEmpty {
        if !req.force {
            preflight(req)?;
        }
        write::write_over(&prepared.plan, &req.target)?;
        if req.git {
            outcome = match &enclosing {
                Some(repo) => GitOutcome::InsideRepository {
                    repository: repo.clone(),
                },
                None => git::init_and_commit(&req.target, &req.branch, &files, &message)?,
            };
        }
    } else {
        write::write_new(&prepared.plan, &req.target, |staged: &Path| {
            if req.git {
                outcome = match &enclosing {
                    Some(repo) => GitOutcome::InsideRepository {
                        repository: repo.clone(),
                    },
                    None => git::init_and_commit(staged, &req.branch, &files, &message)?,
                };
            }
            Ok(())
        })?;
    }
    Ok(Written { git: outcome })
}
