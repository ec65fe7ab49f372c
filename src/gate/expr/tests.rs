//! Behaviour of whole conditions: every Argo documentation example, each
//! construct, error positions and limits.

use super::*;

/// 2024-05-01T12:00:00Z.
const NOW: f64 = 1_714_564_800.0;
const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

pub(super) fn floats(v: &[f64]) -> Value {
    Value::List(v.iter().map(|x| Value::Float(*x)).collect())
}

pub(super) fn env(result: Value) -> Env {
    Env::new(result, NOW)
}

fn eval(src: &str, result: Value) -> Result<Value, ExprError> {
    Expression::parse(src)?.evaluate(&env(result))
}

fn check(src: &str, result: Value) -> Result<bool, ExprError> {
    Expression::parse(src)?.evaluate_bool(&env(result))
}

fn parse_error(src: &str) -> ExprError {
    match Expression::parse(src) {
        Ok(_) => panic!("{src:?} parsed"),
        Err(e) => e,
    }
}

#[test]
fn argo_documentation_examples() {
    let s = Value::Float;
    let cases: &[(&str, Value, bool)] = &[
        ("result[0] >= 0.95", floats(&[0.99]), true),
        ("result[0] >= 0.95", floats(&[0.5, 1.0]), false),
        ("result >= 0.95", s(0.99), true),
        ("result >= 0.95", s(0.9), false),
        ("len(result) == 0 || result[0] >= 0.95", floats(&[]), true),
        (
            "len(result) == 0 || result[0] >= 0.95",
            floats(&[0.5]),
            false,
        ),
        (
            "len(result) == 0 || result[0] >= 0.95",
            floats(&[0.96]),
            true,
        ),
        ("len(result) > 0 && result[0] >= 0.95", floats(&[]), false),
        (
            "len(result) > 0 && result[0] >= 0.95",
            floats(&[0.96]),
            true,
        ),
        ("all(result, # < 1000)", floats(&[1.0, 999.0]), true),
        ("all(result, # < 1000)", floats(&[1.0, 1000.0]), false),
        ("all(result, # < 1000)", floats(&[]), true),
        ("all(result, {# < 0.5})", floats(&[0.1, 0.2]), true),
        ("all(result, {# < 0.5})", floats(&[0.1, 0.7]), false),
        ("any(result, {# > 1})", floats(&[0.5, 2.0]), true),
        ("any(result, {# > 1})", floats(&[]), false),
        (
            "isNaN(result[0]) || result[0] >= 0.95",
            floats(&[NAN]),
            true,
        ),
        (
            "isNaN(result[0]) || result[0] >= 0.95",
            floats(&[0.5]),
            false,
        ),
        ("isNaN(result) || result >= 0.95", s(NAN), true),
        ("isNaN(result) || result >= 0.95", s(0.97), true),
        ("isNaN(result) || result >= 0.95", s(0.5), false),
        ("default(result, 0) < 5", s(3.0), true),
        ("default(result, 0) < 5", Value::Nil, true),
        ("default(result, 10) < 5", Value::Nil, false),
        ("result[0] in [1, 2]", floats(&[2.0]), true),
        ("result[0] in [1, 2]", floats(&[3.0]), false),
        ("!(result[0] > 1)", floats(&[0.5]), true),
        ("not (result[0] > 1)", floats(&[2.0]), false),
        ("result[0] * 100 / 2 < 60", floats(&[1.0]), true),
        ("result[0] * 100 / 2 < 60", floats(&[1.5]), false),
        ("result >= 0.95", s(INF), true),
        ("result[0] >= 10", floats(&[12.0]), true),
        ("isInf(result)", s(-INF), true),
        ("isNil(result)", Value::Nil, true),
        ("isNil(result)", floats(&[]), false),
    ];
    for (src, result, want) in cases {
        assert_eq!(check(src, result.clone()), Ok(*want), "{src} with {result}");
    }
}

