//! Tokens to a syntax tree, with expr-lang's precedence climbing: the same
//! operator table, chained comparisons, `not in`, predicates with and
//! without braces. Constructs this module does not evaluate are refused
//! here, with their position.

use super::Failure;
use super::ast::{
    BinOp, Kind, MAX_DEPTH, MAX_NESTING, MAX_NODES, Node, UnaryOp, binary, compile_regex, number,
};
use super::lexer::{Tok, Token, lex};
use super::value::Value;

/// Parses `src`; returns the tree and the offset of its first token.
pub(crate) fn parse(src: &str) -> Result<(Node, usize), Failure> {
    let tokens = lex(src)?;
    let start = tokens.first().map_or(0, |t| t.pos);
    let mut p = Parser {
        tokens,
        at: 0,
        recursion: 0,
        nodes: 0,
        predicates: 0,
    };
    if p.cur().tok == Tok::Eof {
        return Err(Failure::new(start, "empty expression"));
    }
    let node = p.expression(0)?;
    let cur = p.cur();
    match &cur.tok {
        Tok::Eof => Ok((node, start)),
        Tok::Op(op) if op == ";" => Err(Failure::unsupported(cur.pos, "`;` expression sequences")),
        Tok::Op(op) if op == "=" => Err(Failure::new(
            cur.pos,
            "unexpected token `=` (compare with `==`)",
        )),
        _ => Err(p.unexpected()),
    }
}

pub(crate) struct Parser {
    pub(super) tokens: Vec<Token>,
    pub(super) at: usize,
    pub(super) recursion: usize,
    pub(super) nodes: usize,
    /// How many predicates enclose the cursor.
    pub(super) predicates: usize,
}

