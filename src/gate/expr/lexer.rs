//! Splits a condition into tokens the way expr-lang's lexer does: the same
//! operator spellings, number shapes, string escapes and comments, so a
//! condition that lexes in Argo lexes here and points at the same place.

use super::Failure;

/// What a token is. Keywords that act as operators (`and`, `in`, `not`,
/// `matches`, `let`, ...) are [`Tok::Op`], as in expr-lang.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A number as written, `_` separators included.
    Number(String),
    /// A string literal, escapes resolved.
    Str(String),
    /// A name: a variable, a function, `true`, `false`, `nil`.
    Ident(String),
    /// An operator or operator keyword.
    Op(String),
    /// One of `( ) [ ] { }`.
    Bracket(char),
    /// `#`, `#index`, `#acc`: the name after `#` (empty for the element).
    Pointer(String),
    /// The end of the text.
    Eof,
}

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) pos: usize,
}

impl Token {
    /// Whether this is the operator `op`.
    pub(crate) fn is_op(&self, op: &str) -> bool {
        matches!(&self.tok, Tok::Op(o) if o == op)
    }

    /// Whether this is the bracket `c`.
    pub(crate) fn is_bracket(&self, c: char) -> bool {
        self.tok == Tok::Bracket(c)
    }

    /// The token as a user wrote it, for "unexpected token" messages.
    pub(crate) fn describe(&self) -> String {
        match &self.tok {
            Tok::Number(n) => format!("`{n}`"),
            Tok::Str(s) => format!("string {s:?}"),
            Tok::Ident(s) | Tok::Op(s) => format!("`{s}`"),
            Tok::Bracket(c) => format!("`{c}`"),
            Tok::Pointer(name) => format!("`#{name}`"),
            Tok::Eof => "end of expression".to_owned(),
        }
    }
}

/// Words the lexer turns into operator tokens.
const KEYWORD_OPS: &[&str] = &[
    "not",
    "in",
    "or",
    "and",
    "matches",
    "contains",
    "startsWith",
    "endsWith",
    "let",
    "if",
    "else",
];

/// Letters, `_` and `$` start names; digits may follow (expr-lang's rule).
fn is_name_char(c: char) -> bool {
    c == '_' || c == '$' || c.is_alphanumeric()
}

