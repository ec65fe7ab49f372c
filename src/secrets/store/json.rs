//! JSON: a top-level object, key order kept; written tab-indented like sops.

use serde_json::Value;

use super::ParseError;
use crate::document::{Map, Node, Tree};

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
    let mut value = crate::document::map_to_json(map);
    whole_floats_as_ints(&mut value);
    value
}

fn value(node: &Node) -> Value {
    let mut value = crate::document::to_json(node);
    whole_floats_as_ints(&mut value);
    value
}

/// Go prints a whole float64 without a fraction; sops up to 3.13.1 read
/// every JSON number as float64, so `1` comes back as `1`.
fn whole_floats_as_ints(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
                && f.abs() < 1e15
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_floats_as_ints),
        Value::Object(fields) => fields.values_mut().for_each(whole_floats_as_ints),
        _ => {}
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
