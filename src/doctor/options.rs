//! What every check of a run shares: the policy, the template cache and
//! the values the rim passed in.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::policy::Policy;
use crate::template::source::Sources;
use crate::template::spec::Spec;
use crate::template::{Engine, Template};
use crate::util::date::Date;

/// Loaded templates, shared by the services of one run.
#[derive(Default)]
pub struct Templates {
    loaded: Mutex<HashMap<String, Loaded>>,
}

/// A template ready to render, or why it could not be loaded.
pub type Loaded = Arc<Result<LoadedTemplate, String>>;

pub struct LoadedTemplate {
    pub template: Template,
    /// Its managed files parsed once for every service that uses it.
    pub engine: Engine,
}

impl Templates {
    /// Loads `spec` once per run; services that share a template share
    /// the work.
    pub fn get(&self, spec: &Spec, sources: &Sources) -> Loaded {
        let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        loaded
            .entry(format!("{spec:?}"))
            .or_insert_with(|| {
                let load = || -> anyhow::Result<LoadedTemplate> {
                    let template = sources.load(spec)?;
                    let engine = Engine::precompiled(&template)?;
                    Ok(LoadedTemplate { template, engine })
                };
                Arc::new(load().map_err(|e| format!("{e:#}")))
            })
            .clone()
    }
}

/// What every check in a run shares.
pub struct Options {
    pub policy: Policy,
    /// Render managed files with this template instead of the recorded one.
    pub template: Option<Spec>,
    /// Aliases, the git cache and the network, for loading templates.
    pub sources: Sources,
    pub templates: Templates,
    /// For suppression expiry.
    pub today: Date,
    /// GIT_CEILING_DIRECTORIES, for finding each service's repository.
    pub ceilings: Vec<PathBuf>,
}
