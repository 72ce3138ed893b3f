//! `plat templates list` and `plat templates show`.

use anyhow::Result;
use serde_json::{json, Value};

use super::config::{self, Config};
use super::environment::Environment;
use super::output::{self, Schema};
use super::sources::{self, Fetching};
use super::ui::{Ui, BOLD, DIM};
use crate::cli::{Format, TemplatesCommand};
use crate::error::exit;
use crate::template::definition::Variable;
use crate::template::source::{self, Sources, Template};
use crate::template::spec::Spec;
use crate::template::NAME_VAR;

/// Lists the templates there are, or shows what one template asks for.
pub fn run(cmd: TemplatesCommand, ui: Ui, env: &Environment, fetching: Fetching) -> Result<u8> {
    let config = config::load(env)?;
    let sources = sources::sources(env, &config, fetching, ui)?;
    match cmd {
        TemplatesCommand::List { format } => list(&config, &sources, format, ui),
        TemplatesCommand::Show {
            template,
            reference,
            format,
        } => show(
            &sources.parse(&template, reference.as_deref())?,
            &sources,
            format,
        ),
    }
}

/// One listed template: what to pass to `plat new`, the template (or
/// why it did not load), its catalogue and the versions there are, newest
/// first (a catalogue's tags; for a built-in, the versions this plat can
/// render).
struct Listed {
    source: String,
    template: Result<Template, String>,
    catalog: Option<String>,
    versions: Vec<String>,
}

/// The built-ins, then every catalogue of plat's config. A catalogue that
/// cannot be read is a warning, not the end of the list.
fn list(config: &Config, sources: &Sources, format: Format, ui: Ui) -> Result<u8> {
    let mut listed: Vec<Listed> = source::builtin_names()
        .into_iter()
        .map(|name| Listed {
            source: name.to_string(),
            template: source::load_builtin(name).map_err(|e| format!("{e:#}")),
            catalog: None,
            versions: source::builtin_versions(name).into_iter().rev().collect(),
        })
        .collect();
    for text in &config.catalogs {
        let catalogue = config
            .catalogue(text, sources)
            .and_then(|spec| sources.catalogue(&spec));
        match catalogue {
            Ok(c) => listed.extend(c.templates.into_iter().map(|(source, template)| Listed {
                source,
                template,
                catalog: Some(text.clone()),
                versions: c.versions.clone(),
            })),
            Err(e) => ui.warn(format!(
                "catalogue `{text}` (plat's config, `catalogs:`): {e:#}"
            )),
        }
    }
    match format {
        Format::Json => output::document(
            Schema::TemplatesList,
            json!({
                "templates": listed.iter().map(listed_json).collect::<Vec<_>>()
            }),
        )?,
        Format::Human => output::print(&listed_human(&listed))?,
    }
    Ok(exit::SUCCESS)
}

fn listed_json(l: &Listed) -> Value {
    let mut v = match &l.template {
        Ok(t) => json!({
            "name": t.definition.name,
            "version": t.definition.version,
            "description": t.definition.description,
        }),
        Err(e) => json!({ "error": e }),
    };
    v["source"] = json!(l.source);
    v["catalog"] = json!(l.catalog);
    v["versions"] = json!(l.versions);
    v
}

fn listed_human(listed: &[Listed]) -> String {
    let name_of = |l: &Listed| match &l.template {
        Ok(t) => t.definition.name.clone(),
        Err(_) => "(broken)".into(),
    };
    let width = listed.iter().map(|l| name_of(l).len()).max().unwrap_or(0);
    let mut out = String::new();
    let mut catalog: Option<&str> = None;
    for l in listed {
        if l.catalog.as_deref() != catalog {
            catalog = l.catalog.as_deref();
            let versions = match l.versions.len() {
                0 => String::new(),
                n => format!(
                    " {DIM}(versions: {}{}){DIM:#}",
                    l.versions[..n.min(5)].join(", "),
                    if n > 5 { ", ..." } else { "" }
                ),
            };
            out.push_str(&format!(
                "\n{BOLD}{}{BOLD:#}{versions}\n",
                catalog.unwrap_or("")
            ));
        }
        match &l.template {
            Ok(t) => out.push_str(&format!(
                "{BOLD}{:<width$}{BOLD:#}  {DIM}{:<8}{DIM:#}  {}  {DIM}{}{DIM:#}\n",
                t.definition.name, t.definition.version, t.definition.description, l.source
            )),
            Err(e) => out.push_str(&format!("{:<width$}  {}: {e}\n", name_of(l), l.source)),
        }
    }
    out
}

/// One template and every variable it asks for, with how to answer it.
fn show(spec: &Spec, sources: &Sources, format: Format) -> Result<u8> {
    let t = sources.load(spec)?;
    let def = &t.definition;
    match format {
        Format::Json => {
            let mut doc = json!({
                "name": def.name,
                "version": def.version,
                "description": def.description,
            });
            if let Value::Object(fields) = &mut doc {
                fields.extend(t.origin.provenance());
            }
            doc["variables"] = json!(def.variables);
            doc["files"] = json!(t.files.len());
            output::document(Schema::TemplatesShow, doc)?;
        }
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
