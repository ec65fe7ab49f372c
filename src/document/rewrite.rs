//! A hook into writing and reading: it sees a document in order, as a
//! writer writes it or the YAML reader reads it, and may put other text in
//! place of any scalar or comment.
//!
//! Sealing uses it to encrypt each value at the moment it is written, and
//! unsealing to decrypt each value at the moment it is read, so no encrypted
//! copy of a document is ever held in memory.

use super::Scalar;

/// Sees every collection, key, sequence item, comment and scalar of a
/// document in document order. Keys are never replaced.
pub trait Rewrite {
    /// Why a scalar or comment could not be rewritten.
    type Error;

    /// Whether the rewrite wants to be called at all (a reader skips the
    /// calls for one that never changes anything).
    const ACTIVE: bool = true;

    /// A map or sequence (a document's root included) begins.
    fn open(&mut self) {}

    /// The innermost open map or sequence ends.
    fn close(&mut self) {}

    /// An entry begins; its value follows.
    fn enter_key(&mut self, _key: &str) {}

    /// A sequence item (comments not counted) begins.
    fn enter_index(&mut self, _index: usize) {}

    /// The entry or item last entered ends.
    fn leave(&mut self) {}

    /// The text to write instead of a comment's, if any.
    fn comment(&mut self, _text: &str) -> Result<Option<String>, Self::Error> {
        Ok(None)
    }

    /// The scalar to put in place of `scalar`, if any.
    fn scalar(&mut self, _scalar: &Scalar) -> Result<Option<Scalar>, Self::Error> {
        Ok(None)
    }

    /// Reading only: whether a text item of a sequence is really a comment
    /// (sops writes a comment inside a list as a list item), and if so its
    /// text. It is asked before the item is entered.
    fn list_comment(&mut self, _text: &str) -> Result<Option<String>, Self::Error> {
        Ok(None)
    }
}

/// Writes everything as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unchanged;

impl Rewrite for Unchanged {
    type Error = std::convert::Infallible;
    const ACTIVE: bool = false;
}

/// Writing failed: the sink refused bytes, or the rewrite refused a value.
#[derive(Debug, thiserror::Error)]
pub enum WriteError<E> {
    /// The sink failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The rewrite failed.
    #[error("{0}")]
    Rewrite(E),
}

impl WriteError<std::convert::Infallible> {
    /// The same failure under another rewrite's error type (an unchanged
    /// write can only fail in the sink).
    pub fn widen<E>(self) -> WriteError<E> {
        match self {
            WriteError::Io(e) => WriteError::Io(e),
            WriteError::Rewrite(never) => match never {},
        }
    }
}

/// Where a writer puts text: a `String`, or any [`std::io::Write`] through
/// [`IoSink`].
pub trait Sink {
    /// Appends `text`.
    fn put(&mut self, text: &str) -> std::io::Result<()>;
}

impl Sink for String {
    fn put(&mut self, text: &str) -> std::io::Result<()> {
        self.push_str(text);
        Ok(())
    }
}

/// A [`Sink`] over a byte writer (wrap files and stdout in a `BufWriter`:
/// text arrives in small pieces).
pub struct IoSink<W>(pub W);

impl<W: std::io::Write> Sink for IoSink<W> {
    fn put(&mut self, text: &str) -> std::io::Result<()> {
        self.0.write_all(text.as_bytes())
    }
}
