//! Scalars as YAML text: plain where no YAML 1.1 or 1.2 reader could
//! retype them, double-quoted otherwise.

use std::borrow::Cow;

use crate::document::Scalar;

/// A scalar's text on one line (quoted where needed).
pub(super) fn scalar_text(scalar: &Scalar) -> Cow<'_, str> {
    match scalar {
        Scalar::Null => Cow::Borrowed("null"),
        Scalar::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Scalar::Int(i) => Cow::Owned(i.to_string()),
        Scalar::Float(f) => Cow::Owned(float_text(*f)),
        Scalar::Time(s) | Scalar::Str(s) => quote_if_needed(s),
        Scalar::Binary(b) => Cow::Owned(crate::document::json_quote(&String::from_utf8_lossy(b))),
    }
}

/// A float that reads back as a float (never as an int).
pub(super) fn float_text(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    let magnitude = f.abs();
    let text = if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        format!("{f:e}")
    } else {
        format!("{f}")
    };
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// A string plain when no YAML 1.1 or 1.2 reader could take it for anything
/// else; otherwise double-quoted.
pub(super) fn quote_if_needed(s: &str) -> Cow<'_, str> {
    if needs_quotes(s) {
        Cow::Owned(crate::document::json_quote(s))
    } else {
        Cow::Borrowed(s)
    }
}

fn needs_quotes(s: &str) -> bool {
    const WORDS: [&str; 16] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ".inf", "-.inf", "+.inf",
        ".nan", "<<", "=",
    ];
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return true;
    };
    if s.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        return true;
    }
    if first.is_ascii_digit()
        || (matches!(first, b'-' | b'+' | b'.')
            && bytes
                .get(1)
                .is_some_and(|&c| c.is_ascii_digit() || c == b'.'))
        || b"-?:,[]{}#&*!|>'\"%@` \t".contains(&first)
        || matches!(bytes[bytes.len() - 1], b' ' | b'\t' | b':')
    {
        return true;
    }
    // Without spaces or control characters, `: ` and ` #` cannot occur either;
    // this check vectorises, and ciphertext always passes it.
    let plain_bytes = bytes
        .iter()
        .fold(true, |ok, &b| ok & (b > b' ') & (b != 0x7f));
    if plain_bytes {
        return !s.is_ascii() && s.chars().any(|c| c.is_control() || c == '\u{feff}');
    }
    // One pass for what may not appear inside a plain scalar: `: `, ` #`,
    // line breaks, tabs, control characters (all ASCII) and a BOM.
    let mut previous = 0u8;
    for &b in bytes {
        if b < 0x20
            || b == 0x7f
            || (previous == b':' && b == b' ')
            || (previous == b' ' && b == b'#')
        {
            return true;
        }
        previous = b;
    }
    // Non-ASCII control characters (C1) and the BOM need escaping too.
    !s.is_ascii() && s.chars().any(|c| c.is_control() || c == '\u{feff}')
}
