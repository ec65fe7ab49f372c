//! The functions a condition may call: expr-lang's builtins that matter for
//! metrics, and the helpers Argo adds (`isNaN`, `isInf`, `asInt`,
//! `asFloat`, `isNil`, `default`). Predicate builtins (`all`, `map`, ...)
//! are evaluated in `eval`; the rest are here.

use super::Env;
use super::builtins::Builtin;
use super::go::{go_f64_to_i64, go_parse_float, parse_go_duration};
use super::value::{Value, order};

/// Calls a function that takes plain values. `name` is as written.
pub(crate) fn call(
    builtin: Builtin,
    name: &str,
    args: &[&Value],
    env: &Env,
) -> Result<Value, String> {
    let arg = args.first().copied().unwrap_or(&Value::Nil);
    let invalid = |v: &Value| format!("invalid argument for {name} (type {})", v.type_name());
    let cannot_use = |v: &Value, want: &str| {
        format!(
            "cannot use {} as argument (type {want}) to call {name}",
            v.type_name()
        )
    };
    Ok(match builtin {
        Builtin::Len => match arg {
            Value::List(items) => Value::Int(items.len() as i64),
            Value::Str(s) => Value::Int(s.chars().count() as i64),
            other => return Err(invalid(other)),
        },
        Builtin::Abs => match arg {
            Value::Int(i) => Value::Int(i.wrapping_abs()),
            Value::Float(f) => Value::Float(if *f < 0.0 { -f } else { *f }),
            other => return Err(invalid(other)),
        },
        Builtin::Ceil | Builtin::Floor | Builtin::Round => {
            let f = arg.as_f64().ok_or_else(|| invalid(arg))?;
            Value::Float(match builtin {
                Builtin::Ceil => f.ceil(),
                Builtin::Floor => f.floor(),
                _ => f.round(),
            })
        }
        Builtin::Int => match arg {
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Int(go_f64_to_i64(*f)),
            Value::Str(s) => Value::Int(
                s.parse()
                    .map_err(|_| format!("invalid operation: int({s})"))?,
            ),
            other => return Err(invalid(other)),
        },
        Builtin::Float => match arg {
            Value::Str(s) => Value::Float(
                go_parse_float(s).ok_or_else(|| format!("invalid operation: float({s})"))?,
            ),
            other => Value::Float(other.as_f64().ok_or_else(|| invalid(other))?),
        },
        Builtin::String => Value::Str(arg.go_string()),
        Builtin::IsNaN | Builtin::IsInf => match arg {
            Value::Float(f) => Value::Bool(if builtin == Builtin::IsNaN {
                f.is_nan()
            } else {
                f.is_infinite()
            }),
            Value::Int(_) => Value::Bool(false),
            other => return Err(cannot_use(other, "float64")),
        },
        // Argo's isNil and default close over `result` and ignore their
        // first argument.
        Builtin::IsNil => Value::Bool(env.result == Value::Nil),
        Builtin::Default => match &env.result {
            Value::Nil => args.get(1).map_or(Value::Nil, |d| (*d).clone()),
            result => result.clone(),
        },
        Builtin::AsInt => match arg {
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Int(go_f64_to_i64(*f)),
            Value::Str(s) => Value::Int(s.parse().map_err(|e: std::num::ParseIntError| {
                let why = match e.kind() {
                    std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                        "value out of range"
                    }
                    _ => "invalid syntax",
                };
                format!("strconv.ParseInt: parsing {s:?}: {why}")
            })?),
            other => return Err(not_supported("asInt", other)),
        },
        Builtin::AsFloat => match arg {
            Value::Str(s) => Value::Float(
                go_parse_float(s)
                    .ok_or_else(|| format!("strconv.ParseFloat: parsing {s:?}: invalid syntax"))?,
            ),
            other => Value::Float(
                other
                    .as_f64()
                    .ok_or_else(|| not_supported("asFloat", other))?,
            ),
        },
        Builtin::Now => Value::Time(env.now),
        Builtin::Duration => match arg {
            Value::Str(s) => Value::Duration(parse_go_duration(s)?),
            other => return Err(cannot_use(other, "string")),
        },
        Builtin::First | Builtin::Last => match arg {
            Value::List(items) => {
                let item = if builtin == Builtin::First {
                    items.first()
                } else {
                    items.last()
                };
                item.cloned().unwrap_or(Value::Nil)
            }
            other => {
                return Err(format!(
                    "cannot get {name} element from {}",
                    other.type_name()
                ));
            }
        },
        Builtin::Mean => {
            let numbers = flatten(name, args)?;
            if numbers.is_empty() {
                Value::Float(0.0)
            } else {
                let total: f64 = numbers.iter().filter_map(|v| v.as_f64()).sum();
                Value::Float(total / numbers.len() as f64)
            }
        }
        Builtin::Median => {
            let mut numbers: Vec<f64> = flatten(name, args)?
                .iter()
                .filter_map(|v| v.as_f64())
                .collect();
            // Go's sort.Float64s puts NaN first.
            numbers.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Less,
                (false, true) => std::cmp::Ordering::Greater,
                _ => a.total_cmp(b),
            });
            let n = numbers.len();
            Value::Float(match n {
                0 => 0.0,
                _ if n % 2 == 1 => numbers[n / 2],
                _ => (numbers[n / 2 - 1] + numbers[n / 2]) / 2.0,
            })
        }
        Builtin::Min | Builtin::Max => {
            let want = if builtin == Builtin::Max {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            };
            let mut best: Option<&Value> = None;
            let numbers = flatten(name, args)?;
            for n in &numbers {
                // Go replaces the best so far only when it compares
                // less (max) or greater (min): NaN never wins.
                if best.is_none_or(|b| order(b, n) == Ok(Some(want))) {
                    best = Some(n);
                }
            }
            best.cloned().unwrap_or(Value::Nil)
        }
        Builtin::All
        | Builtin::Any
        | Builtin::None
        | Builtin::One
        | Builtin::Filter
        | Builtin::Map
        | Builtin::Count
        | Builtin::Sum
        | Builtin::Find
        | Builtin::FindIndex
        | Builtin::FindLast
        | Builtin::FindLastIndex => return Err(format!("{name} needs a predicate")),
    })
}

