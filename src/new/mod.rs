//! `plat new`: a template and the user's answers become a project on disk.
//! Each step is a function of the previous one's output: the template is
//! loaded, the answers resolved ([`answers`]), platform.yaml built
//! ([`manifest`]), the whole project rendered into a [`Plan`] in memory,
//! and the plan written through a staging directory with its first commit
//! ([`write`]). `--dry-run` prints the same plan instead of writing it.

pub mod answers;
pub mod guide;
pub mod manifest;
pub mod remote;
pub mod write;

use anyhow::{bail, Result};
use std::path::PathBuf;
use std::time::Duration;

use crate::effects::{deadline, git, staging};
use crate::error::InputError;
use crate::manifest::MANIFEST_FILE;
use crate::template::{self, context, paths, Contexts, Engine, Plan, Scope, Template};
use answers::{Answers, Inputs, Prompter};

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
    pub identity: git::IdentityEnv,
    /// GIT_CEILING_DIRECTORIES: where the search for an enclosing
    /// repository stops.
    pub ceilings: Vec<PathBuf>,
    /// `--remote` (and `--push`): `origin` of the new repository.
    pub remote: Option<remote::RemoteRequest>,
}

/// A template with its answers: everything decided but the files.
pub struct Prepared {
    pub template: Template,
    pub engine: Engine,
    pub answers: Answers,
    /// What scaffolded files see: plat's own values and the answers.
    pub context: tera::Context,
}

/// Checks the request's own arguments before any prompt is shown.
pub fn preflight(req: &NewRequest) -> Result<()> {
    if req.git {
        git::check_branch(&req.branch)?;
    }
    let around = git::enclosing(&req.target, &req.ceilings);
    git::refuse_repository_files(&req.target, &around)?;
    if let Some(remote) = &req.remote {
        remote.preflight(req, &around)?;
    }
    if !req.force && staging::target_state(&req.target)? == staging::TargetState::NonEmpty {
        bail!(InputError(not_empty(req)));
    }
    Ok(())
}

fn not_empty(req: &NewRequest) -> String {
    format!(
        "target directory `{}` is not empty; pass --force to write the template's files into it (plat never deletes files), or choose another --output",
        req.target.display()
    )
}

/// Resolves the answers, asking `prompter` (if given) for what is
/// missing.
pub fn prepare(
    inputs: &Inputs,
    template: Template,
    prompter: Option<&mut dyn Prompter>,
) -> Result<Prepared> {
    let engine = Engine::new(&template)?;
    let base = context::base(&template);
    let path_vars = paths::path_variables(&template);
    let answers = answers::resolve(
        &template.definition,
        inputs,
        prompter,
        engine.tera(),
        &base,
        &path_vars,
    )?;
    let mut context = base;
    context.extend(answers.context());
    Ok(Prepared {
        template,
        engine,
        answers,
        context,
    })
}

/// Builds platform.yaml and renders every file of the project, within
/// `render_timeout`: the plan.
pub fn plan(prepared: &Prepared, render_timeout: Duration) -> Result<Plan> {
    deadline::within("rendering the template", render_timeout, || {
        let Prepared {
            template,
            engine,
            answers,
            context,
        } = prepared;
        let manifest = manifest::build(template, answers, engine.tera(), context)?;
        let ctxs = Contexts::new(template, &manifest, context.clone());
        let mut plan = engine.render(template, &ctxs, Scope::Project)?;
        if plan.files.iter().any(|f| f.path == MANIFEST_FILE) {
            bail!(InputError(format!(
                "the template has its own `files/{MANIFEST_FILE}`; plat writes {MANIFEST_FILE} itself from the `manifest:` section of template.yaml, so remove that file and move its content there"
            )));
        }
        let text = crate::manifest::to_yaml(&manifest)?;
        plan.add_generated(MANIFEST_FILE, text.into_bytes())?;
        Ok(plan)
    })
}

/// The commit message of a new project's first commit.
pub fn commit_message(template: &template::Template) -> String {
    let def = &template.definition;
    format!(
        "Initial commit from plat template {} {}\n\nCreated by plat {} from {}.",
        def.name,
        def.version,
        env!("CARGO_PKG_VERSION"),
        template.origin
    )
}
