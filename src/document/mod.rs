//! The document model every store reads into and writes from.
//!
//! It mirrors sops' tree: ordered maps whose keys stay in clear text,
//! sequences, typed scalars, and comments as items of the map or sequence
//! they sit in (sops encrypts comments too). A file is one or more documents
//! (YAML `---`); each document's root is a map.

use std::borrow::Cow;

pub mod located;
pub mod rewrite;
pub mod yaml;

/// A file does not parse; line and column are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    /// Line of the problem.
    pub line: usize,
    /// Column of the problem.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            column,
            message: message.into(),
        }
    }
}

/// Quotes `text` as a JSON string (used by the YAML writer for the cases a
/// plain or block scalar cannot carry).
pub fn json_quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// A whole file: one document for JSON, dotenv and binary, one or more for YAML.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tree {
    /// The documents, in file order.
    pub documents: Vec<Map>,
}

/// An ordered map with comments between its entries.
pub type Map = Vec<Item>;

/// One item of a map: an entry or a comment line.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `key: value`.
    Entry(String, Node),
    /// A comment, in the position it was found.
    Comment(Comment),
}

/// A comment's text (without the leading `#`) and where it sat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, as written (a leading space is kept).
    pub text: String,
    /// Written at the end of the previous entry's line rather than on its own.
    pub inline: bool,
}

/// A value in the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A nested map.
    Map(Map),
    /// A sequence, with comments between items.
    Seq(Vec<SeqItem>),
    /// A leaf.
    Scalar(Scalar),
}

/// One item of a sequence.
#[derive(Debug, Clone, PartialEq)]
pub enum SeqItem {
    /// A value.
    Node(Node),
    /// A comment line.
    Comment(Comment),
}

/// A typed leaf value, with the types sops records in `type:`.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// Text.
    Str(String),
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// `true` / `false`.
    Bool(bool),
    /// A timestamp, as RFC 3339 text.
    Time(String),
    /// Bytes that are not UTF-8 (a binary file's content); sops types them `str`.
    Binary(Vec<u8>),
    /// No value: never encrypted, never part of the MAC.
    Null,
}

impl Scalar {
    /// The bytes sops encrypts and hashes into the MAC for this value, and
    /// its `type:` tag. `None` for null, which is neither.
    pub fn sops_plaintext(&self) -> Option<(Cow<'_, [u8]>, &'static str)> {
        Some(match self {
            Scalar::Str(s) => (Cow::Borrowed(s.as_bytes()), "str"),
            Scalar::Int(i) => (Cow::Owned(i.to_string().into_bytes()), "int"),
            Scalar::Float(f) => (Cow::Owned(go_float_text(*f).into_bytes()), "float"),
            Scalar::Bool(b) => (Cow::Borrowed(if *b { b"True" } else { b"False" }), "bool"),
            Scalar::Time(t) => (Cow::Borrowed(t.as_bytes()), "time"),
            Scalar::Binary(b) => (Cow::Borrowed(b.as_slice()), "str"),
            Scalar::Null => return None,
        })
    }
}

/// A float as Go's `strconv.FormatFloat(f, 'f', -1, 64)` writes it: the
/// shortest text that reads back to the same number, never with an exponent.
/// Rust's `Display` for `f64` has the same contract; only the non-finite
/// values are spelt differently.
pub fn go_float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        format!("{f}")
    }
}

impl Tree {
    /// The value at `path` in the first document, following map keys and
    /// sequence indices (`--extract '["a"][0]'`).
    pub fn get(&self, path: &[PathStep]) -> Option<&Node> {
        let (first, rest) = path.split_first()?;
        let PathStep::Key(key) = first else {
            return None;
        };
        let mut node = map_get(self.documents.first()?, key)?;
        for step in rest {
            node = match (step, node) {
                (PathStep::Key(k), Node::Map(m)) => map_get(m, k)?,
                (PathStep::Index(i), Node::Seq(items)) => {
                    items.iter().filter_map(seq_node).nth(*i)?
                }
                _ => return None,
            };
        }
        Some(node)
    }
}

/// One step of an `--extract` style path: `["a"]` or `[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// A map key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// The value of `key` in a map.
pub fn map_get<'a>(map: &'a Map, key: &str) -> Option<&'a Node> {
    map.iter().find_map(|item| match item {
        Item::Entry(k, v) if k == key => Some(v),
        _ => None,
    })
}

