//! A template in a directory on disk, walked once with symlinks resolved
//! and checked.

use anyhow::{anyhow, bail, Context, Result};
use std::fs;
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::builtin::builtin_names;
use super::{Origin, SourceData, SourceFile, Template};
use crate::error::InputError;
use crate::template::definition::Definition;
use crate::util::read::{self, Input};

/// Loads the template in `dir`: the definition and partials now, each
/// file's bytes only when it is rendered.
pub fn load_dir(dir: &Path) -> Result<Template> {
    let meta = fs::metadata(dir).map_err(|e| {
        InputError(format!(
            "template directory `{}` cannot be read ({e}); check the path (built-in templates: {})",
            dir.display(),
            builtin_names().join(", ")
        ))
    })?;
    if !meta.is_dir() {
        bail!(InputError(format!(
            "template `{}` is not a directory",
            dir.display()
        )));
    }
    let root = fs::canonicalize(dir).with_context(|| format!("resolving {}", dir.display()))?;
    let def_path = root.join("template.yaml");
    let text = read_definition(&root)?;
    let definition = Definition::parse(&text, &def_path.display().to_string())?;
    let files = walk(&root, "files")?;
    let mut partials = Vec::new();
    for f in walk(&root, "partials")? {
        let bytes = f.bytes()?;
        let text = String::from_utf8(bytes.into_owned())
            .map_err(|_| InputError(format!("partials/{}: partials must be UTF-8 text", f.path)))?;
        partials.push((f.path, text));
    }
    Ok(Template {
        origin: Origin::Local(root),
        definition,
        files,
        partials,
        parents: Vec::new(),
    })
}

/// The text of the template.yaml in `dir`, unchecked (`plat template
/// lint`).
pub fn definition_text(dir: &Path) -> Result<String> {
    let root = fs::canonicalize(dir).map_err(|e| {
        InputError(format!(
            "template directory `{}` cannot be read ({e}); check the path",
            dir.display()
        ))
    })?;
    read_definition(&root)
}

/// Reads `root/template.yaml`, which must stay inside `root`.
fn read_definition(root: &Path) -> Result<String> {
    let def_path = root.join("template.yaml");
    read::open_in(root, &def_path)
        .and_then(|f| f.read_all(Input::Definition))
        .map_err(|r| match r {
            r if r.is_missing() => InputError(format!(
                "{}; a template directory needs a template.yaml",
                r.message(&def_path, Input::Definition)
            ))
            .into(),
            r => r.into_error(&def_path, Input::Definition),
        })
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| {
                anyhow!(InputError(format!(
                    "{} is not UTF-8 text; save it as UTF-8",
                    def_path.display()
                )))
            })
        })
}

/// Every file under `root/sub` (none if it does not exist), in path order.
/// Hidden files count and no ignore file applies; symlinks are followed
/// only when they resolve inside `root`, and a loop of them is an error.
fn walk(root: &Path, sub: &str) -> Result<Vec<SourceFile>> {
    let base = root.join(sub);
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    let real = fs::canonicalize(&base).with_context(|| format!("resolving {}", base.display()))?;
    if !real.starts_with(root) {
        bail!(InputError(format!(
            "{}: the `{sub}/` directory resolves to {}, outside the template; templates may only link to their own files",
            base.display(),
            real.display()
        )));
    }
    let refused = Arc::new(Mutex::new(Vec::<String>::new()));
    let walker = ignore::WalkBuilder::new(&base)
        .standard_filters(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(links_inside(root, Arc::clone(&refused)))
        .build();
    let mut files = Vec::new();
    for entry in walker {
        let entry = entry.map_err(walk_error)?;
        if let Some(file) = source_file(&entry, &base)? {
            files.push(file);
        }
    }
    if let Some(first) = refused.lock().ok().and_then(|v| v.first().cloned()) {
        bail!(InputError(first));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The walk's entry filter: symlinks that resolve inside `root` are
/// followed, others are skipped and described in `refused`, since a
/// filter cannot fail the walk itself.
fn links_inside(
    root: &Path,
    refused: Arc<Mutex<Vec<String>>>,
) -> impl Fn(&ignore::DirEntry) -> bool + Send + Sync + 'static {
    let inside = root.to_path_buf();
    move |e| {
        if !e.path_is_symlink() {
            return true;
        }
        let problem = match fs::canonicalize(e.path()) {
            Ok(target) if target.starts_with(&inside) => return true,
            Ok(target) => format!(
                "{}: symlink points outside the template (to {}); templates may only link to their own files",
                e.path().display(),
                target.display()
            ),
            Err(_) => format!(
                "{}: symlink points to nothing; remove it",
                e.path().display()
            ),
        };
        if let Ok(mut v) = refused.lock() {
            v.push(problem);
        }
        false
    }
}

/// A failed step of the walk, naming the link when symlinks loop.
fn walk_error(e: ignore::Error) -> anyhow::Error {
    anyhow!(InputError(match loop_child(&e) {
        Some(child) => format!(
            "{}: symlinked directories form a loop; remove the link",
            child.display()
        ),
        None => format!("reading the template: {e}"),
    }))
}

/// The template file `entry` under `base` is; none for a directory.
/// Anything else that is not a regular file, or whose name is not UTF-8,
/// cannot be in a template.
fn source_file(entry: &ignore::DirEntry, base: &Path) -> Result<Option<SourceFile>> {
    let Some(kind) = entry.file_type() else {
        return Ok(None);
    };
    if kind.is_dir() {
        return Ok(None);
    }
    let path = entry.path();
    if !kind.is_file() {
        bail!(InputError(format!(
            "{}: only regular files and directories can be in a template",
            path.display()
        )));
    }
    let rel = path.strip_prefix(base).unwrap_or(path);
    let Some(rel) = rel.to_str() else {
        bail!(InputError(format!(
            "{}: file names in a template must be UTF-8",
            path.display()
        )));
    };
    let meta = entry
        .metadata()
        .map_err(|e| InputError(format!("reading {}: {e}", path.display())))?;
    let real = if entry.path_is_symlink() {
        fs::canonicalize(path).with_context(|| format!("resolving {}", path.display()))?
    } else {
        path.to_path_buf()
    };
    Ok(Some(SourceFile {
        path: rel.replace(std::path::MAIN_SEPARATOR, "/"),
        data: SourceData::File(real),
        executable: is_executable(&meta),
    }))
}

/// The link that closes a loop, if `err` is about one.
fn loop_child(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            loop_child(err)
        }
        _ => None,
    }
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &fs::Metadata) -> bool {
    false
}
