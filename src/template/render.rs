//! Rendering a template into a [`Plan`]: every file the project will hold
//! (path, bytes, mode, managed or not), decided and rendered in memory
//! before anything touches the disk. One plan serves `new` (written through
//! a staging directory), `--dry-run` and JSON (printed), and drift checks
//! (compared with the disk).

use anyhow::{bail, Result};
use globset::GlobSet;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::sync::Arc;
use tera::{Context, Tera};

use super::context::{Contexts, MANAGED_MARKER};
use super::pathcheck;
use super::rules::{compile_rules, RuleGlobs};
use super::source::Template;
use super::tera_env::{self, MAX_OUTPUT_BYTES};
use crate::error::InputError;

/// Largest whole project a template may render: the plan is held in memory.
pub const MAX_PLAN_BYTES: usize = 256 * 1024 * 1024;

/// How a planned file's contents came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// Rendered with Tera.
    Rendered,
    /// Copied verbatim because a rule says `raw: true`.
    Raw,
    /// Copied verbatim because it is not UTF-8 text.
    Binary,
    /// Written by plat itself (platform.yaml).
    Generated,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Rendered => "rendered",
            FileKind::Raw => "raw",
            FileKind::Binary => "binary",
            FileKind::Generated => "generated",
        }
    }
}

/// One file of a plan.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Relative to the project root, `/`-separated, checked by `pathcheck`.
    pub path: String,
    /// Borrowed from the binary for built-in files copied verbatim.
    pub contents: Cow<'static, [u8]>,
    pub executable: bool,
    pub kind: FileKind,
    /// Re-rendered from platform.yaml by plat; not the developer's to edit.
    pub managed: bool,
}

/// Every file of a rendered project, in path order, every path checked.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
}

impl Plan {
    /// Adds a file plat writes itself, such as platform.yaml.
    pub fn add_generated(&mut self, path: &str, contents: Vec<u8>) -> Result<()> {
        self.files.push(PlannedFile {
            path: path.to_string(),
            contents: Cow::Owned(contents),
            executable: false,
            kind: FileKind::Generated,
            managed: false,
        });
        check_paths(&mut self.files, |f| f.path.as_str())
    }

    /// Files by kind, for summaries.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for f in &self.files {
            *out.entry(f.kind.as_str()).or_default() += 1;
        }
        out
    }
}

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
            let bindings: Vec<Option<(String, serde_json::Value)>> = match rules
                .loops
                .iter()
                .find(|l| rules.globs.per_rule[l.rule].is_match(&file.path))
            {
                Some(l) => l
                    .items
                    .iter()
                    .map(|v| Some((l.bind.clone(), v.clone())))
                    .collect(),
                None => vec![None],
            };
            for binding in bindings {
                let ctx = context_for(ctxs, managed, binding.as_ref());
                let cache = binding.is_none().then_some(&mut cache);
                if !rules.keeps(&self.tera, &file.path, &ctx, cache, managed)? {
                    continue;
                }
                let path = tera_env::render_str(&self.tera, &file.path, &ctx)
                    .map_err(|e| InputError(format!("file name `files/{}`: {e}", file.path)))?;
                if path.split('/').any(str::is_empty) {
                    continue; // a segment rendered empty: skip this path
                }
                check_rendered_path(&file.path, &path)?;
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
                tera_env::describe(&e)
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

/// Sorts `items` by path and checks the whole set: every path safe, no
/// path twice, no path both a file and a directory.
fn check_paths<T>(items: &mut [T], path: impl Fn(&T) -> &str) -> Result<()> {
    items.sort_by(|a, b| path(a).cmp(path(b)));
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    for it in items.iter() {
        let p = path(it);
        pathcheck::check_relative(p)?;
        if !seen.insert(p) {
            bail!(InputError(format!(
                "two template files render to the same path `{p}`"
            )));
        }
    }
    for it in items.iter() {
        let p = path(it);
        let mut end = 0;
        while let Some(i) = p[end..].find('/') {
            end += i;
            if seen.contains(&p[..end]) {
                bail!(InputError(format!(
                    "`{}` is both a file and a directory in the rendered project",
                    &p[..end]
                )));
            }
            end += 1;
        }
    }
    Ok(())
}

/// Refuses a rendered file name that is unsafe, naming the variables the
/// name uses.
fn check_rendered_path(source: &str, rendered: &str) -> Result<()> {
    let Err(e) = pathcheck::check_relative(rendered) else {
        return Ok(());
    };
    let mut vars = BTreeSet::new();
    variables_in(source, &mut vars);
    let uses = match vars.len() {
        0 => String::new(),
        1 => format!(
            " (it uses the variable {})",
            vars.into_iter().collect::<Vec<_>>()[0]
        ),
        _ => format!(
            " (it uses the variables {})",
            vars.into_iter().collect::<Vec<_>>().join(", ")
        ),
    };
    bail!(InputError(format!(
        "file name `files/{source}` renders to an unsafe path: {e}{uses}"
    )))
}

/// Variables used in file and directory names, whose values must be safe
/// as paths.
pub fn path_variables(template: &Template) -> BTreeSet<String> {
    let mut vars = BTreeSet::new();
    for f in &template.files {
        variables_in(&f.path, &mut vars);
    }
    vars
}

/// The variables named at the start of each `{{ }}` in `text`.
fn variables_in(text: &str, vars: &mut BTreeSet<String>) {
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        rest = &rest[start + 2..];
        let end = rest.find("}}").unwrap_or(rest.len());
        let ident: String = rest[..end]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !ident.is_empty() {
            vars.insert(ident);
        }
        rest = &rest[end..];
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(paths: &[&str]) -> Result<Vec<String>> {
        let mut p: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        check_paths(&mut p, |f| f.as_str())?;
        Ok(p)
    }

    #[test]
    fn check_paths_sorts_and_accepts_distinct_paths() {
        let paths = check(&["b", "a/b", "a-b", "a/c/d"]).unwrap();
        assert_eq!(paths, ["a-b", "a/b", "a/c/d", "b"]);
    }

    #[test]
    fn check_paths_rejects_duplicates_and_file_directory_clashes() {
        let err = check(&["a", "b", "a"]).unwrap_err().to_string();
        assert!(err.contains("same path `a`"), "{err}");
        let err = check(&["a/b", "a/b/c"]).unwrap_err().to_string();
        assert!(
            err.contains("`a/b` is both a file and a directory"),
            "{err}"
        );
    }

    #[test]
    fn path_variables_are_found_in_names() {
        let mut vars = BTreeSet::new();
        variables_in("src/{{ module }}/{{name|snake_case}}.rs", &mut vars);
        assert_eq!(vars.into_iter().collect::<Vec<_>>(), ["module", "name"]);
    }
}
