//! The YAML writer: two-space indentation with sequences indented under
//! their key, comments where they were read, and every scalar a YAML 1.1 or
//! 1.2 reader could retype quoted.
//!
//! It writes as it goes, into a `String` or any byte stream, and lets a
//! [`Rewrite`] replace scalars and comments on the way (sealing encrypts
//! each value as it is written).

use std::borrow::Cow;

use crate::document::rewrite::{IoSink, Rewrite, Sink, Unchanged, WriteError};
use crate::document::{Comment, Item, Map, Node, Scalar, SeqItem, Tree};

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
    let mut out = Out::new(IoSink(sink));
    write_tree(&mut out, tree, rewrite, trailer)?;
    out.finish()?;
    Ok(())
}

/// Writes the tree: `---` between documents.
pub fn emit(tree: &Tree) -> String {
    let mut out = Out::new(String::with_capacity(size_hint(tree)));
    unchanged(write_tree(&mut out, tree, &mut Unchanged, None));
    out.into_string()
}

/// Appends one document (a map) to `text`, as [`emit`] writes it.
pub fn emit_document(text: &mut String, doc: &Map) {
    // A held newline lets an inline comment join the text's last line.
    let held = text.ends_with('\n');
    if held {
        text.pop();
    }
    let mut out = Out::new(std::mem::take(text));
    out.newline_held = held;
    unchanged(write_document(&mut out, doc, &mut Unchanged, None));
    *text = out.into_string();
}

/// Writes any node at the top level: a map or list as block YAML, a scalar
/// as one line (each ends with a newline).
pub fn emit_node(node: &Node) -> String {
    let mut out = Out::new(String::new());
    let written = match node {
        Node::Map(m) if !m.is_empty() => write_map(&mut out, m, 0, &mut Unchanged),
        Node::Seq(s) if !s.is_empty() => write_seq(&mut out, s, 0, &mut Unchanged),
        Node::Map(_) => out.line("{}").map_err(WriteError::from),
        Node::Seq(_) => out.line("[]").map_err(WriteError::from),
        // A literal block at the top level starts with its indicator.
        Node::Scalar(s) => match block_literal(&mut out, s, 0, "|") {
            Ok(true) => Ok(()),
            Ok(false) => out.line(&scalar_text(s)).map_err(WriteError::from),
            Err(e) => Err(e.into()),
        },
    };
    unchanged(written);
    out.into_string()
}

/// Writes a sequence at the top level (for `--extract` of a list).
pub fn emit_sequence(items: &[SeqItem]) -> String {
    let mut out = Out::new(String::new());
    unchanged(write_seq(&mut out, items, 0, &mut Unchanged));
    out.into_string()
}

/// Writing into a `String` with nothing rewritten cannot fail.
fn unchanged(result: Result<(), WriteError<std::convert::Infallible>>) {
    if let Err(WriteError::Io(e)) = result {
        unreachable!("a String sink never fails: {e}")
    }
}

/// The text written so far, as far as layout needs to know it.
struct Out<S> {
    sink: S,
    /// The last line's newline is held back, so an inline comment can still
    /// join that line.
    newline_held: bool,
    /// List items whose `- ` is not written yet (the indent of the first,
    /// and how many): the dashes take the place of the next line's
    /// indentation, so `- key: v` shares the line of the item's first key.
    dashes: Option<(usize, usize)>,
}

impl<S: Sink> Out<S> {
    fn new(sink: S) -> Self {
        Self {
            sink,
            newline_held: false,
            dashes: None,
        }
    }

    fn put(&mut self, text: &str) -> std::io::Result<()> {
        if self.newline_held {
            self.newline_held = false;
            self.sink.put("\n")?;
        }
        self.sink.put(text)
    }

    /// Ends the current line.
    fn newline(&mut self) -> std::io::Result<()> {
        if self.newline_held {
            self.sink.put("\n")?;
        }
        self.newline_held = true;
        Ok(())
    }

