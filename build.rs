//! Embeds the built-in templates (`templates/<name>/`) and every earlier
//! released version of each (`templates/releases/<name>/<version>/`, which
//! `plat update` renders as the base of a three-way merge) in the binary,
//! keeping each file's executable bit, so plat needs nothing beside itself.
//! Only what a template is gets embedded ([`TEMPLATE_PARTS`]): its test
//! cases (`tests/`, run by `plat template test`) stay out of the binary.
//! For release builds linked by rust-lld it also hands the linker the order
//! of the functions local use runs ([`hot_code_first`]).

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // a build script reads cargo's environment and talks to cargo on stdout

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where earlier released versions live: `templates/releases/<name>/<version>/`.
const RELEASES: &str = "releases";
/// What plat loads of a template: the rest of its directory (`tests/`)
/// is for its authors.
const TEMPLATE_PARTS: &[&str] = &["template.yaml", "files", "partials"];

fn main() {
    hot_code_first();
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("templates");
    println!("cargo:rerun-if-changed=templates");
    let mut out = String::from("pub static BUILTIN: &[BuiltinTemplate] = &[\n");
    let names: Vec<PathBuf> = subdirs(&root)
        .into_iter()
        .filter(|d| d.file_name().unwrap() != RELEASES)
        .collect();
    for dir in subdirs(&root.join(RELEASES)) {
        assert!(
            names.iter().any(|n| n.file_name() == dir.file_name()),
            "{} holds releases of a template that is not built in",
            dir.display()
        );
    }
    for dir in names {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        writeln!(out, "    BuiltinTemplate {{ name: {name:?}, files: &[").unwrap();
        files(&dir, &mut out);
        out.push_str("    ], releases: &[\n");
        for release in subdirs(&root.join(RELEASES).join(&name)) {
            let version = release.file_name().unwrap().to_string_lossy().into_owned();
            writeln!(
                out,
                "        BuiltinRelease {{ version: {version:?}, files: &["
            )
            .unwrap();
            files(&release, &mut out);
            out.push_str("        ] },\n");
        }
        out.push_str("    ] },\n");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("builtin.rs");
    std::fs::write(dest, out).unwrap();
}

/// The directories in `dir`, sorted; none when it does not exist.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// One `BuiltinFile` line per file of the template in `dir`
/// ([`TEMPLATE_PARTS`]).
fn files(dir: &Path, out: &mut String) {
    let mut files = Vec::new();
    for part in TEMPLATE_PARTS {
        let path = dir.join(part);
        if std::fs::symlink_metadata(&path).is_ok() {
            collect(dir, &path, &mut files);
        }
    }
    files.sort();
    for (rel, abs, exec) in files {
        writeln!(
            out,
            "        BuiltinFile {{ path: {rel:?}, contents: include_bytes!({:?}), executable: {exec} }},",
            abs.display().to_string()
        )
        .unwrap();
    }
}

/// `path` (a file, or a directory and everything under it), relative to
/// `base`, with its executable bit.
fn collect(base: &Path, path: &Path, out: &mut Vec<(String, PathBuf, bool)>) {
    let meta = std::fs::symlink_metadata(path).unwrap();
    if meta.file_type().is_symlink() {
        panic!(
            "built-in templates may not contain symlinks: {}",
            path.display()
        );
    } else if meta.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            collect(base, &entry.unwrap().path(), out);
        }
    } else {
        let rel = path.strip_prefix(base).unwrap();
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push((rel, path.to_path_buf(), is_executable(&meta)));
    }
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}

/// Release builds on x86_64 Linux, linked by rust-lld (Rust 1.90 and
/// later, no linker of the user's own): the functions in
/// `bench/hot-symbols.txt` (from `bench/hot-symbols.sh`) go first in the
/// binary, so a local run maps few code pages and the https/ssh code it
/// never runs stays unmapped (bench/README.md, "Templates from git").
/// `PLAT_NO_SYMBOL_ORDER=1` turns it off.
fn hot_code_first() {
    println!("cargo:rerun-if-changed=bench/hot-symbols.txt");
    println!("cargo:rerun-if-env-changed=PLAT_NO_SYMBOL_ORDER");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let wanted = var("TARGET") == "x86_64-unknown-linux-gnu"
        && var("PROFILE") == "release"
        && std::env::var_os("PLAT_NO_SYMBOL_ORDER").is_none()
        && std::env::var_os("RUSTC_LINKER").is_none()
        && rustc_minor() >= Some(90);
    let file = PathBuf::from(var("CARGO_MANIFEST_DIR")).join("bench/hot-symbols.txt");
    if wanted && file.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            file.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// The minor version of the rustc building this crate (`1.95.0` -> 95).
fn rustc_minor() -> Option<u32> {
    let rustc = std::env::var_os("RUSTC")?;
    let out = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    text.split_whitespace()
        .nth(1)?
        .split('.')
        .nth(1)?
        .parse()
        .ok()
}
