//! What a plat that was killed (SIGKILL, a power cut) left behind: staging
//! directories beside a new project's target and temporary files beside
//! replaced ones, each named after the process that made it. A later plat
//! removes those whose process is gone.

use std::path::Path;

/// Removes the entries of `dir` named `.NAME.plat-KIND-PID` (KIND is
/// `staging` or `tmp`) whose process no longer runs. Best effort: what
/// cannot be read or removed is left alone.
pub fn remove_left_behind(dir: &Path, kind: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let marker = format!(".plat-{kind}-");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(pid) = name
            .strip_prefix('.')
            .and_then(|n| n.rsplit_once(&marker))
            .and_then(|(_, pid)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || running(pid) {
            continue;
        }
        let path = entry.path();
        let _ = match entry.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
    }
}

/// Whether process `pid` exists (when in doubt, yes).
#[cfg(unix)]
fn running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    alive || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn running(_: u32) -> bool {
    true
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn only_what_a_gone_process_left_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join(".api.plat-staging-2147483646");
        let ours = dir
            .path()
            .join(format!(".api.plat-staging-{}", std::process::id()));
        let other = dir.path().join(".api.plat-staging-1");
        for d in [&gone, &ours, &other] {
            std::fs::create_dir_all(d.join("sub")).unwrap();
        }
        std::fs::write(dir.path().join(".x.plat-tmp-2147483646"), "half").unwrap();
        std::fs::write(dir.path().join("keep.plat-staging-2147483646"), "mine").unwrap();
        super::remove_left_behind(dir.path(), "staging");
        super::remove_left_behind(dir.path(), "tmp");
        assert!(!gone.exists());
        assert!(ours.exists(), "this process's own");
        assert!(other.exists(), "pid 1 runs");
        assert!(!dir.path().join(".x.plat-tmp-2147483646").exists());
        assert!(
            dir.path().join("keep.plat-staging-2147483646").exists(),
            "not a hidden staging name"
        );
    }
}
