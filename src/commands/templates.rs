//! `plat templates list` and `plat templates show`.

use anyhow::Result;
use serde_json::json;

use super::output;
use super::ui::{Ui, BOLD, DIM};
use crate::cli::{Format, TemplatesCommand};
use crate::error::exit;
use crate::template::definition::Variable;
use crate::template::{source, NAME_VAR};

/// Lists the built-in templates, or shows what one template asks for.
pub fn run(cmd: TemplatesCommand, _ui: Ui) -> Result<u8> {
    match cmd {
        TemplatesCommand::List { format } => list(format),
        TemplatesCommand::Show { template, format } => show(&template, format),
    }
}

fn list(format: Format) -> Result<u8> {
    let templates = source::builtin_names()
        .into_iter()
        .map(source::load_builtin)
        .collect::<Result<Vec<_>>>()?;
    match format {
        Format::Json => output::json(&json!({
            "templates": templates.iter().map(|t| json!({
                "name": t.definition.name,
                "version": t.definition.version,
                "description": t.definition.description,
                "source": t.origin.to_string(),
            })).collect::<Vec<_>>()
        }))?,
        Format::Human => {
            let width = templates
                .iter()
                .map(|t| t.definition.name.len())
                .max()
                .unwrap_or(0);
            let mut out = String::new();
            for t in &templates {
                out.push_str(&format!(
                    "{BOLD}{:<width$}{BOLD:#}  {DIM}{:<8}{DIM:#}  {}\n",
                    t.definition.name, t.definition.version, t.definition.description
                ));
            }
            output::print(&out)?;
        }
    }
    Ok(exit::SUCCESS)
}

/// One template and every variable it asks for, with how to answer it.
fn show(spec: &str, format: Format) -> Result<u8> {
    let t = source::load(spec)?;
    let def = &t.definition;
    match format {
        Format::Json => output::json(&json!({
            "name": def.name,
            "version": def.version,
            "description": def.description,
            "source": t.origin.to_string(),
            "variables": def.variables,
            "files": t.files.len(),
        }))?,
        Format::Human => {
            let mut out = format!(
                "{BOLD}{}{BOLD:#} {} ({})\n{}\n\nVariables (answer with --set KEY=VALUE, --values FILE or PLAT_VAR_<KEY>):\n",
                def.name, def.version, t.origin, def.description
            );
            for v in &def.variables {
                describe_variable(v, &mut out);
            }
            output::print(&out)?;
        }
    }
    Ok(exit::SUCCESS)
}

/// A variable's name and type, then one indented line per thing it has:
/// help, default (or that it is required), choices, pattern, range and
/// when it is asked.
fn describe_variable(v: &Variable, out: &mut String) {
    out.push_str(&format!(
        "\n  {BOLD}{}{BOLD:#}  {}",
        v.name,
        v.kind.as_str()
    ));
    if v.name == NAME_VAR {
        out.push_str("  (the NAME argument)");
    }
    if v.secret {
        out.push_str("  secret");
    }
    out.push('\n');
    if !v.help.is_empty() {
        out.push_str(&format!("      {}\n", v.help));
    }
    if let Some(d) = &v.default {
        let d = serde_json::to_string(d).unwrap_or_default();
        out.push_str(&format!("      default: {d}\n"));
    } else if v.name != NAME_VAR {
        out.push_str("      required (no default)\n");
    }
    if !v.choices.is_empty() {
        out.push_str(&format!("      choices: {}\n", v.choices.join(", ")));
    }
    if let Some(p) = &v.pattern {
        out.push_str(&format!("      pattern: {p}\n"));
    }
    match (v.min, v.max) {
        (None, None) => {}
        (lo, hi) => out.push_str(&format!(
            "      range: {}..={}\n",
            lo.map_or(String::new(), |n| n.to_string()),
            hi.map_or(String::new(), |n| n.to_string())
        )),
    }
    if let Some(w) = &v.when {
        out.push_str(&format!("      asked when: {w}\n"));
    }
}
