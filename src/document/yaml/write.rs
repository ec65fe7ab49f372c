//! The YAML writer: two-space indentation with sequences indented under
//! their key, comments where they were read, and every scalar a YAML 1.1 or
//! 1.2 reader could retype quoted.
//!
//! [`Writer`] is fed one piece at a time in document order (a key, a
//! scalar, a comment, a collection opening or closing) and writes as it
//! goes, into a `String` or any byte stream; it lets a [`Rewrite`] replace
//! scalars and comments on the way (sealing encrypts each value as it is
//! written). Writing a tree feeds it the tree's pieces; unsealing feeds it
//! the pieces of a file as they are read, and never holds a tree.

use crate::document::rewrite::{IoSink, Rewrite, Sink, Unchanged, WriteError};
use crate::document::{Comment, Item, Map, Node, Scalar, SeqItem, Tree};

use super::out::Out;
use super::text::{quote_if_needed, scalar_text};

/// Writes every document of `tree` to `sink` (wrap a file in a
/// `BufWriter`). `rewrite` sees each key, comment and scalar in order and
/// may replace scalars and comments; `trailer` (sealing's `sops` block) is
/// written as it is, as the last entry of every document.
pub fn write<W: std::io::Write, R: Rewrite>(
    tree: &Tree,
    sink: W,
    rewrite: &mut R,
    trailer: Option<&Item>,
) -> Result<(), WriteError<R::Error>> {
    let mut writer = Writer::new(IoSink(sink));
    write_tree(&mut writer, tree, rewrite, trailer)?;
    writer.finish()?;
    Ok(())
}

/// Like [`write`] for one document, with the trailer made only once every
/// value has passed through `rewrite`: sealing puts the MAC its encrypting
/// walk computed while writing into the `sops` block, with no hashing pass
/// first. (With several documents, each one's trailer is due before the
/// last values are seen; use [`write`].)
pub fn write_then_trailer<W, R, F>(
    doc: &Map,
    sink: W,
    rewrite: &mut R,
    trailer: F,
) -> Result<(), WriteError<R::Error>>
where
    W: std::io::Write,
    R: Rewrite,
    F: FnOnce(&mut R) -> Result<Item, R::Error>,
{
    let mut writer = Writer::new(IoSink(sink));
    writer.document()?;
    write_entries(&mut writer, doc, rewrite)?;
    let trailer = trailer(rewrite).map_err(WriteError::Rewrite)?;
    writer.end_document(Some(&trailer), rewrite)?;
    writer.finish()?;
    Ok(())
}

/// Writes the tree: `---` between documents.
pub fn emit(tree: &Tree) -> String {
    let mut writer = Writer::new(String::with_capacity(size_hint(tree)));
    unchanged(write_tree(&mut writer, tree, &mut Unchanged, None));
    writer.into_string()
}

/// Appends one document (a map) to `text`, as [`emit`] writes it.
pub fn emit_document(text: &mut String, doc: &Map) {
    // A held newline lets an inline comment join the text's last line.
    let held = text.ends_with('\n');
    if held {
        text.pop();
    }
    let mut writer = Writer::new(std::mem::take(text));
    writer.out.newline_held = held;
    unchanged(write_document(&mut writer, doc, &mut Unchanged, None));
    *text = writer.into_string();
}

/// Writes any node at the top level: a map or list as block YAML, a scalar
/// as one line (each ends with a newline).
pub fn emit_node(node: &Node) -> String {
    let mut writer = Writer::new(String::new());
    let written = match node {
        Node::Map(m) if m.is_empty() => writer.out.line("{}").map_err(WriteError::from),
        Node::Seq(s) if s.is_empty() => writer.out.line("[]").map_err(WriteError::from),
        Node::Map(_) | Node::Seq(_) => write_node(&mut writer, node, &mut Unchanged),
        // A literal block at the top level starts with its indicator.
        Node::Scalar(s) => match block_literal(&mut writer.out, s, 0, "|") {
            Ok(true) => Ok(()),
            Ok(false) => writer.out.line(&scalar_text(s)).map_err(WriteError::from),
            Err(e) => Err(e.into()),
        },
    };
    unchanged(written);
    writer.into_string()
}

