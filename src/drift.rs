//! Drift: what a service's managed files should hold, rendered from its
//! platform.yaml now, against what is on disk. `plat doctor` reports the
//! difference; `plat sync` and `doctor --fix` apply it.

use anyhow::{Context as _, Result};
use globset::GlobSet;
use std::path::Path;

use crate::manifest::Manifest;
use crate::render::{Compiled, PlannedFile, Renderer, MANAGED_MARKER};
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

/// Renders the managed files of `template` from `manifest` alone, with
/// the template's files pre-parsed by `render::compile_managed` if given.
pub fn expected(
    template: &Template,
    manifest: &Manifest,
    compiled: Option<&Compiled>,
) -> Result<Expected> {
    // Rendered as platform.yaml will be after a sync: on this template.
    let mut manifest = manifest.clone();
    if let Some(t) = manifest.template.as_mut() {
        t.version = template.definition.version.clone();
    }
    let ctxs = scaffold::contexts(template, &manifest, &tera::Context::new());
    let renderer = Renderer::managed(template, ctxs, compiled)?;
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
        globs: renderer.managed_globs().clone(),
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
/// `node_modules`, `target` and nested services. Only the top-level
/// entries the globs name are walked, when they name any.
fn managed_paths_on_disk(root: &Path, expected: &Expected) -> Vec<String> {
    let mut out = Vec::new();
    match &expected.tops {
        Some(tops) => {
            for t in tops {
                walk(root, t, &expected.globs, &mut out);
            }
        }
        None => walk(root, "", &expected.globs, &mut out),
    }
    out
}

fn walk(root: &Path, rel: &str, globs: &GlobSet, out: &mut Vec<String>) {
    let path = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return;
    };
    if meta.is_file() {
        if globs.is_match(rel) {
            out.push(rel.to_string());
        }
        return;
    }
    if !meta.is_dir() || (!rel.is_empty() && path.join(MANIFEST_FILE).is_file()) {
        return; // a symlink, or another service
    }
    let Ok(entries) = std::fs::read_dir(&path) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if matches!(name, ".git" | "node_modules" | "target") {
            continue;
        }
        let child = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        walk(root, &child, globs, out);
    }
}
