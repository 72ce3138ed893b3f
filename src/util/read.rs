//! The one door through which plat reads a file, whatever its role:
//! template definitions and files, values, config, policies, manifests and
//! a service's files. Every file is opened without blocking and checked on
//! the open handle: only regular files are read (never a FIFO, a device or
//! a directory), never more than the limit of its kind, and files inside a
//! template or repository only when they resolve inside it.

use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::error::InputError;

/// What a file is to plat: it decides the size limit and names the file in
/// errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// A template's `template.yaml`.
    Definition,
    /// A file under a template's `files/` or `partials/`.
    TemplateFile,
    /// `--values FILE`.
    Values,
    /// plat's own config file.
    Config,
    /// A policy file.
    Policy,
    /// A service's platform.yaml.
    Manifest,
    /// Any other file of a service that doctor or sync reads.
    ServiceFile,
}

const MIB: u64 = 1024 * 1024;

impl Input {
    /// The most plat reads of a file of this kind (docs/security.md).
    pub fn limit(self) -> u64 {
        match self {
            Input::TemplateFile => 16 * MIB,
            Input::ServiceFile => 4 * MIB,
            Input::Definition | Input::Values | Input::Config | Input::Policy | Input::Manifest => {
                MIB
            }
        }
    }

    fn what(self) -> &'static str {
        match self {
            Input::Definition => "a template definition",
            Input::TemplateFile => "a template file",
            Input::Values => "a values file",
            Input::Config => "plat's config",
            Input::Policy => "a policy file",
            Input::Manifest => "a platform.yaml",
            Input::ServiceFile => "a service file",
        }
    }

    /// What a file of this kind may resolve inside.
    fn inside(self) -> &'static str {
        match self {
            Input::Definition | Input::TemplateFile => "the template",
            _ => "the service",
        }
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum Refused {
    Missing(std::io::Error),
    /// A FIFO, a device, a socket or a directory: named.
    NotRegular(&'static str),
    TooLarge(u64),
    /// A symbolic link (or a path through one) that leads out of `root`.
    Outside(PathBuf),
    /// A symbolic link where plat had resolved a plain file.
    Link,
    Io(std::io::Error),
}

impl Refused {
    /// The whole message, naming `path` as read as `input`.
    pub fn message(&self, path: &Path, input: Input) -> String {
        let p = path.display();
        match self {
            Refused::Missing(e) => format!("cannot read {p}: {e}"),
            Refused::NotRegular(kind) => format!(
                "{p} is {kind}, not a regular file; plat reads only regular files"
            ),
            Refused::TooLarge(size) => format!(
                "{p} is larger than the {} plat reads for {} ({size} bytes or more); is this the right file?",
                size_text(input.limit()),
                input.what()
            ),
            Refused::Outside(target) => format!(
                "{p} resolves to {}, outside {}; plat reads only files inside {}",
                target.display(),
                input.inside(),
                input.inside()
            ),
            Refused::Link => format!(
                "{p} is a symbolic link; plat does not follow it here"
            ),
            Refused::Io(e) => format!("cannot read {p}: {e}"),
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Refused::Missing(_))
    }

    /// As an input error naming `path`.
    pub fn into_error(self, path: &Path, input: Input) -> anyhow::Error {
        InputError(self.message(path, input)).into()
    }
}

fn size_text(bytes: u64) -> String {
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// An open regular file and its size.
pub struct Opened {
    pub file: File,
    pub len: u64,
}

/// Opens `path` (following symbolic links) if it is a regular file.
pub fn open(path: &Path) -> Result<Opened, Refused> {
    open_with(path, false)
}

/// Opens `path` only if it resolves inside `root` (a resolved path, as
/// `canonicalize` gives), and is a regular file.
pub fn open_in(root: &Path, path: &Path) -> Result<Opened, Refused> {
    if let Ok(rel) = path.strip_prefix(root) {
        if no_links_below(root, rel)? {
            // Plain directories all the way down, inside `root`.
            return open_with(path, true);
        }
    }
    let real = std::fs::canonicalize(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Refused::Missing(e),
        _ => Refused::Io(e),
    })?;
    if !real.starts_with(root) {
        return Err(Refused::Outside(real));
    }
    open_with(&real, true)
}

/// Whether no component of `rel` below `root` is a symbolic link (the
/// common case, cheaper to check than resolving the whole path).
fn no_links_below(root: &Path, rel: &Path) -> Result<bool, Refused> {
    let mut at = root.to_path_buf();
    for part in rel.components() {
        match part {
            std::path::Component::Normal(name) => at.push(name),
            _ => return Ok(false),
        }
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Ok(false),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refused::Missing(e)),
            Err(e) => return Err(Refused::Io(e)),
        }
    }
    Ok(true)
}

