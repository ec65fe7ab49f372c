//! YAML: granit-parser events into the tree (comments kept), and the
//! writer ([`write`]) that quotes every scalar a YAML 1.1 or 1.2 reader could
//! retype.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use granit_parser::{Event, Marker, Parser, Placement, ScalarStyle, Tag};

use super::ParseError;
use super::{Comment, Item, Map, Node, Scalar, SeqItem, Tree};

mod read;
mod write;
pub use write::{emit, emit_document, emit_node, emit_sequence, write};

/// Reads every document of a YAML stream; each must be a mapping.
pub fn parse(text: &str) -> Result<Tree, ParseError> {
    build(Parser::new_from_str(text))
}

/// Like [`parse`], reading from `reader` as it goes instead of from text in
/// memory, so the text and the tree are never held together (sealing a large
/// file). A little slower on long scalars; I/O and UTF-8 errors are reported
/// where the parser stopped, so read the text again for an exact position.
pub fn parse_reader(reader: impl std::io::Read) -> Result<Tree, ParseError> {
    build(Parser::new_from_fallible_iter(read::Utf8Chars::new(reader)))
}

fn build<'input, T: granit_parser::BorrowedInput<'input>>(
    parser: Parser<'input, T>,
) -> Result<Tree, ParseError> {
    let mut builder = Builder::default();
    for next in parser {
        let (event, span) = next.map_err(|e| at(e.marker(), e.info()))?;
        builder.event(event, span.start)?;
    }
    Ok(Tree {
        documents: builder.documents,
    })
}

fn at(marker: &Marker, message: impl Into<String>) -> ParseError {
    ParseError::new(marker.line(), marker.col() + 1, message)
}

/// Nodes aliases may copy beyond ten per event read.
const ALIAS_BUDGET: usize = 100_000;

/// How many nodes a value holds (itself included).
fn node_count(node: &Node) -> usize {
    1 + match node {
        Node::Map(m) => m
            .iter()
            .map(|i| match i {
                Item::Entry(_, v) => node_count(v),
                Item::Comment(_) => 0,
            })
            .sum(),
        Node::Seq(items) => items
            .iter()
            .map(|i| match i {
                SeqItem::Node(n) => node_count(n),
                SeqItem::Comment(_) => 0,
            })
            .sum(),
        Node::Scalar(_) => 0,
    }
}

/// A collection being built.
enum Frame {
    Map {
        items: Map,
        /// A key read, waiting for its value.
        key: Option<String>,
        anchor: usize,
        /// Column of the mapping's keys.
        indent: usize,
        start: Marker,
        /// Hashes of the keys so far: duplicate checks stay linear in big maps.
        key_hashes: HashSet<u64>,
    },
    Seq {
        items: Vec<SeqItem>,
        anchor: usize,
        /// Column of the sequence's dashes.
        indent: usize,
        start: Marker,
    },
}

impl Frame {
    fn indent(&self) -> usize {
        match self {
            Frame::Map { indent, .. } | Frame::Seq { indent, .. } => *indent,
        }
    }
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Comments read while a value was awaited; they go into the value if it
    /// is a collection, or after the entry if it is a scalar.
    pending: Vec<Comment>,
    /// Own-line comments left of the innermost collection: they belong to an
    /// outer one, after the inner one ends. (column, comment)
    deferred: Vec<(usize, Comment)>,
    /// Anchored nodes and their size in nodes.
    anchors: HashMap<usize, (Node, usize)>,
    /// Events read, and nodes copied by aliases: aliases may not copy more
    /// than a budget in proportion to the document (billion laughs).
    events: usize,
    expanded: usize,
    root: Option<(Node, Marker)>,
    documents: Vec<Map>,
    /// Emptied buffers of finished collections, reused by the next ones:
    /// a collection is built in a buffer that grows as needed, then moved
    /// into an allocation of exactly its size, so the tree holds no spare
    /// capacity (a third of its size otherwise).
    spare: Spare,
}

#[derive(Default)]
struct Spare {
    maps: Vec<Map>,
    seqs: Vec<Vec<SeqItem>>,
    keys: Vec<HashSet<u64>>,
}

/// The items of `buffer` in a vector of exactly their number; the emptied
/// buffer goes back to `spare`.
fn exact<T>(mut buffer: Vec<T>, spare: &mut Vec<Vec<T>>) -> Vec<T> {
    let mut items = Vec::with_capacity(buffer.len());
    items.append(&mut buffer);
    spare.push(buffer);
    items
}

