//! The one template engine: Tera 2 with opsctl's Helm-like filters and
//! functions (see [`functions`]), strict about undefined values, with
//! per-file directives for files meant for another templating tool.
//!
//! A template's first line may be a directive, which is blanked out before
//! parsing (so line numbers stay true):
//!
//! - `# opsctl: verbatim` copies the file as it is;
//! - `# opsctl: delimiters [[ ]]` (or `<< >>`, `(( ))`) switches the file to
//!   other delimiters: `[[ x ]]`, `[% if %]`, `[# comment #]`, so `{{ }}`
//!   meant for Prometheus, Argo or GitHub Actions passes through.

mod functions;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use tera::{Context, Delimiters, Tera};

use crate::diagnostic;

/// A template file: its name (a path relative to the deploy directory, as
/// errors show it) and text.
#[derive(Debug, Clone)]
pub struct Source {
    /// `templates/deployment.yaml`.
    pub name: String,
    /// The file's text.
    pub text: String,
    /// Whether it is rendered on its own (false for partials, which are
    /// only included or define components).
    pub output: bool,
}

/// A template that does not parse or render, located in its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}{excerpt}")]
pub struct TemplateError {
    /// The template file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The line, numbered, with carets (empty when unknown), led by a newline.
    pub excerpt: String,
    /// What to do about it.
    pub hint: Option<String>,
}

/// How a template file is treated, from its first-line directive.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    Tera(Delimiters),
    Verbatim,
}

/// The bracket pairs `delimiters` accepts: variables, blocks, comments.
const DELIMITER_SETS: [[&str; 6]; 3] = [
    ["[[", "]]", "[%", "%]", "[#", "#]"],
    ["<<", ">>", "<%", "%>", "<#", "#>"],
    ["((", "))", "(%", "%)", "(#", "#)"],
];

/// Reads a directive line; `Ok(None)` when the file has none.
fn directive(first_line: &str) -> Result<Option<Mode>, String> {
    let Some(rest) = first_line
        .trim()
        .strip_prefix('#')
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix("opsctl:"))
    else {
        return Ok(None);
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    match words.as_slice() {
        ["verbatim"] => Ok(Some(Mode::Verbatim)),
        ["delimiters", open, close] => DELIMITER_SETS
            .iter()
            .find(|set| set[0] == *open && set[1] == *close)
            .map(|set| {
                Some(Mode::Tera(Delimiters {
                    variable_start: set[0].into(),
                    variable_end: set[1].into(),
                    block_start: set[2].into(),
                    block_end: set[3].into(),
                    comment_start: set[4].into(),
                    comment_end: set[5].into(),
                }))
            })
            .ok_or_else(|| {
                format!("unknown delimiters `{open} {close}`: use `[[ ]]`, `<< >>` or `(( ))`")
            }),
        _ => Err(format!(
            "unknown directive `{}`: use `# opsctl: verbatim` or `# opsctl: delimiters [[ ]]`",
            rest.trim()
        )),
    }
}

/// Whether a file's first line is an opsctl directive (which the engine
/// blanks, leaving the line's newline at the start of the output).
pub fn has_directive(text: &str) -> bool {
    matches!(directive(text.lines().next().unwrap_or("")), Ok(Some(_)))
}

/// The most output buffer reserved up front for one render.
const OUTPUT_RESERVE_MAX: usize = 1 << 20;
/// The least: small templates render small.
const OUTPUT_RESERVE_MIN: usize = 4 << 10;

/// Loaded templates, ready to render.
pub struct Engine {
    /// One Tera per delimiter set; the default set first.
    instances: Vec<(Delimiters, Tera)>,
    /// Output template name → how to render it.
    outputs: Vec<(String, Output)>,
    /// Every template's text, for excerpts.
    texts: HashMap<String, String>,
    /// The default-delimiter engine, which `include` and `tpl` use too (the
    /// functions only hold it weakly).
    root: Arc<OnceLock<Tera>>,
}

enum Output {
    Tera(usize),
    Verbatim(String),
}

