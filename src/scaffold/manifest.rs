//! `opsctl-template.toml`: what a template asks, and how its files are
//! treated (see `docs/templates.md`).

use serde::Deserialize;

use super::ScaffoldError;
use crate::diagnostic;

/// The manifest's file name, at the template's root.
pub const MANIFEST_FILE: &str = "opsctl-template.toml";

/// A parsed, checked manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `[template]`.
    pub template: TemplateInfo,
    /// `[[variables]]`, in the order they are asked.
    #[serde(default)]
    pub variables: Vec<Variable>,
    /// `[[conditional]]`.
    #[serde(default)]
    pub conditional: Vec<Conditional>,
    /// `[seal]`.
    #[serde(default)]
    pub seal: Option<SealStep>,
    /// `[render]`.
    #[serde(default)]
    pub render: Option<RenderStep>,
}

/// `[template]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateInfo {
    /// The template's name.
    pub name: String,
    /// One line on what it generates.
    #[serde(default)]
    pub description: String,
    /// The template's own version, recorded in the answers file.
    #[serde(default)]
    pub version: Option<String>,
    /// The directory holding the files, relative to the manifest.
    #[serde(default = "dot")]
    pub files: String,
    /// Globs of files copied byte for byte.
    #[serde(default)]
    pub verbatim: Vec<String>,
    /// Globs of files never generated.
    #[serde(default)]
    pub exclude: Vec<String>,
}

fn dot() -> String {
    ".".to_owned()
}

/// What kind of answer a variable takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VarType {
    /// Text.
    String,
    /// A whole number.
    Int,
    /// true or false.
    Bool,
    /// One of `choices`.
    Choice,
    /// A TCP port, 1 to 65535.
    Port,
    /// A list of strings (comma-separated on the command line).
    List,
}

impl VarType {
    /// The name used in manifests and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            VarType::String => "string",
            VarType::Int => "int",
            VarType::Bool => "bool",
            VarType::Choice => "choice",
            VarType::Port => "port",
            VarType::List => "list",
        }
    }
}

/// A named check for string answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// RFC 1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63.
    DnsLabel,
    /// RFC 1123 subdomain: dot-separated labels, at most 253.
    DnsSubdomain,
    /// An absolute http(s), ssh or git URL.
    Url,
    /// `local@domain`.
    Email,
}

/// One `[[variables]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// The name templates use.
    pub name: String,
    /// The question; the name when absent.
    #[serde(default)]
    pub prompt: Option<String>,
    /// Advice shown with the question and by `--list`.
    #[serde(default)]
    pub help: String,
    /// The kind of answer.
    #[serde(rename = "type", default = "string_type")]
    pub kind: VarType,
    /// The default; absent means required. Strings are templates over
    /// earlier answers.
    #[serde(default)]
    pub default: Option<toml::Value>,
    /// The allowed answers of a `choice`.
    #[serde(default)]
    pub choices: Vec<String>,
    /// A regex the whole string must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// A named check.
    #[serde(default)]
    pub format: Option<Format>,
    /// Lower bound of an `int`.
    #[serde(default)]
    pub min: Option<i64>,
    /// Upper bound of an `int`.
    #[serde(default)]
    pub max: Option<i64>,
    /// A Tera expression over earlier answers: asked only when true.
    #[serde(default)]
    pub when: Option<String>,
    /// Never recorded in the answers file.
    #[serde(default)]
    pub secret: bool,
}

fn string_type() -> VarType {
    VarType::String
}

impl Variable {
    /// The question to ask.
    pub fn question(&self) -> &str {
        self.prompt.as_deref().unwrap_or(&self.name)
    }
}

/// Files kept only when `when` holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditional {
    /// A Tera expression over the answers.
    pub when: String,
    /// Globs over template paths.
    pub paths: Vec<String>,
}

/// `[seal]`: generated files sealed after rendering.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealStep {
    /// Globs over generated paths.
    pub paths: Vec<String>,
    /// The list variable holding the age recipients.
    pub recipients: String,
}

/// `[render]`: the deploy directory rendered for every environment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenderStep {
    /// The deploy directory, relative to the generated root.
    #[serde(default = "deploy")]
    pub dir: String,
    /// Where each environment's objects go (`<out>/<env>/`).
    pub out: String,
}

fn deploy() -> String {
    "deploy".to_owned()
}

/// Parses and checks a manifest; `origin` names it in errors.
pub fn parse(origin: &str, text: &str) -> Result<Manifest, ScaffoldError> {
    let manifest: Manifest = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let (line, column) = diagnostic::line_col(text, span.start);
        ScaffoldError::Manifest {
            origin: origin.to_owned(),
            line,
            column,
            message: diagnostic::explain_toml_message(e.message()),
            excerpt: diagnostic::excerpt(text, span),
        }
    })?;
    check(&manifest).map_err(|message| ScaffoldError::Manifest {
        origin: origin.to_owned(),
        line: 0,
        column: 0,
        message,
        excerpt: String::new(),
    })?;
    Ok(manifest)
}

