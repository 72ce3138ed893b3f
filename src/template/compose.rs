//! `extends:`: a template built on another. The parent comes first and the
//! child adds to it: variables (the child may add its own and narrow the
//! parent's, never change their type), files (the union; a file both write
//! is an error unless the child lists it in `overrides:`), partials (the
//! child's shadow the parent's), rules (concatenated, so a rule that drops
//! a path wins), `manifest:` (deep-merged, lists replaced), renames and
//! `next_steps:` (the child's, else the parent's).
//! Every safety rule and render limit applies to the composed template as
//! to any other.

use anyhow::{bail, Result};
use serde_yaml::Value;

use super::definition::{Definition, VarType, Variable};
use super::source::Template;
use crate::error::InputError;

/// Parents a chain may have at most: a child, its parent, and three more.
pub const MAX_DEPTH: usize = 4;

/// `child` on top of `parent`; `chain` names the templates for messages.
pub fn compose(parent: Template, child: Template, chain: &str) -> Result<Template> {
    let mut problems = Vec::new();
    let def = definition(&parent.definition, &child.definition, chain, &mut problems);
    let files = files(&parent, &child, chain, &mut problems);
    if !problems.is_empty() {
        bail!(InputError(format!(
            "template `{}` cannot extend `{}` ({chain}):\n{}",
            child.definition.name,
            parent.definition.name,
            crate::error::bullets(&problems)
        )));
    }
    let mut partials = parent.partials;
    for (path, text) in child.partials {
        partials.retain(|(p, _)| *p != path);
        partials.push((path, text));
    }
    let names = def.name_problems();
    if !names.is_empty() {
        bail!(InputError(format!(
            "template `{}` ({chain}) is not valid once composed:\n{}",
            child.definition.name,
            crate::error::bullets(&names)
        )));
    }
    Ok(Template {
        origin: child.origin,
        definition: def,
        files,
        partials,
        parents: {
            let mut p = vec![super::source::parent_ref(
                &parent.origin,
                &parent.definition,
            )];
            p.extend(parent.parents);
            p
        },
    })
}

fn definition(
    parent: &Definition,
    child: &Definition,
    chain: &str,
    problems: &mut Vec<String>,
) -> Definition {
    let mut variables = parent.variables.clone();
    for v in &child.variables {
        match variables.iter_mut().find(|p| p.name == v.name) {
            Some(p) => narrow(p, v, problems),
            None => variables.push(v.clone()),
        }
    }
    let _ = chain;
    let mut rules = parent.rules.clone();
    rules.extend(child.rules.iter().cloned());
    let mut renamed = parent.renamed.clone();
    renamed.extend(child.renamed.iter().cloned());
    let manifest = match (&parent.manifest, &child.manifest) {
        (Some(p), Some(c)) => Some(deep_merge(p.clone(), c.clone())),
        (p, c) => c.clone().or_else(|| p.clone()),
    };
    Definition {
        name: child.name.clone(),
        description: if child.description.is_empty() {
            parent.description.clone()
        } else {
            child.description.clone()
        },
        version: child.version.clone(),
        variables,
        rules,
        manifest,
        renamed,
        extends: None,
        overrides: Vec::new(),
        next_steps: if child.next_steps.is_empty() {
            parent.next_steps.clone()
        } else {
            child.next_steps.clone()
        },
    }
}

/// The parent's variable `p` narrowed by the child's `c`: same type; a
/// default, help or `when` of the child's own; choices a subset; a range
/// inside the parent's; a pattern that must hold as well as the parent's.
fn narrow(p: &mut Variable, c: &Variable, problems: &mut Vec<String>) {
    if c.name == super::definition::NAME_VAR
        && c.kind == VarType::String
        && c.pattern.is_none()
        && c.default.is_none()
    {
        return; // the `name` every definition has
    }
    let at = format!("variable `{}`", c.name);
    if c.kind != p.kind {
        problems.push(format!(
            "{at}: the parent asks for a {}, the child for a {}; a child may narrow a variable, never change its type",
            p.kind.as_str(),
            c.kind.as_str()
        ));
        return;
    }
    if !c.choices.is_empty() {
        let extra: Vec<&String> = c
            .choices
            .iter()
            .filter(|x| !p.choices.contains(x))
            .collect();
        if !extra.is_empty() {
            problems.push(format!(
                "{at}: choices {} are not among the parent's ({}); a child may only leave choices out",
                extra.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", "),
                p.choices.join(", ")
            ));
        } else {
            p.choices = c.choices.clone();
        }
    }
    match (p.min, c.min) {
        (Some(lo), Some(n)) if n < lo => {
            problems.push(format!("{at}: min {n} is below the parent's {lo}"))
        }
        (_, Some(n)) => p.min = Some(n),
        _ => {}
    }
    match (p.max, c.max) {
        (Some(hi), Some(n)) if n > hi => {
            problems.push(format!("{at}: max {n} is above the parent's {hi}"))
        }
        (_, Some(n)) => p.max = Some(n),
        _ => {}
    }
    if let Some(pattern) = &c.pattern {
        if let Some(old) = p.pattern.replace(pattern.clone()) {
            p.inherited_patterns.push(old);
        }
    }
    if c.default.is_some() {
        p.default = c.default.clone();
    }
    if !c.help.is_empty() {
        p.help = c.help.clone();
    }
    if c.when.is_some() {
        p.when = c.when.clone();
    }
    p.secret |= c.secret;
}

/// The union of both templates' files; a path both have is the child's
/// only when `overrides:` names it.
fn files(
    parent: &Template,
    child: &Template,
    chain: &str,
    problems: &mut Vec<String>,
) -> Vec<super::source::SourceFile> {
    let overrides = &child.definition.overrides;
    for o in overrides {
        if !parent.files.iter().any(|f| f.path == *o) {
            problems.push(format!(
                "`overrides`: the parent has no file `files/{o}` to override ({chain})"
            ));
        }
    }
    let mut out: Vec<super::source::SourceFile> = Vec::new();
    for f in &parent.files {
        if child.files.iter().any(|c| c.path == f.path) {
            if !overrides.contains(&f.path) {
                problems.push(format!(
                    "`files/{}` is in both templates; list it in `overrides:` if the child's should replace the parent's",
                    f.path
                ));
            }
            continue;
        }
        out.push(f.clone());
    }
    out.extend(child.files.iter().cloned());
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// `child` over `parent`: mappings merge key by key, anything else (lists
/// included) is the child's.
fn deep_merge(parent: Value, child: Value) -> Value {
    match (parent, child) {
        (Value::Mapping(mut p), Value::Mapping(c)) => {
            for (k, v) in c {
                let merged = match p.remove(&k) {
                    Some(old) => deep_merge(old, v),
                    None => v,
                };
                p.insert(k, merged);
            }
            Value::Mapping(p)
        }
        (_, c) => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_merge_and_lists_are_replaced() {
        let p: Value = serde_yaml::from_str("a: {x: 1, y: [1, 2]}\nb: 2\n").unwrap();
        let c: Value = serde_yaml::from_str("a: {y: [3], z: 4}\n").unwrap();
        let m = deep_merge(p, c);
        let want: Value = serde_yaml::from_str("a: {x: 1, y: [3], z: 4}\nb: 2\n").unwrap();
        assert_eq!(m, want);
    }
}
