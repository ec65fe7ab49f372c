//! The names a condition may call and how their arguments are parsed:
//! expr-lang's builtins that matter for metrics, Argo's helpers, and the
//! expr-lang builtins opsctl leaves out (refused by name).

/// A function a condition can call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    All,
    Any,
    None,
    One,
    Filter,
    Map,
    Count,
    Sum,
    Find,
    FindIndex,
    FindLast,
    FindLastIndex,
    Len,
    Mean,
    Median,
    First,
    Last,
    Min,
    Max,
    Abs,
    Ceil,
    Floor,
    Round,
    Int,
    Float,
    String,
    IsNaN,
    IsInf,
    IsNil,
    Default,
    AsInt,
    AsFloat,
    Now,
    Duration,
}

/// How a function's arguments are parsed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Args {
    /// Plain expressions, between `min` and `max` of them (`None`: any number).
    Plain(usize, Option<usize>),
    /// A list and a predicate, which `count` and `sum` may leave out.
    Predicate { optional: bool },
}

/// What the parser knows about a function name.
pub(crate) enum Lookup {
    /// A function this module evaluates.
    Known(Builtin, Args),
    /// An expr-lang builtin that opsctl does not implement.
    Unsupported,
    /// No such function.
    Unknown,
}

const PRED: Args = Args::Predicate { optional: false };

const TABLE: &[(&str, Builtin, Args)] = &[
    ("all", Builtin::All, PRED),
    ("any", Builtin::Any, PRED),
    ("none", Builtin::None, PRED),
    ("one", Builtin::One, PRED),
    ("filter", Builtin::Filter, PRED),
    ("map", Builtin::Map, PRED),
    ("find", Builtin::Find, PRED),
    ("findIndex", Builtin::FindIndex, PRED),
    ("findLast", Builtin::FindLast, PRED),
    ("findLastIndex", Builtin::FindLastIndex, PRED),
    ("count", Builtin::Count, Args::Predicate { optional: true }),
    ("sum", Builtin::Sum, Args::Predicate { optional: true }),
    ("len", Builtin::Len, Args::Plain(1, Some(1))),
    ("mean", Builtin::Mean, Args::Plain(1, None)),
    ("median", Builtin::Median, Args::Plain(1, None)),
    ("first", Builtin::First, Args::Plain(1, Some(1))),
    ("last", Builtin::Last, Args::Plain(1, Some(1))),
    ("min", Builtin::Min, Args::Plain(1, None)),
    ("max", Builtin::Max, Args::Plain(1, None)),
    ("abs", Builtin::Abs, Args::Plain(1, Some(1))),
    ("ceil", Builtin::Ceil, Args::Plain(1, Some(1))),
    ("floor", Builtin::Floor, Args::Plain(1, Some(1))),
    ("round", Builtin::Round, Args::Plain(1, Some(1))),
    ("int", Builtin::Int, Args::Plain(1, Some(1))),
    ("float", Builtin::Float, Args::Plain(1, Some(1))),
    ("string", Builtin::String, Args::Plain(1, Some(1))),
    ("isNaN", Builtin::IsNaN, Args::Plain(1, Some(1))),
    ("isInf", Builtin::IsInf, Args::Plain(1, Some(1))),
    ("isNil", Builtin::IsNil, Args::Plain(1, Some(1))),
    ("default", Builtin::Default, Args::Plain(2, Some(2))),
    ("asInt", Builtin::AsInt, Args::Plain(1, Some(1))),
    ("asFloat", Builtin::AsFloat, Args::Plain(1, Some(1))),
    ("now", Builtin::Now, Args::Plain(0, Some(0))),
    ("duration", Builtin::Duration, Args::Plain(1, Some(1))),
];

/// expr-lang builtins left out: strings, dates, maps, JSON, bits, sorting.
const UNSUPPORTED: &[&str] = &[
    "type",
    "trim",
    "trimPrefix",
    "trimSuffix",
    "upper",
    "lower",
    "split",
    "splitAfter",
    "replace",
    "repeat",
    "indexOf",
    "lastIndexOf",
    "hasPrefix",
    "hasSuffix",
    "date",
    "timezone",
    "toJSON",
    "fromJSON",
    "toBase64",
    "fromBase64",
    "toPairs",
    "fromPairs",
    "keys",
    "values",
    "get",
    "reduce",
    "take",
    "reverse",
    "sort",
    "sortBy",
    "groupBy",
    "concat",
    "flatten",
    "uniq",
    "join",
    "bitand",
    "bitor",
    "bitxor",
    "bitnand",
    "bitnot",
    "bitshl",
    "bitshr",
    "bitushr",
];

/// Finds a function by name.
pub(crate) fn lookup(name: &str) -> Lookup {
    if let Some((_, builtin, args)) = TABLE.iter().find(|(n, _, _)| *n == name) {
        Lookup::Known(*builtin, *args)
    } else if UNSUPPORTED.contains(&name) {
        Lookup::Unsupported
    } else {
        Lookup::Unknown
    }
}

/// The name a builtin is called by.
pub(crate) fn canonical_name(builtin: Builtin) -> &'static str {
    TABLE
        .iter()
        .find(|(_, b, _)| *b == builtin)
        .map_or("?", |(n, _, _)| n)
}

/// The function name closest to `name`, if it is a likely typo.
pub(crate) fn suggest_function(name: &str) -> Option<&'static str> {
    closest(name, TABLE.iter().map(|(n, _, _)| *n))
}

/// The candidate most like `word`: at most two edits away (one for words
/// of four letters or fewer), ignoring case.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = if word.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest_function("lenn"), Some("len"));
        assert_eq!(suggest_function("isnan"), Some("isNaN"));
        assert_eq!(suggest_function("zzzzzz"), None);
        assert_eq!(closest("results", ["result"].into_iter()), Some("result"));
    }
}
