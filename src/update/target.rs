//! Which version of its template a service moves to, and where the
//! version it was made from comes from: for a git source the recorded
//! commit; for a built-in the copy of that release the binary carries; for
//! a directory only its current version (older ones cannot be had).

use anyhow::{anyhow, bail, Result};
use std::path::Path;

use crate::error::InputError;
use crate::fetch::refs::Upstream;
use crate::manifest::TemplateRef;
use crate::service::drift;
use crate::template::source::{builtin_versions, load_builtin_at, Origin, Sources};
use crate::template::spec::{GitSpec, Spec};
use crate::template::Template;

/// A version of a template: its name, version and, from git, the commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Version {
    pub name: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

impl Version {
    pub fn recorded(rec: &TemplateRef) -> Version {
        Version {
            name: rec.name.clone(),
            version: rec.version.clone(),
            commit: rec.commit.clone(),
        }
    }

    pub fn of(t: &Template) -> Version {
        Version {
            name: t.definition.name.clone(),
            version: t.definition.version.clone(),
            commit: match &t.origin {
                Origin::Git(g) => g.commit.clone(),
                _ => None,
            },
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.name, self.version)?;
        match &self.commit {
            Some(c) => write!(f, " (commit {})", &c[..c.len().min(12)]),
            None => Ok(()),
        }
    }
}

/// What the service can move to.
pub enum Available {
    UpToDate,
    Newer(Box<Template>),
}

/// The version to move to: `--to` if given, else the newest there is.
/// Moving back to an older version is refused.
pub fn newer(
    rec: &TemplateRef,
    root: &Path,
    to: Option<&str>,
    sources: &Sources,
) -> Result<Available> {
    let spec = Spec::recorded(rec, root)?;
    let template = match (&spec, to) {
        (Spec::Builtin(name) | Spec::BuiltinAt { name, .. }, None) => {
            sources.load(&Spec::Builtin(name.clone()))?
        }
        (Spec::Builtin(name) | Spec::BuiltinAt { name, .. }, Some(v)) => load_builtin_at(name, v)?.ok_or_else(|| {
            InputError(format!(
                "--to {v}: this plat has built-in template `{name}` at {}; upgrade plat for a newer one",
                builtin_versions(name).join(", ")
            ))
        })?,
        (Spec::Git(git), to) => match git_target(git, to, sources)? {
            Some(t) => t,
            None => return Ok(Available::UpToDate),
        },
        (Spec::Local(_), Some(v)) => bail!(InputError(format!(
            "--to {v}: the service's template is a directory, which holds only its current version; drop --to"
        ))),
        (Spec::Local(_), None) => sources.load(&spec)?,
    };
    let def = &template.definition;
    if def.name != rec.name {
        bail!(InputError(format!(
            "the template at {spec} is now `{}`, not the `{}` platform.yaml records; plat update moves a service along one template",
            def.name, rec.name
        )));
    }
    match drift::order(&rec.version, &def.version) {
        std::cmp::Ordering::Greater => bail!(InputError(format!(
            "{} {} is older than the {} platform.yaml records; plat update only moves forward (restore the older files from git history instead)",
            def.name, def.version, rec.version
        ))),
        std::cmp::Ordering::Equal if Version::of(&template).commit == rec.commit => {
            Ok(Available::UpToDate)
        }
        _ => Ok(Available::Newer(Box::new(template))),
    }
}

/// The git version to move to: `--to REF`, else the newest tag above the
/// recorded one, else the recorded branch's head; None when nothing moved.
fn git_target(git: &GitSpec, to: Option<&str>, sources: &Sources) -> Result<Option<Template>> {
    let reference = match to {
        Some(r) => Some(r.to_string()),
        None => {
            let commit = git.commit.as_deref().ok_or_else(|| {
                InputError(format!(
                    "platform.yaml records no commit for {git}; pass --to REF to name the version to move to"
                ))
            })?;
            match sources.upstream(git, commit)?.0 {
                Upstream::NewerTags(tags) => tags.first().cloned(),
                Upstream::BranchMoved { branch, .. } => branch.or_else(|| git.reference.clone()),
                Upstream::Pinned | Upstream::Current => return Ok(None),
                Upstream::Gone => bail!(InputError(format!(
                    "{git}: the recorded ref `{}` is gone from the repository; pass --to REF",
                    git.reference.as_deref().unwrap_or("HEAD")
                ))),
            }
        }
    };
    let spec = Spec::Git(GitSpec {
        reference,
        commit: None,
        ..git.clone()
    });
    Ok(Some(sources.load(&spec)?))
}

/// The template as the service was made from it.
pub fn base(rec: &TemplateRef, root: &Path, sources: &Sources) -> Result<Template> {
    match Spec::recorded(rec, root)? {
        Spec::Builtin(name) | Spec::BuiltinAt { name, .. } => load_builtin_at(&name, &rec.version)?
            .ok_or_else(|| {
                anyhow!(
                    "this plat carries built-in `{name}` at {} only, not {}",
                    builtin_versions(&name).join(", "),
                    rec.version
                )
            }),
        spec @ Spec::Git(_) => sources.load(&spec),
        spec @ Spec::Local(_) => {
            let t = sources.load(&spec)?;
            if t.definition.version != rec.version {
                bail!(
                    "the directory holds version {}, not {}",
                    t.definition.version,
                    rec.version
                );
            }
            Ok(t)
        }
    }
}
