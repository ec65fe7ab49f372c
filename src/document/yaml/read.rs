//! Parser input from a byte stream, a window of whole lines at a time.
//!
//! The parser scans text held in a `&str` much faster than text handed to
//! it a character at a time (it takes whole runs of a scalar, a comment or
//! indentation at once). [`Lines`] keeps a window of the decoded text that
//! always ends at a line break (or at the end of the input) and lets the
//! parser's own `&str` input scan it: every run it takes stops at a line
//! break, so it never reaches the window's end early, and scanning the
//! window gives exactly what scanning the whole text would.

use std::io::Read as _;

use granit_parser::input::{SkipTabs, WhitespaceResult};
use granit_parser::{BorrowedInput, ErrorKind, Input, InputIoError, StrInput};

/// How many bytes are read at once.
const CHUNK: usize = 64 * 1024;

/// How many bytes past the position the window holds (unless the input
/// ends first): enough for the longest look ahead the parser asks for
/// ([`LOOKAHEAD`] characters of up to 4 bytes).
const AHEAD: usize = 4 * LOOKAHEAD;

/// The most characters the parser may look ahead (what its `&str` input
/// allows, too).
const LOOKAHEAD: usize = 128;

/// The text of a UTF-8 byte stream for the parser, read [`CHUNK`] bytes at
/// a time; a read or decoding failure ends the text with an error.
pub(super) struct Lines<R> {
    reader: R,
    /// Bytes read but not decoded yet (a character split by a chunk end).
    bytes: Vec<u8>,
    /// Decoded text: `text[position..end]` is what the parser sees (it ends
    /// with a line break unless the input ended); `text[end..]` is the
    /// start of a line not read whole yet.
    text: String,
    position: usize,
    end: usize,
    /// The reader has nothing more, or failed.
    finished: bool,
    /// A failure, until the parser takes it.
    error: Option<ErrorKind>,
    /// The largest look-ahead asked for.
    lookahead: usize,
    /// The last quoted-scalar run taken (the window may move after it).
    run: String,
}

impl<R: std::io::Read> Lines<R> {
    pub(super) fn new(reader: R) -> Self {
        let mut lines = Self {
            reader,
            bytes: Vec::with_capacity(CHUNK),
            text: String::with_capacity(2 * CHUNK),
            position: 0,
            end: 0,
            finished: false,
            error: None,
            lookahead: 0,
            run: String::new(),
        };
        lines.fill(AHEAD);
        lines
    }

    /// The first byte of the text the parser sees. It says whether the
    /// next character is ASCII, and if so which; every `next_is_` test looks
    /// at nothing else.
    #[inline]
    fn next_byte(&self) -> Option<u8> {
        self.text.as_bytes()[..self.end].get(self.position).copied()
    }

    /// The text the parser sees.
    fn window(&self) -> StrInput<'_> {
        StrInput::new(&self.text[self.position..self.end])
    }

    /// Runs `scan` over the window and moves past what it consumed; then
    /// tops the window up.
    fn consume<T>(&mut self, scan: impl FnOnce(&mut StrInput<'_>) -> T) -> T {
        let mut window = StrInput::new(&self.text[self.position..self.end]);
        let result = scan(&mut window);
        self.position += window.byte_offset().unwrap_or(0);
        self.fill(AHEAD);
        result
    }

    /// Makes the window hold at least `bytes` bytes past the position, in
    /// whole lines, or all that is left of the input.
    #[inline]
    fn fill(&mut self, bytes: usize) {
        // Checked after every step the parser takes; reading is rare.
        if self.end - self.position < bytes && !self.finished {
            self.refill(bytes);
        }
    }

    #[inline(never)]
    fn refill(&mut self, bytes: usize) {
        while self.end - self.position < bytes && !self.finished {
            // What was consumed goes; what is left moves to the front.
            if self.position > 0 {
                self.text.drain(..self.position);
                self.end -= self.position;
                self.position = 0;
            }
            let read_from = self.text.len();
            if let Err(error) = self.read_chunk() {
                self.error = Some(error);
                self.finished = true;
            }
            self.end = if self.finished {
                self.text.len()
            } else {
                // Through the last line break; the rest waits for its line.
                self.text[read_from..]
                    .rfind('\n')
                    .map_or(self.end, |at| read_from + at + 1)
            };
        }
    }

    /// Reads and decodes the next chunk onto `text`; at the end of the
    /// input, sets `finished`.
    fn read_chunk(&mut self) -> Result<(), ErrorKind> {
        let read = (&mut self.reader)
            .take(CHUNK as u64)
            .read_to_end(&mut self.bytes)
            .map_err(|e| ErrorKind::InputIo {
                error: InputIoError::from(e),
            })?;
        if read == 0 {
            self.finished = true;
            if !self.bytes.is_empty() {
                return Err(invalid());
            }
            return Ok(());
        }
        let valid = match std::str::from_utf8(&self.bytes) {
            Ok(text) => text.len(),
            // A character cut at the chunk's end is completed by the next read.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => {
                // The text before the bad byte still reaches the parser.
                let valid = e.valid_up_to();
                let decoded = std::str::from_utf8(&self.bytes[..valid]).map_err(|_| invalid())?;
                self.text.push_str(decoded);
                self.bytes.clear();
                return Err(invalid());
            }
        };
        let decoded = std::str::from_utf8(&self.bytes[..valid]).map_err(|_| invalid())?;
        self.text.push_str(decoded);
        self.bytes.drain(..valid);
        Ok(())
    }
}

