//! Reading a file twice and knowing it was the same both times: the first
//! read records a SHA-256 digest of each 64 KiB chunk, the second hands out
//! a chunk only once its digest matches. Unsealing checks a file's MAC on
//! the first read and writes plaintext on the second, so no byte that
//! changed in between ever reaches the output.

use std::io::Read as _;

use sha2::{Digest, Sha256};

/// Bytes per chunk.
const CHUNK: usize = 64 * 1024;

/// A reader that records the digest of each chunk read through it.
pub(super) struct Recording<R> {
    inner: R,
    digests: Vec<[u8; 32]>,
    hasher: Sha256,
    /// Bytes of the current chunk hashed so far.
    filled: usize,
}

impl<R: std::io::Read> Recording<R> {
    pub(super) fn new(inner: R) -> Self {
        Self {
            inner,
            digests: Vec::new(),
            hasher: Sha256::new(),
            filled: 0,
        }
    }

    /// Reads what is left, then returns the digest of every chunk.
    pub(super) fn finish(mut self) -> std::io::Result<Digests> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        if self.filled > 0 {
            self.digests.push(self.hasher.finalize().into());
        }
        Ok(Digests(self.digests))
    }
}

impl<R: std::io::Read> std::io::Read for Recording<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut rest = &buf[..n];
        while !rest.is_empty() {
            let take = rest.len().min(CHUNK - self.filled);
            self.hasher.update(&rest[..take]);
            self.filled += take;
            rest = &rest[take..];
            if self.filled == CHUNK {
                let hasher = std::mem::take(&mut self.hasher);
                self.digests.push(hasher.finalize().into());
                self.filled = 0;
            }
        }
        Ok(n)
    }
}

/// The digests of a file's chunks, as first read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Digests(Vec<[u8; 32]>);

/// A reader that hands out the same bytes as were recorded, or fails.
pub(super) struct Verified<'d, R> {
    inner: R,
    digests: &'d Digests,
    /// Chunks checked so far.
    next: usize,
    chunk: Vec<u8>,
    /// How much of `chunk` was handed out.
    position: usize,
    /// The bytes differ from the recorded ones.
    pub(super) changed: bool,
}

impl<'d, R: std::io::Read> Verified<'d, R> {
    pub(super) fn new(inner: R, digests: &'d Digests) -> Self {
        Self {
            inner,
            digests,
            next: 0,
            chunk: Vec::with_capacity(CHUNK),
            position: 0,
            changed: false,
        }
    }

    /// Reads the next chunk and checks it; at the end of the input, the
    /// chunk is empty.
    fn refill(&mut self) -> std::io::Result<()> {
        self.chunk.clear();
        self.position = 0;
        (&mut self.inner)
            .take(CHUNK as u64)
            .read_to_end(&mut self.chunk)?;
        let same = match self.digests.0.get(self.next) {
            // Past the last chunk recorded, there must be nothing more.
            None => self.chunk.is_empty(),
            Some(digest) => *digest == <[u8; 32]>::from(Sha256::digest(&self.chunk)),
        };
        if !same {
            self.changed = true;
            self.chunk.clear();
            return Err(changed());
        }
        self.next += usize::from(!self.chunk.is_empty());
        Ok(())
    }
}

fn changed() -> std::io::Error {
    std::io::Error::other("the file changed while it was read")
}

impl<R: std::io::Read> std::io::Read for Verified<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.changed {
            return Err(changed());
        }
        if self.position == self.chunk.len() {
            self.refill()?;
            if self.chunk.is_empty() {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.chunk.len() - self.position);
        buf[..n].copy_from_slice(&self.chunk[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digests(bytes: &[u8]) -> Digests {
        let mut recording = Recording::new(bytes);
        // Read part of it in odd pieces; finish reads the rest.
        let mut piece = [0u8; 1000];
        for _ in 0..3 {
            let _ = recording.read(&mut piece).unwrap();
        }
        recording.finish().unwrap()
    }

    fn reread(bytes: &[u8], digests: &Digests) -> (std::io::Result<Vec<u8>>, bool) {
        let mut verified = Verified::new(bytes, digests);
        let mut out = Vec::new();
        let result = verified.read_to_end(&mut out).map(|_| out);
        (result, verified.changed)
    }

    #[test]
    fn the_same_bytes_read_back_whole() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let digests = digests(&bytes);
            let (read, changed) = reread(&bytes, &digests);
            assert_eq!(read.unwrap(), bytes, "{len}");
            assert!(!changed);
        }
    }

    #[test]
    fn a_changed_chunk_is_never_handed_out() {
        let bytes: Vec<u8> = (0..2 * CHUNK + 100).map(|i| (i % 253) as u8).collect();
        let digests = digests(&bytes);
        let mut other = bytes.clone();
        other[CHUNK + 5] ^= 1;
        let mut verified = Verified::new(&other[..], &digests);
        let mut first = vec![0u8; CHUNK];
        verified.read_exact(&mut first).unwrap();
        assert_eq!(first, bytes[..CHUNK]);
        let mut rest = Vec::new();
        assert!(verified.read_to_end(&mut rest).is_err());
        assert!(rest.is_empty() && verified.changed);
        // Longer and shorter files are changed files too.
        for other in [&bytes[..bytes.len() - 1], &[&bytes[..], b"x"].concat()[..]] {
            let (read, changed) = reread(other, &digests);
            assert!(read.is_err() && changed, "{}", other.len());
        }
    }
}
