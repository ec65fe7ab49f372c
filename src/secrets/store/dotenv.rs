//! dotenv, read and written exactly as sops does: `KEY=VALUE` lines with no
//! quoting or trimming, `\n` escapes, `#` comment lines, and the metadata
//! flattened into `sops_…` lines.

use super::{ParseError, flat};
use crate::document::{Comment, Item, Map, Node, Scalar, Tree};

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
                "expected KEY=VALUE (this line has no `=`)".to_owned(),
            ));
        };
        let value = flat::unescape(value);
        match key.strip_prefix(PREFIX) {
            Some(path) => flat::insert(&mut metadata, path, value)
                .map_err(|message| ParseError::new(index + 1, 1, message))?,
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
                for (name, value) in flat::flatten(meta) {
                    out.push_str(&format!("{PREFIX}{name}={}\n", flat::escape(&value)));
                }
            }
            Item::Entry(key, node) => {
                out.push_str(key);
                out.push('=');
                out.push_str(&flat::escape(&flat::scalar_text(node)));
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::SeqItem;

    #[test]
    fn lines_are_raw_and_comments_kept() {
        let text = "# db\nDB_URL=postgres://x?a=b\nKEY =  spaced \nMULTI=a\\nb\n";
        let tree = parse(text).unwrap();
        assert_eq!(
            crate::document::map_get(&tree.documents[0], "KEY "),
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
    fn hostile_metadata_paths_are_refused_not_allocated() {
        let err = parse("A=1\nsops_age__list_4000000000__map_enc=x\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("implausibly large"), "{err}");
        let deep = format!("sops_x{}=1\n", "__y".repeat(200_000));
        assert!(
            parse(&deep)
                .unwrap_err()
                .message
                .contains("nested too deeply")
        );
    }

    #[test]
    fn a_line_without_equals_is_an_error_with_its_line() {
        let err = parse("A=1\nnonsense\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
    }
}
