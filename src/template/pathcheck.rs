//! Every path plat writes must stay inside the target directory and be
//! portable: these checks run on each rendered path, and on values that end
//! up in paths, before anything touches the disk.

use anyhow::{bail, Result};

/// Checks a `/`-separated relative path that plat is about to create.
pub fn check_relative(path: &str) -> Result<()> {
    if path.is_empty() {
        bail!("the path is empty");
    }
    if path.starts_with('/') {
        bail!("`{path}` is absolute; paths must stay inside the project");
    }
    for segment in path.split('/') {
        check_segment(segment).map_err(|e| anyhow::anyhow!("`{path}`: {e}"))?;
    }
    Ok(())
}

const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

fn check_segment(seg: &str) -> Result<()> {
    if seg.is_empty() {
        bail!("empty path segment (`//`)");
    }
    if seg == "." || seg == ".." {
        bail!("`{seg}` is not allowed: paths must stay inside the project");
    }
    if seg.contains('\0') {
        bail!("NUL byte in a file name");
    }
    if seg.eq_ignore_ascii_case(".git") {
        bail!("a `.git` component is not allowed: plat never writes into git's own directory");
    }
    if let Some(why) = windows_problem(seg) {
        bail!("{why}");
    }
    Ok(())
}

/// Why Windows cannot hold a file or directory called `seg`: a character
/// it refuses, a trailing dot or space, or a device name (`CON`,
/// `aux.txt`). Also asked of a template's own file names, which a
/// checkout of its repository must be able to hold.
pub fn windows_problem(seg: &str) -> Option<String> {
    if let Some(c) = seg
        .chars()
        .find(|c| matches!(c, '<' | '>' | ':' | '"' | '\\' | '|' | '?' | '*') || (*c as u32) < 0x20)
    {
        return Some(format!(
            "`{}` in `{seg}` is not allowed in a file name on Windows",
            c.escape_default()
        ));
    }
    if seg.ends_with('.') || seg.ends_with(' ') {
        return Some(format!(
            "`{seg}` ends with a dot or space, which Windows cannot hold"
        ));
    }
    let stem = seg.split('.').next().unwrap_or(seg).trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        return Some(format!("`{seg}` is a reserved device name on Windows"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::check_relative;

    #[test]
    fn accepts_ordinary_paths() {
        for p in [
            "a",
            "src/main.rs",
            ".github/workflows/ci.yml",
            "a.b.c/d-e_f",
            ".gitignore",
        ] {
            check_relative(p).unwrap();
        }
    }

    #[test]
    fn rejects_escapes_and_unportable_names() {
        for p in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a/.git/config",
            "A/.GIT/x",
            "a\0b",
            "con",
            "aux.txt",
            "Com1.log",
            "a:b",
            "a\\b",
            "what?",
            "trail.",
            "trail ",
            "x/\u{1}y",
        ] {
            assert!(check_relative(p).is_err(), "{p:?} should be rejected");
        }
    }
}