/// Splits `src` into tokens, ending with [`Tok::Eof`].
pub(crate) fn lex(src: &str) -> Result<Vec<Token>, Failure> {
    let mut lexer = Lexer {
        src,
        pos: 0,
        out: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.out)
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    out: Vec<Token>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.src[self.pos..].chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn accept(&mut self, set: &str) -> bool {
        match self.peek() {
            Some(c) if set.contains(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, set: &str) {
        while self.accept(set) {}
    }

    fn push(&mut self, tok: Tok, pos: usize) {
        self.out.push(Token { tok, pos });
    }

    fn run(&mut self) -> Result<(), Failure> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            if c.is_whitespace() {
                self.bump();
                continue;
            }
            match c {
                '\'' | '"' => {
                    let s = self.quoted(c)?;
                    self.push(Tok::Str(s), start);
                }
                '`' => {
                    let s = self.raw()?;
                    self.push(Tok::Str(s), start);
                }
                '0'..='9' => self.number()?,
                '.' if self.peek_second().is_some_and(|d| d.is_ascii_digit()) => {
                    self.number()?;
                }
                '.' => {
                    self.bump();
                    self.accept(".");
                    self.push(Tok::Op(self.src[start..self.pos].to_owned()), start);
                }
                '/' if matches!(self.peek_second(), Some('/')) => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                '/' if matches!(self.peek_second(), Some('*')) => {
                    let Some(end) = self.src[start + 2..].find("*/") else {
                        return Err(Failure::new(start, "unclosed comment"));
                    };
                    self.pos = start + 2 + end + 2;
                }
                '#' => {
                    self.bump();
                    let name_start = self.pos;
                    while self.peek().is_some_and(is_name_char) {
                        self.bump();
                    }
                    let name = self.src[name_start..self.pos].to_owned();
                    self.push(Tok::Pointer(name), start);
                }
                '(' | ')' | '[' | ']' | '{' | '}' => {
                    self.bump();
                    self.push(Tok::Bracket(c), start);
                }
                _ if is_name_char(c) => self.word(start)?,
                _ => self.operator(c, start)?,
            }
        }
        self.push(Tok::Eof, self.src.len());
        Ok(())
    }

    /// Operators, with expr-lang's greedy pairing rules.
    fn operator(&mut self, c: char, start: usize) -> Result<(), Failure> {
        self.bump();
        match c {
            '|' => _ = self.accept("|"),
            ':' => _ = self.accept(":"),
            '?' => _ = self.accept(".?"),
            ',' | ';' | '%' | '+' | '-' | '^' | '/' => {}
            '&' | '!' | '=' | '*' | '<' | '>' => _ = self.accept("&=*"),
            _ => {
                return Err(Failure::new(
                    start,
                    format!("unrecognized character: U+{:04X} {c:?}", c as u32),
                ));
            }
        }
        self.push(Tok::Op(self.src[start..self.pos].to_owned()), start);
        Ok(())
    }

    fn word(&mut self, start: usize) -> Result<(), Failure> {
        while self.peek().is_some_and(is_name_char) {
            self.bump();
        }
        let word = &self.src[start..self.pos];
        if (word == "b" || word == "B") && matches!(self.peek(), Some('\'' | '"')) {
            return Err(Failure::unsupported(start, "bytes literal `b\"...\"`"));
        }
        let tok = if KEYWORD_OPS.contains(&word) {
            Tok::Op(word.to_owned())
        } else {
            Tok::Ident(word.to_owned())
        };
        self.push(tok, start);
        Ok(())
    }

    /// A number as expr-lang scans it: optional base prefix, digits and
    /// `_`, a fraction (unless `..` follows: `1..3` is a range), an
    /// exponent, and no letter straight after.
    fn number(&mut self) -> Result<(), Failure> {
        let start = self.pos;
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.peek() == Some('.') && self.peek_second() != Some('.') {
            self.bump();
            self.accept_run(digits);
        }
        if self.accept("eE") {
            self.accept("+-");
            self.accept_run(digits);
        }
        if self.peek().is_some_and(is_name_char) {
            self.bump();
            return Err(Failure::new(
                start,
                format!("bad number syntax: {:?}", &self.src[start..self.pos]),
            ));
        }
        self.push(Tok::Number(self.src[start..self.pos].to_owned()), start);
        Ok(())
    }

    /// A `'...'` or `"..."` string; it may not span lines.
    fn quoted(&mut self, quote: char) -> Result<String, Failure> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            let at = self.pos;
            match self.bump() {
                None | Some('\n') => return Err(Failure::new(start, "literal not terminated")),
                Some(c) if c == quote => return Ok(out),
                Some('\\') => out.push(self.escape(at)?),
                // Go normalizes a carriage return to a newline.
                Some('\r') => out.push('\n'),
                Some(c) => out.push(c),
            }
        }
    }

    fn escape(&mut self, at: usize) -> Result<char, Failure> {
        let bad = || Failure::new(at, "invalid char escape");
        let c = self.bump().ok_or_else(bad)?;
        let simple = match c {
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            '\\' | '\'' | '"' | '`' | '?' => Some(c),
            _ => None,
        };
        if let Some(s) = simple {
            return Ok(s);
        }
        let code = match c {
            '0'..='7' => {
                let mut v = c.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let d = self.bump().and_then(|d| d.to_digit(8)).ok_or_else(bad)?;
                    v = v * 8 + d;
                }
                v
            }
            'x' | 'X' => self.hex_digits(2).ok_or_else(bad)?,
            'u' if self.peek() == Some('{') => {
                self.bump();
                let start = self.pos;
                let end = self.src[start..].find('}').ok_or_else(bad)? + start;
                let hex = &self.src[start..end];
                if hex.is_empty() || hex.len() > 6 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                    return Err(bad());
                }
                self.pos = end + 1;
                u32::from_str_radix(hex, 16).map_err(|_| bad())?
            }
            'u' => self.hex_digits(4).ok_or_else(bad)?,
            'U' => self.hex_digits(8).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        // Go writes `\xff` and `\377` as raw bytes, which a Rust string
        // cannot hold; only their ASCII range is taken.
        if matches!(c, '0'..='7' | 'x' | 'X') && code > 0x7f {
            return Err(Failure::new(at, "non-ASCII byte escapes are not supported"));
        }
        char::from_u32(code).ok_or_else(bad)
    }

    fn hex_digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            v = v.checked_mul(16)? + self.bump()?.to_digit(16)?;
        }
        Some(v)
    }

    /// A backtick string: no escapes, may span lines, a doubled backtick
    /// stands for one.
    fn raw(&mut self) -> Result<String, Failure> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(Failure::new(start, "literal not terminated")),
                Some('`') if self.peek() == Some('`') => {
                    self.bump();
                    out.push('`');
                }
                Some('`') => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    fn op(s: &str) -> Tok {
        Tok::Op(s.to_owned())
    }

    #[test]
    fn operators_pair_like_expr_lang() {
        assert_eq!(
            toks("a<=b**c&&!d??e?.f|g||h::i"),
            vec![
                Tok::Ident("a".into()),
                op("<="),
                Tok::Ident("b".into()),
                op("**"),
                Tok::Ident("c".into()),
                op("&&"),
                op("!"),
                Tok::Ident("d".into()),
                op("??"),
                Tok::Ident("e".into()),
                op("?."),
                Tok::Ident("f".into()),
                op("|"),
                Tok::Ident("g".into()),
                op("||"),
                Tok::Ident("h".into()),
                op("::"),
                Tok::Ident("i".into()),
                Tok::Eof,
            ]
        );
        assert_eq!(toks("<>"), vec![op("<"), op(">"), Tok::Eof]);
        assert_eq!(toks("not in"), vec![op("not"), op("in"), Tok::Eof]);
    }

    #[test]
    fn numbers_ranges_and_comments() {
        assert_eq!(
            toks("1..3 .5 0x1F 1_000 1e3 // c\n/* d */ 2"),
            vec![
                Tok::Number("1".into()),
                op(".."),
                Tok::Number("3".into()),
                Tok::Number(".5".into()),
                Tok::Number("0x1F".into()),
                Tok::Number("1_000".into()),
                Tok::Number("1e3".into()),
                Tok::Number("2".into()),
                Tok::Eof,
            ]
        );
        assert!(lex("12abc").is_err());
        assert!(lex("1 /* open").is_err());
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            toks(r#"'a\'b' "t\tu\u00e9\u{1F600}\101" `r\n``x`"#),
            vec![
                Tok::Str("a'b".into()),
                Tok::Str("t\tué😀A".into()),
                Tok::Str("r\\n`x".into()),
                Tok::Eof
            ]
        );
        for bad in [
            "'abc", "\"a\nb\"", "'\\q'", "'\\x'", "`open", "'\\xff'", "'\\u{}'",
        ] {
            assert!(lex(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pointers_and_positions() {
        let tokens = lex("  #index + #").unwrap();
        assert_eq!(tokens[0].tok, Tok::Pointer("index".into()));
        assert_eq!(tokens[0].pos, 2);
        assert_eq!(tokens[2].tok, Tok::Pointer(String::new()));
        assert_eq!(
            tokens[3],
            Token {
                tok: Tok::Eof,
                pos: 12
            }
        );
        let err = lex("1 @ 2").unwrap_err();
        assert_eq!(err.pos, 2);
        assert!(err.message.contains("U+0040"), "{}", err.message);
    }
}
