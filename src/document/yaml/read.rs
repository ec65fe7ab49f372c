//! Characters for the YAML parser, decoded from a byte stream a chunk at a
//! time.

use granit_parser::{ErrorKind, InputIoError};

/// How many bytes are read at once.
const CHUNK: usize = 64 * 1024;

/// The characters of a UTF-8 byte stream, read in chunks of [`CHUNK`]
/// bytes; a read or decoding failure ends the stream with an error.
pub(super) struct Utf8Chars<R> {
    reader: R,
    /// Bytes read but not decoded yet (a character split by a chunk end).
    bytes: Vec<u8>,
    /// The decoded chunk, and how far it has been handed out.
    text: String,
    position: usize,
    finished: bool,
}

impl<R: std::io::Read> Utf8Chars<R> {
    pub(super) fn new(reader: R) -> Self {
        Self {
            reader,
            bytes: Vec::with_capacity(CHUNK),
            text: String::with_capacity(CHUNK),
            position: 0,
            finished: false,
        }
    }

    /// Decodes the next chunk into `text`; at the end of the stream, sets
    /// `finished`.
    fn refill(&mut self) -> Result<(), ErrorKind> {
        self.text.clear();
        self.position = 0;
        let kept = self.bytes.len();
        self.bytes.resize(kept + CHUNK, 0);
        let read = loop {
            match self.reader.read(&mut self.bytes[kept..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(ErrorKind::InputIo {
                        error: InputIoError::from(e),
                    });
                }
            }
        };
        self.bytes.truncate(kept + read);
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
            Err(_) => return Err(invalid()),
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

impl<R: std::io::Read> Iterator for Utf8Chars<R> {
    type Item = Result<char, ErrorKind>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(c) = self.text[self.position..].chars().next() {
                self.position += c.len_utf8();
                return Some(Ok(c));
            }
            if self.finished {
                return None;
            }
            if let Err(e) = self.refill() {
                self.finished = true;
                return Some(Err(e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per read, to split
    /// characters across chunks.
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
    fn characters_split_across_reads_are_decoded_whole() {
        let text = "a: é€𝄞\nb: ü\n";
        for step in 1..5 {
            let chars: Result<String, _> = Utf8Chars::new(Trickle {
                bytes: text.as_bytes(),
                step,
            })
            .collect();
            assert_eq!(chars.unwrap(), text, "step {step}");
        }
    }

    #[test]
    fn invalid_utf8_ends_the_stream_with_an_error() {
        for bytes in [&b"a: \xff\n"[..], b"a: \xe2\x82"] {
            let mut chars = Utf8Chars::new(bytes);
            assert!(chars.any(|c| c.is_err()), "{bytes:?}");
            assert_eq!(chars.next(), None);
        }
    }

    #[test]
    fn a_parsed_reader_gives_the_same_tree_as_parsed_text() {
        let text = "# head\na: 1 # right\nb:\n  - x\n  - k: \"v w\"\nc: |\n  line\n---\nd: é\n";
        let from_reader = super::super::parse_reader(Trickle {
            bytes: text.as_bytes(),
            step: 3,
        });
        assert_eq!(from_reader.unwrap(), super::super::parse(text).unwrap());
    }
}
