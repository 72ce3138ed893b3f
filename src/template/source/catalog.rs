//! Catalogues: a git repository or a directory holding many templates
//! (each a directory with a template.yaml), as named in plat's config
//! (`catalogs:`), for `plat templates list`.

use anyhow::Result;
use std::path::Path;

use super::{dir, git, Sources, Template};
use crate::fetch::Want;
use crate::template::spec::{GitSpec, Spec};

/// How deep plat looks for templates in a catalogue.
const DEPTH: usize = 4;

/// What a catalogue holds.
pub struct Catalogue {
    /// Each template's source (what `plat new` takes) and the template,
    /// or why it did not load.
    pub templates: Vec<(String, Result<Template, String>)>,
    /// A git catalogue's tags, newest version first.
    pub versions: Vec<String>,
    /// A git catalogue's commit.
    pub commit: Option<String>,
}

impl Sources {
    /// The templates in the catalogue `spec` names.
    pub fn catalogue(&self, spec: &Spec) -> Result<Catalogue> {
        match spec {
            Spec::Git(g) => self.git_catalogue(g),
            Spec::Local(path) => Ok(local(path)),
            Spec::Builtin(name) | Spec::BuiltinAt { name, .. } => Ok(Catalogue {
                templates: vec![(name.clone(), self.load(spec).map_err(|e| format!("{e:#}")))],
                versions: Vec::new(),
                commit: None,
            }),
        }
    }

    fn git_catalogue(&self, spec: &GitSpec) -> Result<Catalogue> {
        let cache = self.cache(spec)?;
        let want = Want::Ref(spec.reference.clone());
        let resolved = cache.resolve(
            &spec.url,
            &want,
            self.freshness,
            &self.network,
            &*self.reporter,
        )?;
        let mut templates = Vec::new();
        for subdir in git::templates_at(spec, &resolved)? {
            let mut one = spec.clone();
            one.subdir = subdir;
            let loaded = git::load(&one, &resolved).map_err(|e| format!("{e:#}"));
            templates.push((one.to_string(), loaded));
        }
        let (versions, _) = crate::fetch::refs::names(&resolved.repo);
        Ok(Catalogue {
            templates,
            versions,
            commit: Some(resolved.commit.to_string()),
        })
    }
}

/// The templates in a directory: itself, or those below it.
fn local(root: &Path) -> Catalogue {
    let mut found = Vec::new();
    find(root, 0, &mut found);
    let templates = found
        .into_iter()
        .map(|p| {
            let shown = p.display().to_string();
            (shown, dir::load_dir(&p).map_err(|e| format!("{e:#}")))
        })
        .collect();
    Catalogue {
        templates,
        versions: Vec::new(),
        commit: None,
    }
}

fn find(dir: &Path, depth: usize, out: &mut Vec<std::path::PathBuf>) {
    if dir.join("template.yaml").is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    if depth >= DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut dirs: Vec<_> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for d in dirs {
        find(&d, depth + 1, out);
    }
}