impl Builder {
    fn event(&mut self, event: Event<'_>, mark: Marker) -> Result<(), ParseError> {
        self.events += 1;
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            Event::DocumentStart(..) => {
                self.root = None;
            }
            Event::DocumentEnd => self.end_document()?,
            Event::Comment(text, placement) => {
                self.comment(text.into_owned(), placement, mark.col())
            }
            Event::MappingStart(_, anchor, _) => {
                let mut items = self.spare.maps.pop().unwrap_or_default();
                items.extend(self.pending.drain(..).map(Item::Comment));
                self.stack.push(Frame::Map {
                    items,
                    key: None,
                    anchor,
                    indent: mark.col(),
                    start: mark,
                    key_hashes: self.spare.keys.pop().unwrap_or_default(),
                });
            }
            Event::SequenceStart(_, anchor, _) => {
                let mut items = self.spare.seqs.pop().unwrap_or_default();
                items.extend(self.pending.drain(..).map(SeqItem::Comment));
                self.stack.push(Frame::Seq {
                    items,
                    anchor,
                    indent: mark.col(),
                    start: mark,
                });
            }
            Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Map {
                    mut items,
                    anchor,
                    start,
                    mut key_hashes,
                    ..
                }) => {
                    items.extend(self.pending.drain(..).map(Item::Comment));
                    key_hashes.clear();
                    self.spare.keys.push(key_hashes);
                    let items = exact(items, &mut self.spare.maps);
                    self.complete(Node::Map(items), anchor, start)?;
                }
                _ => return Err(at(&mark, "unbalanced mapping")),
            },
            Event::SequenceEnd => match self.stack.pop() {
                Some(Frame::Seq {
                    mut items,
                    anchor,
                    start,
                    ..
                }) => {
                    items.extend(self.pending.drain(..).map(SeqItem::Comment));
                    let items = exact(items, &mut self.spare.seqs);
                    self.complete(Node::Seq(items), anchor, start)?;
                }
                _ => return Err(at(&mark, "unbalanced sequence")),
            },
            Event::Scalar(value, style, anchor, tag) => {
                let scalar = resolve(&value, style, tag.as_deref());
                self.complete(Node::Scalar(scalar), anchor, mark)?;
            }
            Event::Alias(id) => {
                let (node, size) = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| at(&mark, "alias to an unknown anchor"))?;
                self.expanded += size;
                if self.expanded > ALIAS_BUDGET + 10 * self.events {
                    return Err(at(
                        &mark,
                        "aliases expand to far more than the document holds (excessive aliasing)",
                    ));
                }
                self.complete(node, 0, mark)?;
            }
            Event::UnresolvedAlias(name) => {
                return Err(at(&mark, format!("alias *{name} has no anchor")));
            }
            // Events added by later parser versions carry no data opsctl keeps.
            _ => {}
        }
        Ok(())
    }

    fn comment(&mut self, text: String, placement: Placement, column: usize) {
        let inline = placement == Placement::Right;
        let comment = Comment { text, inline };
        if !inline && self.stack.last().is_some_and(|f| column < f.indent()) {
            self.deferred.push((column, comment));
            return;
        }
        match self.stack.last_mut() {
            Some(Frame::Map {
                items, key: None, ..
            }) => items.push(Item::Comment(comment)),
            Some(Frame::Seq { items, .. }) => items.push(SeqItem::Comment(comment)),
            // Between a key and its value, or outside any collection.
            _ => self.pending.push(Comment {
                inline: false,
                ..comment
            }),
        }
    }

    /// A node is finished: it is a key, a value, a sequence item or the root.
    fn complete(&mut self, node: Node, anchor: usize, mark: Marker) -> Result<(), ParseError> {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (node.clone(), node_count(&node)));
        }
        match self.stack.last_mut() {
            None => self.root = Some((node, mark)),
            Some(Frame::Seq { items, indent, .. }) => {
                items.push(SeqItem::Node(node));
                items.extend(self.pending.drain(..).map(SeqItem::Comment));
                let indent = *indent;
                let placed = take_deferred(&mut self.deferred, indent);
                if let Some(Frame::Seq { items, .. }) = self.stack.last_mut() {
                    items.extend(placed.into_iter().map(SeqItem::Comment));
                }
            }
            Some(Frame::Map {
                items,
                key,
                indent,
                key_hashes,
                ..
            }) => match key.take() {
                Some(k) => {
                    items.push(Item::Entry(k, node));
                    items.extend(self.pending.drain(..).map(Item::Comment));
                    let indent = *indent;
                    let placed = take_deferred(&mut self.deferred, indent);
                    if let Some(Frame::Map { items, .. }) = self.stack.last_mut() {
                        items.extend(placed.into_iter().map(Item::Comment));
                    }
                }
                None => {
                    let Node::Scalar(scalar) = node else {
                        return Err(at(
                            &mark,
                            "a mapping key must be a scalar, not a collection",
                        ));
                    };
                    let text = scalar_key(&scalar);
                    let hash = {
                        let mut h = std::collections::hash_map::DefaultHasher::new();
                        text.hash(&mut h);
                        h.finish()
                    };
                    // A new hash is a new key; a seen hash is checked for real.
                    let duplicate = !key_hashes.insert(hash)
                        && items
                            .iter()
                            .any(|i| matches!(i, Item::Entry(k, _) if *k == text));
                    if duplicate {
                        return Err(at(&mark, format!("duplicate key {text:?}")));
                    }
                    *key = Some(text);
                }
            },
        }
        Ok(())
    }

    fn end_document(&mut self) -> Result<(), ParseError> {
        match self.root.take() {
            Some((Node::Map(mut map), _)) => {
                map.extend(self.deferred.drain(..).map(|(_, c)| Item::Comment(c)));
                map.extend(self.pending.drain(..).map(Item::Comment));
                self.documents.push(map);
            }
            Some((Node::Scalar(Scalar::Null), _)) | None => {
                // An empty document (a stray `---`) holds nothing to seal.
                if !self.pending.is_empty() {
                    self.documents
                        .push(self.pending.drain(..).map(Item::Comment).collect());
                }
            }
            Some((_, mark)) => {
                return Err(at(
                    &mark,
                    "the top level of a document must be a mapping (key: value)",
                ));
            }
        }
        Ok(())
    }
}