#[test]
fn nan_compares_false_except_not_equal() {
    for op in ["<", "<=", ">", ">=", "=="] {
        let src = format!("result {op} 0.95");
        assert_eq!(check(&src, Value::Float(NAN)), Ok(false), "{src}");
        let src = format!("result[0] {op} result[0]");
        assert_eq!(check(&src, floats(&[NAN])), Ok(false), "{src}");
    }
    assert_eq!(check("result != 0.95", Value::Float(NAN)), Ok(true));
    assert_eq!(check("result != result", Value::Float(NAN)), Ok(true));
}

#[test]
fn runtime_errors_name_the_place() {
    let cases: &[(&str, Value, usize, &str)] = &[
        (
            "result[0] >= 0.95",
            floats(&[]),
            7,
            "index out of range: 0 (array length is 0)",
        ),
        (
            "result[3]",
            floats(&[1.0]),
            7,
            "index out of range: 3 (array length is 1)",
        ),
        (
            "result[-3]",
            floats(&[1.0]),
            7,
            "index out of range: -2 (array length is 1)",
        ),
        (
            "result[0] >= 0.95",
            Value::Float(1.0),
            7,
            "cannot index float64",
        ),
        (
            "isNaN(result)",
            floats(&[1.0]),
            1,
            "cannot use []float64 as argument (type float64) to call isNaN",
        ),
        (
            "result >= 0.95",
            floats(&[1.0]),
            8,
            "invalid operation: >= (mismatched types []float64 and float64)",
        ),
        (
            "\"a\" < 1",
            Value::Nil,
            5,
            "invalid operation: < (mismatched types string and int)",
        ),
        (
            "result[0] == 'x'",
            floats(&[1.0]),
            11,
            "invalid operation: == (mismatched types float64 and string)",
        ),
        (
            "result && true",
            Value::Float(1.0),
            8,
            "invalid operation: && (operand is float64, not bool)",
        ),
        ("1 % 0 == 0", Value::Nil, 3, "integer divide by zero"),
        (
            "all(result, # + 1)",
            floats(&[1.0]),
            13,
            "predicate should return boolean (got float64)",
        ),
        (
            "all(result, # > 1)",
            Value::Float(1.0),
            5,
            "builtin all takes only array (got float64)",
        ),
        (
            "len(result) > 0",
            Value::Float(1.0),
            1,
            "invalid argument for len (type float64)",
        ),
        (
            "result ? 1 : 2",
            Value::Float(1.0),
            1,
            "non-bool expression (type float64) used as condition",
        ),
        (
            "duration('1d') > duration('1h')",
            Value::Nil,
            1,
            "time: unknown unit \"d\" in duration \"1d\"",
        ),
        // Argo's default() returns all of `result`, not its first argument.
        (
            "default(result[0], 0) < 5",
            floats(&[3.0]),
            23,
            "invalid operation: < (mismatched types []float64 and int)",
        ),
    ];
    for (src, result, column, message) in cases {
        let err = check(src, result.clone()).unwrap_err();
        assert_eq!(
            (err.column, err.message.as_str()),
            (*column, *message),
            "{src}"
        );
        assert_eq!(err.line, 1);
    }
}

