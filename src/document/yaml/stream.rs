//! Reading YAML straight into the writer: each piece is written as soon as
//! it is read, so neither the text nor a tree is ever held. Unsealing
//! writes a file's plaintext this way, each value decrypted as it is read.

use super::target::{Nodes, Place, Target, Value};
use super::write::{Kind, Writer};
use crate::document::rewrite::{IoSink, Unchanged, WriteError};
use crate::document::{Comment, Map, Node, SeqItem};

/// A collection being read: written as it is read, or (inside a top-level
/// entry set aside) built as a node.
pub(super) enum Part<T> {
    Written,
    Kept(T),
}

/// Writes what it is given as [`super::write`] writes a tree of it, except
/// the top-level entries named `set_aside`, which it builds and keeps.
pub(super) struct Transcriber<'a, W: std::io::Write> {
    writer: Writer<IoSink<W>>,
    set_aside: &'a str,
    /// The values of the entries set aside, in document order.
    pub(super) kept: Vec<Node>,
    /// Builds them.
    nodes: Nodes,
    /// Collections written and still open (a document's root included).
    depth: usize,
    /// Collections being kept and still open.
    keeping: usize,
    /// The key just read is set aside: so is its value.
    aside_next: bool,
}

impl<'a, W: std::io::Write> Transcriber<'a, W> {
    pub(super) fn new(sink: W, set_aside: &'a str) -> Self {
        Self {
            writer: Writer::new(IoSink(sink)),
            set_aside,
            kept: Vec::new(),
            nodes: Nodes::default(),
            depth: 0,
            keeping: 0,
            aside_next: false,
        }
    }

    /// Writes what is still held back.
    pub(super) fn finish(self) -> std::io::Result<Vec<Node>> {
        self.writer.finish()?;
        Ok(self.kept)
    }

    /// Whether the collection about to begin is kept rather than written.
    fn keeps_next(&mut self) -> bool {
        let kept = self.keeping > 0 || self.aside_next;
        self.aside_next = false;
        self.keeping += usize::from(kept);
        kept
    }

    /// Writes the value of an entry or an item, or keeps it when it is the
    /// value of an entry set aside.
    fn value(&mut self, value: Value<Self>) -> std::io::Result<()> {
        match value {
            Value::Scalar(s) if self.aside_next => {
                self.aside_next = false;
                self.kept.push(Node::Scalar(s));
            }
            Value::Scalar(s) => self.writer.scalar(&s, &mut Unchanged).map_err(io)?,
            Value::Map(Part::Kept(m)) => self.kept.push(Node::Map(m)),
            Value::Seq(Part::Kept(s)) => self.kept.push(Node::Seq(s)),
            // Written already, and closed.
            Value::Map(Part::Written) | Value::Seq(Part::Written) => {}
        }
        Ok(())
    }
}

/// A write with nothing rewritten fails only in the sink.
fn io(e: WriteError<std::convert::Infallible>) -> std::io::Error {
    match e {
        WriteError::Io(e) => e,
        WriteError::Rewrite(never) => match never {},
    }
}

/// A piece of a kept node for the builder of kept nodes.
fn kept(value: Value<Transcriber<'_, impl std::io::Write>>) -> Value<Nodes> {
    match value {
        Value::Scalar(s) => Value::Scalar(s),
        Value::Map(Part::Kept(m)) => Value::Map(m),
        Value::Seq(Part::Kept(s)) => Value::Seq(s),
        // Everything inside a kept node is kept.
        Value::Map(Part::Written) => Value::Map(Map::new()),
        Value::Seq(Part::Written) => Value::Seq(Vec::new()),
    }
}

