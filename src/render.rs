//! Rendering a template into a [`Plan`]: every path and byte the project will
//! hold, computed in memory. Nothing here touches the disk, so the same plan
//! serves `new`, `--dry-run` and later drift checks.

use anyhow::{anyhow, bail, Context as _, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use tera::{Context, Tera};

use crate::engine::{self, MAX_OUTPUT_BYTES};
use crate::pathcheck;
use crate::source::{SourceFile, Template};

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
}

/// The complete output of a render, in path order.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
}

impl Plan {
    /// Sorts the files and checks the whole set: every path safe, no path
    /// twice, no path both a file and a directory.
    pub fn finish(&mut self) -> Result<()> {
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut seen = std::collections::HashSet::with_capacity(self.files.len());
        for f in &self.files {
            pathcheck::check_relative(&f.path)?;
            if !seen.insert(f.path.as_str()) {
                bail!("two template files render to the same path `{}`", f.path);
            }
        }
        for f in &self.files {
            let mut end = 0;
            while let Some(i) = f.path[end..].find('/') {
                end += i;
                if seen.contains(&f.path[..end]) {
                    bail!(
                        "`{}` is both a file and a directory in the rendered project",
                        &f.path[..end]
                    );
                }
                end += 1;
            }
        }
        Ok(())
    }
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

struct CompiledRules {
    dropped: GlobSet,
    raw: GlobSet,
}

fn compile_rules(template: &Template, tera: &Tera, ctx: &Context) -> Result<CompiledRules> {
    let mut dropped = GlobSetBuilder::new();
    let mut raw = GlobSetBuilder::new();
    for (i, rule) in template.definition.rules.iter().enumerate() {
        let include = match &rule.include_if {
            Some(e) => engine::eval_bool(tera, e, ctx)
                .with_context(|| format!("template.yaml `rules[{i}].include_if`"))?,
            None => true,
        };
        let exclude = match &rule.exclude_if {
            Some(e) => engine::eval_bool(tera, e, ctx)
                .with_context(|| format!("template.yaml `rules[{i}].exclude_if`"))?,
            None => false,
        };
        let keep = include && !exclude;
        for p in &rule.paths {
            let glob = Glob::new(p).with_context(|| format!("template.yaml `rules[{i}]`"))?;
            if !keep {
                dropped.add(glob.clone());
            }
            if rule.raw {
                raw.add(glob);
            }
        }
    }
    Ok(CompiledRules {
        dropped: dropped.build()?,
        raw: raw.build()?,
    })
}

/// Renders `template` with `ctx` (the answers) into a plan.
pub fn render(template: &Template, ctx: &Context) -> Result<Plan> {
    let mut tera = engine::new_tera();
    let rules = compile_rules(template, &tera, ctx)?;

    // Decide each file's fate and target path first.
    let mut jobs: Vec<(&SourceFile, String, FileKind)> = Vec::new();
    for file in &template.files {
        if rules.dropped.is_match(&file.path) {
            continue;
        }
        let path = engine::render_str(&tera, &file.path, ctx)
            .map_err(|e| anyhow!("file name `files/{}`: {e}", file.path))?;
        if path.split('/').any(str::is_empty) {
            continue; // a segment rendered empty: skip this path
        }
        if let Err(e) = pathcheck::check_relative(&path) {
            let vars = path_variables_of(&file.path);
            bail!(crate::error::InputError(format!(
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
        let kind = if std::str::from_utf8(&file.contents).is_err() || file.contents.contains(&0) {
            FileKind::Binary
        } else if rules.raw.is_match(&file.path) {
            FileKind::Raw
        } else {
            FileKind::Rendered
        };
        jobs.push((file, path, kind));
    }

    // Register every rendered file so templates may include each other.
    tera.add_raw_templates(
        jobs.iter()
            .filter(|j| j.2 == FileKind::Rendered)
            .map(|(f, _, _)| {
                (
                    f.path.as_str(),
                    std::str::from_utf8(&f.contents).unwrap_or_default(),
                )
            }),
    )
    .map_err(|e| anyhow!("template syntax error: {}", engine::describe(&e)))?;

    let rendered = render_all(&tera, &jobs, ctx)?;
    let mut plan = Plan::default();
    for ((file, path, kind), contents) in jobs.into_iter().zip(rendered) {
        plan.files.push(PlannedFile {
            path,
            contents: contents.unwrap_or_else(|| file.contents.clone()),
            executable: file.executable,
            kind,
        });
    }
    plan.finish()?;
    Ok(plan)
}

/// Renders the Tera files, using both cores when there are many.
fn render_all(
    tera: &Tera,
    jobs: &[(&SourceFile, String, FileKind)],
    ctx: &Context,
) -> Result<Vec<Option<Vec<u8>>>> {
    let one = |job: &(&SourceFile, String, FileKind)| -> Result<Option<Vec<u8>>> {
        if job.2 != FileKind::Rendered {
            return Ok(None);
        }
        let mut out = Capped(Vec::with_capacity(job.0.contents.len() + 64));
        tera.render_to(&job.0.path, ctx, &mut out)
            .map_err(|e| anyhow!("rendering `files/{}`: {}", job.0.path, engine::describe(&e)))?;
        Ok(Some(out.0))
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    if jobs.len() < 64 || threads < 2 {
        return jobs.iter().map(one).collect();
    }
    let chunk = jobs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Result<Vec<_>>>()))
            .collect();
        let mut out = Vec::with_capacity(jobs.len());
        for h in handles {
            out.extend(h.join().map_err(|_| anyhow!("a render thread failed"))??);
        }
        Ok(out)
    })
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

/// Renders every string of a template's `manifest:` section. A string that
/// is exactly one variable (`"{{ port }}"`) takes that variable's typed value.
pub fn render_value(
    value: &serde_yaml::Value,
    tera: &Tera,
    ctx: &Context,
    answers: &serde_json::Map<String, serde_json::Value>,
    at: &str,
) -> Result<serde_yaml::Value> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::String(s) => {
            let trimmed = s.trim();
            if let Some(inner) = trimmed
                .strip_prefix("{{")
                .and_then(|r| r.strip_suffix("}}"))
            {
                if let Some(v) = answers.get(inner.trim()) {
                    return serde_yaml::to_value(v).map_err(|e| anyhow!("{at}: {e}"));
                }
            }
            Y::String(engine::render_str(tera, s, ctx).map_err(|e| anyhow!("{at}: {e}"))?)
        }
        Y::Sequence(items) => Y::Sequence(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| render_value(v, tera, ctx, answers, &format!("{at}[{i}]")))
                .collect::<Result<_>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_yaml::Mapping::new();
            for (k, v) in map {
                let key = k.as_str().map(str::to_string).unwrap_or_default();
                out.insert(
                    k.clone(),
                    render_value(v, tera, ctx, answers, &format!("{at}.{key}"))?,
                );
            }
            Y::Mapping(out)
        }
        Y::Tagged(t) => render_value(&t.value, tera, ctx, answers, at)?,
        other => other.clone(),
    })
}

/// Counts planned files by kind, for summaries.
pub fn counts(plan: &Plan) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for f in &plan.files {
        let k = match f.kind {
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
                })
                .collect(),
        }
    }

    #[test]
    fn finish_sorts_and_accepts_distinct_paths() {
        let mut p = plan(&["b", "a/b", "a-b", "a/c/d"]);
        p.finish().unwrap();
        let paths: Vec<_> = p.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a-b", "a/b", "a/c/d", "b"]);
    }

    #[test]
    fn finish_rejects_duplicates_and_file_directory_clashes() {
        let err = plan(&["a", "b", "a"]).finish().unwrap_err().to_string();
        assert!(err.contains("same path `a`"), "{err}");
        let err = plan(&["a/b", "a/b/c"]).finish().unwrap_err().to_string();
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
