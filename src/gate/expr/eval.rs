//! Walks the syntax tree against an [`Env`]. Values from `result` are
//! borrowed rather than copied, so `all(result, # < result[0])` over a
//! long matrix stays linear; a step budget turns runaway expressions into
//! errors.

use std::borrow::Cow;

use regex::Regex;

use super::ast::{BinOp, Kind, Node, Pointer, UnaryOp, compile_regex};
use super::builtins::Builtin;
use super::functions;
use super::ops::{index_value, slice_value};
use super::value::Value;
use super::{Env, Failure, ops};

/// Steps every evaluation may take, plus [`STEPS_PER_RESULT`] per element
/// of `result`.
const BASE_STEPS: u64 = 2_000_000;
const STEPS_PER_RESULT: u64 = 50;
/// Patterns of `matches` with computed right-hand sides kept compiled.
const REGEX_CACHE: usize = 16;
/// Steps charged for compiling a pattern.
const REGEX_COMPILE_STEPS: u64 = 1_000;

/// Evaluates a parsed expression.
pub(crate) fn evaluate(root: &Node, env: &Env) -> Result<Value, Failure> {
    let result_len = match &env.result {
        Value::List(items) => items.len() as u64,
        _ => 1,
    };
    let mut evaluator = Evaluator {
        env,
        scopes: Vec::new(),
        steps_left: BASE_STEPS.saturating_add(result_len.saturating_mul(STEPS_PER_RESULT)),
        regexes: Vec::new(),
    };
    evaluator.eval(root).map(Cow::into_owned)
}

/// The element a predicate is looking at.
struct Scope<'a> {
    item: Cow<'a, Value>,
    index: usize,
}

struct Evaluator<'a> {
    env: &'a Env,
    scopes: Vec<Scope<'a>>,
    steps_left: u64,
    regexes: Vec<(String, Regex)>,
}

type Eval<'a> = Result<Cow<'a, Value>, Failure>;

fn owned<'a>(v: Value) -> Eval<'a> {
    Ok(Cow::Owned(v))
}

impl<'a> Evaluator<'a> {
    fn charge(&mut self, steps: u64, pos: usize) -> Result<(), Failure> {
        match self.steps_left.checked_sub(steps) {
            Some(left) => {
                self.steps_left = left;
                Ok(())
            }
            None => Err(Failure::new(
                pos,
                "evaluation exceeded its step limit (the expression does too much work)",
            )),
        }
    }

