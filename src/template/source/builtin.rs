//! The templates embedded in the binary by build.rs: the current version of
//! each, and every version of it this plat shipped before, so a service made
//! from an earlier one can be rendered as it was (`plat update`'s base).

use anyhow::{bail, Context, Result};

use super::{BuiltinFile, BuiltinTemplate, Origin, SourceData, SourceFile, Template, BUILTIN};
use crate::error::InputError;
use crate::template::definition::Definition;

/// The built-in templates' names, for listings and hints. Earlier versions
/// are not templates of their own.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|t| t.name).collect()
}

/// Loads the built-in template `name`; an unknown name is answered with
/// the nearest one and the whole list.
pub fn load_builtin(name: &str) -> Result<Template> {
    from_files(name, find(name)?.files, name)
}

/// The built-in template `name` at `version`: the current one when the
/// version matches, else a released copy; None when this plat never shipped
/// it. An unknown name is an error, as for [`load_builtin`].
pub fn load_builtin_at(name: &str, version: &str) -> Result<Option<Template>> {
    let builtin = find(name)?;
    let current = load_builtin(name)?;
    if same_version(&current.definition.version, version) {
        return Ok(Some(current));
    }
    builtin
        .releases
        .iter()
        .find(|r| same_version(r.version, version))
        .map(|r| from_files(name, r.files, &format!("{name}@{}", r.version)))
        .transpose()
}

/// The text of the built-in `name`'s template.yaml, at `version` (a
/// release it shipped) or the current one (`plat template lint`).
pub fn definition_text(name: &str, version: Option<&str>) -> Result<&'static str> {
    let builtin = find(name)?;
    let files = version
        .and_then(|v| builtin.releases.iter().find(|r| same_version(r.version, v)))
        .map_or(builtin.files, |r| r.files);
    let def_file = files
        .iter()
        .find(|f| f.path == "template.yaml")
        .with_context(|| format!("built-in template `{name}` has no template.yaml"))?;
    std::str::from_utf8(def_file.contents)
        .with_context(|| format!("built-in template `{name}`: template.yaml is not UTF-8"))
}

/// Versions of `name` this binary can render, oldest first (current last);
/// none for an unknown name.
pub fn builtin_versions(name: &str) -> Vec<String> {
    let Some(builtin) = BUILTIN.iter().find(|t| t.name == name) else {
        return Vec::new();
    };
    let mut versions: Vec<String> = builtin
        .releases
        .iter()
        .map(|r| r.version.to_string())
        .collect();
    versions.sort_by_cached_key(|v| semver::Version::parse(v).ok());
    if let Ok(current) = load_builtin(name) {
        versions.push(current.definition.version);
    }
    versions
}

