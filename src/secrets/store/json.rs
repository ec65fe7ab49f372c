//! JSON: a top-level object, key order kept; written tab-indented like sops.

use serde_json::Value;

use super::ParseError;
use crate::document::{Item, Map, Node, Scalar, SeqItem, Tree};

/// Reads one JSON object.
pub fn parse(text: &str) -> Result<Tree, ParseError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ParseError::new(e.line(), e.column(), e.to_string()))?;
    match value {
        Value::Object(_) => match node(value) {
            Node::Map(map) => Ok(Tree {
                documents: vec![map],
            }),
            _ => unreachable!("an object converts to a map"),
        },
        _ => Err(ParseError::new(1, 1, "the top level must be a JSON object")),
    }
}

/// JSON numbers that fit int64 are ints, others floats (sops 3.13.2+).
pub(super) fn node(value: Value) -> Node {
    crate::document::from_json(value)
}

/// Writes the first document as a tab-indented object (comments cannot be
/// carried by JSON and are dropped).
pub fn emit(tree: &Tree) -> String {
    let empty = Vec::new();
    tab_indented(&map_value(tree.documents.first().unwrap_or(&empty)))
}

/// Writes any node as tab-indented JSON (for `--extract` of a subtree).
pub fn emit_node(node: &Node) -> String {
    tab_indented(&value(node))
}

/// sops' JSON layout: tab indentation, `": "`, a final newline.
fn tab_indented(value: &Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut serializer).expect("a JSON value always serializes");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

fn map_value(map: &Map) -> Value {
    Value::Object(
        map.iter()
            .filter_map(|item| match item {
                Item::Entry(k, v) => Some((k.clone(), value(v))),
                Item::Comment(_) => None,
            })
            .collect(),
    )
}

fn value(node: &Node) -> Value {
    match node {
        Node::Map(m) => map_value(m),
        Node::Seq(items) => Value::Array(
            items
                .iter()
                .filter_map(|i| match i {
                    SeqItem::Node(n) => Some(value(n)),
                    SeqItem::Comment(_) => None,
                })
                .collect(),
        ),
        Node::Scalar(s) => match s {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Int(i) => Value::from(*i),
            // Go prints a whole float64 without a fraction; sops up to 3.13.1
            // read every JSON number as float64, so `1` comes back as `1`.
            Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Value::from(*f as i64),
            Scalar::Float(f) => Value::from(*f),
            Scalar::Str(s) | Scalar::Time(s) => Value::String(s.clone()),
            Scalar::Binary(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_order_and_types() {
        let text = "{\n\t\"z\": 1,\n\t\"a\": [\n\t\ttrue,\n\t\t2.5,\n\t\tnull,\n\t\t\"x\"\n\t],\n\t\"m\": {}\n}\n";
        assert_eq!(emit(&parse(text).unwrap()), text);
    }

    #[test]
    fn errors_have_positions_and_the_top_must_be_an_object() {
        let err = parse("{\n  \"a\": 1,\n  \"b\": \n}").unwrap_err();
        assert_eq!(err.line, 4);
        assert!(parse("[1]").unwrap_err().message.contains("object"));
    }
}