/// Writes a sequence at the top level (for `--extract` of a list).
pub fn emit_sequence(items: &[SeqItem]) -> String {
    let mut writer = Writer::new(String::new());
    unchanged(
        writer
            .open(Kind::Seq, &mut Unchanged)
            .and_then(|()| write_items(&mut writer, items, &mut Unchanged))
            .and_then(|()| writer.close(&mut Unchanged)),
    );
    writer.into_string()
}

/// Writing into a `String` with nothing rewritten cannot fail.
fn unchanged(result: Result<(), WriteError<std::convert::Infallible>>) {
    if let Err(WriteError::Io(e)) = result {
        unreachable!("a String sink never fails: {e}")
    }
}

fn write_tree<S: Sink, R: Rewrite>(
    writer: &mut Writer<S>,
    tree: &Tree,
    rewrite: &mut R,
    trailer: Option<&Item>,
) -> Result<(), WriteError<R::Error>> {
    for doc in &tree.documents {
        write_document(writer, doc, rewrite, trailer)?;
    }
    Ok(())
}

fn write_document<S: Sink, R: Rewrite>(
    writer: &mut Writer<S>,
    doc: &Map,
    rewrite: &mut R,
    trailer: Option<&Item>,
) -> Result<(), WriteError<R::Error>> {
    writer.document()?;
    write_entries(writer, doc, rewrite)?;
    writer.end_document(trailer, rewrite)
}

/// The items of a map, into the map the writer has open.
fn write_entries<S: Sink, R: Rewrite>(
    writer: &mut Writer<S>,
    items: &[Item],
    rewrite: &mut R,
) -> Result<(), WriteError<R::Error>> {
    for item in items {
        match item {
            Item::Comment(c) => writer.comment(c, rewrite)?,
            Item::Entry(key, node) => {
                writer.key(key, rewrite)?;
                write_node(writer, node, rewrite)?;
            }
        }
    }
    Ok(())
}

/// The items of a sequence, into the sequence the writer has open.
fn write_items<S: Sink, R: Rewrite>(
    writer: &mut Writer<S>,
    items: &[SeqItem],
    rewrite: &mut R,
) -> Result<(), WriteError<R::Error>> {
    for item in items {
        match item {
            SeqItem::Comment(c) => writer.comment(c, rewrite)?,
            SeqItem::Node(node) => write_node(writer, node, rewrite)?,
        }
    }
    Ok(())
}

/// A value: of the key just written, or the next item of the open sequence.
fn write_node<S: Sink, R: Rewrite>(
    writer: &mut Writer<S>,
    node: &Node,
    rewrite: &mut R,
) -> Result<(), WriteError<R::Error>> {
    match node {
        Node::Scalar(s) => writer.scalar(s, rewrite),
        Node::Map(m) => {
            writer.open(Kind::Map, rewrite)?;
            write_entries(writer, m, rewrite)?;
            writer.close(rewrite)
        }
        Node::Seq(items) => {
            writer.open(Kind::Seq, rewrite)?;
            write_items(writer, items, rewrite)?;
            writer.close(rewrite)
        }
    }
}

/// A map or a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A map.
    Map,
    /// A sequence.
    Seq,
}

/// A collection the writer has open.
struct Open {
    kind: Kind,
    /// Column of its keys or dashes.
    indent: usize,
    /// What goes before its first item, or stands for it if it has none.
    start: Start,
    /// How many of a sequence's items were nodes: the next one's index.
    nodes: usize,
}

/// What goes before a collection's first item (nothing is written for a
/// collection until its first item, or its end, shows whether it is empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// Items were written.
    Written,
    /// A document's root: nothing; `{}` alone if it stays empty.
    Document,
    /// The value of a key: a line break; ` {}` or ` []` if it stays empty.
    Value,
    /// A sequence item whose dash is at this column: the dash shares the
    /// first item's line; `- {}` or `- []` if it stays empty.
    Item(usize),
    /// A node alone at the top level: nothing, also when it stays empty.
    Top,
}

/// A YAML writer fed one piece at a time, in document order: documents,
/// keys, scalars, comments, collections opening and closing. Nothing it is
/// fed is kept once written. `rewrite` sees the pieces as the tree writer
/// shows them to it, and may replace scalars and comments.
pub(super) struct Writer<S> {
    out: Out<S>,
    open: Vec<Open>,
    /// Documents begun, for the `---` between them.
    documents: usize,
}

