//! YAML read with a position on every key and value, for spec files whose
//! errors must point at `file:line:col` (gate specs, Argo templates).
//!
//! Comments are dropped; scalars are typed as the document reader types
//! them (YAML 1.2 core schema), so a spec and a sealed file agree on what
//! `on` or `0755` means.

use std::collections::HashMap;

use granit_parser::{Event, Marker, Parser};

use super::{ParseError, Scalar};

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

impl From<&Marker> for Pos {
    fn from(marker: &Marker) -> Self {
        Pos {
            line: marker.line(),
            column: marker.col() + 1,
        }
    }
}

/// A value and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// Where the value starts.
    pub pos: Pos,
    /// The value.
    pub value: Value,
}

/// A located value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A mapping, entries in file order.
    Map(Vec<Entry>),
    /// A sequence.
    Seq(Vec<Located>),
    /// A leaf.
    Scalar(Scalar),
}

/// One `key: value` of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as text.
    pub key: String,
    /// Where the key is.
    pub key_pos: Pos,
    /// The value.
    pub value: Located,
}

impl Located {
    /// The entries when this is a mapping.
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Located> {
        self.as_map()?
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }

    /// The text of a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// What kind of value this is, for messages ("a mapping", "a number").
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Map(_) => "a mapping",
            Value::Seq(_) => "a list",
            Value::Scalar(Scalar::Str(_) | Scalar::Time(_) | Scalar::Binary(_)) => "a string",
            Value::Scalar(Scalar::Int(_) | Scalar::Float(_)) => "a number",
            Value::Scalar(Scalar::Bool(_)) => "a boolean",
            Value::Scalar(Scalar::Null) => "null",
        }
    }
}

/// Nodes aliases may copy in all, beyond ten per event (billion laughs).
const ALIAS_BUDGET: usize = 100_000;

/// Reads every document of a YAML stream; empty documents are skipped.
pub fn parse(text: &str) -> Result<Vec<Located>, ParseError> {
    let mut builder = Builder::default();
    for next in Parser::new_from_str(text) {
        let (event, span) = next.map_err(|e| at(e.marker(), e.info()))?;
        builder.event(event, &span.start)?;
    }
    Ok(builder.documents)
}

fn at(marker: &Marker, message: impl Into<String>) -> ParseError {
    ParseError::new(marker.line(), marker.col() + 1, message)
}

enum Frame {
    Map {
        entries: Vec<Entry>,
        key: Option<(String, Pos)>,
        anchor: usize,
        pos: Pos,
    },
    Seq {
        items: Vec<Located>,
        anchor: usize,
        pos: Pos,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Located, usize)>,
    events: usize,
    expanded: usize,
    documents: Vec<Located>,
}

fn size(node: &Located) -> usize {
    1 + match &node.value {
        Value::Map(entries) => entries.iter().map(|e| size(&e.value)).sum(),
        Value::Seq(items) => items.iter().map(size).sum(),
        Value::Scalar(_) => 0,
    }
}

