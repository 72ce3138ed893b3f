//! A packfile and its index (version 2), written in one pass: the first
//! commit of a project needs no delta search and no second read of its
//! objects, so each object is deflated once and appended, and the index is
//! built from what was written. Format: git's
//! Documentation/gitformat-pack.txt.

use anyhow::{bail, Context, Result};
use flate2::{Compress, Compression, FlushCompress, Status};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::hashing::Hashing;

/// A git object id (SHA-1).
pub type ObjectId = [u8; 20];

/// The kinds of object a first commit holds, with their pack type codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Commit = 1,
    Tree = 2,
    Blob = 3,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Commit => "commit",
            Kind::Tree => "tree",
            Kind::Blob => "blob",
        }
    }
}

/// The id git gives an object: the SHA-1 of `KIND SIZE\0` and the data.
pub fn object_id(kind: Kind, data: &[u8]) -> ObjectId {
    let mut h = sha1_smol::Sha1::new();
    h.update(format!("{} {}\0", kind.name(), data.len()).as_bytes());
    h.update(data);
    h.digest().bytes()
}

/// Lowercase hex, as git writes ids.
pub fn hex(id: &ObjectId) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

/// A packfile being written into `objects/pack/`.
pub struct PackWriter {
    dir: PathBuf,
    tmp: TempPath,
    out: Hashing<BufWriter<File>>,
    /// id, offset, CRC-32 of the packed bytes.
    entries: Vec<(ObjectId, u64, u32)>,
    expected: u32,
    /// One deflate state for every object: setting one up costs far more
    /// than compressing a small file.
    deflate: Compress,
    packed: Vec<u8>,
}

impl PackWriter {
    /// Starts a pack of exactly `count` objects in `dir`.
    pub fn create(dir: &Path, count: u32) -> Result<PackWriter> {
        let tmp = dir.join(format!("tmp_pack_plat_{}", std::process::id()));
        let file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut out = Hashing::new(BufWriter::with_capacity(64 * 1024, file));
        out.write_all(b"PACK")?;
        out.write_all(&2u32.to_be_bytes())?;
        out.write_all(&count.to_be_bytes())?;
        Ok(PackWriter {
            dir: dir.to_path_buf(),
            tmp: TempPath(tmp),
            out,
            entries: Vec::with_capacity(count as usize),
            expected: count,
            deflate: Compress::new(Compression::fast(), true),
            packed: Vec::new(),
        })
    }

    /// Appends an object whose id the caller computed with [`object_id`].
    pub fn add(&mut self, id: ObjectId, kind: Kind, data: &[u8]) -> Result<()> {
        let offset = self.out.written;
        let packed = &mut self.packed;
        packed.clear();
        packed.extend_from_slice(&header(kind, data.len()));
        packed.reserve(data.len() + data.len() / 16 + 64);
        self.deflate.reset();
        loop {
            let done = self.deflate.total_in() as usize;
            let status = self
                .deflate
                .compress_vec(&data[done..], packed, FlushCompress::Finish)
                .context("compressing a git object")?;
            if status == Status::StreamEnd {
                break;
            }
            packed.reserve(packed.capacity().max(64));
        }
        let crc = crc32fast::hash(packed);
        self.out
            .write_all(packed)
            .with_context(|| format!("writing {}", self.tmp.0.display()))?;
        self.entries.push((id, offset, crc));
        Ok(())
    }

    /// Ends the pack, names it after its checksum as git does, and writes
    /// its index beside it.
    pub fn finish(self) -> Result<()> {
        let PackWriter {
            dir,
            tmp,
            out,
            mut entries,
            expected,
            ..
        } = self;
        if entries.len() != expected as usize {
            bail!(
                "the pack holds {} objects, not the {expected} announced",
                entries.len()
            );
        }
        let checksum = out.hasher.digest().bytes();
        let mut inner = out.inner;
        inner.write_all(&checksum)?;
        inner
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("writing {}", tmp.0.display()))?;
        let name = format!("pack-{}", hex(&checksum));
        let pack = dir.join(format!("{name}.pack"));
        std::fs::rename(&tmp.0, &pack).with_context(|| format!("writing {}", pack.display()))?;
        write_index(&dir.join(format!("{name}.idx")), &mut entries, &checksum)
    }
}

/// A temporary file, removed unless it was renamed away.
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An object's header in a pack: its type and inflated size.
fn header(kind: Kind, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    let mut size = size as u64;
    let mut byte = ((kind as u8) << 4) | (size & 0x0f) as u8;
    size >>= 4;
    while size > 0 {
        out.push(byte | 0x80);
        byte = (size & 0x7f) as u8;
        size >>= 7;
    }
    out.push(byte);
    out
}

/// The pack's `.idx` (version 2): fan-out, sorted ids, CRCs, offsets.
fn write_index(path: &Path, entries: &mut [(ObjectId, u64, u32)], pack: &ObjectId) -> Result<()> {
    entries.sort_by_key(|e| e.0);
    let mut out = Hashing::new(Vec::with_capacity(1100 + entries.len() * 28));
    out.write_all(&[0xff, b't', b'O', b'c'])?;
    out.write_all(&2u32.to_be_bytes())?;
    let mut fanout = [0u32; 256];
    for (id, _, _) in entries.iter() {
        fanout[id[0] as usize] += 1;
    }
    let mut total = 0;
    for n in fanout {
        total += n;
        out.write_all(&total.to_be_bytes())?;
    }
    for (id, _, _) in entries.iter() {
        out.write_all(id)?;
    }
    for (_, _, crc) in entries.iter() {
        out.write_all(&crc.to_be_bytes())?;
    }
    let mut large = Vec::new();
    for (_, offset, _) in entries.iter() {
        let small = match u32::try_from(*offset) {
            Ok(o) if o < 0x8000_0000 => o,
            _ => {
                large.push(*offset);
                0x8000_0000 | (large.len() as u32 - 1)
            }
        };
        out.write_all(&small.to_be_bytes())?;
    }
    for offset in large {
        out.write_all(&offset.to_be_bytes())?;
    }
    out.write_all(pack)?;
    let checksum = out.hasher.digest().bytes();
    let mut bytes = out.inner;
    bytes.extend_from_slice(&checksum);
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_headers_match_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            hex(&object_id(Kind::Blob, b"hello\n")),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        // The empty tree every git knows.
        assert_eq!(
            hex(&object_id(Kind::Tree, b"")),
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        );
        assert_eq!(header(Kind::Blob, 5), [0x35]);
        assert_eq!(header(Kind::Blob, 100), [0xb4, 0x06]);
        assert_eq!(header(Kind::Commit, 0), [0x10]);
    }
}