fn invalid() -> ErrorKind {
    ErrorKind::InputDecoding {
        message: "the file is not valid UTF-8".into(),
    }
}

impl<R: std::io::Read> Input for Lines<R> {
    fn lookahead(&mut self, count: usize) {
        let count = count.min(LOOKAHEAD);
        self.lookahead = self.lookahead.max(count);
        // The window always holds AHEAD bytes, so at least `count`
        // characters, unless the input ends sooner.
        self.fill(AHEAD);
    }

    fn buflen(&self) -> usize {
        self.lookahead
    }

    fn bufmaxlen(&self) -> usize {
        LOOKAHEAD
    }

    fn raw_read_ch(&mut self) -> char {
        self.consume(|w| w.raw_read_ch())
    }

    fn raw_read_non_breakz_ch(&mut self) -> Option<char> {
        self.consume(|w| w.raw_read_non_breakz_ch())
    }

    fn skip(&mut self) {
        // Most steps are over one ASCII character.
        match self.next_byte() {
            Some(byte) if byte.is_ascii() => {
                self.position += 1;
                self.fill(AHEAD);
            }
            _ => self.consume(|w| w.skip()),
        }
    }

    fn skip_n(&mut self, count: usize) {
        // One at a time: the count may reach past the window.
        for _ in 0..count {
            self.skip();
        }
    }

    fn peek(&self) -> char {
        match self.next_byte() {
            Some(byte) if byte.is_ascii() => char::from(byte),
            _ => self.window().peek(),
        }
    }

    fn peek_nth(&self, n: usize) -> char {
        self.window().peek_nth(n)
    }

    fn take_source_error(&mut self) -> Option<ErrorKind> {
        // Only once the parser has read all the text before the failure.
        if self.position < self.end {
            return None;
        }
        self.error.take()
    }

    fn next_2_are(&self, c1: char, c2: char) -> bool {
        self.window().next_2_are(c1, c2)
    }

    fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool {
        self.window().next_3_are(c1, c2, c3)
    }

    fn next_is_document_indicator(&self) -> bool {
        self.window().next_is_document_indicator()
    }

    fn next_is_document_start(&self) -> bool {
        self.window().next_is_document_start()
    }

    fn next_is_document_end(&self) -> bool {
        self.window().next_is_document_end()
    }

    fn skip_ws_to_eol(
        &mut self,
        skip_tabs: SkipTabs,
    ) -> (usize, Result<WhitespaceResult, ErrorKind>) {
        self.consume(|w| w.skip_ws_to_eol(skip_tabs))
    }

    fn skip_ws_to_eol_blanks(&mut self, skip_tabs: SkipTabs) -> (usize, WhitespaceResult) {
        self.consume(|w| w.skip_ws_to_eol_blanks(skip_tabs))
    }

    fn next_is_blank_or_break(&self) -> bool {
        matches!(self.next_byte(), Some(b' ' | b'\t' | b'\n' | b'\r'))
    }

    fn next_is_blank_or_breakz(&self) -> bool {
        matches!(
            self.next_byte(),
            None | Some(b' ' | b'\t' | 0 | b'\n' | b'\r')
        )
    }

    fn next_is_blank(&self) -> bool {
        matches!(self.next_byte(), Some(b' ' | b'\t'))
    }