impl Engine {
    /// Parses every source. Partials and default-delimiter templates share
    /// one engine, so components and `include` work across them; a file
    /// with other delimiters can `include` partials too.
    pub fn load(sources: Vec<Source>, fallback_prefix: &str) -> Result<Self, TemplateError> {
        let root = Arc::new(OnceLock::new());
        let new_tera = |delimiters: &Delimiters| -> Result<Tera, TemplateError> {
            let mut tera = Tera::new();
            // Manifests are not HTML: never escape.
            tera.autoescape_on(Vec::<&str>::new());
            tera.set_delimiters(delimiters.clone())
                .map_err(|e| plain_error("(engine)", &e))?;
            tera.set_fallback_prefixes(vec![fallback_prefix.to_owned()])
                .map_err(|e| plain_error("(engine)", &e))?;
            functions::register(&mut tera, &root);
            Ok(tera)
        };
        let default = Delimiters::default();
        let mut engine = Engine {
            instances: vec![(default.clone(), new_tera(&default)?)],
            outputs: Vec::new(),
            texts: HashMap::new(),
            root: Arc::clone(&root),
        };
        // Templates are added to each engine in one batch: Tera checks the
        // whole set after every addition, so one at a time is quadratic.
        let mut batches: Vec<Vec<(String, String)>> = Vec::new();
        for source in sources {
            let first_line = source.text.lines().next().unwrap_or("");
            let mode = directive(first_line).map_err(|message| TemplateError {
                file: source.name.clone(),
                line: 1,
                column: 1,
                message,
                excerpt: format!("\n{}", diagnostic::excerpt_at(&source.text, 1, 1)),
                hint: None,
            })?;
            // The directive line is blanked, not removed: line numbers stay true.
            let text = match mode {
                Some(_) => source.text[first_line.len()..].to_owned(),
                None => source.text.clone(),
            };
            engine
                .texts
                .insert(source.name.clone(), source.text.clone());
            let delimiters = match mode {
                Some(Mode::Verbatim) => {
                    if source.output {
                        engine.outputs.push((source.name, Output::Verbatim(text)));
                    }
                    continue;
                }
                Some(Mode::Tera(d)) => d,
                None => default.clone(),
            };
            let index = match engine.instances.iter().position(|(d, _)| *d == delimiters) {
                Some(i) => i,
                None => {
                    engine
                        .instances
                        .push((delimiters.clone(), new_tera(&delimiters)?));
                    engine.instances.len() - 1
                }
            };
            if source.output {
                engine
                    .outputs
                    .push((source.name.clone(), Output::Tera(index)));
            }
            batches.resize_with(engine.instances.len(), Vec::new);
            batches[index].push((source.name, text));
        }
        for (index, batch) in batches.into_iter().enumerate() {
            engine.add_batch(index, batch)?;
        }
        // `include` and `tpl` render with the default engine, which moves
        // there (a clone would copy every parsed template).
        let default_tera = std::mem::replace(&mut engine.instances[0].1, Tera::new());
        let _ = root.set(default_tera);
        Ok(engine)
    }

    /// The names of the templates that produce output, in load order.
    pub fn outputs(&self) -> impl Iterator<Item = &str> {
        self.outputs.iter().map(|(name, _)| name.as_str())
    }

    /// Renders one output template.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, TemplateError> {
        let Some((_, output)) = self.outputs.iter().find(|(n, _)| n == name) else {
            return Err(TemplateError {
                file: name.to_owned(),
                line: 1,
                column: 1,
                message: "no such template".to_owned(),
                excerpt: String::new(),
                hint: None,
            });
        };
        match output {
            Output::Verbatim(text) => Ok(text.clone()),
            Output::Tera(i) => {
                // Reserve what the template's size suggests: loops over many
                // services write hundreds of KiB (doubling from small copies
                // it all several times), while a 1 MiB buffer for each of
                // `opsctl new`'s many small files kept megabytes of touched
                // pages per file.
                let source = self.texts.get(name).map_or(0, String::len);
                let reserve = (source * 8).clamp(OUTPUT_RESERVE_MIN, OUTPUT_RESERVE_MAX);
                let mut buffer = Vec::with_capacity(reserve);
                self.tera(*i)
                    .render_to(name, context, &mut buffer)
                    .map_err(|e| self.error(name, &e))?;
                String::from_utf8(buffer).map_err(|_| TemplateError {
                    file: name.to_owned(),
                    line: 1,
                    column: 1,
                    message: "rendered text is not UTF-8".to_owned(),
                    excerpt: String::new(),
                    hint: None,
                })
            }
        }
    }

    /// Adds `batch` to engine `index`. When the batch fails, the templates
    /// are added one by one to name the one at fault.
    fn add_batch(
        &mut self,
        index: usize,
        batch: Vec<(String, String)>,
    ) -> Result<(), TemplateError> {
        let tera = &mut self.instances[index].1;
        let Err(batch_error) = tera.add_raw_templates(batch.iter().map(|(n, t)| (n, t))) else {
            return Ok(());
        };
        for (name, text) in &batch {
            if let Err(e) = self.instances[index].1.add_raw_template(name, text) {
                return Err(self.error(name, &e));
            }
        }
        let first = batch.first().map_or("(engine)", |(name, _)| name.as_str());
        Err(self.error(first, &batch_error))
    }

    /// The engine for one set of delimiters; the default one lives in
    /// `root`, where `include` and `tpl` find it.
    fn tera(&self, index: usize) -> &Tera {
        match index {
            0 => self.root.get().expect("set at the end of Engine::load"),
            i => &self.instances[i].1,
        }
    }

    /// A Tera error placed in its file, with an excerpt and advice.
    fn error(&self, name: &str, error: &tera::Error) -> TemplateError {
        let report = match error.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
            _ => None,
        };
        let Some(report) = report else {
            return plain_error(name, error);
        };
        let file = if report.filename().is_empty() {
            name.to_owned()
        } else {
            report.filename().to_owned()
        };
        let span = report.span();
        let text = self.texts.get(&file).map(String::as_str).unwrap_or("");
        let excerpt = if text.is_empty() || span.range.start > text.len() {
            String::new()
        } else {
            format!(
                "\n{}",
                diagnostic::excerpt(text, span.range.start..span.range.end.min(text.len()))
            )
        };
        let line_text = text
            .lines()
            .nth(span.start_line.saturating_sub(1))
            .unwrap_or("");
        let mut message = report.message().to_owned();
        let hint = foreign_syntax_hint(line_text).or_else(|| undefined_hint(&mut message));
        TemplateError {
            file,
            line: span.start_line,
            column: span.start_col + 1,
            message,
            excerpt,
            hint,
        }
    }
}

