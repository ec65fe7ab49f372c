//! The Helm/Sprig functions chart authors use every day, as Tera 2 filters
//! and functions (keyword arguments only, as Tera requires).

use std::cell::Cell;
use std::sync::{Arc, OnceLock, Weak};

use base64::Engine as _;
use sha2::Digest as _;
use tera::{Context, Error, Kwargs, State, Tera, TeraResult, Value};

use crate::document::{self, yaml};

/// How deep `include` and `tpl` may nest. Helm allows 1000, but each level
/// costs Tera's interpreter a deep stack; real charts nest a few levels, and
/// a partial that includes itself is caught before the stack runs out.
const MAX_DEPTH: usize = 16;

/// The names of the context variables `tpl` and `include` pass on.
pub(super) const ROOT_NAMES: [&str; 5] = ["values", "env", "release", "chart", "files"];

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Registers every filter and function on `tera`. `root` is the engine
/// `include` and `tpl` render with, set once every template is loaded; they
/// hold it weakly, since that engine holds them (the owner keeps it alive).
pub(super) fn register(tera: &mut Tera, root: &Arc<OnceLock<Tera>>) {
    tera.register_filter("toYaml", to_yaml);
    tera.register_filter("toJson", to_json);
    tera.register_filter("fromYaml", from_yaml);
    tera.register_filter("fromJson", from_json);
    tera.register_filter("indent", indent);
    tera.register_filter("nindent", nindent);
    tera.register_filter("quote", quote);
    tera.register_filter("squote", squote);
    tera.register_filter("b64enc", b64enc);
    tera.register_filter("b64dec", b64dec);
    tera.register_filter("sha256sum", sha256sum);
    tera.register_filter("required", required);
    tera.register_filter("default", default);
    tera.register_filter("trunc", trunc);
    tera.register_filter("trimSuffix", trim_suffix);
    tera.register_filter("trimPrefix", trim_prefix);
    tera.register_filter("kebabcase", kebabcase);
    tera.register_filter("snakecase", snakecase);
    tera.register_filter("pascalcase", pascalcase);
    tera.register_filter("ternary", ternary);
    let tpl_root = Arc::downgrade(root);
    tera.register_filter("tpl", move |text: &str, _: Kwargs, state: &State| {
        tpl(&tpl_root, text, state)
    });
    let include_root = Arc::downgrade(root);
    tera.register_function("include", move |kwargs: Kwargs, state: &State| {
        include(&include_root, kwargs, state)
    });
    tera.register_function("coalesce", coalesce);
    tera.register_function("semverCompare", semver_compare);
    tera.register_function("dict", dict);
    tera.register_function("list", list);
    tera.register_function("merge", merge);
}

fn to_serde(value: &Value) -> TeraResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| Error::message(format!("cannot convert: {e}")))
}

fn from_serde(value: &serde_json::Value) -> Value {
    Value::from_serializable(value)
}

fn defined(value: &Value, filter: &str) -> TeraResult<()> {
    if value.is_undefined() {
        Err(Error::message(format!(
            "`{filter}` was given an undefined value"
        )))
    } else {
        Ok(())
    }
}

/// YAML text of a value without the final newline, as Helm's `toYaml`.
fn to_yaml(value: Value, _: Kwargs, _: &State) -> TeraResult<String> {
    defined(&value, "toYaml")?;
    let node = document::from_json(to_serde(&value)?);
    let mut text = yaml::emit_node(&node);
    text.truncate(text.trim_end_matches('\n').len());
    Ok(text)
}

fn to_json(value: Value, _: Kwargs, _: &State) -> TeraResult<String> {
    defined(&value, "toJson")?;
    serde_json::to_string(&to_serde(&value)?).map_err(|e| Error::message(e.to_string()))
}

fn from_yaml(text: &str, _: Kwargs, _: &State) -> TeraResult<Value> {
    // A lone scalar or list is read as the value of a one-key document.
    let wrapped = format!("v:\n{}", indent_text(text, 2));
    let tree = yaml::parse(&wrapped).map_err(|e| {
        Error::message(format!(
            "fromYaml: line {}: {}",
            e.line.saturating_sub(1),
            e.message
        ))
    })?;
    let value = tree
        .documents
        .first()
        .and_then(|d| document::map_get(d, "v"))
        .map(document::to_json)
        .unwrap_or(serde_json::Value::Null);
    Ok(from_serde(&value))
}