    fn next_is_break(&self) -> bool {
        matches!(self.next_byte(), Some(b'\n' | b'\r'))
    }

    fn next_is_breakz(&self) -> bool {
        matches!(self.next_byte(), None | Some(0 | b'\n' | b'\r'))
    }

    fn next_is_z(&self) -> bool {
        self.next_byte().is_none()
    }

    fn next_is_flow(&self) -> bool {
        matches!(self.next_byte(), Some(b',' | b'[' | b']' | b'{' | b'}'))
    }

    fn next_is_digit(&self) -> bool {
        self.window().next_is_digit()
    }

    fn next_is_alpha(&self) -> bool {
        self.window().next_is_alpha()
    }

    fn skip_while_non_breakz(&mut self) -> usize {
        self.consume(|w| w.skip_while_non_breakz())
    }

    fn skip_while_blank(&mut self) -> usize {
        self.consume(|w| w.skip_while_blank())
    }

    fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize {
        self.consume(|w| w.fetch_while_is_alpha(out))
    }

    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        self.consume(|w| w.fetch_while_is_yaml_non_space(out))
    }

    fn fetch_block_scalar_line(&mut self, out: &mut String) -> usize {
        self.consume(|w| w.fetch_block_scalar_line(out))
    }

    fn take_quoted_scalar_ascii_chunk(&mut self, single: bool) -> &str {
        let mut run = std::mem::take(&mut self.run);
        run.clear();
        self.consume(|w| run.push_str(w.take_quoted_scalar_ascii_chunk(single)));
        self.run = run;
        &self.run
    }

    fn take_quoted_scalar_chunk(&mut self, single: bool) -> (&str, usize) {
        let mut run = std::mem::take(&mut self.run);
        run.clear();
        let count = self.consume(|w| {
            let (chunk, count) = w.take_quoted_scalar_chunk(single);
            run.push_str(chunk);
            count
        });
        self.run = run;
        (&self.run, count)
    }

    fn fetch_plain_scalar_chunk(
        &mut self,
        out: &mut String,
        count: usize,
        flow_level_gt_0: bool,
    ) -> (bool, usize) {
        self.consume(|w| w.fetch_plain_scalar_chunk(out, count, flow_level_gt_0))
    }

    fn skip_plain_scalar_chunk(&mut self, count: usize, flow_level_gt_0: bool) -> (bool, usize) {
        self.consume(|w| w.skip_plain_scalar_chunk(count, flow_level_gt_0))
    }
}

/// Nothing borrowed: the window moves.
impl<R: std::io::Read> BorrowedInput<'static> for Lines<R> {
    fn slice_borrowed(&self, _: usize, _: usize) -> Option<&'static str> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per read, to split
    /// characters and lines across chunks.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn invalid_utf8_is_an_error_where_it_stands() {
        for bytes in [&b"a: \xff\n"[..], b"a: \xe2\x82", b"a: 1\nb: 2\xff\n"] {
            let err = super::super::parse_reader(bytes).unwrap_err();
            assert!(err.message.contains("UTF-8"), "{bytes:?}: {err}");
        }
    }

    #[test]
    fn a_parsed_reader_gives_the_same_tree_as_parsed_text() {
        let long = "x".repeat(3 * CHUNK);
        let texts = [
            "# head\na: 1 # right\nb:\n  - x\n  - k: \"v w\"\nc: |\n  line\n---\nd: é€𝄞\n"
                .to_owned(),
            format!("a: {long}\nb: \"{long}\"\nc: |\n  {long}\n  é\n# {long}\n"),
            format!("a: \"quoted é\n  over lines\"\nb: 'it''s'\nc: [1, {{x: y}}]\nd: {long}"),
            "a: 1\r\nb:\r\n  - 2\r\n".to_owned(),
        ];
        for text in &texts {
            for step in [1, 3, 7, 4096, CHUNK] {
                let from_reader = super::super::parse_reader(Trickle {
                    bytes: text.as_bytes(),
                    step,
                });
                assert_eq!(
                    from_reader.unwrap(),
                    super::super::parse(text).unwrap(),
                    "step {step}"
                );
            }
        }
    }

    #[test]
    fn errors_stand_where_text_puts_them() {
        let text = format!("{}a: [1, 2\nb: 1\n", "k: v\n".repeat(20_000));
        let from_reader = super::super::parse_reader(text.as_bytes()).unwrap_err();
        assert_eq!(from_reader, super::super::parse(&text).unwrap_err());
    }
}
