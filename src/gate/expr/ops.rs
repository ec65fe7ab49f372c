//! Operators on values, with expr-lang's rules: which kinds combine, what
//! they produce, and the messages for those that do not.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::ast::{BinOp, UnaryOp};
use super::value::{Value, comparable, loose_equal, order};

/// The longest list `a..b` may build.
pub(crate) const MAX_RANGE: i64 = 1_000_000;

/// expr-lang's message for operands an operator does not take.
pub(crate) fn mismatched(op: BinOp, a: &Value, b: &Value) -> String {
    format!(
        "invalid operation: {} (mismatched types {} and {})",
        op.symbol(),
        a.type_name(),
        b.type_name()
    )
}

/// Applies a unary operator.
pub(crate) fn unary(op: UnaryOp, v: &Value) -> Result<Value, String> {
    match (op, v) {
        (UnaryOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
        (UnaryOp::Neg, Value::Int(i)) => Ok(Value::Int(i.wrapping_neg())),
        (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
        (UnaryOp::Plus, Value::Int(_) | Value::Float(_)) => Ok(v.clone()),
        _ => {
            let symbol = match op {
                UnaryOp::Not => "!",
                UnaryOp::Neg => "-",
                UnaryOp::Plus => "+",
            };
            Err(format!(
                "invalid operation: {symbol} (mismatched type {})",
                v.type_name()
            ))
        }
    }
}

/// Go's duration arithmetic is on whole nanoseconds in an `int64`, wrapping.
fn to_nanos(seconds: f64) -> i64 {
    (seconds * 1e9).round() as i64
}

fn from_nanos(nanos: i64) -> Value {
    Value::Duration(nanos as f64 / 1e9)
}

/// Applies a binary operator to two evaluated operands. `&&`, `||`, `??`
/// and `matches` are evaluated by the caller.
pub(crate) fn binary(op: BinOp, a: &Value, b: &Value) -> Result<Value, String> {
    use Value::{Bool, Duration, Float, Int, List, Nil, Str, Time};
    let bad = || mismatched(op, a, b);
    let numbers = || a.as_f64().zip(b.as_f64());
    let result = match op {
        BinOp::Eq | BinOp::Ne => {
            if !comparable(a, b) {
                return Err(bad());
            }
            Bool(loose_equal(a, b) == (op == BinOp::Eq))
        }
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let ordering = order(a, b).map_err(|()| bad())?;
            Bool(ordering.is_some_and(|o| match op {
                BinOp::Lt => o == Ordering::Less,
                BinOp::Le => o != Ordering::Greater,
                BinOp::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            }))
        }
        BinOp::In => match b {
            List(items) => Bool(items.iter().any(|item| loose_equal(item, a))),
            Nil => Bool(false),
            other => {
                return Err(format!(
                    "operator \"in\" not defined on {}",
                    other.type_name()
                ));
            }
        },
        BinOp::Contains | BinOp::StartsWith | BinOp::EndsWith => match (a, b) {
            (Str(s), Str(t)) => Bool(match op {
                BinOp::Contains => s.contains(t.as_str()),
                BinOp::StartsWith => s.starts_with(t.as_str()),
                _ => s.ends_with(t.as_str()),
            }),
            _ => return Err(bad()),
        },
        BinOp::Range => match (a, b) {
            (Int(from), Int(to)) => {
                let len = i128::from(*to) - i128::from(*from) + 1;
                if len > i128::from(MAX_RANGE) {
                    return Err(format!(
                        "range {from}..{to} is too large (more than {MAX_RANGE} elements)"
                    ));
                }
                List((*from..=*to).map(Int).collect())
            }
            _ => return Err(bad()),
        },
        BinOp::Add => match (a, b) {
            (Int(x), Int(y)) => Int(x.wrapping_add(*y)),
            (Str(x), Str(y)) => Str(format!("{x}{y}")),
            (Time(t), Duration(d)) | (Duration(d), Time(t)) => Time(t + d),
            (Duration(x), Duration(y)) => from_nanos(to_nanos(*x).wrapping_add(to_nanos(*y))),
            _ => Float(numbers().map(|(x, y)| x + y).ok_or_else(bad)?),
        },
        BinOp::Sub => match (a, b) {
            (Int(x), Int(y)) => Int(x.wrapping_sub(*y)),
            (Time(x), Time(y)) => Duration(x - y),
            (Time(t), Duration(d)) => Time(t - d),
            (Duration(x), Duration(y)) => from_nanos(to_nanos(*x).wrapping_sub(to_nanos(*y))),
            _ => Float(numbers().map(|(x, y)| x - y).ok_or_else(bad)?),
        },
        BinOp::Mul => match (a, b) {
            (Int(x), Int(y)) => Int(x.wrapping_mul(*y)),
            (Duration(d), Int(i)) | (Int(i), Duration(d)) => {
                from_nanos(to_nanos(*d).wrapping_mul(*i))
            }
            (Duration(x), Duration(y)) => from_nanos(to_nanos(*x).wrapping_mul(to_nanos(*y))),
            // Go multiplies a duration by a float as nanoseconds, giving a float.
            (Duration(d), Float(f)) | (Float(f), Duration(d)) => Float(to_nanos(*d) as f64 * f),
            _ => Float(numbers().map(|(x, y)| x * y).ok_or_else(bad)?),
        },
        BinOp::Div => Float(numbers().map(|(x, y)| x / y).ok_or_else(bad)?),
        BinOp::Mod => match (a, b) {
            (Int(_), Int(0)) => return Err("integer divide by zero".to_owned()),
            (Int(x), Int(y)) => Int(x.wrapping_rem(*y)),
            _ => return Err(bad()),
        },
        BinOp::Pow => Float(numbers().map(|(x, y)| x.powf(y)).ok_or_else(bad)?),
        BinOp::And | BinOp::Or | BinOp::Coalesce | BinOp::Matches => return Err(bad()),
    };
    Ok(result)
}

/// `base[index]`: lists by integer, negative from the end; strings give
/// the byte at the index, as Go does.
pub(crate) fn index_value<'a>(
    base: Cow<'a, Value>,
    index: &Value,
) -> Result<Cow<'a, Value>, String> {
    let len = match base.as_ref() {
        Value::List(items) => items.len(),
        Value::Str(s) => s.len(),
        other => return Err(format!("cannot index {}", other.type_name())),
    };
    let Value::Int(i) = index else {
        return Err(format!(
            "array elements can only be selected using an integer (got {})",
            index.type_name()
        ));
    };
    let i = if *i < 0 {
        i.saturating_add(len as i64)
    } else {
        *i
    };
    if i < 0 || i >= len as i64 {
        return Err(format!("index out of range: {i} (array length is {len})"));
    }
    let i = i as usize;
    Ok(match base {
        Cow::Borrowed(Value::List(items)) => Cow::Borrowed(&items[i]),
        Cow::Owned(Value::List(mut items)) => Cow::Owned(items.swap_remove(i)),
        other => match other.as_ref() {
            Value::Str(s) => Cow::Owned(Value::Int(i64::from(s.as_bytes()[i]))),
            _ => return Err("cannot index".to_owned()),
        },
    })
}

