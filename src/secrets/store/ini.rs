//! INI, as sops reads and writes it: every section becomes a top-level map of
//! strings (keys before the first header form the `DEFAULT` section), `#`/`;`
//! lines are comments, and the metadata is a flattened `[sops]` section.

use super::{ParseError, flat};
use crate::document::{Comment, Item, Map, Node, Scalar, Tree};

/// The section go-ini gives keys that come before any `[header]`.
const DEFAULT_SECTION: &str = "DEFAULT";

/// Reads an INI file.
pub fn parse(text: &str) -> Result<Tree, ParseError> {
    let mut doc = Map::new();
    let mut name = DEFAULT_SECTION.to_owned();
    let mut section = Map::new();
    let finish = |doc: &mut Map, name: &str, section: Map| {
        if name != DEFAULT_SECTION || !section.is_empty() {
            doc.push(Item::Entry(name.to_owned(), Node::Map(section)));
        }
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let mut next = 0;
    while next < lines.len() {
        let (index, raw) = (next, lines[next]);
        next += 1;
        let line = raw.trim();
        let at = |column: usize, message: String| ParseError::new(index + 1, column, message);
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix(['#', ';']) {
            // Like go-ini (and so sops), the marker and one space are not text.
            let text = comment.strip_prefix(' ').unwrap_or(comment);
            section.push(Item::Comment(Comment {
                text: text.to_owned(),
                inline: false,
            }));
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let header = header.strip_suffix(']').ok_or_else(|| {
                at(
                    raw.len().max(1),
                    "a section header must end with `]`".into(),
                )
            })?;
            // Comments right above a header belong to the new section (as
            // go-ini, and so sops, reads them), not to the end of the last one.
            let trailing = section
                .iter()
                .rev()
                .take_while(|i| matches!(i, Item::Comment(_)))
                .count();
            let carried = section.split_off(section.len() - trailing);
            finish(&mut doc, &name, std::mem::take(&mut section));
            section = carried;
            name = header.trim().to_owned();
            if doc
                .iter()
                .any(|i| matches!(i, Item::Entry(k, _) if *k == name))
            {
                return Err(at(1, format!("duplicate section [{name}]")));
            }
            continue;
        }
        let split = line.find(['=', ':']).ok_or_else(|| {
            at(
                1,
                "expected `key = value` (this line has no `=`)".to_owned(),
            )
        })?;
        let key = line[..split].trim().to_owned();
        let mut value = line[split + 1..].trim().to_owned();
        // go-ini's multi-line values: """first … last""" (sops 3.11 writes them).
        if let Some(rest) = value.strip_prefix("\"\"\"") {
            let mut text = rest.to_owned();
            while !text.ends_with("\"\"\"") {
                let Some(more) = lines.get(next) else {
                    return Err(at(1, format!("unclosed \"\"\" value for {key:?}")));
                };
                next += 1;
                text.push('\n');
                text.push_str(more);
            }
            text.truncate(text.len() - 3);
            value = text;
        } else {
            value = unquote(&value).to_owned();
        }
        if key.is_empty() {
            return Err(at(1, "a key is missing before `=`".into()));
        }
        if section
            .iter()
            .any(|i| matches!(i, Item::Entry(k, _) if *k == key))
        {
            return Err(at(1, format!("duplicate key {key:?} in [{name}]")));
        }
        section.push(Item::Entry(
            key,
            Node::Scalar(Scalar::Str(flat::unescape(&value))),
        ));
    }
    finish(&mut doc, &name, section);
    // The flattened [sops] section becomes the `sops` map other formats have.
    if let Some(pos) = doc
        .iter()
        .position(|i| matches!(i, Item::Entry(k, _) if k == "sops"))
        && let Item::Entry(_, Node::Map(flat_meta)) = doc.remove(pos)
    {
        let mut meta = Map::new();
        for item in flat_meta {
            if let Item::Entry(k, Node::Scalar(Scalar::Str(v))) = item {
                flat::insert(&mut meta, &k, v)
                    .map_err(|message| ParseError::new(1, 1, format!("[sops] {message}")))?;
            }
        }
        doc.push(Item::Entry("sops".into(), Node::Map(meta)));
    }
    Ok(Tree {
        documents: vec![doc],
    })
}

/// go-ini strips one pair of surrounding quotes.
fn unquote(value: &str) -> &str {
    for q in ['"', '`'] {
        if value.len() >= 2 && value.starts_with(q) && value.ends_with(q) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// Writes the sections; `DEFAULT` keys come first without a header.
pub fn emit(tree: &Tree) -> String {
    let mut out = String::new();
    let Some(doc) = tree.documents.first() else {
        return out;
    };
    let mut first = true;
    let mut separate = |out: &mut String| {
        if !first {
            out.push('\n');
        }
        first = false;
    };
    for item in doc {
        match item {
            Item::Comment(c) => {
                out.push_str("; ");
                out.push_str(&c.text);
                out.push('\n');
            }
            Item::Entry(name, Node::Map(meta)) if name == "sops" => {
                separate(&mut out);
                out.push_str("[sops]\n");
                for (key, value) in flat::flatten(meta) {
                    out.push_str(&format!("{key} = {}\n", flat::escape(&value)));
                }
            }
            Item::Entry(name, Node::Map(section)) => {
                separate(&mut out);
                if name != DEFAULT_SECTION {
                    out.push_str(&format!("[{name}]\n"));
                }
                for item in section {
                    match item {
                        Item::Comment(c) => {
                            out.push_str("; ");
                            out.push_str(&c.text);
                            out.push('\n');
                        }
                        Item::Entry(key, value) => {
                            out.push_str(&format!(
                                "{key} = {}\n",
                                flat::escape(&flat::scalar_text(value))
                            ));
                        }
                    }
                }
            }
            // Values outside a section cannot be written; `write` refuses them first.
            Item::Entry(..) => {}
        }
    }
    out
}

/// Whether a tree fits INI: top-level sections holding only scalars.
pub fn representable(tree: &Tree) -> bool {
    tree.documents.iter().flatten().all(|item| match item {
        Item::Comment(_) => true,
        Item::Entry(k, _) if k == "sops" => true,
        Item::Entry(_, Node::Map(section)) => section
            .iter()
            .all(|i| !matches!(i, Item::Entry(_, Node::Map(_) | Node::Seq(_)))),
        Item::Entry(..) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_round_trip_with_comments() {
        let text = "top = level\n\n[database]\n; primary\nuser = admin\npassword = s3cr3t\n\n[api]\nkey = abc\n";
        let tree = parse(text).unwrap();
        assert_eq!(emit(&tree), text);
        assert_eq!(
            emit(&parse(&text.replace("; primary", "# primary")).unwrap()),
            text
        );
        assert!(representable(&tree));
    }

    #[test]
    fn the_sops_section_is_flattened_metadata() {
        let tree =
            parse("[a]\nk = v\n\n[sops]\nage__list_0__map_recipient = age1x\nversion = 3.11.0\n")
                .unwrap();
        let Some(Node::Map(meta)) = crate::document::map_get(&tree.documents[0], "sops") else {
            panic!()
        };
        assert!(matches!(
            crate::document::map_get(meta, "age"),
            Some(Node::Seq(_))
        ));
        assert_eq!(
            emit(&tree),
            "[a]\nk = v\n\n[sops]\nage__list_0__map_recipient = age1x\nversion = 3.11.0\n"
        );
    }

    #[test]
    fn triple_quoted_values_span_lines() {
        let tree = parse("[a]\nk = \"\"\"one\ntwo\"\"\"\nj = \"\"\"same line\"\"\"\n").unwrap();
        let Some(Node::Map(section)) = crate::document::map_get(&tree.documents[0], "a") else {
            panic!()
        };
        assert_eq!(
            crate::document::map_get(section, "k"),
            Some(&Node::Scalar(Scalar::Str("one\ntwo".into())))
        );
        assert_eq!(
            crate::document::map_get(section, "j"),
            Some(&Node::Scalar(Scalar::Str("same line".into())))
        );
        assert!(parse("[a]\nk = \"\"\"open\n").is_err());
    }

    #[test]
    fn a_comment_above_a_header_belongs_to_that_section() {
        let tree = parse("[a]\nk = v\n; about b\n[b]\nj = w\n").unwrap();
        let Some(Node::Map(b)) = crate::document::map_get(&tree.documents[0], "b") else {
            panic!()
        };
        assert!(matches!(&b[0], Item::Comment(c) if c.text == "about b"));
    }

    #[test]
    fn errors_have_lines() {
        assert_eq!(parse("[a]\nnonsense\n").unwrap_err().line, 2);
        assert_eq!(parse("[a\n").unwrap_err().line, 1);
        assert!(
            parse("[a]\nk = 1\nk = 2\n")
                .unwrap_err()
                .message
                .contains("duplicate key")
        );
    }
}
