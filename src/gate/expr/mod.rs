//! The condition language of `opsctl gate`: Argo Rollouts'
//! `successCondition`, `failureCondition` and `rangeQuery.start|end`
//! expressions, evaluated the way Argo evaluates them with expr-lang/expr
//! v1.17.
//!
//! ```text
//! result[0] >= 0.95
//! len(result) == 0 || result[0] >= 0.95
//! all(result, # < 1000)            all(result, {# < 0.5})
//! isNaN(result) || result >= 0.95
//! now() - duration("5m")
//! ```
//!
//! [`Expression::parse`] reads a condition once; parse errors name the
//! offending token's line and column. [`Expression::evaluate_bool`]
//! evaluates it against an [`Env`] holding `result` and "now".
//!
//! # What follows expr-lang and Argo
//!
//! - Literals: integers (decimal, `0x`, `0o`, `0b`, `_` separators), floats
//!   (`0.5`, `.5`, `1e3`), strings in `'…'`, `"…"` (escapes) and backticks
//!   (raw), `true`, `false`, `nil`, lists `[1, 2]`; comments `//` and
//!   `/* */`.
//! - Operators and precedence as expr-lang: `**`/`^` bind tighter than
//!   unary minus (`-2 ** 2` is `-4`); `not`/`!` bind looser than arithmetic
//!   (`!a * b` is `!(a * b)`, `!a == b` is `(!a) == b`); `/` always divides
//!   as floats; `%` takes integers only; integer `+ - *` wrap like Go;
//!   comparisons chain (`1 < x < 3`); `??` may not be mixed with other
//!   operators without parentheses; `a ? b : c` and `a ?: b`.
//! - Comparisons mix ints and floats; any comparison with NaN is false
//!   except `!=`; `==` between different kinds (`"a" == 1`) is an error,
//!   as expr-lang's type checker makes it, except against `nil`.
//! - Builtins: `len all any none one filter map count sum find findIndex
//!   findLast findLastIndex mean median first last min max abs ceil
//!   floor round int float string now duration`, predicates written as
//!   `# < 1` or `{# < 1}` (`#index` is the element's position).
//! - Argo's own functions: `isNaN`, `isInf` (either sign), `asInt`,
//!   `asFloat` (numbers or numeric strings). `isNil(x)` and `default(x, d)`
//!   behave as Argo's do, which is not what their names suggest: they
//!   ignore `x` and look at `result` itself. `isNil(_)` is true when
//!   `result` is nil (an empty list is not nil); `default(_, d)` is `d` when
//!   `result` is nil and otherwise all of `result`. So with a vector,
//!   `default(result[0], 0) < 5` compares the list with 5 and is an error,
//!   exactly as in Argo.
//! - Time: `now()` is [`Env::now`]; `duration("5m")` reads Go durations
//!   (`ns us µs ms s m h`, a sign, fractions; `d` is refused as Go refuses
//!   it); time − duration, time + duration, time − time, duration × int
//!   are as in Go.
//!
//! # Differences from Argo
//!
//! - expr-lang checks types before running, so in Argo a type error in a
//!   branch that `&&`, `||` or `?:` skips still fails the measurement
//!   (`len(result) > 0 && isNaN(result)` with an empty vector). Here type
//!   errors are found while evaluating, so skipped branches cannot fail.
//! - Errors carry a line and column; messages follow expr-lang's wording
//!   where it is clear (`invalid operation: < (mismatched types string and
//!   int)`, `index out of range: 3 (array length is 1)`) and say plainly
//!   what it leaves cryptic (`cannot index float64`).
//! - `rangeQuery` times are evaluated with the same names as conditions;
//!   Argo gives them only expr-lang's builtins plus `isNaN` and `isInf`.
//! - `isNaN`/`isInf` accept any integer (false); Argo accepts integer
//!   literals only. `matches` uses Rust's `regex`, RE2 syntax like Go's, but
//!   `\d`, `\w` and `\b` are Unicode-aware. Float-to-int conversions of NaN
//!   or out-of-range values give the minimum integer, as Go does on amd64.
//! - Not supported, each refused when parsing as `unsupported construct`:
//!   `let`, `if {} else {}`, `;` sequences, pipes `|`, maps `{a: 1}`, member
//!   access `.x` / `?.` / methods, `$env`, bytes literals, and the
//!   expr-lang builtins for strings, dates (`date`, `timezone`), maps,
//!   JSON, base64, bits, sorting, grouping, and `reduce` (its accumulator
//!   would let values grow and nest without bound).
//! - Limits: brackets and calls nested more than 100 deep, operator trees
//!   deeper than 200, more than 10 000 nodes, ranges over 1 000 000
//!   elements, and runaway evaluations are errors, not crashes or hangs.

