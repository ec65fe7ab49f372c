//! Answering a template's variables: `--set`, an answers file, questions at
//! the terminal, defaults; each answer checked against its variable.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::ScaffoldError;
use super::manifest::{Format, Manifest, VarType, Variable};
use crate::diagnostic;

/// Asks questions; implemented by the command line with real prompts.
pub trait Asker {
    /// Whether questions can be asked at all.
    fn interactive(&self) -> bool;
    /// Asks for `variable`, offering `default`; the answer must pass
    /// [`parse_answer`] (the asker re-asks until it does).
    fn ask(&mut self, variable: &Variable, default: Option<&Value>)
    -> Result<Value, ScaffoldError>;
}

/// The answers, in the template's order.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    /// Name → answer.
    pub values: Map<String, Value>,
}

impl Answers {
    /// The answers that may be written down (secret variables left out).
    pub fn recordable(&self, manifest: &Manifest) -> Map<String, Value> {
        self.values
            .iter()
            .filter(|(name, _)| {
                manifest
                    .variables
                    .iter()
                    .any(|v| &v.name == *name && !v.secret)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Everything that may answer a variable, highest precedence first.
pub struct Inputs<'a> {
    /// `--set NAME=VALUE`, as given.
    pub set: &'a [String],
    /// An answers file: its path and text.
    pub answers_file: Option<(&'a Path, &'a str)>,
    /// Take defaults without asking (`--defaults`).
    pub use_defaults: bool,
}

/// Answers every variable of `manifest`.
pub fn resolve(
    manifest: &Manifest,
    inputs: &Inputs<'_>,
    asker: &mut dyn Asker,
) -> Result<Answers, ScaffoldError> {
    let known: Vec<String> = manifest.variables.iter().map(|v| v.name.clone()).collect();
    let unknown = |flag: String, name: &str| ScaffoldError::UnknownVariable {
        flag,
        name: name.to_owned(),
        closest: diagnostic::closest(name, known.iter().map(String::as_str)).map(str::to_owned),
        known: known.clone(),
    };
    let mut given: HashMap<String, (String, String)> = HashMap::new();
    for arg in inputs.set {
        let Some((name, value)) = arg.split_once('=') else {
            return Err(ScaffoldError::InvalidAnswer {
                source_name: format!("--set {arg}"),
                name: arg.clone(),
                message: "expected NAME=VALUE".into(),
            });
        };
        let name = name.trim();
        if !known.iter().any(|k| k == name) {
            // The value is not repeated: it may be a secret under a mistyped name.
            return Err(unknown(format!("--set {name}=…"), name));
        }
        let secret = manifest
            .variables
            .iter()
            .any(|v| v.name == name && v.secret);
        let source_name = if secret {
            format!("--set {name}=…")
        } else {
            format!("--set {arg}")
        };
        given.insert(name.to_owned(), (source_name, value.to_owned()));
    }
    let from_file = match inputs.answers_file {
        Some((path, text)) => read_answers_file(path, text)?,
        None => Map::new(),
    };
    if let Some((path, _)) = inputs.answers_file {
        for name in from_file.keys() {
            if !known.iter().any(|k| k == name) {
                return Err(unknown(format!("answers file {}", path.display()), name));
            }
        }
    }

    let mut answers = Answers::default();
    for variable in &manifest.variables {
        let value = if let Some((source, text)) = given.get(&variable.name) {
            parse_answer(variable, text).map_err(|message| ScaffoldError::InvalidAnswer {
                source_name: source.clone(),
                name: variable.name.clone(),
                message,
            })?
        } else if let Some(value) = from_file.get(&variable.name) {
            let source = format!(
                "answers file {}",
                inputs
                    .answers_file
                    .map(|(p, _)| p.display().to_string())
                    .unwrap_or_default()
            );
            check_value(variable, value.clone()).map_err(|message| {
                ScaffoldError::InvalidAnswer {
                    source_name: source,
                    name: variable.name.clone(),
                    message,
                }
            })?
        } else {
            let default = default_value(variable, &answers)?;
            let asked = match &variable.when {
                Some(expr) => eval_condition(
                    expr,
                    &format!("variables.{}.when", variable.name),
                    &answers.values,
                )?,
                None => true,
            };
            if !asked {
                default.unwrap_or_else(|| zero_value(variable))
            } else if asker.interactive() && !inputs.use_defaults {
                asker.ask(variable, default.as_ref())?
            } else {
                match default {
                    Some(v) => v,
                    None => {
                        return Err(ScaffoldError::MissingAnswer {
                            name: variable.name.clone(),
                            question: variable.question().to_owned(),
                            why: if inputs.use_defaults {
                                "--defaults asks nothing"
                            } else {
                                "there is no terminal to ask on"
                            },
                        });
                    }
                }
            }
        };
        answers.values.insert(variable.name.clone(), value);
    }
    Ok(answers)
}

/// The `[answers]` table of an `.opsctl/answers.toml`, or a plain table of
/// answers.
fn read_answers_file(path: &Path, text: &str) -> Result<Map<String, Value>, ScaffoldError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let (line, column) = diagnostic::line_col(text, e.span().map_or(0, |s| s.start));
        ScaffoldError::AnswersFile {
            path: path.to_owned(),
            message: format!("line {line}, column {column}: {}", e.message()),
        }
    })?;
    let table = match table.get("answers") {
        Some(toml::Value::Table(t)) if table.contains_key("template") => t.clone(),
        _ => table,
    };
    let json = serde_json::to_value(table).map_err(|e| ScaffoldError::AnswersFile {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    match json {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// Reads an answer typed at a prompt or given with `--set`.
pub fn parse_answer(variable: &Variable, text: &str) -> Result<Value, String> {
    let text = text.trim();
    let value = match variable.kind {
        VarType::String | VarType::Choice => Value::String(text.to_owned()),
        VarType::Int | VarType::Port => Value::from(
            text.parse::<i64>()
                .map_err(|_| format!("{text:?} is not a whole number"))?,
        ),
        VarType::Bool => Value::Bool(match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "on" => true,
            "false" | "no" | "n" | "0" | "off" => false,
            _ => return Err(format!("{text:?} is not true or false")),
        }),
        VarType::List => Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ),
    };
    check_value(variable, value)
}

/// Checks (and where harmless, converts) an answer of any origin. The
/// message of a refused secret answer does not repeat it.
pub fn check_value(variable: &Variable, value: Value) -> Result<Value, String> {
    let checked = check_value_shown(variable, value);
    if variable.secret {
        return checked.map_err(|_| {
            let rule = match (&variable.format, &variable.pattern) {
                (_, Some(pattern)) => format!(" (it must match {pattern:?})"),
                (Some(format), None) => format!(" (it must be a {format:?})"),
                (None, None) => String::new(),
            };
            format!("the secret value given does not fit{rule}; it is not shown")
        });
    }
    checked
}

fn check_value_shown(variable: &Variable, value: Value) -> Result<Value, String> {
    match (variable.kind, value) {
        (VarType::String, Value::String(s)) => {
            if let Some(format) = variable.format {
                check_format(format, &s)?;
            }
            if let Some(pattern) = &variable.pattern {
                let re =
                    regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| e.to_string())?;
                if !re.is_match(&s) {
                    return Err(format!("{s:?} does not match {pattern:?}"));
                }
            }
            Ok(Value::String(s))
        }
        (VarType::Choice, Value::String(s)) => {
            if variable.choices.contains(&s) {
                Ok(Value::String(s))
            } else {
                let mut message = format!("{s:?} is not one of {}", variable.choices.join(", "));
                if let Some(c) =
                    diagnostic::closest(&s, variable.choices.iter().map(String::as_str))
                {
                    message.push_str(&format!("; did you mean {c:?}?"));
                }
                Err(message)
            }
        }
        (VarType::Int, Value::Number(n)) if n.is_i64() => {
            let i = n.as_i64().unwrap_or_default();
            if variable.min.is_some_and(|m| i < m) || variable.max.is_some_and(|m| i > m) {
                return Err(format!(
                    "{i} is outside {}..={}",
                    variable.min.map_or("".into(), |m| m.to_string()),
                    variable.max.map_or("".into(), |m| m.to_string())
                ));
            }
            Ok(Value::Number(n))
        }
        (VarType::Port, Value::Number(n))
            if n.as_i64().is_some_and(|p| (1..=65535).contains(&p)) =>
        {
            Ok(Value::Number(n))
        }
        (VarType::Port, Value::Number(n)) => Err(format!("{n} is not a port (1 to 65535)")),
        (VarType::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
        (VarType::List, Value::Array(items)) if items.iter().all(Value::is_string) => {
            Ok(Value::Array(items))
        }
        (VarType::List, Value::String(s)) => parse_answer(variable, &s),
        (kind, other) => Err(format!("{other} is not a {}", kind.as_str())),
    }
}

fn check_format(format: Format, s: &str) -> Result<(), String> {
    fn label(l: &str) -> bool {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    }
    match format {
        Format::DnsLabel if label(s) => Ok(()),
        Format::DnsLabel => Err(format!(
            "{s:?} is not a DNS-1123 label: lower-case letters, digits and '-', \
             starting and ending with a letter or digit, at most 63 characters"
        )),
        Format::DnsSubdomain if s.len() <= 253 && s.split('.').all(label) => Ok(()),
        Format::DnsSubdomain => Err(format!(
            "{s:?} is not a DNS-1123 subdomain: dot-separated labels of lower-case letters, \
             digits and '-', at most 253 characters"
        )),
        Format::Url => {
            let ok = ["https://", "http://", "ssh://", "git://"].iter().any(|p| {
                s.strip_prefix(p)
                    .is_some_and(|rest| !rest.is_empty() && !rest.contains(' '))
            });
            if ok {
                Ok(())
            } else {
                Err(format!("{s:?} is not an http(s), ssh or git URL"))
            }
        }
        Format::Email => match s.split_once('@') {
            Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !s.contains(' ') =>
            {
                Ok(())
            }
            _ => Err(format!("{s:?} is not an email address")),
        },
    }
}

/// A variable's default, its strings rendered over the earlier answers.
fn default_value(variable: &Variable, answers: &Answers) -> Result<Option<Value>, ScaffoldError> {
    let Some(default) = &variable.default else {
        return Ok(None);
    };
    let json = serde_json::to_value(default).unwrap_or(Value::Null);
    let name = format!("variables.{}.default", variable.name);
    let rendered = match json {
        Value::String(s) => Value::String(render_snippet(&name, &s, &answers.values)?),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| match item {
                    Value::String(s) => {
                        render_snippet(&name, &s, &answers.values).map(Value::String)
                    }
                    other => Ok(other),
                })
                .collect::<Result<_, _>>()?,
        ),
        other => other,
    };
    check_value(variable, rendered)
        .map(Some)
        .map_err(|message| ScaffoldError::InvalidAnswer {
            source_name: format!("the template's default ({name})"),
            name: variable.name.clone(),
            message,
        })
}

