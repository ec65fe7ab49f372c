//! Stores: reading files into a [`Tree`](crate::document::Tree) and writing them
//! back, per format, in the layouts sops reads and writes.

mod dotenv;
mod flat;
mod ini;
mod json;
use crate::document::rewrite::{Unchanged, WriteError};
use crate::document::yaml;

use std::path::Path;

pub use crate::document::ParseError;
use crate::document::{Node, Scalar, Tree};

/// A file format sops (and opsctl) seals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.yaml` / `.yml`.
    Yaml,
    /// `.json`.
    Json,
    /// `.env` (exactly that suffix).
    Dotenv,
    /// `.ini`.
    Ini,
    /// Anything else: the whole file is one value.
    Binary,
}

impl Format {
    /// The names accepted by `--input-type` / `--output-type`.
    pub const NAMES: &'static [&'static str] = &["yaml", "json", "dotenv", "ini", "binary"];

    /// The format sops picks from a file name.
    pub fn from_path(path: &Path) -> Self {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            Format::Yaml
        } else if name.ends_with(".json") {
            Format::Json
        } else if name.ends_with(".env") {
            Format::Dotenv
        } else if name.ends_with(".ini") {
            Format::Ini
        } else {
            Format::Binary
        }
    }

    /// The format named `name` (one of [`Format::NAMES`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "dotenv" => Format::Dotenv,
            "ini" => Format::Ini,
            "binary" => Format::Binary,
            _ => return None,
        })
    }

    /// The format's name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Dotenv => "dotenv",
            Format::Ini => "ini",
            Format::Binary => "binary",
        }
    }
}

/// Reads a plaintext or sealed file. Binary input is read as a sealed JSON
/// document when `sealed` is true, else as raw bytes.
pub fn parse(format: Format, bytes: &[u8], sealed: bool) -> Result<Tree, ParseError> {
    match format {
        Format::Yaml => yaml::parse(utf8(bytes)?),
        Format::Json => json::parse(utf8(bytes)?),
        Format::Dotenv => dotenv::parse(utf8(bytes)?),
        Format::Ini => ini::parse(utf8(bytes)?),
        Format::Binary if sealed => json::parse(utf8(bytes)?),
        Format::Binary => Ok(binary_tree(bytes)),
    }
}

/// Writes a tree. A plaintext binary tree writes its raw bytes back.
pub fn emit(format: Format, tree: &Tree, sealed: bool) -> Vec<u8> {
    match format {
        Format::Yaml => yaml::emit(tree).into_bytes(),
        Format::Json => json::emit(tree).into_bytes(),
        Format::Dotenv => dotenv::emit(tree).into_bytes(),
        Format::Ini => ini::emit(tree).into_bytes(),
        Format::Binary if sealed => json::emit(tree).into_bytes(),
        Format::Binary => binary_bytes(tree),
    }
}

/// Writes a tree to `out` as [`emit`] does; YAML goes out as it is
/// written, the other formats (small by nature) are built whole first.
pub fn write_to(
    format: Format,
    tree: &Tree,
    sealed: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Yaml => yaml::write(tree, out, &mut Unchanged, None).map_err(|e| match e {
            WriteError::Io(e) => e,
            WriteError::Rewrite(never) => match never {},
        }),
        _ => out.write_all(&emit(format, tree, sealed)),
    }
}

