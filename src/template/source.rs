//! Where a template comes from: the built-ins embedded in the binary, or a
//! directory on disk. Either way the result is the same in-memory
//! [`Template`], read once, with symlinks resolved and checked.

use anyhow::{anyhow, bail, Context, Result};
use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::definition::Definition;
use crate::error::InputError;
use crate::util::read::{self, Input};

/// A file of a built-in template, embedded in the binary by build.rs.
pub struct BuiltinFile {
    pub path: &'static str,
    pub contents: &'static [u8],
    pub executable: bool,
}

/// A built-in template: its name and every file of its directory.
pub struct BuiltinTemplate {
    pub name: &'static str,
    pub files: &'static [BuiltinFile],
}

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// Where a template was loaded from, recorded in platform.yaml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin(String),
    Local(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Builtin(name) => write!(f, "builtin:{name}"),
            Origin::Local(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Where a file's bytes are: in the binary, or on disk (read only when the
/// file is rendered, so a large template is never all in memory).
#[derive(Debug, Clone)]
pub enum SourceData {
    Static(&'static [u8]),
    File(PathBuf),
}

/// One file under `files/`, before rendering.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to `files/`, `/`-separated.
    pub path: String,
    pub data: SourceData,
    pub executable: bool,
}

impl SourceFile {
    /// The file's bytes: borrowed for a built-in, read from disk otherwise.
    pub fn bytes(&self) -> Result<Cow<'static, [u8]>> {
        match &self.data {
            SourceData::Static(b) => Ok(Cow::Borrowed(*b)),
            SourceData::File(p) => read::open_resolved(p)
                .and_then(|f| f.read_all(Input::TemplateFile))
                .map(Cow::Owned)
                .map_err(|r| r.into_error(p, Input::TemplateFile)),
        }
    }
}

/// A loaded template: its definition, the list of its files, and its
/// partials (`partials/`: templates the files may `include`, or whose
/// components they may use, never written themselves).
pub struct Template {
    pub origin: Origin,
    pub definition: Definition,
    pub files: Vec<SourceFile>,
    pub partials: Vec<(String, String)>,
}

/// True when `spec` names a directory rather than a built-in template.
pub fn is_path(spec: &str) -> bool {
    spec.contains('/') || spec.contains(std::path::MAIN_SEPARATOR) || spec.starts_with('.')
}

/// Resolves `spec` (a built-in name or a path) to a loaded template.
pub fn load(spec: &str) -> Result<Template> {
    if is_path(spec) {
        load_dir(Path::new(spec))
    } else {
        load_builtin(spec)
    }
}

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
    let text = read::open_in(&root, &def_path)
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
        })?;
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