    /// `text` and a line end.
    fn line(&mut self, text: &str) -> std::io::Result<()> {
        self.put(text)?;
        self.newline()
    }

    /// Indentation, or the pending `- ` of list items in its place.
    fn pad(&mut self, indent: usize) -> std::io::Result<()> {
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
    fn dash(&mut self, indent: usize) {
        self.dashes = Some(match self.dashes {
            Some((first, count)) => (first, count + 1),
            None => (indent, 1),
        });
    }

    fn finish(mut self) -> std::io::Result<S> {
        if self.newline_held {
            self.sink.put("\n")?;
        }
        Ok(self.sink)
    }
}

impl Out<String> {
    fn into_string(self) -> String {
        match self.finish() {
            Ok(text) => text,
            Err(e) => unreachable!("a String sink never fails: {e}"),
        }
    }
}

/// Indentation without allocating a string per line.
const SPACES: &str = "                                                                                                                                ";

fn write_tree<S: Sink, R: Rewrite>(
    out: &mut Out<S>,
    tree: &Tree,
    rewrite: &mut R,
    trailer: Option<&Item>,
) -> Result<(), WriteError<R::Error>> {
    for (i, doc) in tree.documents.iter().enumerate() {
        if i > 0 {
            out.line("---")?;
        }
        write_document(out, doc, rewrite, trailer)?;
    }
    Ok(())
}

fn write_document<S: Sink, R: Rewrite>(
    out: &mut Out<S>,
    doc: &Map,
    rewrite: &mut R,
    trailer: Option<&Item>,
) -> Result<(), WriteError<R::Error>> {
    if doc.is_empty() && trailer.is_none() {
        return Ok(out.line("{}")?);
    }
    write_map(out, doc, 0, rewrite)?;
    if let Some(trailer) = trailer {
        write_map(out, std::slice::from_ref(trailer), 0, &mut Unchanged).map_err(|e| e.widen())?;
    }
    Ok(())
}

fn write_map<S: Sink, R: Rewrite>(
    out: &mut Out<S>,
    items: &[Item],
    indent: usize,
    rewrite: &mut R,
) -> Result<(), WriteError<R::Error>> {
    rewrite.open();
    for item in items {
        match item {
            Item::Comment(c) => write_comment(out, c, indent, rewrite)?,
            Item::Entry(key, node) => {
                out.pad(indent)?;
                out.put(&quote_if_needed(key))?;
                out.put(":")?;
                rewrite.enter_key(key);
                write_value(out, node, indent, rewrite)?;
                rewrite.leave();
            }
        }
    }
    rewrite.close();
    Ok(())
}

fn write_seq<S: Sink, R: Rewrite>(
    out: &mut Out<S>,
    items: &[SeqItem],
    indent: usize,
    rewrite: &mut R,
) -> Result<(), WriteError<R::Error>> {
    rewrite.open();
    let mut index = 0;
    for item in items {
        let node = match item {
            SeqItem::Comment(c) => {
                write_comment(out, c, indent, rewrite)?;
                continue;
            }
            SeqItem::Node(node) => node,
        };
        rewrite.enter_index(index);
        match node {
            // A collection starts on the dash's line, one level deeper.
            Node::Map(m) if !m.is_empty() => {
                out.dash(indent);
                write_map(out, m, indent + 2, rewrite)?;
            }
            Node::Seq(s) if !s.is_empty() => {
                out.dash(indent);
                write_seq(out, s, indent + 2, rewrite)?;
            }
            _ => {
                out.pad(indent)?;
                out.put("-")?;
                write_value(out, node, indent, rewrite)?;
            }
        }
        rewrite.leave();
        index += 1;
    }
    rewrite.close();
    Ok(())
}

/// Writes what follows `key:` or `-`: a scalar on the same line, or a
/// nested collection on the lines below.
fn write_value<S: Sink, R: Rewrite>(
    out: &mut Out<S>,
    node: &Node,
    indent: usize,
    rewrite: &mut R,
) -> Result<(), WriteError<R::Error>> {
    match node {
        Node::Map(m) if m.is_empty() => out.line(" {}")?,
        Node::Seq(s) if s.is_empty() => out.line(" []")?,
        Node::Map(m) => {
            out.newline()?;
            write_map(out, m, indent + 2, rewrite)?;
        }
        Node::Seq(s) => {
            out.newline()?;
            write_seq(out, s, indent + 2, rewrite)?;
        }
        Node::Scalar(s) => {
            let replaced = rewrite.scalar(s).map_err(WriteError::Rewrite)?;
            let s = replaced.as_ref().unwrap_or(s);
            if !block_literal(out, s, indent + 2, " |")? {
                out.put(" ")?;
                out.line(&scalar_text(s))?;
            }
        }
    }
    Ok(())
}

fn write_comment<S: Sink, R: Rewrite>(
    out: &mut Out<S>,
    comment: &Comment,
    indent: usize,
    rewrite: &mut R,
) -> Result<(), WriteError<R::Error>> {
    let replaced = rewrite
        .comment(&comment.text)
        .map_err(WriteError::Rewrite)?;
    let text = replaced.as_deref().unwrap_or(&comment.text);
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

/// A scalar's text on one line (quoted where needed).
fn scalar_text(scalar: &Scalar) -> Cow<'_, str> {
    match scalar {
        Scalar::Null => Cow::Borrowed("null"),
        Scalar::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Scalar::Int(i) => Cow::Owned(i.to_string()),
        Scalar::Float(f) => Cow::Owned(float_text(*f)),
        Scalar::Time(s) | Scalar::Str(s) => quote_if_needed(s),
        Scalar::Binary(b) => Cow::Owned(crate::document::json_quote(&String::from_utf8_lossy(b))),
    }
}

/// A float that reads back as a float (never as an int).
pub(super) fn float_text(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    let magnitude = f.abs();
    let text = if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        format!("{f:e}")
    } else {
        format!("{f}")
    };
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// A string plain when no YAML 1.1 or 1.2 reader could take it for anything
/// else; otherwise double-quoted.
fn quote_if_needed(s: &str) -> Cow<'_, str> {
    if needs_quotes(s) {
        Cow::Owned(crate::document::json_quote(s))
    } else {
        Cow::Borrowed(s)
    }
}