    /// Evaluates a node. Each form has its own method: in unoptimized
    /// builds a frame holds every local of its function, and this one is
    /// on the stack once per tree level.
    fn eval(&mut self, node: &Node) -> Eval<'a> {
        self.charge(1, node.pos)?;
        match &node.kind {
            Kind::Literal(v) => owned(v.clone()),
            Kind::Result => Ok(Cow::Borrowed(&self.env.result)),
            Kind::Pointer(pointer) => self.pointer(*pointer, node.pos),
            Kind::Array(items) => self.array(items, node.pos),
            Kind::Unary(op, operand) => self.unary(*op, operand, node.pos),
            Kind::Binary(op, left, right) => self.binary(*op, left, right, node.pos),
            Kind::MatchesLiteral(left, regex) => self.matches_literal(left, regex, node.pos),
            Kind::Ternary(cond, yes, no) => self.ternary(cond, yes, no),
            Kind::Index(base, index) => self.index(base, index, node.pos),
            Kind::Slice(base, from, to) => {
                self.slice(base, from.as_deref(), to.as_deref(), node.pos)
            }
            Kind::Call(builtin, name, args) => self.call(*builtin, name, args, node.pos),
            Kind::Closure(_) => Err(Failure::new(
                node.pos,
                "a predicate is only valid as a function argument",
            )),
        }
    }

    fn array(&mut self, items: &[Node], pos: usize) -> Eval<'a> {
        self.charge(items.len() as u64, pos)?;
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let v = self.eval(item)?;
            values.push(self.own(v, item.pos)?);
        }
        owned(Value::List(values))
    }

    fn unary(&mut self, op: UnaryOp, operand: &Node, pos: usize) -> Eval<'a> {
        let v = self.eval(operand)?;
        owned(ops::unary(op, &v).map_err(|m| Failure::new(pos, m))?)
    }

    fn binary(&mut self, op: BinOp, left: &Node, right: &Node, pos: usize) -> Eval<'a> {
        match op {
            BinOp::And | BinOp::Or => {
                let is_and = op == BinOp::And;
                let l = self.boolean(left, pos, is_and)?;
                if l != is_and {
                    return owned(Value::Bool(l));
                }
                owned(Value::Bool(self.boolean(right, pos, is_and)?))
            }
            BinOp::Coalesce => match self.eval(left)? {
                Cow::Borrowed(Value::Nil) | Cow::Owned(Value::Nil) => self.eval(right),
                other => Ok(other),
            },
            BinOp::Matches => {
                let (subject, pattern) = (self.eval(left)?, self.eval(right)?);
                let (Value::Str(s), Value::Str(p)) = (subject.as_ref(), pattern.as_ref()) else {
                    let message = ops::mismatched(BinOp::Matches, &subject, &pattern);
                    return Err(Failure::new(pos, message));
                };
                self.charge_size(&subject, pos)?;
                let regex = self.regex(p, pos)?;
                owned(Value::Bool(regex.is_match(s)))
            }
            _ => {
                let (l, r) = (self.eval(left)?, self.eval(right)?);
                // Comparing lists, `in`, and string operations take time
                // in proportion to their operands.
                self.charge_size(&l, pos)?;
                self.charge_size(&r, pos)?;
                let v = ops::binary(op, &l, &r).map_err(|m| Failure::new(pos, m))?;
                self.charge_size(&v, pos)?;
                owned(v)
            }
        }
    }

    fn matches_literal(&mut self, left: &Node, regex: &Regex, pos: usize) -> Eval<'a> {
        match self.eval(left)?.as_ref() {
            Value::Str(s) => owned(Value::Bool(regex.is_match(s))),
            other => {
                let pattern = Value::Str(String::new());
                Err(Failure::new(
                    pos,
                    ops::mismatched(BinOp::Matches, other, &pattern),
                ))
            }
        }
    }

    fn ternary(&mut self, cond: &Node, yes: &Node, no: &Node) -> Eval<'a> {
        match self.eval(cond)?.as_ref() {
            Value::Bool(true) => self.eval(yes),
            Value::Bool(false) => self.eval(no),
            other => Err(Failure::new(
                cond.pos,
                format!(
                    "non-bool expression (type {}) used as condition",
                    other.type_name()
                ),
            )),
        }
    }

    fn index(&mut self, base: &Node, index: &Node, pos: usize) -> Eval<'a> {
        let (base, index) = (self.eval(base)?, self.eval(index)?);
        index_value(base, &index).map_err(|m| Failure::new(pos, m))
    }

    fn slice(
        &mut self,
        base: &Node,
        from: Option<&Node>,
        to: Option<&Node>,
        pos: usize,
    ) -> Eval<'a> {
        let base = self.eval(base)?;
        let from = match from {
            Some(n) => Some(self.eval(n)?),
            None => None,
        };
        let to = match to {
            Some(n) => Some(self.eval(n)?),
            None => None,
        };
        let v =
            slice_value(&base, from.as_deref(), to.as_deref()).map_err(|m| Failure::new(pos, m))?;
        self.charge_size(&v, pos)?;
        owned(v)
    }

    /// An operand of `&&`/`||`, which must be a bool.
    fn boolean(&mut self, operand: &Node, pos: usize, is_and: bool) -> Result<bool, Failure> {
        match self.eval(operand)?.as_ref() {
            Value::Bool(b) => Ok(*b),
            other => Err(Failure::new(
                pos,
                format!(
                    "invalid operation: {} (operand is {}, not bool)",
                    if is_and { "&&" } else { "||" },
                    other.type_name()
                ),
            )),
        }
    }

    fn pointer(&mut self, pointer: Pointer, pos: usize) -> Eval<'a> {
        let Some(scope) = self.scopes.last() else {
            return Err(Failure::new(pos, "`#` used outside a predicate"));
        };
        match pointer {
            Pointer::Element => match &scope.item {
                Cow::Borrowed(v) => Ok(Cow::Borrowed(*v)),
                Cow::Owned(v) => {
                    let v = v.clone();
                    self.charge_size(&v, pos)?;
                    owned(v)
                }
            },
            Pointer::Index => owned(Value::Int(scope.index as i64)),
        }
    }

    /// A compiled pattern for `matches` with a computed right-hand side.
    /// Compiling is charged as much work: patterns that change for every
    /// element of a long list would otherwise take minutes.
    fn regex(&mut self, pattern: &str, pos: usize) -> Result<Regex, Failure> {
        if let Some((_, re)) = self.regexes.iter().find(|(p, _)| p == pattern) {
            return Ok(re.clone());
        }
        self.charge(REGEX_COMPILE_STEPS + pattern.len() as u64, pos)?;
        let re = compile_regex(pattern).map_err(|m| Failure::new(pos, m))?;
        if self.regexes.len() >= REGEX_CACHE {
            self.regexes.remove(0);
        }
        self.regexes.push((pattern.to_owned(), re.clone()));
        Ok(re)
    }

    fn call(&mut self, builtin: Builtin, name: &str, args: &[Node], pos: usize) -> Eval<'a> {
        if args.iter().any(|a| matches!(a.kind, Kind::Closure(_)))
            || matches!(builtin, Builtin::Count | Builtin::Sum)
        {
            return self.predicate_call(builtin, name, args, pos);
        }
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.eval(arg)?);
        }
        if !matches!(
            builtin,
            Builtin::Len | Builtin::First | Builtin::Last | Builtin::IsNil
        ) {
            for v in &values {
                self.charge_size(v, pos)?;
            }
        }
        let refs: Vec<&Value> = values.iter().map(|v| v.as_ref()).collect();
        let v =
            functions::call(builtin, name, &refs, self.env).map_err(|m| Failure::new(pos, m))?;
        self.charge_size(&v, pos)?;
        owned(v)
    }

    /// Evaluates `body` with `#` bound to `item`.
    fn apply(&mut self, body: &Node, item: Cow<'a, Value>, index: usize) -> Result<Value, Failure> {
        self.scopes.push(Scope { item, index });
        let out = self.eval(body);
        self.scopes.pop();
        self.own(out?, body.pos)
    }

    /// The value itself, charging for the copy when it is borrowed.
    fn own(&mut self, v: Cow<'a, Value>, pos: usize) -> Result<Value, Failure> {
        if let Cow::Borrowed(b) = &v {
            self.charge_size(b, pos)?;
        }
        Ok(v.into_owned())
    }

    /// Charges for work or memory proportional to a value's size.
    fn charge_size(&mut self, v: &Value, pos: usize) -> Result<(), Failure> {
        let size = match v {
            Value::List(items) => items.len(),
            Value::Str(s) => s.len() / 16,
            _ => 0,
        };
        if size > 0 {
            self.charge(size as u64, pos)?;
        }
        Ok(())
    }

    /// Evaluates a predicate that must give a bool; errors point at the
    /// predicate (`closure`), as expr-lang's do.
    fn test(
        &mut self,
        closure: &Node,
        body: &Node,
        item: Cow<'a, Value>,
        index: usize,
    ) -> Result<bool, Failure> {
        match self.apply(body, item, index)? {
            Value::Bool(b) => Ok(b),
            other => Err(Failure::new(
                closure.pos,
                format!(
                    "predicate should return boolean (got {})",
                    other.type_name()
                ),
            )),
        }
    }

    fn predicate_call(
        &mut self,
        builtin: Builtin,
        name: &str,
        args: &[Node],
        pos: usize,
    ) -> Eval<'a> {
        let Some(list_node) = args.first() else {
            return Err(Failure::new(
                pos,
                format!("not enough arguments to call {name}"),
            ));
        };
        let items: Vec<Cow<'a, Value>> = match self.eval(list_node)? {
            Cow::Borrowed(Value::List(items)) => items.iter().map(Cow::Borrowed).collect(),
            Cow::Owned(Value::List(items)) => items.into_iter().map(Cow::Owned).collect(),
            other => {
                return Err(Failure::new(
                    list_node.pos,
                    format!(
                        "builtin {name} takes only array (got {})",
                        other.type_name()
                    ),
                ));
            }
        };
        self.charge(items.len() as u64, pos)?;
        // The predicate node (position of its errors) and its body.
        let predicate = args.get(1).map(|n| match &n.kind {
            Kind::Closure(body) => (n, &**body),
            _ => (n, n),
        });
        let Some((closure, body)) = predicate else {
            return self.without_predicate(builtin, items, pos);
        };
        let count = items.len();
        let mut matched = Vec::new();
        let result = match builtin {
            Builtin::All | Builtin::Any | Builtin::None | Builtin::One | Builtin::Count => {
                let mut hits = 0usize;
                for (i, item) in items.into_iter().enumerate() {
                    let hit = self.test(closure, body, item, i)?;
                    hits += usize::from(hit);
                    let done = match builtin {
                        Builtin::All => !hit,
                        Builtin::Any | Builtin::None => hit,
                        Builtin::One => hits > 1,
                        _ => false,
                    };
                    if done {
                        break;
                    }
                }
                match builtin {
                    Builtin::All => Value::Bool(hits == count),
                    Builtin::Any => Value::Bool(hits > 0),
                    Builtin::None => Value::Bool(hits == 0),
                    Builtin::One => Value::Bool(hits == 1),
                    _ => Value::Int(hits as i64),
                }
            }
            Builtin::Filter => {
                for (i, item) in items.into_iter().enumerate() {
                    if self.test(closure, body, item.clone(), i)? {
                        matched.push(self.own(item, pos)?);
                    }
                }
                Value::List(matched)
            }
            Builtin::Map => {
                for (i, item) in items.into_iter().enumerate() {
                    matched.push(self.apply(body, item, i)?);
                }
                Value::List(matched)
            }
            Builtin::Sum => {
                let mut acc = Value::Int(0);
                for (i, item) in items.into_iter().enumerate() {
                    let v = self.apply(body, item, i)?;
                    acc = ops::binary(BinOp::Add, &v, &acc).map_err(|m| Failure::new(pos, m))?;
                }
                acc
            }
            Builtin::Find | Builtin::FindIndex | Builtin::FindLast | Builtin::FindLastIndex => {
                let last = matches!(builtin, Builtin::FindLast | Builtin::FindLastIndex);
                let mut found = None;
                let order: Box<dyn Iterator<Item = (usize, Cow<'a, Value>)>> = if last {
                    Box::new(items.into_iter().enumerate().rev())
                } else {
                    Box::new(items.into_iter().enumerate())
                };
                for (i, item) in order {
                    if self.test(closure, body, item.clone(), i)? {
                        found = Some((i, self.own(item, pos)?));
                        break;
                    }
                }
                match (builtin, found) {
                    (Builtin::Find | Builtin::FindLast, found) => found.map_or(Value::Nil, |f| f.1),
                    (_, found) => Value::Int(found.map_or(-1, |f| f.0 as i64)),
                }
            }
            _ => {
                return Err(Failure::new(
                    closure.pos,
                    format!("{name} does not take a predicate"),
                ));
            }
        };
        if let Value::List(items) = &result {
            self.charge(items.len() as u64, pos)?;
        }
        owned(result)
    }

    /// `count(list)` and `sum(list)`: the elements themselves.
    fn without_predicate(
        &mut self,
        builtin: Builtin,
        items: Vec<Cow<'a, Value>>,
        pos: usize,
    ) -> Eval<'a> {
        if builtin == Builtin::Count {
            let mut hits = 0i64;
            for item in &items {
                match item.as_ref() {
                    Value::Bool(b) => hits += i64::from(*b),
                    other => {
                        return Err(Failure::new(
                            pos,
                            format!(
                                "predicate should return boolean (got {})",
                                other.type_name()
                            ),
                        ));
                    }
                }
            }
            return owned(Value::Int(hits));
        }
        let mut acc = Value::Int(0);
        for item in &items {
            acc = ops::binary(BinOp::Add, item, &acc).map_err(|m| Failure::new(pos, m))?;
        }
        owned(acc)
    }
}
