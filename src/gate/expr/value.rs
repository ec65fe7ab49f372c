//! Values a condition works with, and the comparison rules expr-lang
//! applies to them.

use std::cmp::Ordering;
use std::fmt;

use super::go;

/// A value in a condition: what `result` holds and what expressions
/// compute. Prometheus scalars arrive as [`Value::Float`], vectors and
/// flattened matrices as a [`Value::List`] of floats.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Go's `nil`.
    Nil,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit integer (Go `int`); integer arithmetic wraps like Go's.
    Int(i64),
    /// A 64-bit float (Go `float64`), NaN and infinities included.
    Float(f64),
    /// A string.
    Str(String),
    /// A list (Go slice).
    List(Vec<Value>),
    /// A point in time, as unix seconds.
    Time(f64),
    /// A length of time, in seconds.
    Duration(f64),
}

impl Value {
    /// The Go type name Argo's messages use for this value: `nil`, `bool`,
    /// `int`, `float64`, `string`, `time.Time`, `time.Duration`, and for
    /// lists `[]float64` when every element is a float (what Argo builds
    /// from Prometheus data, empty lists included), else `[]interface {}`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::List(items) if items.iter().all(|v| matches!(v, Value::Float(_))) => "[]float64",
            Value::List(_) => "[]interface {}",
            Value::Time(_) => "time.Time",
            Value::Duration(_) => "time.Duration",
        }
    }

    /// The value as a float, if it is a number.
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Go's `fmt` `%v` text of the value, as expr-lang's `string()` gives.
    pub(crate) fn go_string(&self) -> String {
        match self {
            Value::Nil => "<nil>".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => go::float_v(*f),
            Value::Str(s) => s.clone(),
            Value::List(items) => {
                let parts: Vec<String> = items.iter().map(Value::go_string).collect();
                format!("[{}]", parts.join(" "))
            }
            Value::Time(t) => go::time_go(*t),
            Value::Duration(d) => go::duration(*d),
        }
    }

    fn fmt_nested(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => write!(f, "{s:?}"),
            other => write!(f, "{other}"),
        }
    }
}

/// Readable text: floats as Argo stores measurement values (`0.95`,
/// `NaN`, `+Inf`), lists as `[a, b]` with strings quoted inside them,
/// times in RFC 3339 (UTC), durations as Go writes them (`5m0s`).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&go::float_f(*x)),
            Value::Str(s) => f.write_str(s),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    item.fmt_nested(f)?;
                }
                f.write_str("]")
            }
            Value::Time(t) => f.write_str(&go::time_rfc3339(*t)),
            Value::Duration(d) => f.write_str(&go::duration(*d)),
        }
    }
}

/// expr-lang's runtime equality (used by `in` and inside lists): numbers
/// compare by value across int and float (NaN equals nothing), `nil`
/// equals `nil`, other values equal only values of their own kind.
pub(crate) fn loose_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Time(x), Value::Time(y)) | (Value::Duration(x), Value::Duration(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| loose_equal(p, q))
        }
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// Whether `==` may compare the two values at all. expr-lang's type checker
/// refuses `==` between values of different kinds (`"a" == 1`) unless one
/// is `nil` or both are numbers.
pub(crate) fn comparable(a: &Value, b: &Value) -> bool {
    matches!(a, Value::Nil)
        || matches!(b, Value::Nil)
        || (a.as_f64().is_some() && b.as_f64().is_some())
        || std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// The order of two values for `<`, `<=`, `>`, `>=`: numbers (int and float
/// mixed), strings (bytewise), times, durations. `Ok(None)` means
/// unordered (a NaN is involved: every such comparison is false), `Err(())`
/// that the kinds cannot be compared.
pub(crate) fn order(a: &Value, b: &Value) -> Result<Option<Ordering>, ()> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(Some(x.cmp(y))),
        (Value::Str(x), Value::Str(y)) => Ok(Some(x.cmp(y))),
        (Value::Time(x), Value::Time(y)) | (Value::Duration(x), Value::Duration(y)) => {
            Ok(x.partial_cmp(y))
        }
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => Ok(x.partial_cmp(&y)),
            _ => Err(()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_type_names() {
        assert_eq!(Value::Nil.type_name(), "nil");
        assert_eq!(Value::Float(1.0).type_name(), "float64");
        assert_eq!(Value::List(vec![]).type_name(), "[]float64");
        assert_eq!(
            Value::List(vec![Value::Float(1.0)]).type_name(),
            "[]float64"
        );
        assert_eq!(
            Value::List(vec![Value::Int(1)]).type_name(),
            "[]interface {}"
        );
        assert_eq!(Value::Time(0.0).type_name(), "time.Time");
        assert_eq!(Value::Duration(0.0).type_name(), "time.Duration");
    }

    #[test]
    fn display_is_readable() {
        let list = Value::List(vec![
            Value::Float(0.5),
            Value::Float(f64::NAN),
            Value::Float(f64::INFINITY),
            Value::Int(3),
            Value::Str("a".into()),
            Value::Nil,
        ]);
        assert_eq!(list.to_string(), r#"[0.5, NaN, +Inf, 3, "a", nil]"#);
        assert_eq!(Value::Str("a b".into()).to_string(), "a b");
        assert_eq!(Value::Duration(300.0).to_string(), "5m0s");
        assert_eq!(Value::Time(0.0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(list.go_string(), "[0.5 NaN +Inf 3 a <nil>]");
        assert_eq!(Value::Float(1e6).go_string(), "1e+06");
    }

    #[test]
    fn equality_and_order() {
        let (i, f, nan) = (Value::Int(1), Value::Float(1.0), Value::Float(f64::NAN));
        assert!(loose_equal(&i, &f));
        assert!(!loose_equal(&nan, &nan));
        assert!(!loose_equal(&Value::Str("1".into()), &i));
        assert!(loose_equal(&Value::Nil, &Value::Nil));
        assert!(comparable(&i, &f) && comparable(&Value::Nil, &i));
        assert!(!comparable(&Value::Str("a".into()), &i));
        assert_eq!(order(&i, &Value::Float(2.0)), Ok(Some(Ordering::Less)));
        assert_eq!(order(&nan, &i), Ok(None));
        assert_eq!(order(&Value::Str("a".into()), &i), Err(()));
        assert_eq!(
            order(&Value::Str("b".into()), &Value::Str("a".into())),
            Ok(Some(Ordering::Greater))
        );
    }
}