/// The value a skipped variable without a default takes.
fn zero_value(variable: &Variable) -> Value {
    match variable.kind {
        VarType::String => Value::String(String::new()),
        VarType::Choice => Value::String(variable.choices.first().cloned().unwrap_or_default()),
        VarType::Int | VarType::Port => Value::from(0),
        VarType::Bool => Value::Bool(false),
        VarType::List => Value::Array(Vec::new()),
    }
}

/// Renders a template snippet from the manifest against `context`.
pub(super) fn render_snippet(
    name: &str,
    text: &str,
    context: &Map<String, Value>,
) -> Result<String, ScaffoldError> {
    if !text.contains("{{") && !text.contains("{%") {
        return Ok(text.to_owned());
    }
    let source_name = format!("opsctl-template.toml: {name}");
    let engine = crate::template::Engine::load(
        vec![crate::template::Source {
            name: source_name.clone(),
            text: text.to_owned(),
            output: true,
        }],
        "",
    )?;
    let ctx = tera::Context::from_serialize(context).unwrap_or_default();
    Ok(engine.render(&source_name, &ctx)?)
}

/// Evaluates a `when` expression.
pub(super) fn eval_condition(
    expr: &str,
    name: &str,
    context: &Map<String, Value>,
) -> Result<bool, ScaffoldError> {
    let text = format!("{{% if {expr} %}}true{{% endif %}}");
    Ok(render_snippet(name, &text, context)? == "true")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::manifest::parse;

    struct NoOne;
    impl Asker for NoOne {
        fn interactive(&self) -> bool {
            false
        }
        fn ask(&mut self, v: &Variable, _: Option<&Value>) -> Result<Value, ScaffoldError> {
            panic!("asked {}", v.name)
        }
    }

    struct Scripted(Vec<&'static str>);
    impl Asker for Scripted {
        fn interactive(&self) -> bool {
            true
        }
        fn ask(&mut self, v: &Variable, default: Option<&Value>) -> Result<Value, ScaffoldError> {
            let text = self.0.remove(0);
            if text.is_empty() {
                return Ok(default.cloned().unwrap());
            }
            Ok(parse_answer(v, text).unwrap())
        }
    }

    const MANIFEST: &str = r#"
[template]
name = "t"

[[variables]]
name = "name"
format = "dns-label"

[[variables]]
name = "image"
default = "ghcr.io/acme/{{ name }}"

[[variables]]
name = "rollouts"
type = "bool"
default = true

[[variables]]
name = "steps"
type = "int"
default = 3
min = 1
max = 10
when = "rollouts"

[[variables]]
name = "port"
type = "port"
default = 8080

[[variables]]
name = "stack"
type = "choice"
choices = ["rust", "go"]
default = "rust"

[[variables]]
name = "keys"
type = "list"
default = []
"#;

    fn run(set: &[&str], asker: &mut dyn Asker) -> Result<Answers, ScaffoldError> {
        let m = parse("t", MANIFEST).unwrap();
        let set: Vec<String> = set.iter().map(|s| (*s).to_owned()).collect();
        resolve(
            &m,
            &Inputs {
                set: &set,
                answers_file: None,
                use_defaults: false,
            },
            asker,
        )
    }

    #[test]
    fn set_values_and_rendered_defaults() {
        let a = run(
            &["name=shop", "rollouts=false", "keys=age1a, age1b"],
            &mut NoOne,
        )
        .unwrap();
        assert_eq!(a.values["image"], "ghcr.io/acme/shop");
        assert_eq!(a.values["rollouts"], false);
        // `steps` is not asked (when = rollouts) and takes its default.
        assert_eq!(a.values["steps"], 3);
        assert_eq!(a.values["port"], 8080);
        assert_eq!(a.values["keys"], serde_json::json!(["age1a", "age1b"]));
    }

    #[test]
    fn a_missing_required_value_names_the_variable() {
        let err = run(&[], &mut NoOne).unwrap_err();
        assert!(matches!(&err, ScaffoldError::MissingAnswer { name, .. } if name == "name"));
        assert_eq!(
            err.hint().unwrap(),
            "pass --set name=VALUE (or put it in --answers FILE)"
        );
    }

    #[test]
    fn bad_answers_are_refused_with_the_reason() {
        for (set, needle) in [
            ("name=Shop_1", "not a DNS-1123 label"),
            ("port=70000", "not a port"),
            ("port=http", "not a whole number"),
            ("stack=rustt", "did you mean \"rust\"?"),
            ("steps=11", "outside 1..=10"),
            ("rollouts=maybe", "not true or false"),
        ] {
            let err = run(&["name=ok", set], &mut NoOne).unwrap_err().to_string();
            assert!(err.contains(needle), "{set}: {err}");
        }
        let err = run(&["name=ok", "stak=go"], &mut NoOne).unwrap_err();
        assert!(
            err.to_string()
                .contains("no variable `stak`; did you mean `stack`?"),
            "{err}"
        );
    }

    #[test]
    fn questions_are_asked_in_order_with_defaults_offered() {
        // name, image (default), rollouts, steps, port, stack, keys
        let mut asker = Scripted(vec!["shop", "", "yes", "5", "", "go", ""]);
        let a = run(&[], &mut asker).unwrap();
        assert_eq!(a.values["image"], "ghcr.io/acme/shop");
        assert_eq!(a.values["steps"], 5);
        assert_eq!(a.values["stack"], "go");
        assert!(asker.0.is_empty());
    }

    #[test]
    fn an_answers_file_answers_and_set_wins() {
        let m = parse("t", MANIFEST).unwrap();
        let text = "[template]\nsource = \"x\"\n[answers]\nname = \"from-file\"\nport = 9000\n";
        let set = vec!["port=9100".to_owned()];
        let a = resolve(
            &m,
            &Inputs {
                set: &set,
                answers_file: Some((Path::new("a.toml"), text)),
                use_defaults: true,
            },
            &mut NoOne,
        )
        .unwrap();
        assert_eq!(a.values["name"], "from-file");
        assert_eq!(a.values["port"], 9100);
    }
}
