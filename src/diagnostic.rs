//! Pointing at a place in a text for error messages: line and column of a
//! byte offset, the offending line with carets under the problem, the
//! likeliest intended word for a typo, and a cause chain on one line.

use std::ops::Range;

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The byte offset of a 1-based line and character column (clamped to the text).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let rest = &text[line_start..];
    let line_len = rest.find('\n').unwrap_or(rest.len());
    line_start
        + rest[..line_len]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_len, |(i, _)| i)
}

/// The most characters of a line an excerpt shows.
const WINDOW: usize = 100;

/// The line holding `span`, numbered, with carets under the span.
pub fn excerpt(text: &str, span: Range<usize>) -> String {
    let (line_no, col) = line_col(text, span.start);
    let start = offset_of(text, line_no, col);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let mut end = span.end.clamp(start, line_end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let width = text[start..end].chars().count().clamp(1, WINDOW);
    // A long line is shown as a window around the column: errors go to
    // terminals and CI logs, which need neither a megabyte line nor all of a
    // line that may hold a secret.
    let skip = (col - 1).saturating_sub(WINDOW / 2);
    let shown: String = line.chars().skip(skip).take(WINDOW).collect();
    let (before, after) = (
        if skip > 0 { "…" } else { "" },
        if line.chars().count() > skip + WINDOW {
            "…"
        } else {
            ""
        },
    );
    let gutter = " ".repeat(line_no.to_string().len());
    format!(
        "{gutter} |\n{line_no} | {before}{shown}{after}\n{gutter} | {}{}",
        " ".repeat(col - 1 - skip + before.chars().count()),
        "^".repeat(width)
    )
}

/// The excerpt for a single position (1-based line and column).
pub fn excerpt_at(text: &str, line: usize, column: usize) -> String {
    let start = offset_of(text, line, column);
    excerpt(text, start..start)
}

/// The candidate most like `word`, if one is close enough to be a likely
/// typo: at most two edits (one for words of four letters or fewer), fewer
/// than the word's length, ignoring case.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let length = word.chars().count();
    let limit = if length <= 4 { 1 } else { 2 };
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= limit && *distance < length)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// Rewords serde's messages about a TOML file in the words of its author
/// (keys, not fields), with a suggestion for a misspelt key.
pub fn explain_toml_message(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field ") else {
        return message.to_owned();
    };
    let quoted: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let Some((unknown, expected)) = quoted.split_first() else {
        return message.replacen("field", "key", 1);
    };
    let mut out = format!("unknown key `{unknown}`");
    if let Some(best) = closest(unknown, expected.iter().copied()) {
        out.push_str(&format!("; did you mean `{best}`?"));
    }
    if !expected.is_empty() {
        out.push_str(&format!(" (known keys here: {})", expected.join(", ")));
    }
    out
}

/// An error and its causes on one line, joined by `: ` (for errors nested
/// inside another message).
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, text.find('=').unwrap()), (1, 3));
        assert_eq!(line_col(text, text.rfind('=').unwrap()), (2, 4));
        assert_eq!(offset_of(text, 2, 4), text.rfind('=').unwrap());
    }

    #[test]
    fn excerpt_points_at_the_span() {
        let text = "output = \"human\"\ncolour = 1\n";
        let start = text.find("colour").unwrap();
        assert_eq!(
            excerpt(text, start..start + 6),
            "  |\n2 | colour = 1\n  | ^^^^^^"
        );
        assert_eq!(
            excerpt_at(text, 2, 10),
            "  |\n2 | colour = 1\n  |          ^"
        );
    }

    #[test]
    fn long_lines_are_shown_as_a_window_around_the_column() {
        let text = format!("{}X{}\n", "a".repeat(500), "b".repeat(500));
        let shown = excerpt_at(&text, 1, 501);
        let line = shown.lines().nth(1).unwrap();
        assert!(line.chars().count() < 120, "{line}");
        assert!(line.contains("aX"), "{line}");
        let caret = shown.lines().nth(2).unwrap();
        let column = |s: &str, c: char| s.chars().position(|x| x == c).unwrap();
        assert_eq!(column(caret, '^'), column(line, 'X'));
    }

    #[test]
    fn suggestions_are_only_for_likely_typos() {
        let names = ["OUTPUT", "COLOR", "NO_INPUT"];
        assert_eq!(closest("OUTPT", names), Some("OUTPUT"));
        assert_eq!(closest("colour", names), Some("COLOR"));
        for unrelated in ["X", "TOKEN", "LOG", "HOME", "DEBUG"] {
            assert_eq!(closest(unrelated, names), None, "{unrelated}");
        }
    }
}