fn plain_error(name: &str, error: &tera::Error) -> TemplateError {
    TemplateError {
        file: name.to_owned(),
        line: 1,
        column: 1,
        message: describe(error),
        excerpt: String::new(),
        hint: None,
    }
}

/// A Tera error on one line: `file:line:col: message`, then its causes.
pub(crate) fn describe(error: &tera::Error) -> String {
    let text = match error.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            format!(
                "{}:{}:{}: {}",
                r.filename(),
                span.start_line,
                span.start_col + 1,
                r.message()
            )
        }
        other => other.to_string(),
    };
    match std::error::Error::source(error) {
        Some(cause) => format!("{text}: {}", diagnostic::error_chain(cause)),
        None => text,
    }
}

/// Advice when a line holds template syntax of another tool.
fn foreign_syntax_hint(line: &str) -> Option<String> {
    const MARKERS: [(&str, &str); 8] = [
        ("${{", "GitHub Actions"),
        ("{{ $", "a Go template (Prometheus, Alertmanager)"),
        ("{{$", "a Go template (Prometheus, Alertmanager)"),
        ("{{ .", "a Go template (Helm, ApplicationSet)"),
        ("{{.", "a Go template (Helm, ApplicationSet)"),
        ("{{args.", "Argo Rollouts or Workflows"),
        ("{{ args.", "Argo Rollouts or Workflows"),
        ("{{inputs.", "Argo Workflows"),
    ];
    let (_, tool) = MARKERS.iter().find(|(m, _)| line.contains(m))?;
    Some(format!(
        "this line looks like {tool} syntax, not opsctl's: wrap it in {{% raw %}}…{{% endraw %}}, \
         or make the file's first line `# opsctl: verbatim` (copy it as is) or \
         `# opsctl: delimiters [[ ]]` (opsctl then reads [[ ]] and [% %], and leaves {{{{ }}}} alone)"
    ))
}

