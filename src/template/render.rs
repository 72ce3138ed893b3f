//! Rendering a template into a [`Plan`]: the [`Engine`] (a template's Tera
//! environment and rule globs, built once) decides every output path and
//! checks the whole set before any content is rendered, then renders each
//! file within the size caps. [`Engine::survey`] renders each file on its
//! own instead, for `plat template lint`.

mod survey;

use anyhow::{bail, Result};
use globset::GlobSet;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use tera::{Context, Tera};

use super::context::{Contexts, MANAGED_MARKER};
use super::paths::{check_paths, render_path, render_renamed};
use super::plan::{FileKind, Plan, PlannedFile};
use super::rules::{compile_rules, RuleGlobs};
use super::source::Template;
use super::tera_env::{self, MAX_OUTPUT_BYTES};
use crate::error::InputError;
pub use survey::{Outcome, Surveyed};

/// Largest whole project a template may render: the plan is held in memory.
pub const MAX_PLAN_BYTES: usize = 256 * 1024 * 1024;

/// Which files to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every file: a new project.
    Project,
    /// Only the managed files, which need nothing but platform.yaml.
    Managed,
}

/// A template's Tera environment (its partials, and for repeated renders
/// its managed files parsed once) and its rule globs: built once per
/// template per run, shared by every render and expression.
pub struct Engine {
    tera: Arc<Tera>,
    globs: Arc<RuleGlobs>,
}

impl Engine {
    /// For one render; [`Engine::precompiled`] suits many.
    pub fn new(template: &Template) -> Result<Engine> {
        Ok(Engine {
            tera: Arc::new(with_partials(template)?),
            globs: Arc::new(RuleGlobs::of(template)?),
        })
    }

    /// Also parses the managed files up front, for rendering them for many
    /// services. When one does not parse, none is pre-parsed: each then
    /// renders on its own and reports its error with the usual context.
    pub fn precompiled(template: &Template) -> Result<Engine> {
        let globs = RuleGlobs::of(template)?;
        let mut texts = Vec::new();
        for f in &template.files {
            if !globs.managed.is_match(&f.path) || globs.raw.is_match(&f.path) {
                continue;
            }
            let Ok(bytes) = f.bytes() else { continue };
            if let Ok(t) = String::from_utf8(bytes.into_owned()) {
                if !t.contains('\0') {
                    texts.push((compiled_name(&f.path), t));
                }
            }
        }
        let mut tera = with_partials(template)?;
        if tera.add_raw_templates(texts).is_err() {
            tera = with_partials(template)?;
        }
        Ok(Engine {
            tera: Arc::new(tera),
            globs: Arc::new(globs),
        })
    }

    /// For expressions outside files: defaults, `when`, manifest values.
    pub fn tera(&self) -> &Tera {
        &self.tera
    }

    /// Which paths the template's rules say plat manages.
    pub fn managed_globs(&self) -> &GlobSet {
        &self.globs.managed
    }

    /// Renders `scope` of `template`. Every path is decided and checked
    /// before any content is rendered.
    pub fn render(&self, template: &Template, ctxs: &Contexts, scope: Scope) -> Result<Plan> {
        let mut outputs = self.outputs(template, ctxs, scope)?;
        check_paths(&mut outputs, |o| o.path.as_str())?;
        let mut plan = Plan {
            files: Vec::with_capacity(outputs.len() + 1),
        };
        let mut total = 0usize;
        for out in outputs {
            let (contents, kind) = self.contents(template, ctxs, &out)?;
            total += contents.len();
            if total > MAX_PLAN_BYTES {
                bail!(InputError(format!(
                    "the rendered project is larger than {} MiB; does the template loop without end?",
                    MAX_PLAN_BYTES / (1024 * 1024)
                )));
            }
            plan.files.push(PlannedFile {
                path: out.path,
                contents,
                executable: template.files[out.index].executable,
                kind,
                managed: out.managed,
            });
        }
        Ok(plan)
    }

