//! `--set`, `--set-string` and `--set-file`: Helm's `key.path[0]=value`
//! syntax, parsed into (path, value) assignments.
//!
//! Syntax, as Helm's `strvals`: `a.b=v` nests, `list[0].x=v` indexes (a list
//! grows with nulls), `a=v,b=w` sets two keys (`\,` is a literal comma),
//! `a={x,y}` is a list, `a=[]` an empty list, `a=null` deletes, and `\.`
//! keeps a dot inside a key (`nodeSelector.kubernetes\.io/os=linux`).
//! Typed `--set` reads `true`/`false`, `null` and integers (without leading
//! zeros); everything else, floats included, stays a string, as in Helm.

use serde_json::Value;

/// One step of a `--set` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// How the text after `=` becomes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    /// `--set`: bools, null and integers are typed.
    Typed,
    /// `--set-string`: always strings.
    String,
}

/// A parsed assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Where the value goes.
    pub path: Vec<Step>,
    /// The value (`Value::Null` deletes the key).
    pub value: Value,
}

/// Splits one `--set` argument into its assignments.
pub fn parse(arg: &str, kind: SetKind) -> Result<Vec<Assignment>, String> {
    split_unescaped(arg, ',', true)
        .into_iter()
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (key, value) = split_key_value(&part)?;
            let path = parse_path(&key)?;
            Ok(Assignment {
                path,
                value: parse_value(&value, kind)?,
            })
        })
        .collect()
}

/// Parses a `--set-file KEY=PATH` argument into its path and the file name.
pub fn parse_file_arg(arg: &str) -> Result<(Vec<Step>, String), String> {
    let (key, file) = split_key_value(arg)?;
    if file.is_empty() {
        return Err("no file after `=`".to_owned());
    }
    Ok((parse_path(&key)?, file))
}

fn split_key_value(part: &str) -> Result<(String, String), String> {
    let mut escaped = false;
    for (i, c) in part.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '=' if !escaped => return Ok((part[..i].to_owned(), part[i + 1..].to_owned())),
            _ => escaped = false,
        }
    }
    Err(format!("`{part}` has no `=`: write key=value"))
}

/// Splits on `sep` where it is not escaped (nor, with `braces`, inside
/// `{…}`), keeping escapes of other characters for the next stage.
fn split_unescaped(text: &str, sep: char, braces: bool) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut escaped = false;
    let mut depth = 0usize;
    for c in text.chars() {
        let current = parts.last_mut().expect("never empty");
        if escaped {
            if c != sep {
                current.push('\\');
            }
            current.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '{' if braces => {
                depth += 1;
                current.push(c);
            }
            '}' if braces && depth > 0 => {
                depth -= 1;
                current.push(c);
            }
            c if c == sep && depth == 0 => parts.push(String::new()),
            c => current.push(c),
        }
    }
    if escaped {
        parts.last_mut().expect("never empty").push('\\');
    }
    parts
}

/// `a.b[0].c` into steps; `\.` keeps a dot in a key.
pub fn parse_path(key: &str) -> Result<Vec<Step>, String> {
    let bad = |why: &str| Err(format!("bad key `{key}`: {why}"));
    if key.is_empty() {
        return bad("it is empty");
    }
    let mut steps = Vec::new();
    let mut current = String::new();
    let mut chars = key.chars().peekable();
    // Whether the previous step ended with `]`, so `.` or `[` must follow.
    let mut after_index = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next) => current.push(next),
                None => return bad("it ends with `\\`"),
            },
            '.' => {
                if current.is_empty() && !after_index {
                    return bad("an empty name between dots");
                }
                if !current.is_empty() {
                    steps.push(Step::Key(std::mem::take(&mut current)));
                }
                after_index = false;
                if chars.peek().is_none() {
                    return bad("it ends with `.`");
                }
            }
            '[' => {
                if !current.is_empty() {
                    steps.push(Step::Key(std::mem::take(&mut current)));
                } else if steps.is_empty() {
                    return bad("an index needs a list name before it");
                }
                let mut digits = String::new();
                loop {
                    match chars.next() {
                        Some(']') => break,
                        Some(d) => digits.push(d),
                        None => return bad("`[` without `]`"),
                    }
                }
                match digits.parse::<usize>() {
                    Ok(i) if i <= MAX_INDEX => steps.push(Step::Index(i)),
                    Ok(_) => return bad(&format!("index {digits} is over {MAX_INDEX}")),
                    Err(_) => return bad(&format!("`[{digits}]` is not a list index")),
                }
                after_index = true;
            }
            c => {
                if after_index {
                    return bad("write `.` or `[` after `]`");
                }
                current.push(c);
            }
        }
    }
    if !current.is_empty() {
        steps.push(Step::Key(current));
    }
    Ok(steps)
}

/// The largest list index `--set` accepts (Helm's limit too).
const MAX_INDEX: usize = 65_536;