/// `base[from:to]` with Go's clamping of out-of-range bounds.
pub(crate) fn slice_value(
    base: &Value,
    from: Option<&Value>,
    to: Option<&Value>,
) -> Result<Value, String> {
    let len = match base {
        Value::List(items) => items.len(),
        Value::Str(s) => s.len(),
        other => return Err(format!("cannot slice {}", other.type_name())),
    };
    let bound = |v: Option<&Value>, default: usize| -> Result<usize, String> {
        let i = match v {
            None => return Ok(default),
            Some(Value::Int(i)) => *i,
            Some(other) => {
                return Err(format!("non-integer slice index {}", other.type_name()));
            }
        };
        let i = if i < 0 {
            i.saturating_add(len as i64)
        } else {
            i
        };
        Ok(i.clamp(0, len as i64) as usize)
    };
    let to = bound(to, len)?;
    let from = bound(from, 0)?.min(to);
    Ok(match base {
        Value::List(items) => Value::List(items[from..to].to_vec()),
        Value::Str(s) => Value::Str(String::from_utf8_lossy(&s.as_bytes()[from..to]).into_owned()),
        _ => Value::Nil,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(op: BinOp, a: Value, b: Value) -> Result<Value, String> {
        binary(op, &a, &b)
    }

    #[test]
    fn arithmetic_follows_go() {
        use Value::{Float, Int};
        assert_eq!(op(BinOp::Add, Int(1), Int(2)), Ok(Int(3)));
        assert_eq!(op(BinOp::Add, Int(i64::MAX), Int(1)), Ok(Int(i64::MIN)));
        assert_eq!(op(BinOp::Add, Int(1), Float(0.5)), Ok(Float(1.5)));
        assert_eq!(op(BinOp::Div, Int(7), Int(2)), Ok(Float(3.5)));
        assert_eq!(op(BinOp::Div, Int(1), Int(0)), Ok(Float(f64::INFINITY)));
        assert_eq!(op(BinOp::Mod, Int(7), Int(3)), Ok(Int(1)));
        assert_eq!(op(BinOp::Mod, Int(-7), Int(3)), Ok(Int(-1)));
        assert_eq!(op(BinOp::Mod, Int(i64::MIN), Int(-1)), Ok(Int(0)));
        assert!(op(BinOp::Mod, Int(1), Int(0)).is_err());
        assert_eq!(
            op(BinOp::Mod, Float(7.0), Int(2)),
            Err("invalid operation: % (mismatched types float64 and int)".into())
        );
        assert_eq!(op(BinOp::Pow, Int(2), Int(10)), Ok(Float(1024.0)));
        assert_eq!(
            op(BinOp::Add, Value::Str("a".into()), Value::Str("b".into())),
            Ok(Value::Str("ab".into()))
        );
        assert_eq!(unary(UnaryOp::Neg, &Int(i64::MIN)), Ok(Int(i64::MIN)));
        assert!(unary(UnaryOp::Not, &Float(1.0)).is_err());
    }

    #[test]
    fn time_arithmetic() {
        use Value::{Duration, Float, Int, Time};
        assert_eq!(
            op(BinOp::Sub, Time(1000.0), Duration(300.0)),
            Ok(Time(700.0))
        );
        assert_eq!(
            op(BinOp::Add, Time(1000.0), Duration(300.0)),
            Ok(Time(1300.0))
        );
        assert_eq!(
            op(BinOp::Add, Duration(300.0), Time(1000.0)),
            Ok(Time(1300.0))
        );
        assert_eq!(
            op(BinOp::Sub, Time(1000.0), Time(400.0)),
            Ok(Duration(600.0))
        );
        assert_eq!(op(BinOp::Mul, Duration(300.0), Int(2)), Ok(Duration(600.0)));
        assert_eq!(op(BinOp::Mul, Duration(1.0), Float(1.5)), Ok(Float(1.5e9)));
        assert_eq!(op(BinOp::Lt, Time(1.0), Time(2.0)), Ok(Value::Bool(true)));
        assert!(op(BinOp::Sub, Duration(1.0), Time(2.0)).is_err());
        assert!(op(BinOp::Lt, Time(1.0), Duration(2.0)).is_err());
    }

    #[test]
    fn comparisons_and_membership() {
        use Value::{Bool, Float, Int, List, Nil, Str};
        let nan = Float(f64::NAN);
        for o in [BinOp::Lt, BinOp::Le, BinOp::Gt, BinOp::Ge, BinOp::Eq] {
            assert_eq!(op(o, nan.clone(), Float(1.0)), Ok(Bool(false)), "{o:?}");
            assert_eq!(op(o, nan.clone(), nan.clone()), Ok(Bool(false)), "{o:?}");
        }
        assert_eq!(op(BinOp::Ne, nan.clone(), nan), Ok(Bool(true)));
        assert_eq!(op(BinOp::Eq, Int(1), Float(1.0)), Ok(Bool(true)));
        assert_eq!(op(BinOp::Eq, Nil, Int(1)), Ok(Bool(false)));
        assert_eq!(
            op(BinOp::Lt, Str("a".into()), Int(1)),
            Err("invalid operation: < (mismatched types string and int)".into())
        );
        assert!(op(BinOp::Eq, Str("a".into()), Int(1)).is_err());
        let list = List(vec![Int(1), Float(2.0)]);
        assert_eq!(op(BinOp::In, Float(2.0), list.clone()), Ok(Bool(true)));
        assert_eq!(op(BinOp::In, Str("1".into()), list), Ok(Bool(false)));
        assert_eq!(op(BinOp::In, Int(1), Nil), Ok(Bool(false)));
        assert!(op(BinOp::In, Str("a".into()), Str("abc".into())).is_err());
        assert_eq!(
            op(BinOp::Contains, Str("abc".into()), Str("b".into())),
            Ok(Bool(true))
        );
        assert_eq!(op(BinOp::Range, Int(3), Int(1)), Ok(List(vec![])));
        assert!(op(BinOp::Range, Int(0), Int(i64::MAX)).is_err());
        assert!(op(BinOp::Range, Int(i64::MIN), Int(i64::MAX)).is_err());
    }
}