fn needs_quotes(s: &str) -> bool {
    const WORDS: [&str; 16] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ".inf", "-.inf", "+.inf",
        ".nan", "<<", "=",
    ];
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return true;
    };
    if s.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        return true;
    }
    if first.is_ascii_digit()
        || (matches!(first, b'-' | b'+' | b'.')
            && bytes
                .get(1)
                .is_some_and(|&c| c.is_ascii_digit() || c == b'.'))
        || b"-?:,[]{}#&*!|>'\"%@` \t".contains(&first)
        || matches!(bytes[bytes.len() - 1], b' ' | b'\t' | b':')
    {
        return true;
    }
    // Without spaces or control characters, `: ` and ` #` cannot occur either;
    // this check vectorises, and ciphertext always passes it.
    let plain_bytes = bytes
        .iter()
        .fold(true, |ok, &b| ok & (b > b' ') & (b != 0x7f));
    if plain_bytes {
        return !s.is_ascii() && s.chars().any(|c| c.is_control() || c == '\u{feff}');
    }
    // One pass for what may not appear inside a plain scalar: `: `, ` #`,
    // line breaks, tabs, control characters (all ASCII) and a BOM.
    let mut previous = 0u8;
    for &b in bytes {
        if b < 0x20
            || b == 0x7f
            || (previous == b':' && b == b' ')
            || (previous == b' ' && b == b'#')
        {
            return true;
        }
        previous = b;
    }
    // Non-ASCII control characters (C1) and the BOM need escaping too.
    !s.is_ascii() && s.chars().any(|c| c.is_control() || c == '\u{feff}')
}
