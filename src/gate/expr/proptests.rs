//! Property tests: no input makes parsing or evaluation panic, whatever
//! `result` holds (NaN and infinities included).

use proptest::prelude::*;

use super::tests::{env, floats};
use super::{Env, Expression, Value};

/// Pieces that reach deep into the parser when shuffled together.
const PIECES: &[&str] = &[
    "result",
    "#",
    "#index",
    "#acc",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "?",
    "??",
    ".",
    "..",
    "+",
    "-",
    "*",
    "/",
    "%",
    "**",
    "^",
    "!",
    "not",
    "in",
    "and",
    "or",
    "&&",
    "||",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "matches",
    "contains",
    "0",
    "1",
    "-1",
    "0.5",
    "1e3",
    "'a'",
    "\"x\"",
    "nil",
    "true",
    "all",
    "any",
    "map",
    "filter",
    "count",
    "sum",
    "reduce",
    "len",
    "isNaN",
    "default",
    "now()",
    "duration('5m')",
    "max",
    "first",
    "|",
    ";",
    "let",
    "=",
    "`r`",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..24).prop_map(|v| v.join(" "))
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        -1e3..1e3f64,
        any::<f64>(),
    ]
}

fn result() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Nil),
        number().prop_map(Value::Float),
        prop::collection::vec(number(), 0..6).prop_map(|v| floats(&v)),
        any::<i64>().prop_map(Value::Int),
        Just(Value::Str("0.5".into())),
    ]
}

/// Well-formed expressions built from the grammar.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("result".to_owned()),
        Just("result[0]".to_owned()),
        Just("result[-1]".to_owned()),
        Just("nil".to_owned()),
        Just("true".to_owned()),
        Just("now()".to_owned()),
        Just("duration('1m')".to_owned()),
        Just("'s'".to_owned()),
        any::<i32>().prop_map(|i| format!("({i})")),
        number().prop_map(|f| format!("({f:?})")
            .replace("NaN", "0")
            .replace("inf", "1e308")),
    ];
    leaf.prop_recursive(5, 48, 3, |inner| {
        let binop = prop::sample::select(vec![
            "+", "-", "*", "/", "%", "**", "==", "!=", "<", ">=", "&&", "||", "in", "??", "..",
            "contains", "matches",
        ]);
        prop_oneof![
            (inner.clone(), binop, inner.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("!({a})")),
            inner.clone().prop_map(|a| format!("-({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}[{b}]")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}[{b}:]")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("({a} ? {b} : {c})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("[{a}, {b}]")),
            (
                prop::sample::select(vec![
                    "all", "any", "none", "one", "filter", "map", "count", "sum", "find"
                ]),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(f, a, b)| format!("{f}({a}, {b} + #)")),
            (
                prop::sample::select(vec![
                    "len", "abs", "ceil", "int", "float", "string", "isNaN", "isInf", "first",
                    "last", "max", "mean", "median", "asInt", "asFloat", "isNil"
                ]),
                inner.clone()
            )
                .prop_map(|(f, a)| format!("{f}({a})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("default({a}, {b})")),
        ]
    })
}

proptest! {
    #[test]
    fn parse_never_panics(src in "\\PC{0,40}") {
        let _ = Expression::parse(&src);
    }

    #[test]
    fn token_soup_never_panics(src in soup(), result in result()) {
        if let Ok(e) = Expression::parse(&src) {
            let _ = e.evaluate(&env(result.clone()));
            let _ = e.evaluate_bool(&env(result));
        }
    }

    #[test]
    fn evaluation_never_panics(src in expression(), result in result(), now in number()) {
        let parsed = Expression::parse(&src);
        prop_assert!(parsed.is_ok(), "{src}: {parsed:?}");
        if let Ok(e) = parsed {
            let env = Env::new(result, now);
            if let Ok(value) = e.evaluate(&env) {
                let _ = value.to_string();
            }
            let _ = e.evaluate_time(&env);
            if let Err(err) = e.evaluate_bool(&env) {
                prop_assert!(err.column >= 1 && err.line == 1);
                prop_assert!(!err.message.is_empty());
            }
        }
    }
}