/// Whether `tree` can be written as `format` without losing structure:
/// dotenv holds flat `KEY=VALUE` pairs, INI sections of such pairs.
pub fn representable(format: Format, tree: &Tree) -> Result<(), &'static str> {
    use crate::document::Item;
    let entries = || {
        tree.documents
            .iter()
            .flatten()
            .filter_map(|item| match item {
                Item::Entry(k, v) if k != "sops" => Some((k, v)),
                _ => None,
            })
    };
    match format {
        Format::Dotenv => {
            if entries().any(|(_, v)| matches!(v, Node::Map(_) | Node::Seq(_))) {
                return Err("it holds only KEY=VALUE pairs, and this document has nested values");
            }
            if entries().any(|(k, _)| k.is_empty() || k.contains(['=', '\n']) || k.starts_with('#'))
            {
                return Err(
                    "a dotenv key may not be empty, hold `=` or a line break, or start with `#`",
                );
            }
            Ok(())
        }
        Format::Ini => {
            if !ini::representable(tree) {
                return Err(
                    "it holds only [sections] of key = value pairs, and this document has values outside a section or nested deeper",
                );
            }
            let bad_section = |k: &str| k.is_empty() || k.contains([']', '\n']) || k.trim() != k;
            let bad_key = |k: &str| {
                k.is_empty()
                    || k.contains(['=', ':', '\n'])
                    || k.starts_with(['#', ';', '['])
                    || k.trim() != k
            };
            for (section, value) in entries() {
                if bad_section(section) {
                    return Err(
                        "an INI section name may not be empty, hold `]` or a line break, or have edge spaces",
                    );
                }
                if let Node::Map(items) = value
                    && items
                        .iter()
                        .any(|i| matches!(i, Item::Entry(k, _) if bad_key(k)))
                {
                    return Err(
                        "an INI key may not be empty, hold `=`, `:` or a line break, start with `#`, `;` or `[`, or have edge spaces",
                    );
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Writes one value on its own, as `--extract` prints it: a string raw with
/// no newline, another scalar as text with a newline, a collection as a
/// document in `format` (YAML or JSON; dotenv and binary cannot hold one).
pub fn emit_extracted(format: Format, node: &Node) -> Option<Vec<u8>> {
    Some(match node {
        Node::Scalar(Scalar::Str(s) | Scalar::Time(s)) => s.as_bytes().to_vec(),
        Node::Scalar(Scalar::Binary(b)) => b.clone(),
        Node::Scalar(_) => json::emit_node(node).into_bytes(),
        Node::Map(m) if format == Format::Yaml => yaml::emit(&Tree {
            documents: vec![m.clone()],
        })
        .into_bytes(),
        Node::Seq(items) if format == Format::Yaml => yaml::emit_sequence(items).into_bytes(),
        _ if format == Format::Json => json::emit_node(node).into_bytes(),
        _ => return None,
    })
}

fn utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        ParseError::new(line, column, "the file is not valid UTF-8")
    })
}

/// sops' binary store: the whole file under the key `data`.
fn binary_tree(bytes: &[u8]) -> Tree {
    let value = match std::str::from_utf8(bytes) {
        Ok(text) => Scalar::Str(text.to_owned()),
        Err(_) => Scalar::Binary(bytes.to_vec()),
    };
    Tree {
        documents: vec![vec![crate::document::Item::Entry(
            "data".into(),
            Node::Scalar(value),
        )]],
    }
}

fn binary_bytes(tree: &Tree) -> Vec<u8> {
    let data = tree
        .documents
        .first()
        .and_then(|doc| crate::document::map_get(doc, "data"));
    match data {
        Some(Node::Scalar(Scalar::Str(s))) => s.as_bytes().to_vec(),
        Some(Node::Scalar(Scalar::Binary(b))) => b.clone(),
        _ => Vec::new(),
    }
}

/// A JSON value as a tree node (for `secrets set` values).
pub fn node_from_json(value: serde_json::Value) -> Node {
    json::node(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_name_like_sops() {
        assert_eq!(Format::from_path(Path::new("a/secrets.yaml")), Format::Yaml);
        assert_eq!(Format::from_path(Path::new("x.YML")), Format::Yaml);
        assert_eq!(Format::from_path(Path::new(".env")), Format::Dotenv);
        assert_eq!(Format::from_path(Path::new("prod.env")), Format::Dotenv);
        assert_eq!(Format::from_path(Path::new(".env.local")), Format::Binary);
        assert_eq!(Format::from_path(Path::new("cert.pem")), Format::Binary);
    }

    #[test]
    fn invalid_utf8_names_the_position() {
        let err = parse(Format::Yaml, b"a: 1\nb: \xff\n", false).unwrap_err();
        assert_eq!((err.line, err.column), (2, 4));
    }

    #[test]
    fn binary_round_trips_raw_bytes() {
        let bytes = b"\x00\x01 not utf8 \xff".to_vec();
        let tree = parse(Format::Binary, &bytes, false).unwrap();
        assert_eq!(emit(Format::Binary, &tree, false), bytes);
    }
}