/// Rules serde cannot express: names, choices, bounds, references.
fn check(m: &Manifest) -> Result<(), String> {
    if m.template.name.trim().is_empty() {
        return Err("[template] name must not be empty".into());
    }
    let mut seen = std::collections::HashSet::new();
    for v in &m.variables {
        let valid_name = v
            .name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && v.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_name {
            return Err(format!(
                "variable `{}`: names are lower-case letters, digits and _, starting with a letter or _",
                v.name
            ));
        }
        if ["template", "opsctl"].contains(&v.name.as_str()) {
            return Err(format!(
                "variable `{}`: the name is reserved for opsctl's own context",
                v.name
            ));
        }
        if !seen.insert(v.name.as_str()) {
            return Err(format!("variable `{}` is declared twice", v.name));
        }
        if (v.kind == VarType::Choice) == v.choices.is_empty() {
            return Err(format!(
                "variable `{}`: `choices` goes with type = \"choice\", and a choice needs choices",
                v.name
            ));
        }
        if (v.pattern.is_some() || v.format.is_some()) && v.kind != VarType::String {
            return Err(format!(
                "variable `{}`: `pattern` and `format` apply to strings only",
                v.name
            ));
        }
        if (v.min.is_some() || v.max.is_some()) && v.kind != VarType::Int {
            return Err(format!(
                "variable `{}`: `min` and `max` apply to ints only",
                v.name
            ));
        }
        if let Some(pattern) = &v.pattern {
            regex::Regex::new(pattern)
                .map_err(|e| format!("variable `{}`: bad pattern: {e}", v.name))?;
        }
    }
    if let Some(seal) = &m.seal {
        match m.variables.iter().find(|v| v.name == seal.recipients) {
            Some(v) if v.kind == VarType::List => {}
            Some(_) => {
                return Err(format!(
                    "[seal] recipients = \"{}\" must name a variable of type \"list\"",
                    seal.recipients
                ));
            }
            None => {
                return Err(format!(
                    "[seal] recipients = \"{}\" names no declared variable",
                    seal.recipients
                ));
            }
        }
    }
    if let Some(step) = &m.render {
        for (key, path) in [("dir", &step.dir), ("out", &step.out)] {
            if let Some(why) = super::paths::problem(path.trim_end_matches('/')) {
                return Err(format!(
                    "[render] {key} = {path:?} must be a directory inside the generated one: {why}"
                ));
            }
        }
    }
    for glob in m
        .template
        .verbatim
        .iter()
        .chain(&m.template.exclude)
        .chain(m.conditional.iter().flat_map(|c| &c.paths))
        .chain(m.seal.iter().flat_map(|s| &s.paths))
    {
        globset::Glob::new(glob).map_err(|e| format!("bad glob {glob:?}: {e}"))?;
    }
    Ok(())
}

/// A set of globs, matched against `/`-separated relative paths.
#[derive(Debug, Clone)]
pub struct Globs(globset::GlobSet);

impl Globs {
    /// Builds the set; the manifest check already proved each glob valid.
    pub fn new(globs: &[String]) -> Self {
        let mut builder = globset::GlobSetBuilder::new();
        for glob in globs {
            if let Ok(g) = globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
            {
                builder.add(g);
            }
        }
        Globs(
            builder
                .build()
                .unwrap_or_else(|_| globset::GlobSet::empty()),
        )
    }

    /// Whether `path` matches any glob.
    pub fn matches(&self, path: &str) -> bool {
        self.0.is_match(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_manifest_parses() {
        let m = parse(
            "t",
            r#"
[template]
name = "svc"
version = "1.0.0"
files = "files"
verbatim = ["deploy/templates/**"]

[[variables]]
name = "name"
format = "dns-label"

[[variables]]
name = "stack"
type = "choice"
choices = ["rust", "go"]
default = "rust"

[[variables]]
name = "keys"
type = "list"
default = []

[[conditional]]
when = "stack == 'rust'"
paths = ["Cargo.toml"]

[seal]
paths = ["secrets/*.yaml"]
recipients = "keys"

[render]
out = "deploy/rendered"
"#,
        )
        .unwrap();
        assert_eq!(m.variables.len(), 3);
        assert_eq!(m.variables[1].kind, VarType::Choice);
        assert_eq!(m.render.unwrap().dir, "deploy");
    }

    #[test]
    fn an_unknown_key_is_located_with_the_closest_name() {
        let err = parse(
            "opsctl-template.toml",
            "[template]\nname = \"x\"\n\n[[variables]]\nname = \"a\"\ndefualt = 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(
                "opsctl-template.toml:6:1: unknown key `defualt`; did you mean `default`?"
            ),
            "{err}"
        );
    }

    #[test]
    fn broken_rules_are_refused() {
        for (text, needle) in [
            ("[template]\nname = \"\"\n", "must not be empty"),
            (
                "[template]\nname = \"x\"\n[[variables]]\nname = \"Bad\"\n",
                "lower-case",
            ),
            (
                "[template]\nname = \"x\"\n[[variables]]\nname = \"a\"\ntype = \"choice\"\n",
                "needs choices",
            ),
            (
                "[template]\nname = \"x\"\n[[variables]]\nname = \"a\"\n[[variables]]\nname = \"a\"\n",
                "declared twice",
            ),
            (
                "[template]\nname = \"x\"\n[seal]\npaths = []\nrecipients = \"k\"\n",
                "names no declared variable",
            ),
            (
                "[template]\nname = \"x\"\nverbatim = [\"a/[\"]\n",
                "bad glob",
            ),
            (
                "[template]\nname = \"x\"\n[[variables]]\nname = \"template\"\n",
                "reserved",
            ),
        ] {
            let err = parse("t", text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn globs_do_not_cross_directories_with_one_star() {
        let g = Globs::new(&["secrets/*.yaml".into(), "deploy/templates/**".into()]);
        assert!(g.matches("secrets/a.yaml"));
        assert!(!g.matches("secrets/x/a.yaml"));
        assert!(g.matches("deploy/templates/a/b.yaml"));
        assert!(!g.matches("deploy/values.yaml"));
    }
}
