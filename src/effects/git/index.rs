//! The index (`.git/index`, version 2) of a first commit, written in one
//! pass: every file with its object id and the stat data git compares to
//! tell that the work tree is clean. Format: git's
//! Documentation/gitformat-index.txt.

use anyhow::{Context, Result};
use std::io::{BufWriter, Write};
use std::path::Path;

use super::hashing::Hashing;
use super::pack::ObjectId;

/// One file of the index; `path` is `/`-separated, and entries come in
/// byte order of their paths (the order of a plan).
pub struct Entry<'a> {
    pub path: &'a str,
    pub id: ObjectId,
    pub executable: bool,
    pub meta: std::fs::Metadata,
}

/// Writes the `count` entries `entries` yields (sorted by path) as
/// `git_dir/index`, one at a time.
pub fn write<'a>(
    git_dir: &Path,
    count: usize,
    entries: impl Iterator<Item = Result<Entry<'a>>>,
) -> Result<()> {
    let path = git_dir.join("index");
    let file =
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = Hashing::new(BufWriter::with_capacity(64 * 1024, file));
    let io =
        |e: std::io::Error| anyhow::Error::new(e).context(format!("writing {}", path.display()));
    out.write_all(b"DIRC").map_err(io)?;
    out.write_all(&2u32.to_be_bytes()).map_err(io)?;
    out.write_all(&(count as u32).to_be_bytes()).map_err(io)?;
    for entry in entries {
        write_entry(&mut out, &entry?).map_err(io)?;
    }
    let checksum = out.hasher.digest().bytes();
    out.inner.write_all(&checksum).map_err(io)?;
    out.inner.flush().map_err(io)
}

fn write_entry(out: &mut impl Write, e: &Entry) -> std::io::Result<()> {
    let (ctime, ctime_ns, mtime, mtime_ns, dev, ino, uid, gid) = stat(&e.meta);
    let mode: u32 = if e.executable { 0o100755 } else { 0o100644 };
    for field in [
        ctime,
        ctime_ns,
        mtime,
        mtime_ns,
        dev,
        ino,
        mode,
        uid,
        gid,
        e.meta.len() as u32,
    ] {
        out.write_all(&field.to_be_bytes())?;
    }
    out.write_all(&e.id)?;
    let name = e.path.as_bytes();
    out.write_all(&(name.len().min(0xfff) as u16).to_be_bytes())?;
    out.write_all(name)?;
    // NUL-padded to a multiple of eight bytes, with at least one NUL.
    let len = 62 + name.len();
    out.write_all(&[0u8; 8][..8 - len % 8])
}

/// ctime, mtime (seconds, nanoseconds), device, inode, uid and gid, each
/// truncated to 32 bits as git stores them.
#[cfg(unix)]
fn stat(meta: &std::fs::Metadata) -> (u32, u32, u32, u32, u32, u32, u32, u32) {
    use std::os::unix::fs::MetadataExt;
    (
        meta.ctime() as u32,
        meta.ctime_nsec() as u32,
        meta.mtime() as u32,
        meta.mtime_nsec() as u32,
        meta.dev() as u32,
        meta.ino() as u32,
        meta.uid(),
        meta.gid(),
    )
}

#[cfg(not(unix))]
fn stat(_: &std::fs::Metadata) -> (u32, u32, u32, u32, u32, u32, u32, u32) {
    (0, 0, 0, 0, 0, 0, 0, 0)
}