    /// Applies the rules and renders every path.
    fn outputs(&self, template: &Template, ctxs: &Contexts, scope: Scope) -> Result<Vec<Output>> {
        let only_managed = scope == Scope::Managed;
        let rules = compile_rules(
            template,
            Arc::clone(&self.globs),
            &self.tera,
            ctxs,
            only_managed,
        )?;
        let mut outputs = Vec::with_capacity(template.files.len());
        let mut cache = HashMap::new();
        for (index, file) in template.files.iter().enumerate() {
            let managed = rules.globs.managed.is_match(&file.path);
            if only_managed && !managed {
                continue;
            }
            let raw = rules.globs.raw.is_match(&file.path);
            for binding in rules.bindings(&file.path) {
                let ctx = context_for(ctxs, managed, binding.as_ref());
                let cache = binding.is_none().then_some(&mut cache);
                if !rules.keeps(&self.tera, &file.path, &ctx, cache, managed)? {
                    continue;
                }
                let Some(path) = self.output_path(&file.path, &ctx)? else {
                    continue;
                };
                outputs.push(Output {
                    path,
                    index,
                    managed,
                    raw,
                    binding,
                });
            }
        }
        Ok(outputs)
    }

    /// The rendered name of the source file at `source`, checked; none
    /// when a segment renders empty, which leaves the file out.
    fn output_path(&self, source: &str, ctx: &Context) -> Result<Option<String>> {
        render_path(
            &self.tera,
            source,
            ctx,
            &format_args!("file name `files/{source}`"),
        )
    }

    /// The template's `renamed:` entries as `(from, to)` output paths,
    /// rendered as its scaffolded file names are.
    pub fn renamed(&self, template: &Template, ctxs: &Contexts) -> Result<Vec<(String, String)>> {
        render_renamed(&self.tera, &template.definition.renamed, &ctxs.full)
    }

    /// The bytes of one output and how they were made.
    fn contents(
        &self,
        template: &Template,
        ctxs: &Contexts,
        out: &Output,
    ) -> Result<(Cow<'static, [u8]>, FileKind)> {
        let file = &template.files[out.index];
        let bytes = file.bytes()?;
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) if !t.contains('\0') => t,
            _ => return Ok((bytes, FileKind::Binary)),
        };
        if out.raw {
            return Ok((bytes, FileKind::Raw));
        }
        let mut buf = Capped(Vec::with_capacity(text.len() + 64));
        let bound;
        let ctx = match &out.binding {
            None if out.managed => &ctxs.managed,
            None => &ctxs.full,
            Some(b) => {
                bound = context_for(ctxs, out.managed, Some(b));
                &bound
            }
        };
        let name = compiled_name(&file.path);
        let result = if self.tera.contains_template(&name) {
            self.tera.render_to(&name, ctx, &mut buf)
        } else {
            self.tera.render_str_to(text, ctx, false, &mut buf)
        };
        result.map_err(|e| {
            InputError(format!(
                "rendering `files/{}`: {}",
                file.path,
                tera_env::describe_as(&e, &format!("files/{}", file.path))
            ))
        })?;
        let contents = buf.0;
        if out.managed && !contains(&contents, MANAGED_MARKER.as_bytes()) {
            bail!(InputError(format!(
                "`files/{}` is managed but does not say so: put `{{{{ managed_header }}}}` in a comment at its top",
                file.path
            )));
        }
        Ok((Cow::Owned(contents), FileKind::Rendered))
    }
}

/// One file the project will hold, before its bytes exist.
struct Output {
    path: String,
    /// Into `template.files`.
    index: usize,
    managed: bool,
    raw: bool,
    /// The `for_each` item it renders with.
    binding: Option<(String, serde_json::Value)>,
}

/// A Tera environment with the template's partials.
fn with_partials(template: &Template) -> Result<Tera> {
    let mut tera = tera_env::new_tera();
    tera.add_raw_templates(
        template
            .partials
            .iter()
            .map(|(n, c)| (n.as_str(), c.as_str())),
    )
    .map_err(|e| InputError(format!("template partials: {}", tera_env::describe(&e))))?;
    Ok(tera)
}

/// Where a compiled file lives in the Tera environment; partial names
/// never start with `/`.
fn compiled_name(path: &str) -> String {
    format!("//files/{path}")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn context_for(
    ctxs: &Contexts,
    managed: bool,
    binding: Option<&(String, serde_json::Value)>,
) -> Context {
    let mut ctx = if managed {
        ctxs.managed.clone()
    } else {
        ctxs.full.clone()
    };
    if let Some((name, value)) = binding {
        ctx.insert(name.clone(), value);
    }
    ctx
}

/// A writer that refuses to grow past [`MAX_OUTPUT_BYTES`], so a template
/// looping over huge ranges fails instead of exhausting memory.
struct Capped(Vec<u8>);

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_OUTPUT_BYTES {
            return Err(std::io::Error::other(format!(
                "output is larger than {} MiB; does the template loop without end?",
                MAX_OUTPUT_BYTES / (1024 * 1024)
            )));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
