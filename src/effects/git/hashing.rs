//! Git's files (packs, pack indexes, the index) end with the SHA-1 of
//! everything before it: a writer that hashes as it writes.

use std::io::Write;

/// A writer that hashes (SHA-1) and counts what passes through it.
pub(super) struct Hashing<W> {
    pub inner: W,
    pub hasher: sha1_smol::Sha1,
    pub written: u64,
}

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: sha1_smol::Sha1::new(),
            written: 0,
        }
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
