//! A template's rules: which files it holds (`include_if`, `exclude_if`),
//! which it copies verbatim (`raw`), which plat manages (`managed`) and
//! which it repeats per item (`for_each`). Globs depend on the template
//! alone and are built once; conditions and items depend on the answers.

use anyhow::{bail, Context as _, Result};
use globset::{GlobSet, GlobSetBuilder};
use std::sync::Arc;
use tera::{Context, Tera};

use super::context::Contexts;
use super::source::Template;
use super::tera_env;
use crate::error::InputError;
use crate::util::glob::glob;

/// A `for_each` rule with its items, evaluated for one render.
struct Loop {
    rule: usize,
    bind: String,
    items: Vec<serde_json::Value>,
}

/// A rule's `include_if`/`exclude_if`, decided per output file: a file
/// copied by `for_each` sees its item, so conditions may use it.
struct Condition {
    rule: usize,
    include_if: Option<String>,
    exclude_if: Option<String>,
}

/// The globs of a template's rules, which depend on the template alone.
pub struct RuleGlobs {
    pub(crate) per_rule: Vec<GlobSet>,
    pub(crate) raw: GlobSet,
    /// Which paths the template's rules say plat manages.
    pub managed: GlobSet,
}

impl RuleGlobs {
    /// Compiles every rule's globs once; a bad glob names its rule.
    pub fn of(template: &Template) -> Result<RuleGlobs> {
        let mut per_rule = Vec::with_capacity(template.definition.rules.len());
        let mut raw = GlobSetBuilder::new();
        let mut managed = GlobSetBuilder::new();
        for (i, rule) in template.definition.rules.iter().enumerate() {
            let mut globs = GlobSetBuilder::new();
            for p in &rule.paths {
                let glob = glob(p).with_context(|| format!("template.yaml `rules[{i}]`"))?;
                if rule.raw {
                    raw.add(glob.clone());
                }
                if rule.managed {
                    managed.add(glob.clone());
                }
                globs.add(glob);
            }
            per_rule.push(globs.build()?);
        }
        Ok(RuleGlobs {
            per_rule,
            raw: raw.build()?,
            managed: managed.build()?,
        })
    }
}

/// A template's rules for one render: the globs, with the conditions
/// and the `for_each` items that depend on the answers.
pub(crate) struct CompiledRules {
    pub(crate) globs: Arc<RuleGlobs>,
    conditions: Vec<Condition>,
    loops: Vec<Loop>,
}

/// Evaluates every `for_each` with the context its files render with.
/// With `only_managed`, only managed rules are evaluated: the others may
/// need answers, which a re-render from platform.yaml does not have.
pub(crate) fn compile_rules(
    template: &Template,
    globs: Arc<RuleGlobs>,
    tera: &Tera,
    ctxs: &Contexts,
    only_managed: bool,
) -> Result<CompiledRules> {
    let mut conditions = Vec::new();
    let mut loops = Vec::new();
    for (i, rule) in template.definition.rules.iter().enumerate() {
        if rule.include_if.is_some() || rule.exclude_if.is_some() {
            conditions.push(Condition {
                rule: i,
                include_if: rule.include_if.clone(),
                exclude_if: rule.exclude_if.clone(),
            });
        }
        if let Some(expr) = rule
            .for_each
            .as_ref()
            .filter(|_| rule.managed || !only_managed)
        {
            let ctx = if rule.managed {
                &ctxs.managed
            } else {
                &ctxs.full
            };
            let items = match tera_env::eval_value(tera, expr, ctx)
                .with_context(|| format!("template.yaml `rules[{i}].for_each`"))?
            {
                serde_json::Value::Array(items) => items,
                serde_json::Value::Null => Vec::new(),
                other => bail!(InputError(format!(
                    "template.yaml `rules[{i}].for_each`: `{expr}` must give a list, not `{other}`"
                ))),
            };
            loops.push(Loop {
                rule: i,
                bind: rule.bind.clone().unwrap_or_else(|| "item".to_string()),
                items,
            });
        }
    }
    Ok(CompiledRules {
        globs,
        conditions,
        loops,
    })
}

impl CompiledRules {
    /// What the file at `path` renders with: once per item of the first
    /// `for_each` rule matching it, bound to the rule's name, or once with
    /// nothing bound.
    pub(crate) fn bindings(&self, path: &str) -> Vec<Option<(String, serde_json::Value)>> {
        let looping = self
            .loops
            .iter()
            .find(|l| self.globs.per_rule[l.rule].is_match(path));
        match looping {
            Some(l) => l
                .items
                .iter()
                .map(|v| Some((l.bind.clone(), v.clone())))
                .collect(),
            None => vec![None],
        }
    }

    /// Whether `path` is kept when rendered with `ctx`. Results for files
    /// outside any `for_each` are cached per rule (`cache`), so a large
    /// template evaluates each condition once.
    pub(crate) fn keeps(
        &self,
        tera: &Tera,
        path: &str,
        ctx: &Context,
        cache: Option<&mut std::collections::HashMap<(usize, bool), bool>>,
        managed: bool,
    ) -> Result<bool> {
        let mut cache = cache;
        for c in self
            .conditions
            .iter()
            .filter(|c| self.globs.per_rule[c.rule].is_match(path))
        {
            if let Some(known) = cache.as_ref().and_then(|m| m.get(&(c.rule, managed))) {
                if !known {
                    return Ok(false);
                }
                continue;
            }
            let include = match &c.include_if {
                Some(e) => tera_env::eval_bool(tera, e, ctx)
                    .with_context(|| format!("template.yaml `rules[{}].include_if`", c.rule))?,
                None => true,
            };
            let exclude = match &c.exclude_if {
                Some(e) => tera_env::eval_bool(tera, e, ctx)
                    .with_context(|| format!("template.yaml `rules[{}].exclude_if`", c.rule))?,
                None => false,
            };
            let keep = include && !exclude;
            if let Some(m) = cache.as_mut() {
                m.insert((c.rule, managed), keep);
            }
            if !keep {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
