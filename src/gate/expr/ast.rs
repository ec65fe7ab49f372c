//! The syntax tree: node forms, operators with expr-lang's precedence
//! table, and literal reading shared by the parser.

use regex::Regex;

use super::builtins::Builtin;
use super::value::Value;

/// Deepest tree accepted (evaluation recurses once per level).
pub(crate) const MAX_DEPTH: usize = 200;
/// Deepest parser recursion accepted: brackets, calls and prefix operators
/// nested inside each other. An unoptimized build spends about 6.5 KiB of
/// stack per level on the costliest path (nested calls), so 100 levels stay
/// well inside the 2 MiB of a spawned or tokio worker thread.
pub(crate) const MAX_NESTING: usize = 100;
/// Most tree nodes accepted (expr-lang's default limit).
pub(crate) const MAX_NODES: usize = 10_000;

/// A syntax tree node. `pos` is the byte offset of the token that names it
/// (the operator, the function name, the `[`), where its errors point.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) pos: usize,
    depth: usize,
}

impl Node {
    /// A node over already-built children.
    pub(crate) fn new(kind: Kind, pos: usize) -> Self {
        let child = |n: &Node| n.depth;
        let deepest = match &kind {
            Kind::Literal(_) | Kind::Result | Kind::Pointer(_) => 0,
            Kind::Array(items) | Kind::Call(_, _, items) => {
                items.iter().map(child).max().unwrap_or(0)
            }
            Kind::Unary(_, a) | Kind::MatchesLiteral(a, _) | Kind::Closure(a) => a.depth,
            Kind::Binary(_, a, b) | Kind::Index(a, b) => a.depth.max(b.depth),
            Kind::Ternary(a, b, c) => a.depth.max(b.depth).max(c.depth),
            Kind::Slice(a, b, c) => a
                .depth
                .max(b.as_deref().map_or(0, child))
                .max(c.as_deref().map_or(0, child)),
        };
        Node {
            kind,
            pos,
            depth: deepest + 1,
        }
    }

    /// Levels of the tree below and including this node.
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }
}

/// The forms of a node.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Literal(Value),
    Array(Vec<Node>),
    /// The variable `result`.
    Result,
    Pointer(Pointer),
    Unary(UnaryOp, Box<Node>),
    Binary(BinOp, Box<Node>, Box<Node>),
    /// `x matches "literal"`, the pattern compiled once.
    MatchesLiteral(Box<Node>, Regex),
    Ternary(Box<Node>, Box<Node>, Box<Node>),
    Index(Box<Node>, Box<Node>),
    Slice(Box<Node>, Option<Box<Node>>, Option<Box<Node>>),
    /// A function call; predicate arguments are [`Kind::Closure`] nodes.
    Call(Builtin, &'static str, Vec<Node>),
    /// A predicate, evaluated once per element by its function.
    Closure(Box<Node>),
}

/// What a `#` refers to inside a predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pointer {
    /// `#`: the current element.
    Element,
    /// `#index`: its position.
    Index,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnaryOp {
    Not,
    Neg,
    Plus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Matches,
    Contains,
    StartsWith,
    EndsWith,
    Range,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Coalesce,
}

/// Binary operators: spelling, operator, precedence, right-associative.
const BINARY: &[(&str, BinOp, u32, bool)] = &[
    ("or", BinOp::Or, 10, false),
    ("||", BinOp::Or, 10, false),
    ("and", BinOp::And, 15, false),
    ("&&", BinOp::And, 15, false),
    ("==", BinOp::Eq, 20, false),
    ("!=", BinOp::Ne, 20, false),
    ("<", BinOp::Lt, 20, false),
    (">", BinOp::Gt, 20, false),
    (">=", BinOp::Ge, 20, false),
    ("<=", BinOp::Le, 20, false),
    ("in", BinOp::In, 20, false),
    ("matches", BinOp::Matches, 20, false),
    ("contains", BinOp::Contains, 20, false),
    ("startsWith", BinOp::StartsWith, 20, false),
    ("endsWith", BinOp::EndsWith, 20, false),
    ("..", BinOp::Range, 25, false),
    ("+", BinOp::Add, 30, false),
    ("-", BinOp::Sub, 30, false),
    ("*", BinOp::Mul, 60, false),
    ("/", BinOp::Div, 60, false),
    ("%", BinOp::Mod, 60, false),
    ("**", BinOp::Pow, 100, true),
    ("^", BinOp::Pow, 100, true),
    ("??", BinOp::Coalesce, 500, false),
];

/// The operator spelled `op`, its precedence and whether it is
/// right-associative.
pub(crate) fn binary(op: &str) -> Option<(BinOp, u32, bool)> {
    BINARY
        .iter()
        .find(|(s, ..)| *s == op)
        .map(|&(_, b, p, r)| (b, p, r))
}

impl BinOp {
    /// The operator as messages spell it.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "||",
            BinOp::And => "&&",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Matches => "matches",
            BinOp::Contains => "contains",
            BinOp::StartsWith => "startsWith",
            BinOp::EndsWith => "endsWith",
            BinOp::Range => "..",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::Coalesce => "??",
        }
    }
}

/// Compiles a `matches` pattern; the message is one line.
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| {
        let text = e.to_string();
        let why = text
            .lines()
            .last()
            .unwrap_or("")
            .trim()
            .trim_start_matches("error: ");
        format!("invalid regular expression {pattern:?}: {why}")
    })
}

/// A number literal as expr-lang reads it.
pub(crate) fn number(text: &str) -> Result<Value, String> {
    let digits = text.replace('_', "");
    let lower = digits.to_ascii_lowercase();
    let radix = |prefix: &str, base: u32, what: &str| {
        i64::from_str_radix(&digits[prefix.len()..], base)
            .map(Value::Int)
            .map_err(|_| format!("invalid {what} literal: {text}"))
    };
    if lower.starts_with("0x") {
        radix("0x", 16, "hex")
    } else if lower.contains(['.', 'e']) {
        match digits.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(format!("invalid float literal: {text}")),
        }
    } else if lower.starts_with("0b") {
        radix("0b", 2, "binary")
    } else if lower.starts_with("0o") {
        radix("0o", 8, "octal")
    } else {
        radix("", 10, "integer")
    }
}
