//! dotenv, read and written exactly as sops does: `KEY=VALUE` lines with no
//! quoting or trimming, `\n` escapes, `#` comment lines, and the metadata
//! flattened into `sops_…` lines.

use super::ParseError;
use crate::secrets::tree::{Comment, Item, Map, Node, Scalar, SeqItem, Tree};

const PREFIX: &str = "sops_";

/// Reads a dotenv file; `sops_…` lines are gathered back into a `sops` map.
pub fn parse(text: &str) -> Result<Tree, ParseError> {
    let mut items = Map::new();
    let mut metadata = Map::new();
    for (index, line) in text.split('\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            items.push(Item::Comment(Comment {
                text: comment.to_owned(),
                inline: false,
            }));
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(ParseError::new(
                index + 1,
                1,
                format!("expected KEY=VALUE, found {line:?}"),
            ));
        };
        let value = value.replace("\\n", "\n");
        match key.strip_prefix(PREFIX) {
            Some(path) => insert_flat(&mut metadata, path, value),
            None => items.push(Item::Entry(
                key.to_owned(),
                Node::Scalar(Scalar::Str(value)),
            )),
        }
    }
    if !metadata.is_empty() {
        items.push(Item::Entry("sops".into(), Node::Map(metadata)));
    }
    Ok(Tree {
        documents: vec![items],
    })
}

/// Places a flattened metadata value: `age__list_0__map_enc` is
/// `age` → item 0 → `enc`.
fn insert_flat(map: &mut Map, path: &str, value: String) {
    let mut parts = path.split("__");
    let first = parts.next().unwrap_or_default().to_owned();
    let rest: Vec<&str> = parts.collect();
    let slot = entry_mut(map, &first);
    insert_into(slot, &rest, value);
}

fn entry_mut<'a>(map: &'a mut Map, key: &str) -> &'a mut Node {
    let index = match map
        .iter()
        .position(|i| matches!(i, Item::Entry(k, _) if k == key))
    {
        Some(i) => i,
        None => {
            map.push(Item::Entry(key.to_owned(), Node::Scalar(Scalar::Null)));
            map.len() - 1
        }
    };
    match &mut map[index] {
        Item::Entry(_, node) => node,
        Item::Comment(_) => unreachable!("position found an entry"),
    }
}

fn insert_into(node: &mut Node, rest: &[&str], value: String) {
    let Some((step, rest)) = rest.split_first() else {
        *node = Node::Scalar(Scalar::Str(value));
        return;
    };
    if let Some(index) = step
        .strip_prefix("list_")
        .and_then(|i| i.parse::<usize>().ok())
    {
        if !matches!(node, Node::Seq(_)) {
            *node = Node::Seq(Vec::new());
        }
        if let Node::Seq(items) = node {
            while items.len() <= index {
                items.push(SeqItem::Node(Node::Scalar(Scalar::Null)));
            }
            if let SeqItem::Node(child) = &mut items[index] {
                insert_into(child, rest, value);
            }
        }
    } else {
        let key = step.strip_prefix("map_").unwrap_or(step);
        if !matches!(node, Node::Map(_)) {
            *node = Node::Map(Map::new());
        }
        if let Node::Map(map) = node {
            insert_into(entry_mut(map, key), rest, value);
        }
    }
}

/// Writes `KEY=VALUE` lines; a `sops` map becomes sorted `sops_…` lines.
pub fn emit(tree: &Tree) -> String {
    let mut out = String::new();
    let Some(doc) = tree.documents.first() else {
        return out;
    };
    for item in doc {
        match item {
            Item::Comment(c) => {
                out.push('#');
                out.push_str(&c.text);
                out.push('\n');
            }
            Item::Entry(key, Node::Map(meta)) if key == "sops" => {
                let mut lines = Vec::new();
                flatten(
                    &mut lines,
                    PREFIX.trim_end_matches('_'),
                    &Node::Map(meta.clone()),
                    true,
                );
                lines.sort();
                for line in lines {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
            Item::Entry(key, node) => {
                out.push_str(key);
                out.push('=');
                out.push_str(&escape(&flat_text(node)));
                out.push('\n');
            }
        }
    }
    out
}

fn flatten(lines: &mut Vec<String>, prefix: &str, node: &Node, top: bool) {
    match node {
        Node::Map(map) => {
            for item in map {
                if let Item::Entry(k, v) = item {
                    let name = if top {
                        format!("{prefix}_{k}")
                    } else {
                        format!("{prefix}__map_{k}")
                    };
                    flatten(lines, &name, v, false);
                }
            }
        }
        Node::Seq(items) => {
            for (i, item) in items
                .iter()
                .filter_map(crate::secrets::tree::seq_node)
                .enumerate()
            {
                flatten(lines, &format!("{prefix}__list_{i}"), item, false);
            }
        }
        Node::Scalar(_) => lines.push(format!("{prefix}={}", escape(&flat_text(node)))),
    }
}

/// A value as dotenv text: Go's formatting for non-strings.
fn flat_text(node: &Node) -> String {
    match node {
        Node::Scalar(Scalar::Str(s) | Scalar::Time(s)) => s.clone(),
        Node::Scalar(Scalar::Binary(b)) => String::from_utf8_lossy(b).into_owned(),
        Node::Scalar(Scalar::Int(i)) => i.to_string(),
        Node::Scalar(Scalar::Float(f)) => crate::secrets::tree::go_float_text(*f),
        Node::Scalar(Scalar::Bool(b)) => b.to_string(),
        Node::Scalar(Scalar::Null) => String::new(),
        Node::Map(_) | Node::Seq(_) => String::new(),
    }
}

fn escape(text: &str) -> String {
    text.replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_raw_and_comments_kept() {
        let text = "# db\nDB_URL=postgres://x?a=b\nKEY =  spaced \nMULTI=a\\nb\n";
        let tree = parse(text).unwrap();
        assert_eq!(
            crate::secrets::tree::map_get(&tree.documents[0], "KEY "),
            Some(&Node::Scalar(Scalar::Str("  spaced ".into())))
        );
        assert_eq!(emit(&tree), text);
    }

    #[test]
    fn metadata_is_flattened_and_gathered_back() {
        let meta = Node::Map(vec![
            Item::Entry(
                "age".into(),
                Node::Seq(vec![SeqItem::Node(Node::Map(vec![
                    Item::Entry(
                        "enc".into(),
                        Node::Scalar(Scalar::Str("-----BEGIN\nx\n".into())),
                    ),
                    Item::Entry(
                        "recipient".into(),
                        Node::Scalar(Scalar::Str("age1x".into())),
                    ),
                ]))]),
            ),
            Item::Entry("version".into(), Node::Scalar(Scalar::Str("3.11.0".into()))),
        ]);
        let tree = Tree {
            documents: vec![vec![
                Item::Entry("A".into(), Node::Scalar(Scalar::Str("1".into()))),
                Item::Entry("sops".into(), meta),
            ]],
        };
        let text = emit(&tree);
        assert_eq!(
            text,
            "A=1\nsops_age__list_0__map_enc=-----BEGIN\\nx\\n\nsops_age__list_0__map_recipient=age1x\nsops_version=3.11.0\n"
        );
        assert_eq!(parse(&text).unwrap(), tree);
    }

    #[test]
    fn a_line_without_equals_is_an_error_with_its_line() {
        let err = parse("A=1\nnonsense\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
    }
}