/// The value of a sequence item, skipping comments.
pub fn seq_node(item: &SeqItem) -> Option<&Node> {
    match item {
        SeqItem::Node(n) => Some(n),
        SeqItem::Comment(_) => None,
    }
}

/// The keys of a map, in order.
pub fn map_keys(map: &Map) -> impl Iterator<Item = &str> {
    map.iter().filter_map(|item| match item {
        Item::Entry(k, _) => Some(k.as_str()),
        Item::Comment(_) => None,
    })
}

/// A JSON value as a node: numbers that fit `i64` are ints, others floats.
pub fn from_json(value: serde_json::Value) -> Node {
    use serde_json::Value;
    match value {
        Value::Null => Node::Scalar(Scalar::Null),
        Value::Bool(b) => Node::Scalar(Scalar::Bool(b)),
        Value::Number(n) => Node::Scalar(match n.as_i64() {
            Some(i) => Scalar::Int(i),
            None => Scalar::Float(n.as_f64().unwrap_or(f64::NAN)),
        }),
        Value::String(s) => Node::Scalar(Scalar::Str(s)),
        Value::Array(items) => Node::Seq(
            items
                .into_iter()
                .map(|v| SeqItem::Node(from_json(v)))
                .collect(),
        ),
        Value::Object(fields) => Node::Map(
            fields
                .into_iter()
                .map(|(k, v)| Item::Entry(k, from_json(v)))
                .collect(),
        ),
    }
}

/// A map as a JSON object, comments dropped. Timestamps become strings;
/// a float JSON cannot hold (NaN, ±Inf) becomes null.
pub fn map_to_json(map: &Map) -> serde_json::Value {
    serde_json::Value::Object(
        map.iter()
            .filter_map(|item| match item {
                Item::Entry(k, v) => Some((k.clone(), to_json(v))),
                Item::Comment(_) => None,
            })
            .collect(),
    )
}

/// A node as a JSON value (see [`map_to_json`]).
pub fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match node {
        Node::Map(m) => map_to_json(m),
        Node::Seq(items) => Value::Array(
            items
                .iter()
                .filter_map(|i| match i {
                    SeqItem::Node(n) => Some(to_json(n)),
                    SeqItem::Comment(_) => None,
                })
                .collect(),
        ),
        Node::Scalar(s) => match s {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Int(i) => Value::from(*i),
            Scalar::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Scalar::Str(s) | Scalar::Time(s) => Value::String(s.clone()),
            Scalar::Binary(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_encodings_match_sops() {
        let plain = |s: Scalar| {
            s.sops_plaintext()
                .map(|(p, t)| (String::from_utf8(p.into_owned()).unwrap(), t))
        };
        assert_eq!(plain(Scalar::Bool(true)), Some(("True".into(), "bool")));
        assert_eq!(plain(Scalar::Int(-1)), Some(("-1".into(), "int")));
        assert_eq!(plain(Scalar::Float(1.0)), Some(("1".into(), "float")));
        assert_eq!(plain(Scalar::Float(25.4)), Some(("25.4".into(), "float")));
        assert_eq!(
            plain(Scalar::Float(1.234568e9)),
            Some(("1234568000".into(), "float"))
        );
        assert_eq!(
            plain(Scalar::Float(1e21)),
            Some(("1000000000000000000000".into(), "float"))
        );
        assert_eq!(
            plain(Scalar::Float(f64::NEG_INFINITY)),
            Some(("-Inf".into(), "float"))
        );
        assert_eq!(plain(Scalar::Null), None);
    }

    #[test]
    fn get_follows_keys_and_indices() {
        let tree = Tree {
            documents: vec![vec![Item::Entry(
                "a".into(),
                Node::Seq(vec![
                    SeqItem::Comment(Comment {
                        text: "c".into(),
                        inline: false,
                    }),
                    SeqItem::Node(Node::Scalar(Scalar::Int(7))),
                ]),
            )]],
        };
        let path = [PathStep::Key("a".into()), PathStep::Index(0)];
        assert_eq!(tree.get(&path), Some(&Node::Scalar(Scalar::Int(7))));
        assert_eq!(tree.get(&[PathStep::Key("b".into())]), None);
    }
}