#[test]
fn parse_errors_name_the_place() {
    let cases: &[(&str, usize, &str)] = &[
        ("result[0] <> 1", 12, "unexpected token `>`"),
        (
            "let x = 1; x",
            1,
            "unsupported construct: `let` variable declarations",
        ),
        (
            "result | len",
            8,
            "unsupported construct: pipe operator `|`",
        ),
        ("foo(result)", 1, "unknown function foo"),
        (
            "lenn(result) > 0",
            1,
            "unknown function lenn (did you mean len?)",
        ),
        (
            "results[0] > 1",
            1,
            "unknown name results (did you mean result?)",
        ),
        ("x > 1", 1, "unknown name x"),
        ("result[0] >= ", 14, "unexpected end of expression"),
        (
            "(result[0] > 1",
            15,
            "unexpected end of expression (expected `)`)",
        ),
        ("", 1, "empty expression"),
        ("result = 1", 8, "unexpected token `=` (compare with `==`)"),
        ("{a: 1}", 1, "unsupported construct: map literal `{…}`"),
        (
            "result?.x",
            7,
            "unsupported construct: optional chaining `?.`",
        ),
        (
            "result.x > 1",
            7,
            "unsupported construct: member access `.name`",
        ),
        (
            "all(result, .x > 1)",
            13,
            "unsupported construct: member access `.name`",
        ),
        ("$env['result']", 1, "unsupported construct: `$env`"),
        (
            "if true { 1 } else { 2 }",
            1,
            "unsupported construct: `if … else` expressions",
        ),
        ("1; 2", 2, "unsupported construct: `;` expression sequences"),
        (
            "b'x' == 1",
            1,
            "unsupported construct: bytes literal `b\"...\"`",
        ),
        (
            "upper('a') == 'A'",
            1,
            "unsupported construct: function upper (an expr-lang builtin opsctl does not implement)",
        ),
        (
            "# > 1",
            1,
            "`#` can only be used inside a predicate, as in all(result, # < 1)",
        ),
        ("all(result, #acc > 1)", 13, "unknown pointer #acc"),
        (
            "reduce(result, #acc + #) > 1",
            1,
            "unsupported construct: function reduce (an expr-lang builtin opsctl does not implement)",
        ),
        ("all(result)", 1, "not enough arguments to call all"),
        ("len(result, 1)", 1, "too many arguments to call len"),
        ("now(1)", 1, "too many arguments to call now"),
        (
            "1 ?? 2 + 3",
            8,
            "operator + and coalesce expressions (??) cannot be mixed; wrap either in parentheses",
        ),
        (
            "'a' matches '('",
            5,
            "invalid regular expression \"(\": unclosed group",
        ),
        ("0x", 1, "invalid hex literal: 0x"),
        (
            "99999999999999999999 > 1",
            1,
            "invalid integer literal: 99999999999999999999",
        ),
        ("1e999 > 1", 1, "invalid float literal: 1e999"),
        ("12ab", 1, "bad number syntax: \"12a\""),
        ("'abc", 1, "literal not terminated"),
        ("1 /* x", 3, "unclosed comment"),
        ("result[0] not 1", 15, "unexpected token `1` after `not`"),
    ];
    for (src, column, message) in cases {
        let err = parse_error(src);
        assert_eq!(
            (err.column, err.message.as_str()),
            (*column, *message),
            "{src}"
        );
    }
}

#[test]
fn errors_on_later_lines_give_line_and_column() {
    let err = parse_error("result[0] >= 0.95 &&\n  foo(1)");
    assert_eq!((err.line, err.column), (2, 3));
    assert_eq!(err.to_string(), "line 2, column 3: unknown function foo");
    let err = parse_error("résult > 1");
    assert_eq!(
        err.to_string(),
        "column 1: unknown name résult (did you mean result?)"
    );
    let err = parse_error("'é' <> 1");
    assert_eq!(err.column, 6, "columns count characters, not bytes");
    let err = check("len(result) > 0 &&\n  result[5] > 1", floats(&[1.0])).unwrap_err();
    assert_eq!((err.line, err.column), (2, 9));
    let err = Expression::parse("\n  result[0]")
        .unwrap()
        .evaluate_bool(&env(floats(&[1.0])))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2, column 3: expected bool, but got float64"
    );
}

#[test]
fn expressions_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync + Clone + std::fmt::Debug>() {}
    shareable::<Expression>();
    shareable::<Env>();
    shareable::<ExprError>();
}

