//! YAML: granit-parser events into the tree (comments kept), and the
//! writer ([`write`]) that quotes every scalar a YAML 1.1 or 1.2 reader could
//! retype.

use granit_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use super::ParseError;
use super::rewrite::{Rewrite, Unchanged};
use super::{Node, Scalar, Tree};

mod build;
mod out;
mod read;
mod stream;
mod target;
mod text;
mod write;
use build::Builder;
use target::{Nodes, Target};
pub use write::{emit, emit_document, emit_node, emit_sequence, write, write_then_trailer};

/// Reads every document of a YAML stream; each must be a mapping.
pub fn parse(text: &str) -> Result<Tree, ParseError> {
    let mut nodes = Nodes::default();
    unchanged(
        build(Parser::new_from_str(text), &mut Unchanged, &mut nodes).map(|()| Tree {
            documents: nodes.documents,
        }),
    )
}

/// Like [`parse`], reading from `reader` as it goes instead of from text in
/// memory, so the text and the tree are never held together (sealing a large
/// file). A little slower on long scalars; I/O and UTF-8 errors are reported
/// where the parser stopped, so read the text again for an exact position.
pub fn parse_reader(reader: impl std::io::Read + Send) -> Result<Tree, ParseError> {
    unchanged(parse_reader_with(reader, &mut Unchanged))
}

/// Like [`parse_reader`], with `rewrite` seeing every collection, key,
/// item, comment and scalar as it is read, in document order, and replacing
/// comments and scalars before they enter the tree: unsealing decrypts each
/// value as it is read, so neither the sealed text nor its ciphertext is
/// ever held. Aliases are refused: their copies would not be seen.
pub fn parse_reader_with<R: Rewrite>(
    reader: impl std::io::Read + Send,
    rewrite: &mut R,
) -> Result<Tree, ReadError<R::Error>> {
    let mut nodes = Nodes::default();
    if R::ACTIVE {
        build_beside(reader, rewrite, &mut nodes)?;
    } else {
        // Building a tree alone is too little work to hand over.
        build(Parser::new(read::Lines::new(reader)), rewrite, &mut nodes)?;
    }
    Ok(Tree {
        documents: nodes.documents,
    })
}

/// Reads YAML from `reader` and writes it to `sink` (buffer a file or
/// stdout) as [`write`] writes the tree [`parse_reader_with`] would build,
/// without building it: each piece is written as soon as it is read, so
/// neither the text nor a tree is ever held. `rewrite` sees every piece as
/// it is read and may replace comments and scalars (unsealing decrypts each
/// value). Top-level entries named `set_aside` are not written; their
/// values are returned, one per document that has one. Keys are not kept,
/// so a key whose hash repeats one seen in the same map counts as repeated.
pub fn transcribe<R: Rewrite, W: std::io::Write>(
    reader: impl std::io::Read + Send,
    rewrite: &mut R,
    sink: W,
    set_aside: &str,
) -> Result<Vec<Node>, ReadError<R::Error, std::io::Error>> {
    let mut transcriber = stream::Transcriber::new(sink, set_aside);
    build_beside(reader, rewrite, &mut transcriber)?;
    transcriber.finish().map_err(ReadError::Write)
}

/// Reading failed: the YAML does not parse, the rewrite refused a value, or
/// (reading straight into a writer) the output refused bytes.
#[derive(Debug, thiserror::Error)]
pub enum ReadError<E, W = std::convert::Infallible> {
    /// The text is not YAML opsctl reads.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The rewrite failed.
    #[error("{0}")]
    Rewrite(E),
    /// The output failed.
    #[error("{0}")]
    Write(W),
}

fn unchanged(
    result: Result<Tree, ReadError<std::convert::Infallible>>,
) -> Result<Tree, ParseError> {
    result.map_err(|e| match e {
        ReadError::Parse(e) => e,
        ReadError::Rewrite(never) | ReadError::Write(never) => match never {},
    })
}

/// Feeds every event of `parser` through a builder into `target`.
fn build<'input, I, R, T>(
    parser: Parser<'input, I>,
    rewrite: &mut R,
    target: &mut T,
) -> Result<(), ReadError<R::Error, T::Error>>
where
    I: granit_parser::BorrowedInput<'input>,
    R: Rewrite,
    T: Target,
{
    let mut builder = Builder::new(rewrite, target);
    for next in parser {
        let (event, span) = next.map_err(|e| at(e.marker(), e.info()))?;
        builder.event(event, span.start)?;
    }
    Ok(())
}

