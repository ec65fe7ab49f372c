//! Names, calls and predicates: the parts of the parser that know the
//! function table.

use super::Failure;
use super::ast::{Kind, Node, Pointer};
use super::builtins::{self, Args, Lookup};
use super::lexer::Tok;
use super::parser::Parser;
use super::value::Value;

impl Parser {
    /// `#` and `#index` inside a predicate.
    pub(super) fn pointer(&mut self) -> Result<Node, Failure> {
        let token = self.cur();
        let pos = token.pos;
        let Tok::Pointer(name) = &token.tok else {
            return Err(self.unexpected());
        };
        if self.predicates == 0 {
            return Err(Failure::new(pos, OUTSIDE_PREDICATE));
        }
        let pointer = match name.as_str() {
            "" => Pointer::Element,
            "index" => Pointer::Index,
            _ => return Err(unknown_pointer(pos, name)),
        };
        self.advance();
        self.node(Kind::Pointer(pointer), pos)
    }

    /// A name: a literal keyword, `result`, or a call.
    pub(super) fn identifier(&mut self, name: &str, pos: usize) -> Result<Node, Failure> {
        let kind = match name {
            "true" => Kind::Literal(Value::Bool(true)),
            "false" => Kind::Literal(Value::Bool(false)),
            "nil" => Kind::Literal(Value::Nil),
            _ if self.cur().is_bracket('(') => return self.call(name, pos),
            "result" => Kind::Result,
            "$env" => return Err(Failure::unsupported(pos, "`$env`")),
            _ => return Err(unknown_name(pos, name)),
        };
        self.node(kind, pos)
    }

    pub(super) fn call(&mut self, name: &str, pos: usize) -> Result<Node, Failure> {
        let (builtin, args) = match builtins::lookup(name) {
            Lookup::Known(b, a) => (b, a),
            Lookup::Unsupported => return Err(unsupported_function(pos, name)),
            Lookup::Unknown => return Err(unknown_function(pos, name)),
        };
        self.expect_bracket('(')?;
        let items = match args {
            Args::Predicate { optional } => self.predicate_args(name, pos, optional)?,
            Args::Plain(min, max) => self.plain_args(name, pos, min, max)?,
        };
        self.expect_bracket(')')?;
        let name = builtins::canonical_name(builtin);
        self.node(Kind::Call(builtin, name, items), pos)
    }

    /// `(list, predicate)`, with the predicate optional for `count` and
    /// `sum`.
    pub(super) fn predicate_args(
        &mut self,
        name: &str,
        pos: usize,
        optional: bool,
    ) -> Result<Vec<Node>, Failure> {
        let mut items = vec![self.expression(0)?];
        if self.cur().is_op(",") && !(optional && self.peek().is_bracket(')')) {
            self.advance();
            self.predicates += 1;
            let predicate = self.predicate();
            self.predicates -= 1;
            items.push(predicate?);
        } else if !optional {
            return Err(argument_count(pos, name, "not enough"));
        }
        if self.cur().is_op(",") {
            self.advance();
            if !self.cur().is_bracket(')') {
                return Err(argument_count(pos, name, "too many"));
            }
        }
        Ok(items)
    }

    pub(super) fn plain_args(
        &mut self,
        name: &str,
        pos: usize,
        min: usize,
        max: Option<usize>,
    ) -> Result<Vec<Node>, Failure> {
        let mut items = Vec::new();
        while !self.cur().is_bracket(')') {
            if !items.is_empty() {
                self.expect_op(",")?;
                if self.cur().is_bracket(')') {
                    break;
                }
            }
            items.push(self.expression(0)?);
        }
        if items.len() < min {
            return Err(argument_count(pos, name, "not enough"));
        }
        if max.is_some_and(|max| items.len() > max) {
            return Err(argument_count(pos, name, "too many"));
        }
        Ok(items)
    }

    /// A predicate: `# < 1` or `{# < 1}`.
    pub(super) fn predicate(&mut self) -> Result<Node, Failure> {
        let pos = self.cur().pos;
        let braces = self.cur().is_bracket('{');
        if braces {
            self.advance();
        }
        let body = self.expression(0)?;
        self.refuse_sequence()?;
        if braces {
            self.expect_bracket('}')?;
        }
        self.node(Kind::Closure(Box::new(body)), pos)
    }
}

const OUTSIDE_PREDICATE: &str = "`#` can only be used inside a predicate, as in all(result, # < 1)";

fn unknown_pointer(pos: usize, name: &str) -> Failure {
    Failure::new(pos, format!("unknown pointer #{name}"))
}

fn unknown_name(pos: usize, name: &str) -> Failure {
    let hint = builtins::closest(name, ["result"].into_iter())
        .map_or(String::new(), |s| format!(" (did you mean {s}?)"));
    Failure::new(pos, format!("unknown name {name}{hint}"))
}

fn unknown_function(pos: usize, name: &str) -> Failure {
    let hint =
        builtins::suggest_function(name).map_or(String::new(), |s| format!(" (did you mean {s}?)"));
    Failure::new(pos, format!("unknown function {name}{hint}"))
}

fn unsupported_function(pos: usize, name: &str) -> Failure {
    Failure::unsupported(
        pos,
        &format!("function {name} (an expr-lang builtin opsctl does not implement)"),
    )
}

fn argument_count(pos: usize, name: &str, how: &str) -> Failure {
    Failure::new(pos, format!("{how} arguments to call {name}"))
}
