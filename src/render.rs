//! Rendering a template. [`Renderer::new`] decides, in memory and before
//! anything is written, every path the project will hold (rules, `for_each`,
//! path safety, clashes); [`Renderer::render`] then produces one file's bytes
//! at a time, so a large template never has to be in memory at once. The
//! same renderer serves `new` (streamed into staging), `--dry-run` and drift
//! checks ([`Renderer::plan`], all in memory).

use anyhow::{anyhow, bail, Result};
use globset::GlobSet;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::Arc;
use tera::{Context, Tera};

use crate::engine::{self, MAX_OUTPUT_BYTES};
use crate::error::InputError;
use crate::pathcheck;
use crate::rules::compile_rules;
pub use crate::rules::{glob, RuleGlobs};
use crate::source::Template;

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

#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Relative to the project root, `/`-separated, checked by `pathcheck`.
    pub path: String,
    pub contents: Vec<u8>,
    pub executable: bool,
    pub kind: FileKind,
    /// Re-rendered from platform.yaml by plat; not the developer's to edit.
    pub managed: bool,
}

/// The complete output of a render, in path order.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
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

/// Text every managed file must contain (in a comment, usually through
/// `{{ managed_header }}`), so people and `plat doctor` can tell them apart.
pub const MANAGED_MARKER: &str = "Managed by plat";

/// The two contexts a template renders with.
pub struct Contexts {
    /// Answers, `manifest`, `template`, `plat_version`: scaffolded files.
    pub full: Context,
    /// Only `manifest`, `template`, `plat_version`, `managed_header`:
    /// managed files, whose content must follow from platform.yaml alone.
    pub managed: Context,
}

/// Where an output's bytes come from.
#[derive(Debug, Clone)]
enum Origin {
    /// `template.files[index]`, with the `for_each` item it renders with.
    File {
        index: usize,
        binding: Option<(String, serde_json::Value)>,
    },
    /// Bytes plat produced itself (platform.yaml).
    Generated(Vec<u8>),
}

/// One file the project will hold, before its bytes exist.
#[derive(Debug, Clone)]
pub struct Output {
    /// Relative to the project root, `/`-separated, checked.
    pub path: String,
    pub executable: bool,
    pub managed: bool,
    raw: bool,
    origin: Origin,
}

/// A template with its contexts, and every output decided.
pub struct Renderer {
    tera: Arc<Tera>,
    ctxs: Contexts,
    pub outputs: Vec<Output>,
    globs: Arc<RuleGlobs>,
}

impl Renderer {
    /// Applies the rules and renders and checks every path. Fails before
    /// anything is written if a path is unsafe or two outputs clash.
    pub fn new(template: &Template, ctxs: Contexts) -> Result<Renderer> {
        Renderer::build(template, ctxs, false, None)
    }

    /// Only the managed files, which need nothing but `ctxs.managed`: what
    /// `plat doctor` and `plat sync` compare with the files on disk.
    /// `compiled` (from [`Compiled::of`]) saves parsing them again for
    /// every service.
    pub fn managed(
        template: &Template,
        ctxs: Contexts,
        compiled: Option<&Compiled>,
    ) -> Result<Renderer> {
        Renderer::build(template, ctxs, true, compiled)
    }

    /// Which paths the template's rules say plat manages.
    pub fn managed_globs(&self) -> &GlobSet {
        &self.globs.managed
    }

