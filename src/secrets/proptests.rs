//! Property tests: for arbitrary documents, writing then reading gives the
//! document back, and sealing then unsealing gives the same document.

use std::sync::OnceLock;

use proptest::prelude::*;

use super::keys::{Identities, IdentitySources};
use super::store::{self, Format};
use super::{SealOptions, UnsealOptions, prepare_unseal_from, seal, unseal};
use crate::document::{Item, Map, Node, Scalar, SeqItem, Tree};

fn scalar() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        // Any text, including newlines, quotes, YAML words and unicode.
        "\\PC{0,24}".prop_map(Scalar::Str),
        "[a-z ]{0,8}\n[a-z]{0,8}\n?".prop_map(Scalar::Str),
        prop::sample::select(vec![
            "yes", "on", "0755", "1e3", "~", "null", "- x", "a: b", "#c", ""
        ])
        .prop_map(|s| Scalar::Str(s.into())),
        any::<i64>().prop_map(Scalar::Int),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Scalar::Float),
        any::<bool>().prop_map(Scalar::Bool),
        Just(Scalar::Null),
    ]
}

fn key() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_. -]{0,10}".prop_filter("not reserved", |k| k != "sops" && k.trim() == k)
}

fn map_of(values: impl Strategy<Value = Node>) -> impl Strategy<Value = Map> {
    prop::collection::btree_map(key(), values, 0..5)
        .prop_map(|m| m.into_iter().map(|(k, v)| Item::Entry(k, v)).collect())
}

fn node() -> impl Strategy<Value = Node> {
    scalar()
        .prop_map(Node::Scalar)
        .prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone().prop_map(SeqItem::Node), 0..4)
                    .prop_map(Node::Seq),
                map_of(inner).prop_map(Node::Map),
            ]
        })
}

fn document() -> impl Strategy<Value = Tree> {
    map_of(node())
        .prop_filter("something to seal", |m| !m.is_empty())
        .prop_map(|m| Tree { documents: vec![m] })
}

/// One identity for the whole run (key generation is the slow part).
fn identity() -> &'static (Identities, String) {
    static IDENTITY: OnceLock<(Identities, String)> = OnceLock::new();
    IDENTITY.get_or_init(|| {
        let (text, public) = super::keys::generate_identity();
        let identities = Identities::load(&IdentitySources {
            key_text: Some(text.to_string()),
            ..Default::default()
        })
        .unwrap();
        (identities, public)
    })
}

fn check_round_trips(format: Format, tree: &Tree) -> Result<(), TestCaseError> {
    let written = store::emit(format, tree, false);
    let read = store::parse(format, &written, false)
        .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&written))))?;
    if format == Format::Yaml {
        prop_assert_eq!(
            &read,
            tree,
            "YAML written:\n{}",
            String::from_utf8_lossy(&written)
        );
    }
    let (identities, public) = identity();
    let options = SealOptions {
        recipients: vec![public.clone()],
        ..Default::default()
    };
    let sealed =
        seal(&written, format, format, &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let opened = unseal(
        &sealed,
        format,
        format,
        identities,
        &UnsealOptions::default(),
    )
    .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&sealed))))?;
    let reopened =
        store::parse(format, &opened, false).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(reopened, read);
    if format == Format::Yaml {
        // Written as the file is read, no tree held: the very same bytes.
        prop_assert_eq!(streamed(&sealed, identities), Some(opened));
    }
    Ok(())
}

/// Unsealing a YAML file as it is read, when that applies.
fn streamed(sealed: &[u8], identities: &Identities) -> Option<Vec<u8>> {
    let cursor = std::io::Cursor::new(sealed.to_vec());
    let options = UnsealOptions::default();
    let plain = prepare_unseal_from(cursor, Format::Yaml, Format::Yaml, identities, &options)
        .ok()
        .flatten()?;
    let mut out = Vec::new();
    plain.write_to(&mut out).ok()?;
    Some(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn yaml_documents_survive_writing_and_sealing(tree in document()) {
        check_round_trips(Format::Yaml, &tree)?;
    }

    #[test]
    fn json_documents_survive_sealing(tree in document()) {
        check_round_trips(Format::Json, &tree)?;
    }

    #[test]
    fn unsealing_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let (identities, _) = identity();
        for format in [Format::Yaml, Format::Json, Format::Dotenv, Format::Binary] {
            let _ = unseal(&bytes, format, format, identities, &UnsealOptions::default());
        }
        let _ = streamed(&bytes, identities);
    }
}