/// Events parsed per hand-over from the parsing thread.
const BATCH: usize = 256;

/// Batches waiting between the threads. With [`BATCH`], this bounds what
/// is held in flight to about a thousand events (more would show in peak
/// memory; fewer, in hand-overs).
const BATCHES_AHEAD: usize = 2;

/// An event and where it starts, or the error that ended parsing.
type Parsed = Result<(Event<'static>, Marker), ParseError>;

/// Like [`build`], for text read from `reader`: the parser runs on a thread
/// of its own and hands events over in batches, so reading and scanning
/// (most of the work) go on beside building and rewriting (decrypting,
/// writing). Events arrive in order and parsing stops at the first error,
/// so the outcome is exactly [`build`]'s.
fn build_beside<R, T>(
    reader: impl std::io::Read + Send,
    rewrite: &mut R,
    target: &mut T,
) -> Result<(), ReadError<R::Error, T::Error>>
where
    R: Rewrite,
    T: Target,
{
    let (batches, received) = std::sync::mpsc::sync_channel::<Vec<Parsed>>(BATCHES_AHEAD);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for next in Parser::new(read::Lines::new(reader)) {
                let failed = next.is_err();
                batch.push(
                    next.map(|(event, span)| (event, span.start))
                        .map_err(|e| at(e.marker(), e.info())),
                );
                if batch.len() == BATCH || failed {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    // A closed channel: the builder stopped, so stop too.
                    if batches.send(full).is_err() || failed {
                        return;
                    }
                }
            }
            let _ = batches.send(batch);
        });
        let mut builder = Builder::new(rewrite, target);
        for batch in received {
            for parsed in batch {
                let (event, start) = parsed?;
                builder.event(event, start)?;
            }
        }
        Ok(())
    })
}

pub(super) fn at(marker: &Marker, message: impl Into<String>) -> ParseError {
    ParseError::new(marker.line(), marker.col() + 1, message)
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
/// `yes`/`on` are strings; timestamps stay strings. Strings are copied even
/// when the parser's own is at hand: the copy is exactly as long as the
/// text, the parser's has room to grow, and a tree holds many of them.
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
    use super::text::float_text;
    use super::*;
    use crate::document::{Item, Node};

    /// A document of one entry, `k`, holding the string `s`.
    fn one_string(s: &str) -> Tree {
        Tree {
            documents: vec![vec![Item::Entry(
                "k".into(),
                Node::Scalar(Scalar::Str(s.into())),
            )]],
        }
    }

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
            let tree = one_string(s);
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
            let tree = one_string(s);
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

    /// Refuses the `n`th scalar it sees.
    struct RefuseNth(usize);

    impl Rewrite for RefuseNth {
        type Error = String;

        fn scalar(&mut self, scalar: &Scalar) -> Result<Option<Scalar>, String> {
            self.0 = self.0.checked_sub(1).ok_or("no more")?;
            if self.0 == 0 {
                return Err(format!("refused {scalar:?}"));
            }
            Ok(None)
        }
    }

    #[test]
    fn a_rewrite_that_fails_early_stops_the_parsing_thread() {
        // Far more events than the batches in flight: the parser is blocked
        // handing over when the builder gives up, and must stop too.
        let text: String = (0..200_000).map(|i| format!("k{i}: v{i}\n")).collect();
        let mut refuse = RefuseNth(3);
        let err = parse_reader_with(text.as_bytes(), &mut refuse).unwrap_err();
        assert!(
            matches!(&err, ReadError::Rewrite(m) if m.contains("v2")),
            "{err:?}"
        );
        let mut refuse = RefuseNth(3);
        let err = transcribe(text.as_bytes(), &mut refuse, std::io::sink(), "sops").unwrap_err();
        assert!(
            matches!(&err, ReadError::Rewrite(m) if m.contains("v2")),
            "{err:?}"
        );
    }

    #[test]
    fn read_on_a_thread_the_tree_and_errors_are_the_texts() {
        let long: String = (0..5_000)
            .map(|i| format!("k{i}: [v{i}, {{x: {i}}}]\n"))
            .collect();
        for text in [
            long.clone(),
            format!("{long}bad: [1, 2\n"),
            format!("{long}k7: dup\n"),
            String::new(),
            "a: 1\n---\nb: 2\n".to_owned(),
        ] {
            assert_eq!(parse_reader(text.as_bytes()), parse(&text));
        }
    }
}
