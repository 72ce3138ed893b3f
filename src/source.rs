//! Where a template comes from: the built-ins embedded in the binary, or a
//! directory on disk. Either way the result is the same in-memory
//! [`Template`], read once, with symlinks resolved and checked.

use anyhow::{bail, Context, Result};
use std::borrow::Cow;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::definition::Definition;

pub struct BuiltinFile {
    pub path: &'static str,
    pub contents: &'static [u8],
    pub executable: bool,
}

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
    pub fn bytes(&self) -> Result<Cow<'static, [u8]>> {
        match &self.data {
            SourceData::Static(b) => Ok(Cow::Borrowed(b)),
            SourceData::File(p) => fs::read(p)
                .map(Cow::Owned)
                .with_context(|| format!("reading {}", p.display())),
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

pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|t| t.name).collect()
}

pub fn load_builtin(name: &str) -> Result<Template> {
    let Some(t) = BUILTIN.iter().find(|t| t.name == name) else {
        let names = builtin_names();
        let hint = crate::suggest::did_you_mean(name, names.iter().copied())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        bail!(
            "no built-in template named `{name}`; {hint}built-ins: {}. A path to a template directory must contain `/` or start with `.` (e.g. `./{name}`)",
            names.join(", ")
        );
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

pub fn load_dir(dir: &Path) -> Result<Template> {
    let meta = fs::metadata(dir).with_context(|| {
        format!(
            "template directory `{}` cannot be read; check the path (built-in templates: {})",
            dir.display(),
            builtin_names().join(", ")
        )
    })?;
    if !meta.is_dir() {
        bail!("template `{}` is not a directory", dir.display());
    }
    let root = fs::canonicalize(dir).with_context(|| format!("resolving {}", dir.display()))?;
    let def_path = root.join("template.yaml");
    let text = fs::read_to_string(&def_path).with_context(|| {
        format!(
            "reading {}: a template directory needs a template.yaml",
            def_path.display()
        )
    })?;
    let definition = Definition::parse(&text, &def_path.display().to_string())?;
    let files_dir = root.join("files");
    let mut files = Vec::new();
    if files_dir.is_dir() {
        let mut visited = HashSet::new();
        walk(&root, &files_dir, "", &mut files, &mut visited)?;
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let partials_dir = root.join("partials");
    let mut partials = Vec::new();
    if partials_dir.is_dir() {
        let mut found = Vec::new();
        walk(&root, &partials_dir, "", &mut found, &mut HashSet::new())?;
        for f in found {
            let bytes = f.bytes()?;
            let text = String::from_utf8(bytes.into_owned())
                .map_err(|_| anyhow::anyhow!("partials/{}: partials must be UTF-8 text", f.path))?;
            partials.push((f.path, text));
        }
    }
    Ok(Template {
        origin: Origin::Local(root),
        definition,
        files,
        partials,
    })
}

/// Reads `dir` recursively. Symlinks are followed only when their target
/// stays inside the template root; a loop of directory links is an error.
fn walk(
    root: &Path,
    dir: &Path,
    prefix: &str,
    out: &mut Vec<SourceFile>,
    visited: &mut HashSet<PathBuf>,
) -> Result<()> {
    let canonical =
        fs::canonicalize(dir).with_context(|| format!("resolving {}", dir.display()))?;
    if !visited.insert(canonical) {
        bail!(
            "{}: symlinked directories form a loop; remove the link",
            dir.display()
        );
    }
    let mut entries: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("reading {}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            bail!("{}: file names in a template must be UTF-8", path.display());
        };
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let link_meta =
            fs::symlink_metadata(&path).with_context(|| format!("reading {}", path.display()))?;
        let (meta, real) = if link_meta.file_type().is_symlink() {
            let target = fs::canonicalize(&path).with_context(|| {
                format!("{}: symlink points to nothing; remove it", path.display())
            })?;
            if !target.starts_with(root) {
                bail!(
                    "{}: symlink points outside the template (to {}); templates may only link to their own files",
                    path.display(),
                    target.display()
                );
            }
            let meta =
                fs::metadata(&target).with_context(|| format!("reading {}", target.display()))?;
            (meta, target)
        } else {
            (link_meta, path.clone())
        };
        if meta.is_dir() {
            walk(root, &path, &rel, out, visited)?;
        } else if meta.is_file() {
            out.push(SourceFile {
                path: rel,
                data: SourceData::File(real),
                executable: is_executable(&meta),
            });
        } else {
            bail!(
                "{}: only regular files and directories can be in a template",
                path.display()
            );
        }
    }
    Ok(())
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