impl Parser {
    pub(super) fn cur(&self) -> &Token {
        // The lexer always ends the list with Eof, which is never passed.
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    pub(super) fn peek(&self) -> &Token {
        &self.tokens[(self.at + 1).min(self.tokens.len() - 1)]
    }

    pub(super) fn advance(&mut self) {
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
    }

    pub(super) fn unexpected(&self) -> Failure {
        let cur = self.cur();
        match cur.tok {
            Tok::Eof => Failure::new(cur.pos, "unexpected end of expression"),
            _ => Failure::new(cur.pos, format!("unexpected token {}", cur.describe())),
        }
    }

    pub(super) fn expect_bracket(&mut self, c: char) -> Result<(), Failure> {
        if self.cur().is_bracket(c) {
            self.advance();
            Ok(())
        } else {
            let mut failure = self.unexpected();
            failure.message.push_str(&format!(" (expected `{c}`)"));
            Err(failure)
        }
    }

    pub(super) fn expect_op(&mut self, op: &str) -> Result<(), Failure> {
        if self.cur().is_op(op) {
            self.advance();
            Ok(())
        } else {
            let mut failure = self.unexpected();
            failure.message.push_str(&format!(" (expected `{op}`)"));
            Err(failure)
        }
    }

    /// Makes a node, enforcing the depth and size limits.
    pub(super) fn node(&mut self, kind: Kind, pos: usize) -> Result<Node, Failure> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Failure::new(
                pos,
                format!("expression exceeds maximum allowed nodes ({MAX_NODES})"),
            ));
        }
        let node = Node::new(kind, pos);
        if node.depth() > MAX_DEPTH {
            return Err(too_deep(pos));
        }
        Ok(node)
    }

    /// An expression whose operators bind at least as tightly as `min`.
    ///
    /// The functions on recursive paths are kept small and build messages
    /// in helpers: unoptimized builds give every local of a function its
    /// own stack slot, and deep nesting multiplies each frame.
    pub(super) fn expression(&mut self, min: u32) -> Result<Node, Failure> {
        self.recursion += 1;
        let node = if self.recursion > MAX_NESTING {
            Err(too_deep(self.cur().pos))
        } else {
            self.operators(min)
        };
        self.recursion -= 1;
        node
    }

    /// An operand and the binary operators that follow it.
    fn operators(&mut self, min: u32) -> Result<Node, Failure> {
        if min == 0 {
            self.refuse_statements()?;
        }
        let mut left = self.primary()?;
        let mut previous = None;
        while let Some(op) = self.next_operator(min)? {
            left = self.operation(left, op, previous)?;
            previous = Some(op.op);
        }
        if min == 0 {
            left = self.conditional(left)?;
        }
        Ok(left)
    }

    fn refuse_statements(&self) -> Result<(), Failure> {
        let cur = self.cur();
        if cur.is_op("let") {
            Err(Failure::unsupported(cur.pos, "`let` variable declarations"))
        } else if cur.is_op("if") {
            Err(Failure::unsupported(cur.pos, "`if … else` expressions"))
        } else {
            Ok(())
        }
    }

    /// The binary operator at the cursor, if it binds at least as tightly
    /// as `min`; consumed, with a `not` before it.
    fn next_operator(&mut self, min: u32) -> Result<Option<Operator>, Failure> {
        let cur = self.cur();
        let Tok::Op(spelling) = &cur.tok else {
            return Ok(None);
        };
        if spelling == "|" {
            return Err(Failure::unsupported(cur.pos, "pipe operator `|`"));
        }
        let negate = spelling == "not";
        let (token, found) = if negate {
            let next = self.peek();
            match &next.tok {
                Tok::Op(s) if NEGATABLE.contains(&s.as_str()) => (next, binary(s)),
                _ => return Err(after_not(next)),
            }
        } else {
            (cur, binary(spelling))
        };
        let pos = token.pos;
        let Some((op, prec, right_assoc)) = found.filter(|f| f.1 >= min) else {
            return Ok(None);
        };
        if negate {
            self.advance();
        }
        self.advance();
        Ok(Some(Operator {
            op,
            prec,
            right_assoc,
            pos,
            negate,
        }))
    }

    /// `left op right`, the operator already consumed.
    fn operation(
        &mut self,
        left: Node,
        o: Operator,
        previous: Option<BinOp>,
    ) -> Result<Node, Failure> {
        if previous == Some(BinOp::Coalesce) && o.op != BinOp::Coalesce {
            return Err(mixed_with_coalesce(o));
        }
        if matches!(o.op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge) {
            return self.comparison(left, o.op, o.pos, o.prec);
        }
        let right = self.expression(if o.right_assoc { o.prec } else { o.prec + 1 })?;
        let node = self.binary_node(o.op, left, right, o.pos)?;
        if o.negate {
            self.node(Kind::Unary(UnaryOp::Not, Box::new(node)), o.pos)
        } else {
            Ok(node)
        }
    }

    fn binary_node(
        &mut self,
        op: BinOp,
        left: Node,
        right: Node,
        pos: usize,
    ) -> Result<Node, Failure> {
        if op == BinOp::Matches
            && let Kind::Literal(Value::Str(pattern)) = &right.kind
        {
            let regex = compile_regex(pattern).map_err(|m| Failure::new(pos, m))?;
            return self.node(Kind::MatchesLiteral(Box::new(left), regex), pos);
        }
        self.node(Kind::Binary(op, Box::new(left), Box::new(right)), pos)
    }

    /// `a < b <= c` as `a < b && b <= c`, like expr-lang.
    fn comparison(
        &mut self,
        mut left: Node,
        mut op: BinOp,
        mut pos: usize,
        prec: u32,
    ) -> Result<Node, Failure> {
        let mut root: Option<Node> = None;
        loop {
            let right = self.expression(prec + 1)?;
            let cmp = self.node(
                Kind::Binary(op, Box::new(left), Box::new(right.clone())),
                pos,
            )?;
            root = Some(match root {
                None => cmp,
                Some(r) => self.node(Kind::Binary(BinOp::And, Box::new(r), Box::new(cmp)), pos)?,
            });
            left = right;
            let cur = self.cur();
            let next = match &cur.tok {
                Tok::Op(s) => binary(s).map(|b| b.0),
                _ => None,
            };
            match next {
                Some(b @ (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)) => {
                    op = b;
                    pos = cur.pos;
                    self.advance();
                }
                _ => break,
            }
        }
        root.ok_or_else(|| self.unexpected())
    }

    /// `cond ? a : b` and `cond ?: b` after a full expression.
    fn conditional(&mut self, mut node: Node) -> Result<Node, Failure> {
        while self.cur().is_op("?") {
            let pos = self.cur().pos;
            self.advance();
            let (yes, no) = if self.cur().is_op(":") {
                self.advance();
                (node.clone(), self.expression(0)?)
            } else {
                let yes = self.expression(0)?;
                self.expect_op(":")?;
                (yes, self.expression(0)?)
            };
            node = self.node(
                Kind::Ternary(Box::new(node), Box::new(yes), Box::new(no)),
                pos,
            )?;
        }
        Ok(node)
    }

    fn primary(&mut self) -> Result<Node, Failure> {
        let token = self.cur();
        let pos = token.pos;
        let node = match &token.tok {
            Tok::Op(op) => match unary_operator(op) {
                Some((op, prec)) => return self.unary(op, prec, pos),
                None => return Err(self.unexpected_operand()),
            },
            Tok::Bracket('(') => self.parenthesized()?,
            Tok::Pointer(_) => self.pointer()?,
            _ => return self.secondary(),
        };
        self.postfix(node)
    }

    fn unary(&mut self, op: UnaryOp, prec: u32, pos: usize) -> Result<Node, Failure> {
        self.advance();
        let operand = self.expression(prec)?;
        let node = self.node(Kind::Unary(op, Box::new(operand)), pos)?;
        self.postfix(node)
    }

    fn parenthesized(&mut self) -> Result<Node, Failure> {
        self.advance();
        let inner = self.expression(0)?;
        self.refuse_sequence()?;
        self.expect_bracket(')')?;
        Ok(inner)
    }

    pub(super) fn refuse_sequence(&self) -> Result<(), Failure> {
        match self.cur() {
            t if t.is_op(";") => Err(Failure::unsupported(t.pos, "`;` expression sequences")),
            _ => Ok(()),
        }
    }

    fn secondary(&mut self) -> Result<Node, Failure> {
        let token = self.cur();
        let pos = token.pos;
        let node = match &token.tok {
            Tok::Ident(name) => {
                let name = name.clone();
                self.advance();
                self.identifier(&name, pos)?
            }
            Tok::Number(text) => {
                let value = number(text).map_err(|m| Failure::new(pos, m))?;
                self.advance();
                self.node(Kind::Literal(value), pos)?
            }
            Tok::Str(text) => {
                let value = Value::Str(text.clone());
                self.advance();
                self.node(Kind::Literal(value), pos)?
            }
            Tok::Bracket('[') => self.array(pos)?,
            _ => return Err(self.unexpected_operand()),
        };
        self.postfix(node)
    }

    /// What to say about a token where an operand should be.
    fn unexpected_operand(&self) -> Failure {
        let cur = self.cur();
        match &cur.tok {
            Tok::Op(op) if op == "." => Failure::unsupported(cur.pos, "member access `.name`"),
            Tok::Op(op) if op == "::" => Failure::unsupported(cur.pos, "`::` calls"),
            Tok::Bracket('{') => Failure::unsupported(cur.pos, "map literal `{…}`"),
            _ => self.unexpected(),
        }
    }

    fn array(&mut self, pos: usize) -> Result<Node, Failure> {
        self.advance();
        let mut items = Vec::new();
        while !self.cur().is_bracket(']') {
            if !items.is_empty() {
                self.expect_op(",")?;
                if self.cur().is_bracket(']') {
                    break;
                }
            }
            items.push(self.expression(0)?);
        }
        self.expect_bracket(']')?;
        self.node(Kind::Array(items), pos)
    }

    /// Indexes and slices after an operand; member access is refused.
    fn postfix(&mut self, mut node: Node) -> Result<Node, Failure> {
        loop {
            let token = self.cur();
            match &token.tok {
                Tok::Op(op) if op == "." => {
                    return Err(Failure::unsupported(token.pos, "member access `.name`"));
                }
                Tok::Op(op) if op == "?." => {
                    return Err(Failure::unsupported(token.pos, "optional chaining `?.`"));
                }
                Tok::Bracket('[') => node = self.subscript(node, token.pos)?,
                _ => return Ok(node),
            }
        }
    }

    /// `node[i]`, `node[a:b]`, `node[:b]`, `node[a:]`, `node[:]`.
    fn subscript(&mut self, node: Node, pos: usize) -> Result<Node, Failure> {
        self.advance();
        let from = if self.cur().is_op(":") {
            None
        } else {
            Some(self.expression(0)?)
        };
        if !self.cur().is_op(":") {
            self.expect_bracket(']')?;
            let index = from.ok_or_else(|| self.unexpected())?;
            return self.node(Kind::Index(Box::new(node), Box::new(index)), pos);
        }
        self.advance();
        let to = if self.cur().is_bracket(']') {
            None
        } else {
            Some(Box::new(self.expression(0)?))
        };
        self.expect_bracket(']')?;
        self.node(Kind::Slice(Box::new(node), from.map(Box::new), to), pos)
    }
}