impl<S: Sink> Writer<S> {
    pub(super) fn new(sink: S) -> Self {
        Self {
            out: Out::new(sink),
            open: Vec::new(),
            documents: 0,
        }
    }

    /// Writes what is still held back and hands the sink back.
    pub(super) fn finish(self) -> std::io::Result<S> {
        self.out.finish()
    }

    /// Begins a document: its root map is open.
    pub(super) fn document(&mut self) -> std::io::Result<()> {
        if self.documents > 0 {
            self.out.line("---")?;
        }
        self.documents += 1;
        self.open.push(Open {
            kind: Kind::Map,
            indent: 0,
            start: Start::Document,
            nodes: 0,
        });
        Ok(())
    }

    /// Ends the document: closes its root map, then writes `trailer` as it
    /// is, as its last entry.
    pub(super) fn end_document<R: Rewrite>(
        &mut self,
        trailer: Option<&Item>,
        rewrite: &mut R,
    ) -> Result<(), WriteError<R::Error>> {
        let Some(root) = self.open.pop() else {
            return Ok(());
        };
        match root.start {
            Start::Document if trailer.is_none() => self.out.line("{}")?,
            Start::Document => {
                rewrite.open();
                rewrite.close();
            }
            _ => rewrite.close(),
        }
        if let Some(trailer) = trailer {
            self.open.push(Open {
                start: Start::Written,
                ..root
            });
            write_entries(self, std::slice::from_ref(trailer), &mut Unchanged)
                .map_err(WriteError::widen)?;
            self.open.pop();
        }
        Ok(())
    }

    /// Opens a map or sequence: the value of the key just written, the next
    /// item of the open sequence, or a node alone at the top level.
    pub(super) fn open<R: Rewrite>(
        &mut self,
        kind: Kind,
        rewrite: &mut R,
    ) -> Result<(), WriteError<R::Error>> {
        let (indent, start) = match self.open.last() {
            None => (0, Start::Top),
            Some(parent) if parent.kind == Kind::Seq => {
                let (indent, index) = (parent.indent, parent.nodes);
                self.begin_items(rewrite)?;
                rewrite.enter_index(index);
                (indent + 2, Start::Item(indent))
            }
            Some(parent) => (parent.indent + 2, Start::Value),
        };
        self.open.push(Open {
            kind,
            indent,
            start,
            nodes: 0,
        });
        Ok(())
    }

    /// Closes the innermost open map or sequence.
    pub(super) fn close<R: Rewrite>(
        &mut self,
        rewrite: &mut R,
    ) -> Result<(), WriteError<R::Error>> {
        let Some(done) = self.open.pop() else {
            return Ok(());
        };
        let empty = match done.kind {
            Kind::Map => " {}",
            Kind::Seq => " []",
        };
        match done.start {
            Start::Written => rewrite.close(),
            Start::Value => self.out.line(empty)?,
            Start::Item(dash) => {
                self.out.pad(dash)?;
                self.out.put("-")?;
                self.out.line(empty)?;
            }
            Start::Document | Start::Top => {}
        }
        self.finished_value(rewrite);
        Ok(())
    }

    /// Writes `key:` in the open map; its value comes next.
    pub(super) fn key<R: Rewrite>(
        &mut self,
        key: &str,
        rewrite: &mut R,
    ) -> Result<(), WriteError<R::Error>> {
        let indent = self.begin_items(rewrite)?;
        self.out.pad(indent)?;
        self.out.put(&quote_if_needed(key))?;
        self.out.put(":")?;
        rewrite.enter_key(key);
        Ok(())
    }

    /// Writes a scalar: the value of the key just written, or the next item
    /// of the open sequence.
    pub(super) fn scalar<R: Rewrite>(
        &mut self,
        scalar: &Scalar,
        rewrite: &mut R,
    ) -> Result<(), WriteError<R::Error>> {
        let Some(parent) = self.open.last() else {
            return Ok(());
        };
        let (indent, kind, index) = (parent.indent, parent.kind, parent.nodes);
        if kind == Kind::Seq {
            self.begin_items(rewrite)?;
            rewrite.enter_index(index);
            self.out.pad(indent)?;
            self.out.put("-")?;
        }
        let replaced = rewrite.scalar(scalar).map_err(WriteError::Rewrite)?;
        let scalar = replaced.as_ref().unwrap_or(scalar);
        if !block_literal(&mut self.out, scalar, indent + 2, " |")? {
            self.out.put(" ")?;
            self.out.line(&scalar_text(scalar))?;
        }
        self.finished_value(rewrite);
        Ok(())
    }

