//! The two renders an update compares the disk with: the template as the
//! service was made from it (base) and its new version (theirs), each
//! rendered whole as `plat new` would render it, with the same answers.

use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::manifest::MANIFEST_FILE;
use crate::new::answers::{Inputs, Prompter};
use crate::new::{self, Prepared};
use crate::template::Template;

/// One version of the template, rendered for this service.
pub struct Side {
    pub prepared: Prepared,
    /// platform.yaml as `plat new` would write it.
    pub manifest_text: String,
    /// Scaffolded files by path: the developer's once written.
    pub files: BTreeMap<String, (Vec<u8>, bool)>,
    /// Paths of managed files: `plat sync`'s.
    pub managed: BTreeSet<String>,
    /// Renames the template declares, rendered: (old path, new path).
    pub renames: Vec<(String, String)>,
}

impl Side {
    pub fn template(&self) -> &Template {
        &self.prepared.template
    }

    /// `template service 0.3.0`, as conflict markers label a side.
    pub fn label(&self) -> String {
        let def = &self.template().definition;
        format!("template {} {}", def.name, def.version)
    }
}

/// Renders `template` for the service with `inputs`, asking `prompter`
/// (if any) for what they do not answer, within `render_timeout`.
pub fn render(
    template: Template,
    inputs: &Inputs,
    prompter: Option<&mut dyn Prompter>,
    render_timeout: Duration,
) -> Result<Side> {
    let prepared = new::prepare(inputs, template, prompter)?;
    let plan = new::plan(&prepared, render_timeout)?;
    let mut manifest_text = String::new();
    let mut files = BTreeMap::new();
    let mut managed = BTreeSet::new();
    for f in plan.files {
        if f.path == MANIFEST_FILE {
            manifest_text = String::from_utf8_lossy(&f.contents).into_owned();
            continue;
        }
        if f.managed {
            managed.insert(f.path);
        } else {
            files.insert(f.path, (f.contents.into_owned(), f.executable));
        }
    }
    let renames = render_renames(&prepared)?;
    Ok(Side {
        prepared,
        manifest_text,
        files,
        managed,
        renames,
    })
}

/// The renames template.yaml declares, rendered with the side's answers.
fn render_renames(prepared: &Prepared) -> Result<Vec<(String, String)>> {
    crate::template::paths::render_renamed(
        prepared.engine.tera(),
        &prepared.template.definition.renamed,
        &prepared.context,
    )
}