    fn build(
        template: &Template,
        ctxs: Contexts,
        only_managed: bool,
        compiled: Option<&Compiled>,
    ) -> Result<Renderer> {
        let (tera, globs) = match compiled {
            Some(c) => (c.tera.clone(), c.globs.clone()),
            None => (
                Arc::new(with_partials(template)?),
                Arc::new(RuleGlobs::of(template)?),
            ),
        };
        let rules = compile_rules(template, globs, &tera, &ctxs, only_managed)?;
        let mut outputs = Vec::with_capacity(template.files.len() + 1);
        let mut cache = std::collections::HashMap::new();
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
                let ctx = job_context(&ctxs, managed, binding.as_ref());
                let cache = if binding.is_none() {
                    Some(&mut cache)
                } else {
                    None
                };
                if !rules.keeps(&tera, &file.path, &ctx, cache, managed)? {
                    continue;
                }
                let path = engine::render_str(&tera, &file.path, &ctx)
                    .map_err(|e| anyhow!("file name `files/{}`: {e}", file.path))?;
                if path.split('/').any(str::is_empty) {
                    continue; // a segment rendered empty: skip this path
                }
                if let Err(e) = pathcheck::check_relative(&path) {
                    let vars = path_variables_of(&file.path);
                    bail!(InputError(format!(
                        "file name `files/{}` renders to an unsafe path: {e}{}",
                        file.path,
                        if vars.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " (it uses the variable{} {})",
                                if vars.len() == 1 { "" } else { "s" },
                                vars.join(", ")
                            )
                        }
                    )));
                }
                outputs.push(Output {
                    path,
                    executable: file.executable,
                    managed,
                    raw,
                    origin: Origin::File { index, binding },
                });
            }
        }
        check_paths(&mut outputs, |o| o.path.as_str())?;
        Ok(Renderer {
            tera,
            ctxs,
            outputs,
            globs: rules.globs,
        })
    }

    /// Adds a file plat writes itself, such as platform.yaml.
    pub fn add_generated(&mut self, path: &str, contents: Vec<u8>) -> Result<()> {
        self.outputs.push(Output {
            path: path.to_string(),
            executable: false,
            managed: false,
            raw: true,
            origin: Origin::Generated(contents),
        });
        check_paths(&mut self.outputs, |o| o.path.as_str())
    }

    /// The bytes of `outputs[i]` and how they were made.
    pub fn render(&self, template: &Template, i: usize) -> Result<(Vec<u8>, FileKind)> {
        let out = &self.outputs[i];
        let (index, binding) = match &out.origin {
            Origin::Generated(bytes) => return Ok((bytes.clone(), FileKind::Generated)),
            Origin::File { index, binding } => (*index, binding),
        };
        let file = &template.files[index];
        let bytes = file.bytes()?;
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) if !t.contains('\0') => t,
            _ => return Ok((bytes.into_owned(), FileKind::Binary)),
        };
        if out.raw {
            return Ok((bytes.into_owned(), FileKind::Raw));
        }
        let mut buf = Capped(Vec::with_capacity(text.len() + 64));
        let bound;
        let ctx = match binding {
            None if out.managed => &self.ctxs.managed,
            None => &self.ctxs.full,
            Some(b) => {
                bound = job_context(&self.ctxs, out.managed, Some(b));
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
                engine::describe(&e)
            ))
        })?;
        let contents = buf.0;
        if out.managed && !contains(&contents, MANAGED_MARKER.as_bytes()) {
            bail!(InputError(format!(
                "`files/{}` is managed but does not say so: put `{{{{ managed_header }}}}` in a comment at its top",
                file.path
            )));
        }
        Ok((contents, FileKind::Rendered))
    }

    /// Renders every output into memory.
    pub fn plan(&self, template: &Template) -> Result<Plan> {
        let mut plan = Plan::default();
        for (i, out) in self.outputs.iter().enumerate() {
            let (contents, kind) = self.render(template, i)?;
            plan.files.push(PlannedFile {
                path: out.path.clone(),
                contents,
                executable: out.executable,
                kind,
                managed: out.managed,
            });
        }
        Ok(plan)
    }
}

/// A Tera environment with the template's partials.
fn with_partials(template: &Template) -> Result<Tera> {
    let mut tera = engine::new_tera();
    tera.add_raw_templates(
        template
            .partials
            .iter()
            .map(|(n, c)| (n.as_str(), c.as_str())),
    )
    .map_err(|e| anyhow!("template partials: {}", engine::describe(&e)))?;
    Ok(tera)
}

/// Where a compiled file lives in the Tera environment; partial names
/// never start with `/`.
fn compiled_name(path: &str) -> String {
    format!("//files/{path}")
}

/// What checking many services with one template can share: its rule
/// globs and its managed files, parsed once.
pub struct Compiled {
    tera: Arc<Tera>,
    globs: Arc<RuleGlobs>,
}

impl Compiled {
    /// When a file does not parse, none is pre-parsed: each then renders
    /// on its own and reports its error with the usual context.
    pub fn of(template: &Template) -> Result<Compiled> {
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
        Ok(Compiled {
            tera: Arc::new(tera),
            globs: Arc::new(globs),
        })
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn job_context(
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

fn path_variables_of(path: &str) -> Vec<String> {
    let mut vars = BTreeSet::new();
    variables_in(path, &mut vars);
    vars.into_iter().collect()
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

/// Counts files by kind, for summaries.
pub fn counts(kinds: &[FileKind]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for k in kinds {
        let k = match k {
            FileKind::Rendered => "rendered",
            FileKind::Raw => "raw",
            FileKind::Binary => "binary",
            FileKind::Generated => "generated",
        };
        *out.entry(k).or_default() += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(paths: &[&str]) -> Plan {
        Plan {
            files: paths
                .iter()
                .map(|p| PlannedFile {
                    path: p.to_string(),
                    contents: vec![],
                    executable: false,
                    kind: FileKind::Rendered,
                    managed: false,
                })
                .collect(),
        }
    }

    fn check(paths: &[&str]) -> String {
        let mut p = plan(paths);
        check_paths(&mut p.files, |f| f.path.as_str())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn check_paths_sorts_and_accepts_distinct_paths() {
        let mut p = plan(&["b", "a/b", "a-b", "a/c/d"]);
        check_paths(&mut p.files, |f| f.path.as_str()).unwrap();
        let paths: Vec<_> = p.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a-b", "a/b", "a/c/d", "b"]);
    }

    #[test]
    fn check_paths_rejects_duplicates_and_file_directory_clashes() {
        let err = check(&["a", "b", "a"]);
        assert!(err.contains("same path `a`"), "{err}");
        let err = check(&["a/b", "a/b/c"]);
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