fn not_supported(name: &str, v: &Value) -> String {
    let go_type = if *v == Value::Nil {
        "<nil>"
    } else {
        v.type_name()
    };
    format!("{name}() not supported on {go_type} {}", v.go_string())
}

/// The numbers in `args`, lists flattened, as expr-lang's aggregate
/// functions (`mean`, `median`, `min`, `max`) read them.
fn flatten(name: &str, args: &[&Value]) -> Result<Vec<Value>, String> {
    fn walk(name: &str, v: &Value, depth: usize, out: &mut Vec<Value>) -> Result<(), String> {
        match v {
            Value::Int(_) | Value::Float(_) => out.push(v.clone()),
            Value::List(items) if depth < 64 => {
                for item in items {
                    walk(name, item, depth + 1, out)?;
                }
            }
            Value::List(_) => return Err("recursion depth exceeded".to_owned()),
            other => {
                return Err(format!(
                    "invalid argument for {name} (type {})",
                    other.type_name()
                ));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for arg in args {
        walk(name, arg, 0, &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::builtins::{Lookup, lookup};
    use super::*;

    fn env() -> Env {
        Env::new(Value::List(vec![Value::Float(2.0)]), 100.0)
    }

    fn run(name: &str, args: &[Value]) -> Result<Value, String> {
        let Lookup::Known(builtin, _) = lookup(name) else {
            panic!("{name} is not known");
        };
        let refs: Vec<&Value> = args.iter().collect();
        call(builtin, name, &refs, &env())
    }

    #[test]
    fn numbers() {
        let f = Value::Float;
        assert_eq!(run("abs", &[Value::Int(-3)]), Ok(Value::Int(3)));
        assert_eq!(run("abs", &[f(-0.5)]), Ok(f(0.5)));
        assert_eq!(run("ceil", &[f(1.2)]), Ok(f(2.0)));
        assert_eq!(run("floor", &[Value::Int(3)]), Ok(f(3.0)));
        assert_eq!(run("round", &[f(2.5)]), Ok(f(3.0)));
        assert_eq!(run("round", &[f(-2.5)]), Ok(f(-3.0)));
        assert_eq!(run("int", &[f(-2.9)]), Ok(Value::Int(-2)));
        assert_eq!(run("int", &[f(f64::NAN)]), Ok(Value::Int(i64::MIN)));
        assert_eq!(run("int", &[Value::Str("42".into())]), Ok(Value::Int(42)));
        assert!(run("int", &[Value::Str("4.2".into())]).is_err());
        assert_eq!(run("float", &[Value::Str("1e3".into())]), Ok(f(1000.0)));
        assert!(run("float", &[Value::Str("1e400".into())]).is_err());
        assert_eq!(run("string", &[f(0.5)]), Ok(Value::Str("0.5".into())));
        assert_eq!(
            run("abs", &[Value::Str("x".into())]),
            Err("invalid argument for abs (type string)".into())
        );
    }

    #[test]
    fn aggregates() {
        let list = |v: &[f64]| Value::List(v.iter().map(|x| Value::Float(*x)).collect());
        assert_eq!(
            run("mean", &[list(&[1.0, 2.0, 6.0])]),
            Ok(Value::Float(3.0))
        );
        assert_eq!(run("mean", &[list(&[])]), Ok(Value::Float(0.0)));
        assert_eq!(
            run("median", &[list(&[3.0, 1.0, 2.0, 10.0])]),
            Ok(Value::Float(2.5))
        );
        assert_eq!(run("max", &[list(&[1.0, 5.0, 2.0])]), Ok(Value::Float(5.0)));
        assert_eq!(
            run("max", &[Value::Int(1), Value::Float(0.5)]),
            Ok(Value::Int(1))
        );
        assert_eq!(run("min", &[list(&[])]), Ok(Value::Nil));
        // Go keeps the first value unless a later one compares greater.
        assert!(matches!(run("max", &[list(&[f64::NAN, 1.0])]), Ok(Value::Float(f)) if f.is_nan()));
        assert_eq!(run("max", &[list(&[1.0, f64::NAN])]), Ok(Value::Float(1.0)));
        assert_eq!(run("first", &[list(&[])]), Ok(Value::Nil));
        assert_eq!(run("last", &[list(&[1.0, 2.0])]), Ok(Value::Float(2.0)));
        assert!(run("mean", &[Value::Str("a".into())]).is_err());
    }

    #[test]
    fn argo_helpers() {
        assert_eq!(
            run("isNaN", &[Value::Float(f64::NAN)]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            run("isInf", &[Value::Float(f64::NEG_INFINITY)]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            run("isNaN", &[Value::List(vec![])]),
            Err("cannot use []float64 as argument (type float64) to call isNaN".into())
        );
        assert_eq!(run("asInt", &[Value::Str("12".into())]), Ok(Value::Int(12)));
        assert_eq!(
            run("asFloat", &[Value::Str("0.5".into())]),
            Ok(Value::Float(0.5))
        );
        assert_eq!(
            run("asInt", &[Value::Str("x".into())]),
            Err(r#"strconv.ParseInt: parsing "x": invalid syntax"#.into())
        );
        assert_eq!(
            run("asFloat", &[Value::Bool(true)]),
            Err("asFloat() not supported on bool true".into())
        );
        assert_eq!(run("isNil", &[Value::Nil]), Ok(Value::Bool(false)));
        assert_eq!(
            run("default", &[Value::Nil, Value::Int(0)]),
            Ok(env().result)
        );
        assert_eq!(run("now", &[]), Ok(Value::Time(100.0)));
    }
}