fn from_json(text: &str, _: Kwargs, _: &State) -> TeraResult<Value> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Error::message(format!("fromJson: {e}")))?;
    Ok(from_serde(&value))
}

/// Every non-empty line prefixed with `width` spaces (Helm's `indent`).
fn indent_text(text: &str, width: usize) -> String {
    let pad = " ".repeat(width);
    let mut out = String::with_capacity(text.len() + width * 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

fn width(kwargs: &Kwargs, filter: &str) -> TeraResult<usize> {
    kwargs
        .get::<usize>("width")?
        .ok_or_else(|| Error::message(format!("`{filter}` needs `width`, e.g. {filter}(width=4)")))
}

fn indent(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    Ok(indent_text(text, width(&kwargs, "indent")?))
}

fn nindent(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    Ok(format!(
        "\n{}",
        indent_text(text, width(&kwargs, "nindent")?)
    ))
}

/// The text of a scalar as Sprig prints it (`quote 5` is `"5"`).
fn scalar_text(value: &Value, filter: &str) -> TeraResult<String> {
    defined(value, filter)?;
    Ok(match value.as_str() {
        Some(s) => s.to_owned(),
        None if value.is_none() => String::new(),
        None => value.to_string(),
    })
}

fn quote(value: Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(document::json_quote(&scalar_text(&value, "quote")?))
}

fn squote(value: Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(format!(
        "'{}'",
        scalar_text(&value, "squote")?.replace('\'', "''")
    ))
}

fn b64enc(value: Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(base64::engine::general_purpose::STANDARD.encode(scalar_text(&value, "b64enc")?))
}

fn b64dec(text: &str, _: Kwargs, _: &State) -> TeraResult<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| Error::message(format!("b64dec: not base64: {e}")))?;
    String::from_utf8(bytes).map_err(|_| Error::message("b64dec: the decoded bytes are not UTF-8"))
}

fn sha256sum(value: Value, _: Kwargs, _: &State) -> TeraResult<String> {
    let digest = sha2::Sha256::digest(scalar_text(&value, "sha256sum")?.as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// Sprig's notion of empty: undefined, null, `""`, `false`, `0`, `[]`, `{}`.
fn is_empty(value: &Value) -> bool {
    value.is_undefined()
        || value.is_none()
        || value.as_bool() == Some(false)
        || value.as_str() == Some("")
        || value.as_f64() == Some(0.0)
        || value.as_array().is_some_and(<[Value]>::is_empty)
        || value.as_map().is_some_and(|m| m.is_empty())
}

fn required(value: Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    if value.is_undefined() || value.is_none() || value.as_str() == Some("") {
        let msg = kwargs
            .get::<String>("msg")?
            .unwrap_or_else(|| "a required value is missing".to_owned());
        return Err(Error::message(msg));
    }
    Ok(value)
}

fn default(value: Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let fallback = kwargs
        .get::<Value>("value")?
        .ok_or_else(|| Error::message("`default` needs `value`, e.g. default(value=\"x\")"))?;
    Ok(if is_empty(&value) { fallback } else { value })
}

fn trunc(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let length = kwargs
        .get::<i64>("length")?
        .ok_or_else(|| Error::message("`trunc` needs `length`, e.g. trunc(length=63)"))?;
    let count = text.chars().count();
    let n = usize::try_from(length.unsigned_abs()).unwrap_or(usize::MAX);
    Ok(if length >= 0 {
        text.chars().take(n).collect()
    } else {
        text.chars().skip(count.saturating_sub(n)).collect()
    })
}

fn trim_suffix(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let suffix = kwargs.must_get::<&str>("suffix")?;
    Ok(text.strip_suffix(suffix).unwrap_or(text).to_owned())
}

fn trim_prefix(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let prefix = kwargs.must_get::<&str>("prefix")?;
    Ok(text.strip_prefix(prefix).unwrap_or(text).to_owned())
}

/// `MyService_Name` → `my-service-name`.
fn kebabcase(text: &str, _: Kwargs, _: &State) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase()
                && previous.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                && !out.ends_with('-')
            {
                out.push('-');
            }
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        previous = Some(c);
    }
    out.trim_end_matches('-').to_owned()
}