mod ast;
mod builtins;
mod calls;
mod eval;
mod functions;
mod go;
mod lexer;
mod ops;
mod parser;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
mod value;

pub use value::Value;

/// A parsed condition.
#[derive(Debug, Clone)]
pub struct Expression {
    source: String,
    root: ast::Node,
    /// Byte offset of the first token, where whole-expression errors point.
    start: usize,
}

/// Names in scope during evaluation.
#[derive(Debug, Clone)]
pub struct Env {
    /// The metric's value: a float for a Prometheus scalar, a list of floats
    /// for a vector or a (flattened) matrix, [`Value::Nil`] for no value.
    pub result: Value,
    /// "Now" as unix seconds; `now()` returns it.
    pub now: f64,
}

impl Env {
    /// An environment with `result` and the current time `now` (unix seconds).
    pub fn new(result: Value, now: f64) -> Self {
        Self { result, now }
    }
}

/// A condition that could not be parsed or evaluated, with the place in
/// the condition it concerns.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{message}", position(*.line, *.column))]
pub struct ExprError {
    /// 1-based line of the offending token or construct.
    pub line: usize,
    /// 1-based column, in characters, of the offending token or construct
    /// within its line.
    pub column: usize,
    /// What went wrong, worded like expr-lang's messages where it has one.
    pub message: String,
}

fn position(line: usize, column: usize) -> String {
    if line > 1 {
        format!("line {line}, column {column}: ")
    } else {
        format!("column {column}: ")
    }
}

impl ExprError {
    fn at(source: &str, failure: Failure) -> Self {
        let mut offset = failure.pos.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &source[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Self {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            message: failure.message,
        }
    }
}

/// An error at a byte offset; turned into an [`ExprError`] at the API edge.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub(crate) pos: usize,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(pos: usize, message: impl Into<String>) -> Self {
        Self {
            pos,
            message: message.into(),
        }
    }

    pub(crate) fn unsupported(pos: usize, what: &str) -> Self {
        Self::new(pos, format!("unsupported construct: {what}"))
    }
}

impl Expression {
    /// Parses a condition. Unknown names and functions, unsupported
    /// constructs and syntax errors are reported here, before any data.
    pub fn parse(source: &str) -> Result<Expression, ExprError> {
        let (root, start) = parser::parse(source).map_err(|f| ExprError::at(source, f))?;
        Ok(Expression {
            source: source.to_owned(),
            root,
            start,
        })
    }

    /// The condition as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates to any value.
    pub fn evaluate(&self, env: &Env) -> Result<Value, ExprError> {
        eval::evaluate(&self.root, env).map_err(|f| ExprError::at(&self.source, f))
    }

    /// Evaluates a condition: a non-bool result is an error
    /// `expected bool, but got <type>` (Argo's wording).
    pub fn evaluate_bool(&self, env: &Env) -> Result<bool, ExprError> {
        match self.evaluate(env)? {
            Value::Bool(b) => Ok(b),
            other => Err(self.whole(format!("expected bool, but got {}", other.type_name()))),
        }
    }

    /// Evaluates a `rangeQuery` start or end expression to a time, in unix
    /// seconds. A value that is not a time is an error
    /// `expected time.Time, but got <type>` (Argo's wording).
    pub fn evaluate_time(&self, env: &Env) -> Result<f64, ExprError> {
        match self.evaluate(env)? {
            Value::Time(t) => Ok(t),
            other => Err(self.whole(format!("expected time.Time, but got {}", other.type_name()))),
        }
    }

    fn whole(&self, message: String) -> ExprError {
        ExprError::at(&self.source, Failure::new(self.start, message))
    }
}
