//! Changing files of an existing service in place (`plat sync`, `doctor
//! --fix`): each file is replaced whole, through a temporary file and a
//! rename, so readers see the old file or the new one, never a mix; and
//! nothing is written through a symbolic link.

use anyhow::{bail, Context as _, Result};
use std::io::Write as _;
use std::path::Path;

use super::interrupt::Replacing;
use crate::error::InputError;

/// Refuses a path that goes through a symbolic link inside `root`: writing
/// through it could change files outside the service.
pub fn refuse_symlinks(root: &Path, rel: &str) -> Result<()> {
    let mut path = root.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => bail!(InputError(format!(
                "refusing to write {rel}: `{}` is a symbolic link, and plat only writes plain files inside the service; replace the link with the directory or file itself",
                path.display()
            ))),
            Ok(_) => {}
            Err(_) => break, // missing: created as a plain directory or file
        }
    }
    Ok(())
}

/// Removes what a killed plat left in `dir`, once per directory and run:
/// a command replacing thousands of files reads each directory once.
fn once_per_dir(dir: &Path) {
    static SEEN: std::sync::Mutex<Option<std::collections::HashSet<std::path::PathBuf>>> =
        std::sync::Mutex::new(None);
    let first = SEEN
        .lock()
        .map(|mut seen| {
            seen.get_or_insert_with(Default::default)
                .insert(dir.to_path_buf())
        })
        .unwrap_or(true);
    if first {
        super::stale::remove_left_behind(dir, "tmp");
    }
}

/// Writes `contents` to `path` whole, creating its directory. An existing
/// file keeps its permissions; a new one is 0644, or 0755 if `executable`.
pub fn write_atomic(path: &Path, contents: &[u8], executable: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    once_per_dir(dir);
    let tmp = dir.join(format!(".{name}.plat-tmp-{}", std::process::id()));
    let _busy = Replacing::start();
    let result = (|| -> Result<()> {
        let mut f =
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        f.write_all(contents)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("writing {}", tmp.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = match std::fs::metadata(path) {
                Ok(m) => m.permissions().mode() & 0o7777,
                Err(_) if executable => 0o755,
                Err(_) => 0o644,
            };
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))
                .with_context(|| format!("setting the mode of {}", tmp.display()))?;
        }
        #[cfg(not(unix))]
        let _ = executable;
        std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Removes `root/rel` and then each parent directory it leaves empty, up
/// to (not including) `root`.
pub fn remove(root: &Path, rel: &str) -> Result<()> {
    let path = root.join(rel);
    std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != root && d.starts_with(root)) {
        if std::fs::remove_dir(d).is_err() {
            break; // not empty
        }
        dir = d.parent();
    }
    Ok(())
}