/// `my-service.Name` → `my_service_name` (identifiers in code).
fn snakecase(text: &str, kwargs: Kwargs, state: &State) -> String {
    kebabcase(text, kwargs, state).replace('-', "_")
}

/// `my-service_name` → `MyServiceName` (type names in code).
fn pascalcase(text: &str, kwargs: Kwargs, state: &State) -> String {
    kebabcase(text, kwargs, state)
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn ternary(condition: Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    defined(&condition, "ternary")?;
    let key = if condition.is_truthy() { "yes" } else { "no" };
    kwargs.get::<Value>(key)?.ok_or_else(|| {
        Error::message("`ternary` needs `yes` and `no`, e.g. ternary(yes=\"a\", no=\"b\")")
    })
}

fn coalesce(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let values = kwargs.must_get::<Vec<Value>>("values")?;
    Ok(values
        .into_iter()
        .find(|v| !is_empty(v))
        .unwrap_or_else(Value::none))
}

fn semver_compare(kwargs: Kwargs, _: &State) -> TeraResult<bool> {
    let constraint = kwargs.must_get::<&str>("constraint")?;
    let version = kwargs.must_get::<&str>("version")?;
    // Helm passes versions like `v1.27.3-gke.100`; the `v` is not semver.
    let version = version.trim().trim_start_matches('v');
    let version = semver::Version::parse(version)
        .map_err(|e| Error::message(format!("semverCompare: version {version:?}: {e}")))?;
    // Sprig separates alternatives with `||` and conditions with spaces or
    // commas; the semver crate wants commas.
    for alternative in constraint.split("||") {
        let normalized = alternative
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(sprig_comparator)
            .collect::<Vec<_>>()
            .join(", ");
        let req = semver::VersionReq::parse(&normalized).map_err(|e| {
            Error::message(format!("semverCompare: constraint {constraint:?}: {e}"))
        })?;
        // Sprig's `>=1.25-0` idiom admits pre-releases; match on the release.
        let release = semver::Version::new(version.major, version.minor, version.patch);
        if req.matches(&version) || req.matches(&release) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Sprig's `>=1.25-0` (pre-releases welcome) as the semver crate reads it:
/// `>=1.25.0`; release matching covers the pre-releases.
fn sprig_comparator(token: &str) -> String {
    let split = token
        .find(|c: char| c.is_ascii_digit() || c == '*' || c == 'x')
        .unwrap_or(token.len());
    let (op, version) = token.split_at(split);
    let (core, pre) = match version.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (version, None),
    };
    match pre {
        Some(pre) if pre != "0" => format!("{op}{core}-{pre}"),
        Some(_) if core.split('.').count() < 3 => {
            let missing = 3 - core.split('.').count();
            format!("{op}{core}{}", ".0".repeat(missing))
        }
        _ => format!("{op}{core}"),
    }
}

fn dict(kwargs: Kwargs, _: &State) -> Value {
    let map: tera::Map = kwargs.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    Value::from(map)
}

fn list(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(kwargs.must_get::<Vec<Value>>("items")?))
}

fn merge(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let maps = kwargs.must_get::<Vec<Value>>("maps")?;
    let mut merged = serde_json::Value::Object(serde_json::Map::new());
    for map in &maps {
        if !map.is_map() {
            return Err(Error::message(format!(
                "merge: every item of `maps` must be a map, not {}",
                map.name()
            )));
        }
        crate::values::deep_merge(&mut merged, to_serde(map)?);
    }
    Ok(from_serde(&merged))
}

/// Runs `body` one level deeper, refusing to pass [`MAX_DEPTH`].
fn nested<T>(what: &str, body: impl FnOnce() -> TeraResult<T>) -> TeraResult<T> {
    let depth = DEPTH.with(Cell::get);
    if depth >= MAX_DEPTH {
        return Err(Error::message(format!(
            "{what} nested more than {MAX_DEPTH} deep (does a partial include itself?)"
        )));
    }
    DEPTH.with(|d| d.set(depth + 1));
    let result = body();
    DEPTH.with(|d| d.set(depth));
    result
}

/// The root variables of the calling template, for `tpl` and `include`.
fn root_context(state: &State) -> TeraResult<Context> {
    let mut context = Context::new();
    for name in ROOT_NAMES {
        if let Some(value) = state.get::<Value>(name)? {
            context.insert_value(name, value);
        }
    }
    Ok(context)
}

fn engine(root: &Weak<OnceLock<Tera>>) -> TeraResult<Arc<OnceLock<Tera>>> {
    root.upgrade()
        .filter(|cell| cell.get().is_some())
        .ok_or_else(|| Error::message("templates are still loading"))
}

fn tpl(root: &Weak<OnceLock<Tera>>, text: &str, state: &State) -> TeraResult<String> {
    let cell = engine(root)?;
    let tera = cell.get().expect("checked by engine()");
    let context = root_context(state)?;
    nested("tpl", || {
        tera.render_str(text, &context, false)
            .map_err(|e| Error::message(format!("tpl: {}", super::describe(&e))))
    })
}

fn include(root: &Weak<OnceLock<Tera>>, kwargs: Kwargs, state: &State) -> TeraResult<String> {
    let cell = engine(root)?;
    let tera = cell.get().expect("checked by engine()");
    let name = kwargs.must_get::<String>("name")?;
    let mut context = root_context(state)?;
    for (key, value) in kwargs.iter() {
        if key.as_str() != Some("name") {
            context.insert_value(key.to_string(), value.clone());
        }
    }
    nested("include", || {
        tera.render(&name, &context).map_err(|e| match e.kind() {
            tera::ErrorKind::TemplateNotFound(_) => Error::message(format!(
                "include: no template {name:?} under templates/ (partials start with `_`)"
            )),
            _ => Error::message(format!("include {name:?}: {}", super::describe(&e))),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, values: serde_json::Value) -> Result<String, String> {
        let root = Arc::new(OnceLock::new());
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        register(&mut tera, &root);
        tera.add_raw_template("_part.yaml", "name: {{ who }} in {{ env }}")
            .unwrap();
        tera.add_raw_template("t", template)
            .map_err(|e| super::super::describe(&e))?;
        let _ = root.set(tera.clone());
        let mut context = Context::new();
        context.insert("values", &values);
        context.insert("env", "prod");
        tera.render("t", &context)
            .map_err(|e| super::super::describe(&e))
    }

    fn ok(template: &str, values: serde_json::Value) -> String {
        render(template, values).unwrap()
    }

    #[test]
    fn yaml_and_json() {
        let v = serde_json::json!({"labels": {"app": "web", "on": "on", "mode": "0755"}, "l": [1, "yes"]});
        assert_eq!(
            ok("{{ values.labels | toYaml }}", v.clone()),
            "app: web\n\"on\": \"on\"\nmode: \"0755\""
        );
        assert_eq!(ok("{{ values.l | toYaml }}", v.clone()), "- 1\n- \"yes\"");
        assert_eq!(ok("{{ values.l | toJson }}", v.clone()), "[1,\"yes\"]");
        assert_eq!(
            ok(
                "{% set m = \"a: 1\\nb: [x]\" | fromYaml %}{{ m.b[0] }}{{ m.a + 1 }}",
                v.clone()
            ),
            "x2"
        );
        assert_eq!(
            ok("{% set j = \"{\\\"k\\\": 2}\" | fromJson %}{{ j.k }}", v),
            "2"
        );
    }

    #[test]
    fn indentation_like_helm() {
        let v = serde_json::json!({"m": {"a": 1, "b": 2}});
        assert_eq!(
            ok("x:{{ values.m | toYaml | nindent(width=2) }}", v.clone()),
            "x:\n  a: 1\n  b: 2"
        );
        assert_eq!(ok("{{ \"a\n\nb\" | indent(width=2) }}", v), "  a\n\n  b");
    }

    #[test]
    fn strings() {
        let v = serde_json::json!({"n": 5, "s": "it's"});
        assert_eq!(ok("{{ values.n | quote }}", v.clone()), "\"5\"");
        assert_eq!(ok("{{ values.s | squote }}", v.clone()), "'it''s'");
        assert_eq!(ok("{{ \"hi\" | b64enc }}", v.clone()), "aGk=");
        assert_eq!(ok("{{ \"aGk=\" | b64dec }}", v.clone()), "hi");
        assert_eq!(
            ok("{{ \"abc\" | sha256sum }}", v.clone()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(ok("{{ \"abcdef\" | trunc(length=3) }}", v.clone()), "abc");
        assert_eq!(ok("{{ \"abcdef\" | trunc(length=-2) }}", v.clone()), "ef");
        assert_eq!(
            ok("{{ \"web--\" | trimSuffix(suffix=\"-\") }}", v.clone()),
            "web-"
        );
        assert_eq!(
            ok("{{ \"v1.2\" | trimPrefix(prefix=\"v\") }}", v.clone()),
            "1.2"
        );
        assert_eq!(
            ok("{{ \"MyService_name\" | kebabcase }}", v.clone()),
            "my-service-name"
        );
        assert_eq!(
            ok("{{ \"my-service.Name\" | snakecase }}", v.clone()),
            "my_service_name"
        );
        assert_eq!(
            ok("{{ \"my-service_name\" | pascalcase }}", v.clone()),
            "MyServiceName"
        );
    }

    #[test]
    fn defaults_are_empty_aware_and_required_fails() {
        let v = serde_json::json!({"empty": "", "zero": 0, "set": "x", "l": []});
        assert_eq!(
            ok(
                "{{ values.empty | default(value=\"d\") }}{{ values.zero | default(value=1) }}{{ values.missing | default(value=\"m\") }}{{ values.set | default(value=\"no\") }}{{ values.l | default(value=\"l\") }}",
                v.clone()
            ),
            "d1mxl"
        );
        let err = render(
            "{{ values.empty | required(msg=\"image.tag is required\") }}",
            v.clone(),
        )
        .unwrap_err();
        assert!(err.contains("image.tag is required"), "{err}");
        assert_eq!(ok("{{ values.set | required(msg=\"x\") }}", v.clone()), "x");
        assert_eq!(
            ok(
                "{{ coalesce(values=[values.empty, values.zero, \"c\"]) }}",
                v.clone()
            ),
            "c"
        );
        assert_eq!(ok("{{ true | ternary(yes=\"a\", no=\"b\") }}", v), "a");
    }

    #[test]
    fn semver_constraints() {
        let v = serde_json::json!({});
        for (constraint, version, expected) in [
            (">=1.25.0", "1.27.3", "true"),
            (">=1.25-0", "v1.25.0-gke.100", "true"),
            ("<1.19", "1.27.0", "false"),
            (">=1.0.0 <2.0.0", "1.5.0", "true"),
            ("~1.2 || ^3", "3.1.0", "true"),
        ] {
            let t = format!(
                "{{{{ semverCompare(constraint=\"{constraint}\", version=\"{version}\") }}}}"
            );
            assert_eq!(ok(&t, v.clone()), expected, "{constraint} {version}");
        }
    }

    #[test]
    fn maps_and_lists() {
        let v = serde_json::json!({"a": {"x": 1, "y": {"z": 1}}, "b": {"y": {"w": 2}}});
        assert_eq!(
            ok(
                "{{ merge(maps=[values.a, values.b, dict(x=3)]) | toJson }}",
                v.clone()
            ),
            r#"{"x":3,"y":{"z":1,"w":2}}"#
        );
        assert_eq!(ok("{{ list(items=[1, 2]) | length }}", v), "2");
    }

    #[test]
    fn include_and_tpl_see_the_root_context() {
        let v = serde_json::json!({"greeting": "hello {{ env }}"});
        assert_eq!(
            ok("{{ include(name=\"_part.yaml\", who=\"web\") }}", v.clone()),
            "name: web in prod"
        );
        assert_eq!(ok("{{ values.greeting | tpl }}", v.clone()), "hello prod");
        let err = render("{{ include(name=\"_nope.yaml\") }}", v).unwrap_err();
        assert!(err.contains("no template \"_nope.yaml\""), "{err}");
    }

    #[test]
    fn self_inclusion_stops() {
        let root = Arc::new(OnceLock::new());
        let mut tera = Tera::new();
        register(&mut tera, &root);
        tera.add_raw_template("loop", "{{ include(name=\"loop\") }}")
            .unwrap();
        let _ = root.set(tera.clone());
        let err = tera.render("loop", &Context::new()).unwrap_err();
        assert!(
            super::super::describe(&err).contains("nested more than"),
            "{}",
            super::super::describe(&err)
        );
    }
}