#[test]
fn literals_and_operators() {
    let cases: &[&str] = &[
        "0x1F == 31 && 0o17 == 15 && 0b101 == 5 && 1_000 == 1000",
        ".5 == 0.5 && 1e3 == 1000 && 2.5e-1 == 0.25 && 1. == 1",
        r#"'it\'s' == "it's" && "a\tb" == `a	b` && "\u00e9" == 'é' && `x``y` == "x`y""#,
        "true != false && nil == nil && !false && not false",
        "2 + 3 * 4 == 14 && (2 + 3) * 4 == 20 && 10 - 2 - 3 == 5",
        "-2 ** 2 == -4 && 2 ** 3 ** 2 == 512 && 2 ^ 10 == 1024",
        "7 / 2 == 3.5 && 7 % 3 == 1 && -7 % 3 == -1 && 1 / 0 > 1e308",
        "!true == false && !(1 > 2)",
        "1 < 2 < 3 && !(3 > 2 > 2) && 1 <= 1 >= 1",
        "'abc' contains 'b' && 'abc' startsWith 'a' && 'abc' endsWith 'c'",
        "'abc' matches '^a.c$' && !('abc' matches 'x') && 'a' + 'bc' matches 'b'",
        "'abc' not contains 'x' && 'abc' not startsWith 'b' && 'abc' not endsWith 'b'",
        "'abc' not matches '^b' && 3 not in [1, 2] && 2 in 1..3",
        "1..3 == [1, 2, 3] && len(3..1) == 0",
        "(true ? 1 : 2) == 1 && (false ? 1 : true ? 2 : 3) == 2",
        "(nil ?? 5) == 5 && (1 ?? 5) == 1",
        "[1, 2, 3][1:] == [2, 3] && [1, 2, 3][:2] == [1, 2] && [1, 2, 3][1:-1] == [2]",
        "[1, 2, 3][-1] == 3 && [1, 2, 3][5:] == [] && [1, 2, 3][:] == [1, 2, 3]",
        "'abc'[1:] == 'bc' && 'abc'[0] == 97",
        "[1, 'a', nil, [2]] == [1, 'a', nil, [2]] && [1, 2,] == [1, 2]",
        "1 == 1.0 && 1 < 1.5 && 'a' < 'b' && 'B' < 'a'",
        "// a comment\n 1 /* inline */ == 1",
        "9223372036854775807 + 1 == -9223372036854775807 - 1",
    ];
    for src in cases {
        assert_eq!(check(src, Value::Nil), Ok(true), "{src}");
    }
}

#[test]
fn builtins() {
    let cases: &[&str] = &[
        "len(result) == 4 && len('héllo') == 5 && len([]) == 0",
        "count(result, # > 1) == 3 && count([true, false, true]) == 2",
        "sum(result) == 10 && sum([]) == 0 && sum(result, # * 2) == 20 && sum([1, 2]) == 3",
        "mean(result) == 2.5 && median(result) == 2.5 && median([3, 1, 2]) == 2",
        "first(result) == 1 && last(result) == 4 && first([]) == nil && last([]) == nil",
        "min(result) == 1 && max(result) == 4 && max(1, 5, 3) == 5 && min(2, 0.5) == 0.5",
        "abs(-2) == 2 && ceil(1.2) == 2 && floor(1.8) == 1 && round(2.5) == 3",
        "int(2.9) == 2 && int('12') == 12 && float('0.5') == 0.5 && float(2) == 2",
        "string(0.5) == '0.5' && string(1000000.0) == '1e+06' && string(result) == '[1 2 3 4]'",
        "asInt('12') == 12 && asInt(2.9) == 2 && asFloat('0.25') == 0.25 && asFloat(2) == 2.0",
        "one(result, # == 2) && !one(result, # > 1) && none(result, # > 4) && none([], # > 0)",
        "filter(result, # > 2) == [3, 4] && map(result, # * 10) == [10, 20, 30, 40]",
        "find(result, # > 2) == 3 && findIndex(result, # > 2) == 2 && find(result, # > 9) == nil",
        "findLast(result, # < 3) == 2 && findLastIndex(result, # < 3) == 1 && findIndex(result, # > 9) == -1",
        "map(result, #index) == [0, 1, 2, 3] && all(result, # == result[#index])",
        "all(result, any([1, 2], # == 1)) && any(result, # == 4 && all([5, 6], # > 4))",
        "all(map(result, [#]), len(#) == 1) && count(result, { # > 1 && # < 4 }) == 2",
        "isNaN(0) == false && isInf(1) == false && !isNil(result)",
        "default(nil, 1) == result && duration('1h30m') == duration('90m')",
        "now() > now() - duration('5m') && now() - (now() - duration('5m')) == duration('5m')",
        "duration('5m') * 2 == duration('10m') && duration('1s') < duration('2s')",
    ];
    for src in cases {
        assert_eq!(check(src, floats(&[1.0, 2.0, 3.0, 4.0])), Ok(true), "{src}");
    }
}