/// The deferred comments that sit at or right of `indent`, in order.
fn take_deferred(deferred: &mut Vec<(usize, Comment)>, indent: usize) -> Vec<Comment> {
    let (placed, kept): (Vec<_>, Vec<_>) = deferred.drain(..).partition(|(col, _)| *col >= indent);
    *deferred = kept;
    placed.into_iter().map(|(_, c)| c).collect()
}

/// A key as text (YAML allows `1: x`; sops keys are strings).
pub(super) fn scalar_key(scalar: &Scalar) -> String {
    match scalar {
        Scalar::Str(s) | Scalar::Time(s) => s.clone(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => super::go_float_text(*f),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Null => "null".to_owned(),
        Scalar::Binary(b) => String::from_utf8_lossy(b).into_owned(),
    }
}

/// Resolves a scalar with the YAML 1.2 core schema, as go-yaml v3 (sops) does:
/// `yes`/`on` are strings; timestamps stay strings.
pub(super) fn resolve(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Scalar {
    if let Some(tag) = tag {
        if tag.is_yaml_core_schema() {
            let typed = match tag.suffix() {
                "str" => Some(Scalar::Str(value.to_owned())),
                "int" => parse_int(value).map(Scalar::Int),
                "float" => parse_float(value)
                    .or_else(|| value.parse().ok())
                    .map(Scalar::Float),
                "bool" => parse_bool(value).map(Scalar::Bool),
                "null" => Some(Scalar::Null),
                _ => None,
            };
            return typed.unwrap_or_else(|| Scalar::Str(value.to_owned()));
        }
        return Scalar::Str(value.to_owned());
    }
    if style != ScalarStyle::Plain {
        return Scalar::Str(value.to_owned());
    }
    resolve_plain(value)
}

fn resolve_plain(value: &str) -> Scalar {
    if matches!(value, "" | "~" | "null" | "Null" | "NULL") {
        return Scalar::Null;
    }
    if let Some(b) = parse_bool(value) {
        return Scalar::Bool(b);
    }
    if let Some(i) = parse_int(value) {
        return Scalar::Int(i);
    }
    if let Some(f) = parse_float(value) {
        return Scalar::Float(f);
    }
    Scalar::Str(value.to_owned())
}

fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn parse_int(value: &str) -> Option<i64> {
    let (negative, digits) = match value.as_bytes().first()? {
        b'-' => (true, &value[1..]),
        b'+' => (false, &value[1..]),
        _ => (false, value),
    };
    let magnitude = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i128::from_str_radix(oct, 8).ok()?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i128>().ok()?
    } else {
        return None;
    };
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

fn parse_float(value: &str) -> Option<f64> {
    match value {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    // [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    if !value.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return None;
    }
    let body = value.strip_prefix(['-', '+']).unwrap_or(value);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    // Like go-yaml, a number too large for a float stays text (not infinity).
    match value.parse::<f64>() {
        Ok(f) if mantissa_ok && exponent_ok && f.is_finite() => Some(f),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::write::float_text;
    use super::*;

    fn round_trip(text: &str) -> String {
        emit(&parse(text).unwrap())
    }

    #[test]
    fn scalars_resolve_like_yaml_1_2() {
        let tree = parse(
            "a: yes\nb: true\nc: 0x1F\nd: 1.5e3\ne: ~\nf: '1'\ng: 2024-01-01\nh: .inf\ni: 007\n",
        )
        .unwrap();
        let values: Vec<Scalar> = tree.documents[0]
            .iter()
            .filter_map(|i| match i {
                Item::Entry(_, Node::Scalar(s)) => Some(s.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            values,
            [
                Scalar::Str("yes".into()),
                Scalar::Bool(true),
                Scalar::Int(31),
                Scalar::Float(1500.0),
                Scalar::Null,
                Scalar::Str("1".into()),
                Scalar::Str("2024-01-01".into()),
                Scalar::Float(f64::INFINITY),
                Scalar::Int(7),
            ]
        );
    }

    #[test]
    fn comments_survive_a_round_trip() {
        let text = "# head\na: 1 # right\n# above b\nb:\n  # inside\n  c: x\nlist:\n  # in list\n  - 1\n  - k: v\n    j: w\n# foot\n";
        assert_eq!(round_trip(text), text);
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "yes",
            "on",
            "NO",
            "y",
            "~",
            "0755",
            "1e3",
            "2024-01-01",
            "-1",
            ".5",
            "",
            " x",
            "a: b",
            "x #y",
            "@x",
            "true",
        ] {
            let tree = Tree {
                documents: vec![vec![Item::Entry(
                    "k".into(),
                    Node::Scalar(Scalar::Str(s.into())),
                )]],
            };
            let text = emit(&tree);
            assert_eq!(parse(&text).unwrap(), tree, "{s:?} -> {text}");
            assert!(text.contains('"'), "{s:?} should be quoted: {text}");
        }
    }

    #[test]
    fn multi_line_strings_use_literal_blocks() {
        for s in [
            "a\nb\n",
            "a\nb",
            "a\n\nb\n\n",
            "-----BEGIN X-----\nabc\n-----END X-----\n",
        ] {
            let tree = Tree {
                documents: vec![vec![Item::Entry(
                    "k".into(),
                    Node::Scalar(Scalar::Str(s.into())),
                )]],
            };
            let text = emit(&tree);
            assert!(text.starts_with("k: |"), "{text}");
            assert_eq!(parse(&text).unwrap(), tree, "{s:?} -> {text}");
        }
    }

    #[test]
    fn documents_and_aliases() {
        let tree = parse("a: &x {b: 1}\nc: *x\n---\nd: [1, 2]\n").unwrap();
        assert_eq!(tree.documents.len(), 2);
        assert_eq!(
            emit(&tree),
            "a:\n  b: 1\nc:\n  b: 1\n---\nd:\n  - 1\n  - 2\n"
        );
    }

    #[test]
    fn a_billion_laughs_document_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let prev = (b'a' + level - 1) as char;
            let name = (b'a' + level) as char;
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("excessive aliasing"), "{err}");
        // Ordinary anchors (Helm values, CI files) are fine.
        assert!(parse("base: &b {x: 1}\none: *b\ntwo: *b\n").is_ok());
    }

    #[test]
    fn errors_have_positions() {
        let err = parse("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(err.line >= 2, "{err}");
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (2, "duplicate key \"a\""));
        let err = parse("- 1\n- 2\n").unwrap_err();
        assert!(err.message.contains("must be a mapping"), "{err}");
    }

    #[test]
    fn deep_nesting_keeps_its_indentation() {
        let mut node = Node::Scalar(Scalar::Str("leaf".into()));
        for i in 0..90 {
            node = Node::Map(vec![Item::Entry(format!("k{i}"), node)]);
        }
        let tree = Tree {
            documents: vec![vec![Item::Entry("root".into(), node)]],
        };
        assert_eq!(parse(&emit(&tree)).unwrap(), tree);
    }

    #[test]
    fn an_overflowing_number_stays_text() {
        assert_eq!(resolve_plain("1e400"), Scalar::Str("1e400".into()));
    }

    #[test]
    fn floats_stay_floats() {
        for f in [1.0, 0.5, 1e20, -2.5e-7, 1234.5678] {
            let text = float_text(f);
            assert_eq!(resolve_plain(&text), Scalar::Float(f), "{text}");
        }
    }
}
