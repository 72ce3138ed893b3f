//! The templates embedded in the binary by build.rs.

use anyhow::{bail, Context, Result};

use super::{Origin, SourceData, SourceFile, Template, BUILTIN};
use crate::error::InputError;
use crate::template::definition::Definition;

/// The built-in templates' names, for listings and hints.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|t| t.name).collect()
}

/// Loads the built-in template `name`; an unknown name is answered with
/// the nearest one and the whole list.
pub fn load_builtin(name: &str) -> Result<Template> {
    let Some(t) = BUILTIN.iter().find(|t| t.name == name) else {
        let names = builtin_names();
        let hint = crate::util::suggest::did_you_mean(name, names.iter().copied())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        bail!(InputError(format!(
            "no built-in template named `{name}`; {hint}built-ins: {}. A path to a template directory must contain `/` or start with `.` (e.g. `./{name}`)",
            names.join(", ")
        )));
    };
    let def_file = t
        .files
        .iter()
        .find(|f| f.path == "template.yaml")
        .with_context(|| format!("built-in template `{name}` has no template.yaml"))?;
    let text = std::str::from_utf8(def_file.contents)
        .with_context(|| format!("built-in template `{name}`: template.yaml is not UTF-8"))?;
    let definition = Definition::parse(text, &format!("builtin:{name}/template.yaml"))?;
    let files = t
        .files
        .iter()
        .filter_map(|f| {
            f.path.strip_prefix("files/").map(|rel| SourceFile {
                path: rel.to_string(),
                data: SourceData::Static(f.contents),
                executable: f.executable,
            })
        })
        .collect();
    let partials = t
        .files
        .iter()
        .filter_map(|f| {
            let rel = f.path.strip_prefix("partials/")?;
            Some((
                rel.to_string(),
                String::from_utf8_lossy(f.contents).into_owned(),
            ))
        })
        .collect();
    Ok(Template {
        origin: Origin::Builtin(name.to_string()),
        definition,
        files,
        partials,
    })
}

/// The built-in template `name` at `version`: the current one when the
/// version matches, else a released copy; None when this plat never
/// shipped it. (Interim: the current version only.)
pub fn load_builtin_at(name: &str, version: &str) -> Result<Option<Template>> {
    let t = load_builtin(name)?;
    Ok((t.definition.version == version).then_some(t))
}

/// Versions of `name` this binary can render, oldest first.
pub fn builtin_versions(name: &str) -> Vec<String> {
    load_builtin(name)
        .map(|t| vec![t.definition.version])
        .unwrap_or_default()
}
