//! `plat template init`: a new template in a missing or empty directory,
//! with its one test case's expected tree rendered (blessed), so
//! `plat template test` passes from the start. Everything is written into a
//! staging directory first: an error leaves nothing behind.

use anyhow::{bail, Context as _, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::cases::{self, Case};
use super::{snapshot, starter};
use crate::effects::staging::{self, Staging, TargetState};
use crate::error::InputError;
use crate::template::definition::is_template_name;
use crate::template::source::load_dir;

/// Everything `plat template init` was asked to do.
#[derive(Debug, Clone)]
pub struct InitRequest {
    pub dir: PathBuf,
    /// The template's name; the directory's name when not given.
    pub name: Option<String>,
    pub render_timeout: Duration,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Initialised {
    pub name: String,
    /// Every file, relative to the template directory, in path order.
    pub files: Vec<String>,
}

/// Writes the starter template into `req.dir`, which must be missing or
/// empty.
pub fn init(req: &InitRequest) -> Result<Initialised> {
    if req.dir.exists() && !req.dir.is_dir() {
        bail!(InputError(format!(
            "`{}` is a file; plat template init writes a new template into a missing or empty directory",
            req.dir.display()
        )));
    }
    let state = staging::target_state(&req.dir)?;
    if state == TargetState::NonEmpty {
        bail!(InputError(format!(
            "`{}` is not empty; plat template init writes a new template into a missing or empty directory",
            req.dir.display()
        )));
    }
    // `.` and `..` have no name of their own: use what they resolve to.
    let dir = match state {
        TargetState::Missing => req.dir.components().collect(),
        _ => std::fs::canonicalize(&req.dir)
            .with_context(|| format!("resolving {}", req.dir.display()))?,
    };
    let name = name_of(&dir, req.name.as_deref())?;
    let mut staged = Staging::beside(&dir)?;
    let mut files = Vec::new();
    for (path, text) in starter::files(&name) {
        staged.write_file(&path, text.as_bytes(), false)?;
        files.push(path);
    }
    let template = load_dir(staged.path())?;
    let case = Case::new(staged.path(), starter::CASE);
    let rendered = cases::render(&template, &case, req.render_timeout)
        .context("the starter template does not render")?;
    snapshot::write(&rendered.plan, &case.expected())?;
    let expected = format!("{}/{}", case.shown(), cases::EXPECTED_DIR);
    files.extend(
        rendered
            .plan
            .files
            .iter()
            .map(|f| format!("{expected}/{}", f.path)),
    );
    files.sort();
    if state == TargetState::Missing {
        staged.publish(&dir)?;
    } else {
        // Into the directory itself: it may be the shell's working one.
        let paths: Vec<&str> = files.iter().map(String::as_str).collect();
        staged.move_into(&dir, &paths)?;
    }
    Ok(Initialised { name, files })
}

/// The template's name: `given`, else the directory's own name, either of
/// which must be a valid template name.
fn name_of(dir: &Path, given: Option<&str>) -> Result<String> {
    let rule = "lowercase letters, digits and dashes, starting with a letter or digit";
    if let Some(name) = given {
        if !is_template_name(name) {
            bail!(InputError(format!(
                "--name `{name}` is not a template name: {rule}"
            )));
        }
        return Ok(name.to_string());
    }
    let from_dir = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_template_name(&from_dir) {
        return Ok(from_dir);
    }
    let slug = crate::util::slug::slug(&from_dir);
    let example = if slug.is_empty() {
        "my-template"
    } else {
        &slug
    };
    bail!(InputError(format!(
        "the directory's name `{from_dir}` is not a template name ({rule}); pass one with --name, e.g. --name {example}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_comes_from_the_flag_or_the_directory() {
        assert_eq!(name_of(Path::new("a/web-app"), None).unwrap(), "web-app");
        assert_eq!(name_of(Path::new("a/x"), Some("svc")).unwrap(), "svc");
        let err = name_of(Path::new("a/Web App"), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--name web-app"), "{err}");
        let err = name_of(Path::new("a/x"), Some("Svc"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--name `Svc` is not a template name"), "{err}");
    }
}
