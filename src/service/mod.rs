//! An existing service: finding it ([`locate`]; every service under a
//! directory: [`find`]) and its files ([`walk`]),
//! what its managed files should hold ([`drift`]), and bringing them back
//! in step ([`sync`]). `plat sync` and `plat doctor` both stand on this.

pub mod drift;
pub mod find;
pub mod locate;
pub mod sync;
pub mod walk;

use std::path::Path;

/// `path` relative to `base`, `/`-separated, for reports.
pub fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}