fn parse_value(text: &str, kind: SetKind) -> Result<Value, String> {
    if text == "[]" {
        return Ok(Value::Array(Vec::new()));
    }
    if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let items = split_unescaped(inner, ',', false);
        return Ok(Value::Array(
            items
                .iter()
                .filter(|s| !s.is_empty() || items.len() > 1)
                .map(|s| scalar(&unescape(s), kind))
                .collect(),
        ));
    }
    Ok(scalar(&unescape(text), kind))
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(next) = chars.next()
        {
            out.push(next);
            continue;
        }
        out.push(c);
    }
    out
}

fn scalar(text: &str, kind: SetKind) -> Value {
    if kind == SetKind::String {
        return Value::String(text.to_owned());
    }
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ => match text.parse::<i64>() {
            // Only integers that print back the same: `007` and `+1` stay text.
            Ok(i) if i.to_string() == text => Value::from(i),
            _ => Value::String(text.to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(arg: &str) -> (Vec<Step>, Value) {
        let mut all = parse(arg, SetKind::Typed).unwrap();
        assert_eq!(all.len(), 1, "{arg}");
        let a = all.remove(0);
        (a.path, a.value)
    }

    fn key(k: &str) -> Step {
        Step::Key(k.to_owned())
    }

    #[test]
    fn paths_nest_and_index() {
        let (path, value) = one("a.b[0].c=v");
        assert_eq!(path, vec![key("a"), key("b"), Step::Index(0), key("c")]);
        assert_eq!(value, json!("v"));
        let (path, _) = one(r"nodeSelector.kubernetes\.io/os=linux");
        assert_eq!(path, vec![key("nodeSelector"), key("kubernetes.io/os")]);
        let (path, _) = one("m[1][2]=x");
        assert_eq!(path, vec![key("m"), Step::Index(1), Step::Index(2)]);
    }

    #[test]
    fn values_are_typed_like_helm() {
        assert_eq!(one("a=1").1, json!(1));
        assert_eq!(one("a=007").1, json!("007"));
        assert_eq!(one("a=1.5").1, json!("1.5"));
        assert_eq!(one("a=true").1, json!(true));
        assert_eq!(one("a=null").1, Value::Null);
        assert_eq!(one("a=").1, json!(""));
        assert_eq!(one("a={x,2}").1, json!(["x", 2]));
        assert_eq!(one("a=[]").1, json!([]));
        assert_eq!(one(r"a=x\,y").1, json!("x,y"));
        assert_eq!(one("a=b=c").1, json!("b=c"));
        let strings = parse("a=1,b={2,true}", SetKind::String).unwrap();
        assert_eq!(strings[0].value, json!("1"));
        assert_eq!(strings[1].value, json!(["2", "true"]));
    }

    #[test]
    fn commas_split_assignments() {
        let all = parse("a=1,b.c=2", SetKind::Typed).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].path, vec![key("b"), key("c")]);
    }

    proptest::proptest! {
        #[test]
        fn any_argument_parses_or_errors(arg in "\\PC{0,40}") {
            let _ = parse(&arg, SetKind::Typed);
            let _ = parse(&arg, SetKind::String);
            let _ = parse_file_arg(&arg);
        }

        #[test]
        fn escaped_keys_come_back_whole(
            keys in proptest::collection::vec("[a-z][a-z0-9.,/=-]{0,6}", 1..4),
            index in proptest::option::of(0usize..5),
            value in "[a-zA-Z0-9 ]{0,8}",
        ) {
            let escape = |k: &str| k.replace('.', "\\.").replace(',', "\\,").replace('=', "\\=");
            let mut arg = keys.iter().map(|k| escape(k)).collect::<Vec<_>>().join(".");
            if let Some(i) = index {
                arg.push_str(&format!("[{i}]"));
            }
            arg.push('=');
            arg.push_str(&value);
            let parsed = parse(&arg, SetKind::String).unwrap();
            proptest::prop_assert_eq!(parsed.len(), 1);
            let mut expected: Vec<Step> = keys.iter().map(|k| Step::Key(k.clone())).collect();
            if let Some(i) = index {
                expected.push(Step::Index(i));
            }
            proptest::prop_assert_eq!(&parsed[0].path, &expected);
            proptest::prop_assert_eq!(&parsed[0].value, &Value::String(value));
        }
    }

    #[test]
    fn bad_paths_say_what_is_wrong() {
        for (arg, needle) in [
            ("a..b=1", "empty name"),
            ("a[x]=1", "not a list index"),
            ("a[1=1", "without `]`"),
            ("[0]=1", "list name"),
            ("a[0]b=1", "after `]`"),
            ("novalue", "has no `=`"),
            ("=1", "empty"),
            ("a.=1", "ends with `.`"),
            ("a[99999999]=1", "is over"),
        ] {
            let err = parse(arg, SetKind::Typed).unwrap_err();
            assert!(err.contains(needle), "{arg}: {err}");
        }
    }
}