/// For "X is not defined", suggests the closest defined name and trims the
/// list Tera appends.
fn undefined_hint(message: &mut String) -> Option<String> {
    let start = message.find('`')?;
    let end = start + 1 + message[start + 1..].find('`')?;
    let missing = message[start + 1..end].to_owned();
    if !message[end..].starts_with("` is not defined") {
        return None;
    }
    let available: Vec<String> = match message.find("Available fields: ") {
        Some(i) => {
            let list = message[i + "Available fields: ".len()..]
                .split(", ")
                .map(|s| s.trim().trim_end_matches('.').to_owned())
                .collect();
            message.truncate(i);
            let trimmed = message.trim_end().len();
            message.truncate(trimmed);
            list
        }
        None => functions::ROOT_NAMES
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
    };
    let is_field = message.starts_with("Field");
    match diagnostic::closest(&missing, available.iter().map(String::as_str)) {
        Some(near) if is_field => Some(format!("did you mean `.{near}`?")),
        Some(near) => Some(format!("did you mean `{near}`?")),
        None if available.is_empty() => None,
        None if available.len() <= 12 => Some(format!("defined here: {}", available.join(", "))),
        None => Some(format!(
            "defined here: {}, … ({} in all)",
            available[..12].join(", "),
            available.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, text: &str) -> Source {
        Source {
            name: name.to_owned(),
            text: text.to_owned(),
            output: !name.rsplit('/').next().unwrap_or(name).starts_with('_'),
        }
    }

    fn context() -> Context {
        let mut c = Context::new();
        c.insert(
            "values",
            &serde_json::json!({"replicas": 2, "image": {"tag": "1"}}),
        );
        c.insert("env", "prod");
        c
    }

    fn load(files: &[(&str, &str)]) -> Result<Engine, TemplateError> {
        Engine::load(
            files.iter().map(|(n, t)| source(n, t)).collect(),
            "templates/",
        )
    }

    #[test]
    fn a_syntax_error_among_many_templates_names_its_own_file() {
        let err = load(&[
            ("templates/a.yaml", "a: {{ values.replicas }}\n"),
            ("templates/b.yaml", "b: 1\nc: {{ values.replicas \n"),
            ("templates/c.yaml", "c: 2\n"),
        ])
        .err()
        .expect("b.yaml does not parse");
        assert_eq!(
            (err.file.as_str(), err.line),
            ("templates/b.yaml", 2),
            "{err}"
        );
        // Templates that parse render from one engine, partials included.
        let engine = load(&[
            ("templates/_p.yaml", "{{ values.replicas }}"),
            (
                "templates/x.yaml",
                "x: {{ include(name=\"templates/_p.yaml\") }}\n",
            ),
        ])
        .unwrap();
        assert_eq!(
            engine.render("templates/x.yaml", &context()).unwrap(),
            "x: 2\n"
        );
    }

    #[test]
    fn undefined_values_name_the_closest_key() {
        let engine =
            load(&[("templates/d.yaml", "a: 1\nreplicas: {{ values.replcas }}\n")]).unwrap();
        let err = engine.render("templates/d.yaml", &context()).unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line, err.column),
            ("templates/d.yaml", 2, 21)
        );
        assert_eq!(err.message, "Field `replcas` is not defined.");
        assert_eq!(err.hint.as_deref(), Some("did you mean `.replicas`?"));
        assert!(
            err.excerpt.contains("replicas: {{ values.replcas }}"),
            "{}",
            err.excerpt
        );
        let err = load(&[("templates/d.yaml", "{{ valuse.x }}")])
            .unwrap()
            .render("templates/d.yaml", &context())
            .unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `values`?"), "{err}");
    }

    #[test]
    fn syntax_errors_on_foreign_lines_say_how_to_escape() {
        let err = match load(&[(
            "templates/rule.yaml",
            "kind: PrometheusRule\ndescription: \"{{ $labels.pod }} is down\"\n",
        )]) {
            Err(e) => e,
            Ok(_) => panic!("parsed"),
        };
        assert_eq!(err.line, 2);
        assert!(
            err.hint.as_deref().unwrap().contains("{% raw %}"),
            "{err:?}"
        );
    }

    #[test]
    fn directives_switch_delimiters_or_copy() {
        let engine = load(&[
            ("templates/_labels.yaml", "app: web-{{ env }}"),
            (
                "templates/analysis.yaml",
                "# opsctl: delimiters [[ ]]\nq: \"{{args.service}}\"\nenv: [[ env ]]\n[% if true %]l: \"[[ include(name=\"_labels.yaml\") ]]\"[% endif %]\n",
            ),
            ("templates/alerts.yaml", "# opsctl: verbatim\nsummary: \"{{ $labels.x }}\"\n"),
        ])
        .unwrap();
        let out = engine
            .render("templates/analysis.yaml", &context())
            .unwrap();
        assert_eq!(
            out,
            "\nq: \"{{args.service}}\"\nenv: prod\nl: \"app: web-prod\"\n"
        );
        let out = engine.render("templates/alerts.yaml", &context()).unwrap();
        assert_eq!(out, "\nsummary: \"{{ $labels.x }}\"\n");
        assert_eq!(
            engine.outputs().collect::<Vec<_>>(),
            vec!["templates/analysis.yaml", "templates/alerts.yaml"]
        );
    }

    #[test]
    fn a_bad_directive_is_an_error() {
        let err = match load(&[("templates/x.yaml", "# opsctl: delimiters {{ }}\n")]) {
            Err(e) => e,
            Ok(_) => panic!("loaded"),
        };
        assert!(err.message.contains("unknown delimiters"), "{err}");
    }

    #[test]
    fn components_defined_in_partials_work_everywhere() {
        let engine = load(&[
            (
                "templates/_helpers.yaml",
                "{% component labels(app) %}app: {{ app }}{% endcomponent %}",
            ),
            ("templates/svc.yaml", "{{<labels app=\"web\"/>}}"),
        ])
        .unwrap();
        assert_eq!(
            engine.render("templates/svc.yaml", &context()).unwrap(),
            "app: web"
        );
    }
}