/// Two spellings of one version (`0.2.0`, `0.2.0+build`) are the same
/// release only when semver says so; text that is no version must match
/// exactly.
fn same_version(a: &str, b: &str) -> bool {
    match (semver::Version::parse(a), semver::Version::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The built-in `name`, or an error with the nearest name and the list.
fn find(name: &str) -> Result<&'static BuiltinTemplate> {
    if let Some(t) = BUILTIN.iter().find(|t| t.name == name) {
        return Ok(t);
    }
    let names = builtin_names();
    let hint = crate::util::suggest::did_you_mean(name, names.iter().copied())
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    bail!(InputError(format!(
        "no built-in template named `{name}`; {hint}built-ins: {}. A path to a template directory must contain `/` or start with `.` (e.g. `./{name}`)",
        names.join(", ")
    )))
}

/// A template from the embedded files of one version of it; `shown` names
/// that version in messages (`service`, `service@0.2.0`).
fn from_files(name: &str, files: &'static [BuiltinFile], shown: &str) -> Result<Template> {
    let def_file = files
        .iter()
        .find(|f| f.path == "template.yaml")
        .with_context(|| format!("built-in template `{shown}` has no template.yaml"))?;
    let text = std::str::from_utf8(def_file.contents)
        .with_context(|| format!("built-in template `{shown}`: template.yaml is not UTF-8"))?;
    let definition = Definition::parse(text, &format!("builtin:{shown}/template.yaml"))?;
    let sources = files
        .iter()
        .filter_map(|f| {
            f.path.strip_prefix("files/").map(|rel| SourceFile {
                path: rel.to_string(),
                data: SourceData::Static(f.contents),
                executable: f.executable,
            })
        })
        .collect();
    let partials = files
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
        files: sources,
        partials,
        parents: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use semver::Version;

    fn current(t: &BuiltinTemplate) -> Version {
        Version::parse(&load_builtin(t.name).unwrap().definition.version).unwrap()
    }

    #[test]
    fn every_release_says_its_own_name_and_version() {
        for t in BUILTIN {
            for r in t.releases {
                let loaded = from_files(t.name, r.files, r.version).unwrap();
                assert_eq!(loaded.definition.name, t.name, "release {}", r.version);
                assert_eq!(
                    loaded.definition.version, r.version,
                    "templates/releases/{}/{}/template.yaml must say its directory's version",
                    t.name, r.version
                );
            }
        }
    }

    #[test]
    fn every_release_is_older_than_the_current_version() {
        for t in BUILTIN {
            let now = current(t);
            for r in t.releases {
                let v = Version::parse(r.version).unwrap();
                assert!(
                    v < now,
                    "templates/releases/{}/{} is not older than the current {now}: bump templates/{}/template.yaml",
                    t.name,
                    r.version,
                    t.name
                );
            }
        }
    }

    /// A `renamed:` entry of a built-in moves a file an earlier release
    /// wrote to one the current version writes (checked where both paths
    /// are literal).
    #[test]
    fn renamed_entries_of_builtins_move_released_files() {
        for t in BUILTIN {
            let current = load_builtin(t.name).unwrap();
            for r in &current.definition.renamed {
                if [&r.from, &r.to].iter().any(|p| p.contains('{')) {
                    continue;
                }
                let shipped = |files: &[BuiltinFile], path: &str| {
                    files.iter().any(|f| f.path == format!("files/{path}"))
                };
                assert!(
                    t.releases.iter().any(|rel| shipped(rel.files, &r.from)),
                    "{}: renamed from `{}`, which no release wrote",
                    t.name,
                    r.from
                );
                assert!(
                    shipped(t.files, &r.to),
                    "{}: renamed to `{}`, which the current version does not write",
                    t.name,
                    r.to
                );
            }
        }
    }

    #[test]
    fn the_service_template_keeps_what_it_shipped() {
        let versions = builtin_versions("service");
        assert!(versions.len() >= 2, "{versions:?}");
        assert_eq!(versions[0], "0.2.0");
        let parsed: Vec<Version> = versions
            .iter()
            .map(|v| Version::parse(v).unwrap())
            .collect();
        assert!(parsed.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
        assert_eq!(
            versions.last(),
            Some(&load_builtin("service").unwrap().definition.version)
        );
        for v in &versions {
            let t = load_builtin_at("service", v).unwrap().unwrap();
            assert_eq!(&t.definition.version, v);
            assert_eq!(t.origin, Origin::Builtin("service".into()));
            assert!(!t.files.is_empty());
        }
        assert!(load_builtin_at("service", "0.0.1").unwrap().is_none());
        assert!(load_builtin_at("service", "not a version")
            .unwrap()
            .is_none());
    }

    /// build.rs embeds what plat loads of a template, never its test
    /// cases (`templates/service/tests/`, for `plat template test`).
    #[test]
    fn only_what_a_template_is_gets_embedded() {
        let loaded = |f: &BuiltinFile| {
            f.path == "template.yaml"
                || f.path.starts_with("files/")
                || f.path.starts_with("partials/")
        };
        for t in BUILTIN {
            let releases = t.releases.iter().flat_map(|r| r.files);
            for f in t.files.iter().chain(releases) {
                assert!(loaded(f), "{}: {} is embedded", t.name, f.path);
            }
        }
    }

    #[test]
    fn releases_are_not_templates_of_their_own() {
        assert!(!builtin_names().contains(&"releases"));
        assert!(builtin_versions("nope").is_empty());
        let Err(err) = load_builtin_at("servce", "0.2.0") else {
            panic!("an unknown built-in loaded");
        };
        let err = err.to_string();
        assert!(err.contains("did you mean `service`?"), "{err}");
    }
}