/// A binary operator found by [`Parser::next_operator`].
#[derive(Debug, Clone, Copy)]
struct Operator {
    op: BinOp,
    prec: u32,
    right_assoc: bool,
    /// Where the operator is (for `not in`, where `in` is).
    pos: usize,
    /// Written with `not` before it.
    negate: bool,
}

/// Operators `not` may precede.
const NEGATABLE: &[&str] = &["in", "matches", "contains", "startsWith", "endsWith"];

/// Prefix operators and the precedence of their operand.
fn unary_operator(op: &str) -> Option<(UnaryOp, u32)> {
    match op {
        "not" | "!" => Some((UnaryOp::Not, 50)),
        "-" => Some((UnaryOp::Neg, 90)),
        "+" => Some((UnaryOp::Plus, 90)),
        _ => None,
    }
}

fn after_not(next: &Token) -> Failure {
    Failure::new(
        next.pos,
        format!("unexpected token {} after `not`", next.describe()),
    )
}

fn mixed_with_coalesce(o: Operator) -> Failure {
    Failure::new(
        o.pos,
        format!(
            "operator {} and coalesce expressions (??) cannot be mixed; wrap either in parentheses",
            o.op.symbol()
        ),
    )
}

fn too_deep(pos: usize) -> Failure {
    Failure::new(
        pos,
        format!(
            "expression is nested too deeply (at most {MAX_NESTING} levels of brackets and \
             calls, {MAX_DEPTH} levels of operators)"
        ),
    )
}
