//! The text a writer has written, as far as layout needs to know it: a
//! held-back line end (an inline comment may still join the line) and list
//! dashes not yet written (they share the line of the item's first key).

use crate::document::rewrite::Sink;

/// The text written so far, as far as layout needs to know it.
pub(super) struct Out<S> {
    sink: S,
    /// The last line's newline is held back, so an inline comment can still
    /// join that line.
    pub(super) newline_held: bool,
    /// List items whose `- ` is not written yet (the indent of the first,
    /// and how many): the dashes take the place of the next line's
    /// indentation, so `- key: v` shares the line of the item's first key.
    pub(super) dashes: Option<(usize, usize)>,
}

impl<S: Sink> Out<S> {
    pub(super) fn new(sink: S) -> Self {
        Self {
            sink,
            newline_held: false,
            dashes: None,
        }
    }

    pub(super) fn put(&mut self, text: &str) -> std::io::Result<()> {
        if self.newline_held {
            self.newline_held = false;
            self.sink.put("\n")?;
        }
        self.sink.put(text)
    }

    /// Ends the current line.
    pub(super) fn newline(&mut self) -> std::io::Result<()> {
        if self.newline_held {
            self.sink.put("\n")?;
        }
        self.newline_held = true;
        Ok(())
    }

    /// `text` and a line end.
    pub(super) fn line(&mut self, text: &str) -> std::io::Result<()> {
        self.put(text)?;
        self.newline()
    }

    /// Indentation, or the pending `- ` of list items in its place.
    pub(super) fn pad(&mut self, indent: usize) -> std::io::Result<()> {
        let mut left = indent;
        if let Some((first, count)) = self.dashes.take() {
            self.spaces(first)?;
            for _ in 0..count {
                self.put("- ")?;
            }
            left = indent.saturating_sub(first + 2 * count);
        }
        self.spaces(left)
    }

    fn spaces(&mut self, n: usize) -> std::io::Result<()> {
        let mut left = n;
        while left > 0 {
            let n = left.min(SPACES.len());
            self.put(&SPACES[..n])?;
            left -= n;
        }
        Ok(())
    }

    /// A list item's dash at `indent`, written with the item's first line.
    pub(super) fn dash(&mut self, indent: usize) {
        self.dashes = Some(match self.dashes {
            Some((first, count)) => (first, count + 1),
            None => (indent, 1),
        });
    }

    pub(super) fn finish(mut self) -> std::io::Result<S> {
        if self.newline_held {
            self.sink.put("\n")?;
        }
        Ok(self.sink)
    }
}

/// Indentation without allocating a string per line.
const SPACES: &str = "                                                                                                                                ";