/// Opens `path`, which the caller resolved already: a symbolic link there
/// now is refused rather than followed.
pub fn open_resolved(path: &Path) -> Result<Opened, Refused> {
    open_with(path, true)
}

fn open_with(path: &Path, no_follow: bool) -> Result<Opened, Refused> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading would wait for a writer.
        let mut flags = libc::O_NONBLOCK;
        if no_follow {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    #[cfg(not(unix))]
    let _ = no_follow;
    let file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Refused::Missing(e),
        #[cfg(unix)]
        _ if no_follow && e.raw_os_error() == Some(libc::ELOOP) => Refused::Link,
        _ => Refused::Io(e),
    })?;
    let meta = file.metadata().map_err(Refused::Io)?;
    if !meta.is_file() {
        return Err(Refused::NotRegular(kind_of(&meta)));
    }
    Ok(Opened {
        len: meta.len(),
        file,
    })
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

impl Opened {
    /// Everything, if it is within `input`'s limit.
    pub fn read_all(self, input: Input) -> Result<Vec<u8>, Refused> {
        let limit = input.limit();
        if self.len > limit {
            return Err(Refused::TooLarge(self.len));
        }
        let mut bytes = Vec::with_capacity(self.len as usize);
        // A file that grows while read still stops at the limit.
        self.file
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(Refused::Io)?;
        if bytes.len() as u64 > limit {
            return Err(Refused::TooLarge(bytes.len() as u64));
        }
        Ok(bytes)
    }
}

/// Reads a file the user named (`--values`, a policy, plat's config).
pub fn read(path: &Path, input: Input) -> anyhow::Result<Vec<u8>> {
    open(path)
        .and_then(|f| f.read_all(input))
        .map_err(|r| r.into_error(path, input))
}

/// Reads `path`, which must resolve inside `root` (a template, a
/// repository).
pub fn read_in(root: &Path, path: &Path, input: Input) -> anyhow::Result<Vec<u8>> {
    open_in(root, path)
        .and_then(|f| f.read_all(input))
        .map_err(|r| r.into_error(path, input))
}

/// [`read`] as UTF-8 text.
pub fn read_text(path: &Path, input: Input) -> anyhow::Result<String> {
    text(path, read(path, input)?)
}

/// `reader` (standard input for `--values -`) to its end as UTF-8 text,
/// never more than the limit of `input`; `name` names it in errors.
pub fn read_stream_text(
    reader: impl std::io::Read,
    name: &Path,
    input: Input,
) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    reader
        .take(input.limit() + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Refused::Io(e).into_error(name, input))?;
    if bytes.len() as u64 > input.limit() {
        return Err(Refused::TooLarge(bytes.len() as u64).into_error(name, input));
    }
    text(name, bytes)
}

/// [`read_in`] as UTF-8 text.
pub fn read_text_in(root: &Path, path: &Path, input: Input) -> anyhow::Result<String> {
    text(path, read_in(root, path, input)?)
}

fn text(path: &Path, bytes: Vec<u8>) -> anyhow::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        InputError(format!(
            "{} is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
        .into()
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_their_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let err = read(&fifo, Input::Values).unwrap_err().to_string();
        assert!(err.contains("is a FIFO, not a regular file"), "{err}");
        let err = read(Path::new("/dev/zero"), Input::Values)
            .unwrap_err()
            .to_string();
        assert!(err.contains("is a device"), "{err}");
        let err = read(dir.path(), Input::Config).unwrap_err().to_string();
        assert!(err.contains("is a directory"), "{err}");
        let big = dir.path().join("big.yaml");
        std::fs::write(&big, vec![b'a'; (MIB + 1) as usize]).unwrap();
        let err = read(&big, Input::Policy).unwrap_err().to_string();
        assert!(
            err.contains("larger than the 1 MiB plat reads for a policy file"),
            "{err}"
        );
        std::fs::write(&big, "a: 1\n").unwrap();
        assert_eq!(read(&big, Input::Policy).unwrap(), b"a: 1\n");
    }

    #[test]
    fn files_inside_a_root_must_resolve_inside_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("t");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(dir.path().join("secret"), "token").unwrap();
        std::fs::write(root.join("sub/ok"), "fine").unwrap();
        std::os::unix::fs::symlink("../secret", root.join("out")).unwrap();
        std::os::unix::fs::symlink("sub/ok", root.join("in")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("zero")).unwrap();
        assert_eq!(
            read_in(&root, &root.join("in"), Input::Definition).unwrap(),
            b"fine"
        );
        for link in ["out", "zero"] {
            let err = read_in(&root, &root.join(link), Input::Definition)
                .unwrap_err()
                .to_string();
            assert!(err.contains("outside the template"), "{err}");
            assert!(!err.contains("token"));
        }
        let err = open_resolved(&root.join("in")).err().unwrap();
        assert!(matches!(err, Refused::Link), "{err:?}");
    }
}
