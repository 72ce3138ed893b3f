//! Drift: what a service's managed files should hold, rendered from its
//! platform.yaml now, against what is on disk. `plat doctor` reports the
//! difference; `plat sync` and `doctor --fix` apply it.

use anyhow::{Context as _, Result};
use globset::GlobSet;
use std::path::Path;

use crate::manifest::Manifest;
use crate::render::{self, PlannedFile, Renderer, MANAGED_MARKER};
use crate::scaffold::{self, MANIFEST_FILE};
use crate::source::Template;

/// The managed files a manifest renders to, and the globs that say which
/// paths are plat's.
pub struct Expected {
    pub files: Vec<PlannedFile>,
    globs: GlobSet,
    /// First path segments of the globs, when all of them are literal: the
    /// only places a stale managed file can be.
    tops: Option<Vec<String>>,
}

/// Renders the managed files of `template` from `manifest` alone.
pub fn expected(template: &Template, manifest: &Manifest) -> Result<Expected> {
    // Rendered as platform.yaml will be after a sync: on this template.
    let mut manifest = manifest.clone();
    if let Some(t) = manifest.template.as_mut() {
        t.version = template.definition.version.clone();
    }
    let ctxs = scaffold::contexts(template, &manifest, &tera::Context::new());
    let renderer = Renderer::managed(template, ctxs)?;
    let plan = renderer.plan(template)?;
    let mut tops = Some(Vec::new());
    for rule in template.definition.rules.iter().filter(|r| r.managed) {
        for p in &rule.paths {
            let first = p.split('/').next().unwrap_or_default();
            match tops.as_mut() {
                Some(t) if !first.contains(['*', '?', '[', '{']) => t.push(first.to_string()),
                _ => tops = None,
            }
        }
    }
    if let Some(t) = tops.as_mut() {
        t.sort();
        t.dedup();
    }
    Ok(Expected {
        files: plan.files,
        globs: render::managed_globs(template)?,
        tops,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A managed file that should exist and does not.
    Create,
    /// A managed file whose contents differ from the render.
    Update,
    /// A file plat wrote (it carries the managed marker) that the manifest
    /// no longer renders, such as an environment's removed manifests.
    Remove,
}

/// One managed file out of step with platform.yaml.
#[derive(Debug, Clone)]
pub struct Change {
    /// Relative to the service root, `/`-separated.
    pub path: String,
    pub kind: ChangeKind,
    /// What is on disk now (empty for `Create`).
    pub old: Vec<u8>,
    /// What should be there (empty for `Remove`).
    pub new: Vec<u8>,
    pub executable: bool,
}

impl Change {
    /// A unified diff from the file on disk to the render, `a/` and `b/`
    /// prefixed as git writes them.
    pub fn diff(&self) -> String {
        let (a, b) = match self.kind {
            ChangeKind::Create => ("/dev/null".to_string(), format!("b/{}", self.path)),
            ChangeKind::Remove => (format!("a/{}", self.path), "/dev/null".to_string()),
            ChangeKind::Update => (format!("a/{}", self.path), format!("b/{}", self.path)),
        };
        match (
            std::str::from_utf8(&self.old),
            std::str::from_utf8(&self.new),
        ) {
            (Ok(old), Ok(new)) => similar::TextDiff::from_lines(old, new)
                .unified_diff()
                .context_radius(3)
                .header(&a, &b)
                .to_string(),
            _ => format!("Binary files {a} and {b} differ\n"),
        }
    }
}

/// Compares the render with the files under `root`, in path order.
pub fn compare(root: &Path, expected: &Expected) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    let mut wanted = std::collections::HashSet::with_capacity(expected.files.len());
    for f in &expected.files {
        wanted.insert(f.path.as_str());
        let path = root.join(&f.path);
        match std::fs::read(&path) {
            Ok(old) if old == f.contents => {}
            Ok(old) => changes.push(Change {
                path: f.path.clone(),
                kind: ChangeKind::Update,
                old,
                new: f.contents.clone(),
                executable: f.executable,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => changes.push(Change {
                path: f.path.clone(),
                kind: ChangeKind::Create,
                old: Vec::new(),
                new: f.contents.clone(),
                executable: f.executable,
            }),
            Err(e) => {
                return Err(e).with_context(|| format!("reading {}", path.display()));
            }
        }
    }
    for rel in managed_paths_on_disk(root, expected) {
        if wanted.contains(rel.as_str()) {
            continue;
        }
        let path = root.join(&rel);
        let old = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        if old
            .windows(MANAGED_MARKER.len())
            .any(|w| w == MANAGED_MARKER.as_bytes())
        {
            changes.push(Change {
                path: rel,
                kind: ChangeKind::Remove,
                old,
                new: Vec::new(),
                executable: false,
            });
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(changes)
}

/// Files under `root` matching the managed globs, skipping `.git`,
/// `node_modules`, `target`, ignored files and nested services.
fn managed_paths_on_disk(root: &Path, expected: &Expected) -> Vec<String> {
    let starts: Vec<std::path::PathBuf> = match &expected.tops {
        Some(tops) => tops
            .iter()
            .map(|t| root.join(t))
            .filter(|p| p.exists())
            .collect(),
        None => vec![root.to_path_buf()],
    };
    let mut out = Vec::new();
    for start in starts {
        if start.is_file() {
            let rel = crate::service::relative(&start, root);
            if expected.globs.is_match(&rel) {
                out.push(rel);
            }
            continue;
        }
        let walker = ignore::WalkBuilder::new(&start)
            .hidden(false)
            .require_git(false)
            .parents(true)
            .filter_entry(|e| {
                let name = e.file_name();
                let skipped = name == ".git" || name == "node_modules" || name == "target";
                // A directory with its own platform.yaml is another service.
                let nested = e.depth() > 0
                    && e.file_type().is_some_and(|t| t.is_dir())
                    && e.path().join(MANIFEST_FILE).is_file();
                !skipped && !nested
            })
            .build();
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let rel = crate::service::relative(entry.path(), root);
            if expected.globs.is_match(&rel) {
                out.push(rel);
            }
        }
    }
    out
}