    /// Writes a comment in the open collection.
    pub(super) fn comment<R: Rewrite>(
        &mut self,
        comment: &Comment,
        rewrite: &mut R,
    ) -> Result<(), WriteError<R::Error>> {
        let indent = self.begin_items(rewrite)?;
        let replaced = rewrite
            .comment(&comment.text)
            .map_err(WriteError::Rewrite)?;
        let text = replaced.as_deref().unwrap_or(&comment.text);
        let out = &mut self.out;
        // An inline comment joins the line before it, when there is one (a
        // list item's first line is not written yet).
        if comment.inline && out.newline_held && out.dashes.is_none() {
            out.newline_held = false;
            out.put(" #")?;
        } else {
            out.pad(indent)?;
            out.put("#")?;
        }
        out.line(text)?;
        Ok(())
    }

    /// An item is about to be written in the open collection: its start is
    /// written if it was not yet. Returns the collection's indent.
    fn begin_items<R: Rewrite>(&mut self, rewrite: &mut R) -> std::io::Result<usize> {
        let Some(open) = self.open.last_mut() else {
            return Ok(0);
        };
        match std::mem::replace(&mut open.start, Start::Written) {
            Start::Written => return Ok(open.indent),
            Start::Value => self.out.newline()?,
            Start::Item(dash) => self.out.dash(dash),
            Start::Document | Start::Top => {}
        }
        rewrite.open();
        Ok(open.indent)
    }

    /// A value (of a key, or a sequence item) is written whole.
    fn finished_value<R: Rewrite>(&mut self, rewrite: &mut R) {
        if let Some(parent) = self.open.last_mut() {
            rewrite.leave();
            if parent.kind == Kind::Seq {
                parent.nodes += 1;
            }
        }
    }
}

impl Writer<String> {
    fn into_string(self) -> String {
        match self.finish() {
            Ok(text) => text,
            Err(e) => unreachable!("a String sink never fails: {e}"),
        }
    }
}

/// Writes a multi-line string as a literal block (`indicator` plus
/// indented lines) when its text can be carried exactly that way; false
/// (nothing written) when it cannot.
fn block_literal<S: Sink>(
    out: &mut Out<S>,
    scalar: &Scalar,
    indent: usize,
    indicator: &str,
) -> std::io::Result<bool> {
    let Scalar::Str(s) = scalar else {
        return Ok(false);
    };
    if !s.contains('\n') {
        return Ok(false);
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let safe = !body.is_empty()
        && !body.starts_with([' ', '\t'])
        && !body
            .chars()
            .any(|c| c == '\r' || (c.is_control() && c != '\n' && c != '\t'))
        && body.lines().all(|l| !l.ends_with([' ', '\t']));
    if !safe {
        return Ok(false);
    }
    out.put(indicator)?;
    out.line(match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    })?;
    for line in body.split('\n') {
        if !line.is_empty() {
            out.pad(indent)?;
            out.put(line)?;
        }
        out.newline()?;
    }
    for _ in 1..trailing {
        out.newline()?;
    }
    Ok(true)
}

/// Roughly how long the written tree will be, so a `String` grows once.
fn size_hint(tree: &Tree) -> usize {
    fn node(n: &Node) -> usize {
        match n {
            Node::Map(m) => map(m),
            Node::Seq(items) => items
                .iter()
                .map(|i| match i {
                    SeqItem::Node(n) => 8 + node(n),
                    SeqItem::Comment(c) => 8 + c.text.len(),
                })
                .sum(),
            Node::Scalar(Scalar::Str(s) | Scalar::Time(s)) => s.len() + 4,
            Node::Scalar(_) => 24,
        }
    }
    fn map(m: &Map) -> usize {
        m.iter()
            .map(|i| match i {
                Item::Entry(k, v) => k.len() + 16 + node(v),
                Item::Comment(c) => c.text.len() + 16,
            })
            .sum()
    }
    tree.documents.iter().map(|d| map(d) + 8).sum()
}