impl Builder {
    fn event(&mut self, event: Event<'_>, mark: &Marker) -> Result<(), ParseError> {
        self.events += 1;
        match event {
            Event::MappingStart(_, anchor, _) => self.stack.push(Frame::Map {
                entries: Vec::new(),
                key: None,
                anchor,
                pos: mark.into(),
            }),
            Event::SequenceStart(_, anchor, _) => self.stack.push(Frame::Seq {
                items: Vec::new(),
                anchor,
                pos: mark.into(),
            }),
            Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Map {
                    entries,
                    anchor,
                    pos,
                    ..
                }) => self.complete(
                    Located {
                        pos,
                        value: Value::Map(entries),
                    },
                    anchor,
                    mark,
                )?,
                _ => return Err(at(mark, "unbalanced mapping")),
            },
            Event::SequenceEnd => match self.stack.pop() {
                Some(Frame::Seq { items, anchor, pos }) => self.complete(
                    Located {
                        pos,
                        value: Value::Seq(items),
                    },
                    anchor,
                    mark,
                )?,
                _ => return Err(at(mark, "unbalanced sequence")),
            },
            Event::Scalar(value, style, anchor, tag) => {
                let scalar = super::yaml::resolve(&value, style, tag.as_deref());
                self.complete(
                    Located {
                        pos: mark.into(),
                        value: Value::Scalar(scalar),
                    },
                    anchor,
                    mark,
                )?;
            }
            Event::Alias(id) => {
                let (mut node, count) = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| at(mark, "alias to an unknown anchor"))?;
                self.expanded += count;
                if self.expanded > ALIAS_BUDGET + 10 * self.events {
                    return Err(at(
                        mark,
                        "aliases expand to far more than the document holds (excessive aliasing)",
                    ));
                }
                node.pos = mark.into();
                self.complete(node, 0, mark)?;
            }
            Event::UnresolvedAlias(name) => {
                return Err(at(mark, format!("alias *{name} has no anchor")));
            }
            _ => {}
        }
        Ok(())
    }

    fn complete(&mut self, node: Located, anchor: usize, mark: &Marker) -> Result<(), ParseError> {
        if anchor != 0 {
            let count = size(&node);
            self.anchors.insert(anchor, (node.clone(), count));
        }
        match self.stack.last_mut() {
            None => {
                if !matches!(node.value, Value::Scalar(Scalar::Null)) {
                    self.documents.push(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some((key, key_pos)) => {
                    if let Some(first) = entries.iter().find(|e| e.key == key) {
                        return Err(ParseError::new(
                            key_pos.line,
                            key_pos.column,
                            format!(
                                "duplicate key `{key}` (first at line {})",
                                first.key_pos.line
                            ),
                        ));
                    }
                    entries.push(Entry {
                        key,
                        key_pos,
                        value: node,
                    });
                }
                None => {
                    let Value::Scalar(scalar) = &node.value else {
                        return Err(at(mark, "a mapping key must be a plain value"));
                    };
                    let text = super::yaml::scalar_key(scalar);
                    *key = Some((text, node.pos));
                }
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_carry_positions() {
        let docs = parse("a: 1\nlist:\n  - name: x\n    query: 'up'\n---\nb: true\n").unwrap();
        assert_eq!(docs.len(), 2);
        let list = docs[0].get("list").unwrap();
        let Value::Seq(items) = &list.value else {
            panic!()
        };
        let entries = items[0].as_map().unwrap();
        assert_eq!(entries[1].key, "query");
        assert_eq!(entries[1].key_pos, Pos { line: 4, column: 5 });
        assert_eq!(
            entries[1].value.pos,
            Pos {
                line: 4,
                column: 12
            }
        );
        assert_eq!(entries[1].value.as_str(), Some("up"));
        assert_eq!(
            docs[0].get("a").unwrap().value,
            Value::Scalar(Scalar::Int(1))
        );
    }

    #[test]
    fn duplicate_keys_and_bad_yaml_are_errors_with_positions() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.message.contains("first at line 1"));
        let e = parse("a: [1, 2\n").unwrap_err();
        assert!(e.line >= 1, "{e}");
    }

    #[test]
    fn aliases_copy_and_bombs_are_refused() {
        let docs = parse("x: &a {k: v}\ny: *a\n").unwrap();
        assert_eq!(
            docs[0].get("y").unwrap().get("k").unwrap().as_str(),
            Some("v")
        );
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            bomb.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                vec![format!("*a{}", i - 1); 10].join(", ")
            ));
        }
        assert!(parse(&bomb).is_err());
    }

    #[test]
    fn empty_documents_are_skipped() {
        assert!(parse("").unwrap().is_empty());
        assert_eq!(parse("---\n---\na: 1\n").unwrap().len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn any_text_reads_or_errs_without_panicking(text in "(\\PC|[\\n:{}\\[\\]&*!|>#-]){0,200}") {
            let _ = parse(&text);
        }
    }
}