impl<W: std::io::Write> Target for Transcriber<'_, W> {
    type Map = Part<Map>;
    type Seq = Part<Vec<SeqItem>>;
    type Error = std::io::Error;

    fn begin_map(&mut self, place: Place) -> std::io::Result<Part<Map>> {
        if self.keeps_next() {
            let Ok(map) = self.nodes.begin_map(place);
            return Ok(Part::Kept(map));
        }
        match place {
            Place::Root => self.writer.document()?,
            Place::Value | Place::Item => {
                self.writer.open(Kind::Map, &mut Unchanged).map_err(io)?
            }
        }
        self.depth += 1;
        Ok(Part::Written)
    }

    fn begin_seq(&mut self, place: Place) -> std::io::Result<Part<Vec<SeqItem>>> {
        if self.keeps_next() {
            let Ok(seq) = self.nodes.begin_seq(place);
            return Ok(Part::Kept(seq));
        }
        self.writer.open(Kind::Seq, &mut Unchanged).map_err(io)?;
        self.depth += 1;
        Ok(Part::Written)
    }

    fn end_map(&mut self, map: Part<Map>) -> std::io::Result<Part<Map>> {
        match map {
            Part::Kept(m) => {
                self.keeping -= 1;
                let Ok(m) = self.nodes.end_map(m);
                Ok(Part::Kept(m))
            }
            Part::Written => {
                self.depth -= 1;
                self.writer.close(&mut Unchanged).map_err(io)?;
                Ok(Part::Written)
            }
        }
    }

    fn end_seq(&mut self, seq: Part<Vec<SeqItem>>) -> std::io::Result<Part<Vec<SeqItem>>> {
        match seq {
            Part::Kept(s) => {
                self.keeping -= 1;
                let Ok(s) = self.nodes.end_seq(s);
                Ok(Part::Kept(s))
            }
            Part::Written => {
                self.depth -= 1;
                self.writer.close(&mut Unchanged).map_err(io)?;
                Ok(Part::Written)
            }
        }
    }

    fn map_comment(&mut self, map: &mut Part<Map>, comment: Comment) -> std::io::Result<()> {
        match map {
            Part::Kept(m) => {
                let Ok(()) = self.nodes.map_comment(m, comment);
                Ok(())
            }
            Part::Written => self.writer.comment(&comment, &mut Unchanged).map_err(io),
        }
    }

    fn seq_comment(
        &mut self,
        seq: &mut Part<Vec<SeqItem>>,
        comment: Comment,
    ) -> std::io::Result<()> {
        match seq {
            Part::Kept(s) => {
                let Ok(()) = self.nodes.seq_comment(s, comment);
                Ok(())
            }
            Part::Written => self.writer.comment(&comment, &mut Unchanged).map_err(io),
        }
    }

    fn key(&mut self, map: &mut Part<Map>, key: &str) -> std::io::Result<()> {
        match map {
            Part::Kept(_) => Ok(()),
            Part::Written if self.depth == 1 && key == self.set_aside => {
                self.aside_next = true;
                Ok(())
            }
            Part::Written => self.writer.key(key, &mut Unchanged).map_err(io),
        }
    }

    fn has_key(map: &Part<Map>, key: &str) -> bool {
        match map {
            Part::Kept(m) => Nodes::has_key(m, key),
            // Keys written are not kept: a repeated hash may be a repeated key.
            Part::Written => true,
        }
    }

    fn entry(
        &mut self,
        map: &mut Part<Map>,
        key: String,
        value: Value<Self>,
    ) -> std::io::Result<()> {
        match map {
            Part::Kept(m) => {
                let Ok(()) = self.nodes.entry(m, key, kept(value));
                Ok(())
            }
            Part::Written => self.value(value),
        }
    }

    fn item(&mut self, seq: &mut Part<Vec<SeqItem>>, value: Value<Self>) -> std::io::Result<()> {
        match seq {
            Part::Kept(s) => {
                let Ok(()) = self.nodes.item(s, kept(value));
                Ok(())
            }
            Part::Written => self.value(value),
        }
    }

    fn document(&mut self, root: Part<Map>) -> std::io::Result<()> {
        if let Part::Written = root {
            self.depth -= 1;
            self.writer.end_document(None, &mut Unchanged).map_err(io)?;
        }
        Ok(())
    }

    fn comments(&mut self, comments: Vec<Comment>) -> std::io::Result<()> {
        self.writer.document()?;
        for comment in &comments {
            self.writer.comment(comment, &mut Unchanged).map_err(io)?;
        }
        self.writer.end_document(None, &mut Unchanged).map_err(io)
    }

    /// Nothing is kept to copy: a rewrite refuses aliases anyway.
    fn remember(&mut self, _: usize, _: &Value<Self>) {}

    fn recall(&mut self, _: usize) -> Option<(Value<Self>, usize)> {
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::document::rewrite::Unchanged;
    use crate::document::yaml::{emit, parse, transcribe};
    use crate::document::{Item, Node};

    /// Texts whose comments, empty collections, lists of lists and
    /// documents put every path of the reader and the writer to work.
    const TEXTS: &[&str] = &[
        "# head\na: 1 # right\n# above b\nb:\n  # inside\n  c: x\nlist:\n  # in list\n  - 1\n  - k: v\n    j: w\n# foot\n",
        "a: {}\nb: []\nc:\n  - {}\n  - []\n  - [[1, 2], [], [{}]]\n  - - - deep\nd: {x: {}}\n",
        "a:\n  b:\n    c: 1\n  # left of c, right of b\n# left of b\nd: 2\n",
        "k: # between\n  v: 1\nl: # before a scalar\n  x\nm:\n  - # before an item\n    a: 1\n",
        "t: |\n  line one\n  line two\nu: |-\n  no newline\nv: \"quoted: yes\"\nw: 'single'\n",
        "a: 1\n---\n# only comments\n---\nb: [x]\n---\n---\n{}\n",
        "# just a comment\n",
        "",
        "sops:\n  version: 3\na: 1\n",
        "a: 1\nsops: {mac: x}\n# after\n---\nsops: [1]\n---\nb: 2\nsops: plain\n",
        "top:\n  sops: nested is not metadata\n",
        "- not a map\n",
        "a: 1\na: 2\n",
        "? [x]\n: v\n",
    ];

    #[test]
    fn it_writes_what_writing_the_tree_writes_and_sets_the_metadata_aside() {
        for text in TEXTS {
            let mut out = Vec::new();
            let streamed = transcribe(text.as_bytes(), &mut Unchanged, &mut out, "sops");
            let Ok(mut tree) = parse(text) else {
                assert!(streamed.is_err(), "{text:?}");
                continue;
            };
            let kept = streamed.unwrap_or_else(|e| panic!("{text:?}: {e}"));
            let mut aside = Vec::new();
            for doc in &mut tree.documents {
                doc.retain(|item| match item {
                    Item::Entry(k, v) if k == "sops" => {
                        aside.push(v.clone());
                        false
                    }
                    _ => true,
                });
            }
            assert_eq!(String::from_utf8(out).unwrap(), emit(&tree), "{text:?}");
            assert_eq!(kept, aside, "{text:?}");
        }
        let kept = transcribe(
            &b"sops:\n  a: [1, {b: c}]\n"[..],
            &mut Unchanged,
            Vec::new(),
            "sops",
        );
        assert_eq!(
            kept.unwrap(),
            [parse("a: [1, {b: c}]\n").unwrap().documents[0].clone()].map(Node::Map)
        );
    }
}