#[test]
fn values_and_times() {
    let e = env(floats(&[0.5]));
    let value = |src: &str| eval(src, floats(&[0.5])).unwrap();
    assert_eq!(value("result"), floats(&[0.5]));
    assert_eq!(value("result[0] * 2"), Value::Float(1.0));
    assert_eq!(value("1 + 2"), Value::Int(3));
    assert_eq!(value("duration('5m')"), Value::Duration(300.0));
    assert_eq!(value("now()").to_string(), "2024-05-01T12:00:00Z");
    let start = Expression::parse("now() - duration(\"5m\")").unwrap();
    assert_eq!(start.evaluate_time(&e), Ok(NOW - 300.0));
    assert_eq!(start.source(), "now() - duration(\"5m\")");
    assert_eq!(
        Expression::parse("now()").unwrap().evaluate_time(&e),
        Ok(NOW)
    );
    let err = Expression::parse("  result[0]")
        .unwrap()
        .evaluate_bool(&e)
        .unwrap_err();
    assert_eq!(
        (err.column, err.message.as_str()),
        (3, "expected bool, but got float64")
    );
    let err = Expression::parse("result")
        .unwrap()
        .evaluate_time(&e)
        .unwrap_err();
    assert_eq!(err.message, "expected time.Time, but got []float64");
}

#[test]
fn limits_are_errors_not_crashes() {
    let deep = format!("{}1{}", "(".repeat(500), ")".repeat(500));
    assert!(parse_error(&deep).message.contains("nested too deeply"));
    let long = format!("1{}", " + 1".repeat(500));
    assert!(parse_error(&long).message.contains("nested too deeply"));
    let nots = format!("{}true", "!".repeat(500));
    assert!(parse_error(&nots).message.contains("nested too deeply"));
    let many = format!("[{}]", "1, ".repeat(20_000));
    assert!(parse_error(&many).message.contains("maximum allowed nodes"));
    let err = check("len(map(1..100000, 1..100000)) > 0", Value::Nil).unwrap_err();
    assert!(err.message.contains("step limit"), "{err}");
    let err = check("len(0..10000000) > 0", Value::Nil).unwrap_err();
    assert!(err.message.contains("too large"), "{err}");
    // A long result is fine: the budget grows with it, and `result` is
    // borrowed, not copied, where it is read.
    let big = Value::List(vec![Value::Float(1.0); 20_000]);
    assert_eq!(
        check(
            "all(result, # < result[0] + 1 && len(result) > 0)",
            big.clone()
        ),
        Ok(true)
    );
    // Work that grows with the square of the result is cut off.
    for src in [
        "len(map(1..1000, result)) > 0",
        "all(result, result == result)",
        "all(result, # in result)",
        "all(result, # <= max(result))",
    ] {
        let err = check(src, big.clone()).unwrap_err();
        assert!(err.message.contains("step limit"), "{src}: {err}");
    }
}

/// The deepest expressions accepted evaluate within a test thread's 2 MiB
/// stack, unoptimized.
#[test]
fn deepest_accepted_expressions_fit_a_small_stack() {
    let nest = |open: &str, inner: &str, close: &str, n: usize| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    let cases = [
        nest("abs(", "1", ")", 99),
        nest("(", "1", ")", 99),
        nest("all(result, ", "# > 0", ")", 98),
        nest("[", "1", "]", 99),
        nest("-(", "1", ")", 49),
        format!("1{}", " + 1".repeat(199)),
        format!("result{}", "[0]".repeat(199)),
        format!("{}1", "true ? 1 : ".repeat(99)),
    ];
    for src in &cases {
        let expr = Expression::parse(src).unwrap_or_else(|e| panic!("{e}: {src}"));
        let _ = expr.evaluate(&env(floats(&[1.0])));
    }
    for src in [
        nest("abs(", "1", ")", 101),
        format!("1{}", " + 1".repeat(200)),
    ] {
        assert!(parse_error(&src).message.contains("nested too deeply"));
    }
}
