//! The platform.yaml of a new project: the template's `manifest:` section
//! rendered with the answers, plus the name and the provenance (template,
//! version, answers), checked through the manifest's own types.

use anyhow::{anyhow, bail, Result};
use serde_yaml::{Mapping, Value as Y};
use tera::{Context, Tera};

use super::answers::Answers;
use crate::error::InputError;
use crate::manifest;
use crate::template::{tera_env, Template, NAME_VAR};

/// Builds platform.yaml from the template's `manifest:` section, the name
/// and the provenance, through the manifest's own types.
pub fn build(
    template: &Template,
    answers: &Answers,
    tera: &Tera,
    ctx: &Context,
) -> Result<manifest::Manifest> {
    let def = &template.definition;
    let mut doc = section(template, tera, ctx)?;
    let name = answers
        .values
        .get(NAME_VAR)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let metadata = doc
        .entry(Y::from("metadata"))
        .or_insert_with(|| Y::Mapping(Mapping::new()));
    if let Y::Mapping(m) = metadata {
        m.insert(Y::from("name"), Y::from(name));
    }
    doc.insert(Y::from("apiVersion"), Y::from(manifest::API_VERSION));
    doc.insert(Y::from("kind"), Y::from("Service"));
    doc.insert(Y::from("template"), provenance(template, answers)?);
    let m = manifest::from_value(Y::Mapping(doc)).map_err(|problems| {
        InputError(format!(
            "template `{}` produces an invalid {}; fix the `manifest:` section of its template.yaml (or the answers it uses):\n{}",
            def.name,
            manifest::MANIFEST_FILE,
            crate::error::bullets(&problems)
        ))
    })?;
    Ok(m)
}

/// The template's `manifest:` section rendered, which must be a mapping;
/// none is an empty one.
fn section(template: &Template, tera: &Tera, ctx: &Context) -> Result<Mapping> {
    let def = &template.definition;
    let section = match &def.manifest {
        Some(v) => render_value(v, tera, ctx, "manifest")?,
        None => Y::Mapping(Mapping::new()),
    };
    let Y::Mapping(doc) = section else {
        bail!(InputError(format!(
            "template `{}`: `manifest:` in template.yaml must be a mapping",
            def.name
        )));
    };
    Ok(doc)
}

/// `template:` of platform.yaml: where the project came from and the
/// answers that may be recorded, so `plat sync` can render it again.
fn provenance(template: &Template, answers: &Answers) -> Result<Y> {
    let def = &template.definition;
    let mut provenance = template.origin.provenance();
    provenance.insert("name".into(), def.name.clone().into());
    provenance.insert("version".into(), def.version.clone().into());
    provenance.insert(
        "answers".into(),
        serde_json::to_value(answers.recordable())?,
    );
    if !template.parents.is_empty() {
        provenance.insert("extends".into(), serde_json::to_value(&template.parents)?);
    }
    serde_yaml::to_value(provenance).map_err(|e| anyhow!("{e}"))
}

/// Renders every string of a template's `manifest:` section. A string that
/// is exactly one expression (`"{{ port }}"`, `"{{ envs }}"`) takes the
/// expression's typed value: a number, a boolean, a list, a mapping.
fn render_value(value: &Y, tera: &Tera, ctx: &Context, at: &str) -> Result<Y> {
    Ok(match value {
        Y::String(s) => render_string(s, tera, ctx, at)?,
        Y::Sequence(items) => Y::Sequence(render_sequence(items, tera, ctx, at)?),
        Y::Mapping(map) => {
            let mut out = Mapping::new();
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

fn render_string(s: &str, tera: &Tera, ctx: &Context, at: &str) -> Result<Y> {
    let trimmed = s.trim();
    let whole = trimmed
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .filter(|inner| !inner.contains("{{") && !inner.contains("}}"));
    if let Some(inner) = whole {
        let v =
            tera_env::eval_value(tera, inner, ctx).map_err(|e| InputError(format!("{at}: {e}")))?;
        return Ok(serde_yaml::to_value(v).map_err(|e| InputError(format!("{at}: {e}")))?);
    }
    Ok(Y::String(
        tera_env::render_str(tera, s, ctx).map_err(|e| InputError(format!("{at}: {e}")))?,
    ))
}

/// Renders each item; a conditional item is kept, as its `then`, only
/// when its `if` holds.
fn render_sequence(items: &[Y], tera: &Tera, ctx: &Context, at: &str) -> Result<Vec<Y>> {
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        let at = format!("{at}[{i}]");
        match conditional_item(v) {
            Some((cond, then)) => {
                if tera_env::eval_bool(tera, cond, ctx)
                    .map_err(|e| InputError(format!("{at}.if: {e}")))?
                {
                    out.push(render_value(then, tera, ctx, &format!("{at}.then"))?);
                }
            }
            None => out.push(render_value(v, tera, ctx, &at)?),
        }
    }
    Ok(out)
}

/// A list item `{if: EXPR, then: VALUE}`: VALUE when EXPR is true, else
/// nothing.
fn conditional_item(v: &Y) -> Option<(&str, &Y)> {
    let map = v.as_mapping()?;
    if map.len() != 2 {
        return None;
    }
    let cond = map.get("if")?.as_str()?;
    Some((cond, map.get("then")?))
}
