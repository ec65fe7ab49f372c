//! `opsctl new`: flags, questions at the terminal, the render step on the
//! staged files, and what is printed.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;
use serde::Serialize;
use serde_json::Value;

use crate::cli::exit::Hint;
use crate::cli::output::HumanReport;
use crate::cli::prompt::Prompter;
use crate::cli::{Outcome, Printer, Session};
use crate::scaffold::{
    self, Asker, FileAction, Origin, ScaffoldError, Template, VarType, Variable, answers, generate,
    source, stage,
};

/// Generate a GitOps-ready repository from a template
#[derive(Debug, Args)]
#[command(long_about = "\
Generate a directory from a template: the built-in `service` template gives a GitOps-ready \
service repository (app, Dockerfile, CI, Kubernetes manifests rendered per environment, sealed \
secrets, monitoring, load test and deployment gate) that passes the linters its users run. \
Templates can also come from a local directory or a git repository (URL#REF//SUBDIR). Variables \
are asked at a terminal, or taken from --set, --answers and defaults; a missing required value \
is an error naming the --set to pass. Nothing is written until every file has rendered, and no \
existing file is overwritten without --force.")]
pub(crate) struct NewArgs {
    /// The directory to create (or an empty one to fill)
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath, required_unless_present = "list")]
    dir: Option<PathBuf>,
    /// A built-in template name, a local directory, or a git URL[#REF][//SUBDIR] [default: service]
    #[arg(short, long, value_name = "TEMPLATE")]
    template: Option<String>,
    /// Answer a variable: NAME=VALUE (repeatable; lists are comma-separated)
    #[arg(short, long, value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// Read answers from a TOML file: NAME = VALUE lines, or the [answers] table of an .opsctl/answers.toml (--set wins)
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    answers: Option<PathBuf>,
    /// Take every default without asking
    #[arg(long)]
    defaults: bool,
    /// Print the files that would be written, and write nothing
    #[arg(short = 'n', long)]
    dry_run: bool,
    /// Generate into a non-empty directory, overwriting files the template produces
    #[arg(short, long)]
    force: bool,
    /// List the built-in templates (or --template's) and their variables
    #[arg(long, conflicts_with_all = ["dir", "set", "answers", "defaults", "dry_run", "force"])]
    list: bool,
}

pub(super) fn run(session: &Session, args: NewArgs) -> anyhow::Result<Outcome> {
    let (loaded, printer) = session.load_config()?;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let prompter = Prompter::new(loaded.config.no_input);
    if args.list {
        return list(&printer, &args, &cwd, &prompter);
    }
    let Some(dir) = args.dir.clone() else {
        bail!("DIR is required");
    };
    let template_name = args
        .template
        .as_deref()
        .unwrap_or(scaffold::DEFAULT_TEMPLATE);
    if let Some(shown) = source::git_source_shown(template_name) {
        printer.note(&format!("fetching template {shown}"));
    }
    let template = source::load(template_name, &cwd, git_prompts(&prompter)).map_err(explain)?;
    let answers_text = match &args.answers {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read answers file {}", path.display()))?,
        ),
        None => None,
    };
    let mut asker = TerminalAsker {
        prompter: &prompter,
    };
    let inputs = answers::Inputs {
        set: &args.set,
        answers_file: args.answers.as_deref().zip(answers_text.as_deref()),
        use_defaults: args.defaults,
    };
    let mut answers = answers::resolve(&template.manifest, &inputs, &mut asker).map_err(explain)?;
    // Sealed files need a recipient: the user's own age key when the default
    // SOPS key file has one, else a new dev key stored there.
    let key_file = crate::secrets::keys::IdentitySources::from_environment(Vec::new())
        .default_key_file()
        .map(Path::to_owned);
    // The key file is read only when a recipient is missing.
    let own_key = || {
        key_file
            .as_deref()
            .and_then(crate::secrets::keys::first_public_key)
    };
    let (own_key, dev_identity) = match generate::fallback_key(&template, &mut answers, own_key) {
        Some(generate::FallbackKey::Own(public_key)) => (Some(public_key), None),
        Some(generate::FallbackKey::New(dev)) => (None, Some(dev)),
        None => (None, None),
    };
    let plan = generate::plan(&template, answers, dev_identity, &dir).map_err(explain)?;
    stage::check_target(&plan).map_err(explain)?;

    let project_name = std::path::absolute(&dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "project".to_owned());
    let staged = stage::stage(&plan, args.dry_run).map_err(explain)?;
    let mut rendered = Vec::new();
    if let Some(step) = &plan.render {
        rendered = crate::cli::render::render_generated(
            staged.path(),
            &step.dir,
            &step.out,
            &project_name,
        )
        .context("the template's render step failed on the generated files")?;
    }
    staged.check(args.force).map_err(explain)?;
    let existing = staged.existing().map_err(explain)?;
    let mut dev_key = own_key.map(|public_key| DevKeyReport {
        public_key,
        file: key_file.clone(),
        created: false,
    });
    if let Some(identity) = &plan.dev_identity {
        let file = key_file;
        if !args.dry_run {
            let Some(file) = &file else {
                bail!(
                    "cannot store the dev age key: HOME and XDG_CONFIG_HOME are unset; \
                     pass --set {}=age1… instead",
                    template
                        .manifest
                        .seal
                        .as_ref()
                        .map_or("recipients", |s| s.recipients.as_str())
                );
            };
            crate::secrets::keys::append_identity(file, &identity.identity)
                .with_context(|| format!("cannot add the dev age key to {}", file.display()))?;
        }
        dev_key = Some(DevKeyReport {
            public_key: identity.public_key.clone(),
            file,
            created: true,
        });
    }
    let sealed: Vec<&str> = plan
        .files
        .iter()
        .filter(|f| f.sealed)
        .map(|f| f.path.as_str())
        .collect();
    let files: Vec<FileReport> = if args.dry_run {
        staged
            .files()
            .map_err(explain)?
            .into_iter()
            .map(|path| FileReport {
                action: if existing.contains(&path) {
                    FileAction::Overwrite
                } else {
                    FileAction::Create
                },
                sealed: sealed.contains(&path.as_str()),
                path,
            })
            .collect()
    } else {
        staged
            .commit()
            .map_err(explain)?
            .into_iter()
            .map(|(path, action)| FileReport {
                sealed: sealed.contains(&path.as_str()),
                path,
                action,
            })
            .collect()
    };
    let report = NewReport {
        dir: dir.display().to_string(),
        dry_run: args.dry_run,
        template: TemplateReport {
            name: plan.template_name.clone(),
            origin: plan.origin.clone(),
        },
        answers: plan.answers.recordable(&template.manifest),
        files,
        rendered,
        dev_key,
    };
    printer.report(&report)?;
    Ok(Outcome::Success)
}

/// A scaffold error with its advice, for the error printer.
fn explain(err: ScaffoldError) -> anyhow::Error {
    match err.hint() {
        Some(hint) => anyhow::Error::new(err).context(Hint::new("cannot generate", hint)),
        None => anyhow::Error::new(err).context("cannot generate"),
    }
}

/// Prompts for variables with dialoguer, re-asking until an answer fits.
struct TerminalAsker<'a> {
    prompter: &'a Prompter,
}

impl Asker for TerminalAsker<'_> {
    fn interactive(&self) -> bool {
        self.prompter.is_interactive()
    }

    fn ask(
        &mut self,
        variable: &Variable,
        default: Option<&Value>,
    ) -> Result<Value, ScaffoldError> {
        let flag = format!("--set {}=VALUE", variable.name);
        let question = if variable.help.is_empty() {
            variable.question().to_owned()
        } else {
            format!("{} ({})", variable.question(), variable.help)
        };
        let asked = |e: crate::cli::PromptError| ScaffoldError::Asked {
            name: variable.name.clone(),
            source: Box::new(e),
        };
        match variable.kind {
            VarType::Bool => self
                .prompter
                .confirm(
                    &question,
                    &flag,
                    default.and_then(Value::as_bool).unwrap_or(false),
                )
                .map(Value::Bool)
                .map_err(asked),
            VarType::Choice => {
                let choices: Vec<&str> = variable.choices.iter().map(String::as_str).collect();
                let start = default
                    .and_then(Value::as_str)
                    .and_then(|d| choices.iter().position(|c| *c == d))
                    .unwrap_or(0);
                self.prompter
                    .select(&question, &flag, &choices, start)
                    .map(|i| Value::String(variable.choices[i].clone()))
                    .map_err(asked)
            }
            VarType::String if variable.secret => {
                let text = self
                    .prompter
                    .secret(&question, &flag, |s| {
                        answers::parse_answer(variable, s).map(|_| ())
                    })
                    .map_err(asked)?;
                parse_typed(variable, &text)
            }
            _ => {
                let default_text = default.map(display_value);
                let text = self
                    .prompter
                    .text(&question, &flag, default_text.as_deref(), |s| {
                        answers::parse_answer(variable, s).map(|_| ())
                    })
                    .map_err(asked)?;
                parse_typed(variable, &text)
            }
        }
    }
}

/// A typed answer (already checked by the prompt's validator).
fn parse_typed(variable: &Variable, text: &str) -> Result<Value, ScaffoldError> {
    answers::parse_answer(variable, text).map_err(|message| ScaffoldError::InvalidAnswer {
        source_name: "the prompt".into(),
        name: variable.name.clone(),
        message,
    })
}

/// An answer as a person types it.
fn display_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(display_value)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// Whether git may ask for credentials: only where opsctl itself may prompt.
fn git_prompts(prompter: &Prompter) -> scaffold::Prompts {
    if prompter.is_interactive() {
        scaffold::Prompts::Allowed
    } else {
        scaffold::Prompts::Never
    }
}

/// `--list`: templates and their variables.
fn list(
    printer: &Printer,
    args: &NewArgs,
    cwd: &Path,
    prompter: &Prompter,
) -> anyhow::Result<Outcome> {
    let templates: Vec<Template> = match &args.template {
        Some(name) => vec![source::load(name, cwd, git_prompts(prompter)).map_err(explain)?],
        None => source::builtins().map_err(explain)?,
    };
    let report = ListReport {
        templates: templates.iter().map(TemplateListing::new).collect(),
    };
    printer.report(&report)?;
    Ok(Outcome::Success)
}

/// `-o json` of `opsctl new`.
#[derive(Debug, Serialize)]
struct NewReport {
    dir: String,
    dry_run: bool,
    template: TemplateReport,
    answers: serde_json::Map<String, Value>,
    files: Vec<FileReport>,
    /// Objects rendered per environment by the template's render step.
    rendered: Vec<crate::cli::render::RenderedEnv>,
    dev_key: Option<DevKeyReport>,
}

#[derive(Debug, Serialize)]
struct TemplateReport {
    name: String,
    #[serde(flatten)]
    origin: Origin,
}

#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    action: FileAction,
    sealed: bool,
}

#[derive(Debug, Serialize)]
struct DevKeyReport {
    public_key: String,
    /// The SOPS key file it is in (or, in a dry run, would be added to).
    file: Option<PathBuf>,
    /// Whether opsctl made it (else it is the user's own key).
    created: bool,
}

impl HumanReport for NewReport {
    fn write_human(&self, printer: &Printer, out: &mut dyn Write) -> std::io::Result<()> {
        let source = match self.template.origin.kind {
            "builtin" => "built-in".to_owned(),
            "git" => format!(
                "{} at {}",
                self.template.origin.location,
                self.template
                    .origin
                    .commit
                    .as_deref()
                    .map_or("HEAD", |c| &c[..c.len().min(12)])
            ),
            _ => self.template.origin.location.clone(),
        };
        if self.dry_run {
            writeln!(
                out,
                "would create {} from template {} ({source}), {} files (dry run: nothing written)",
                self.dir,
                self.template.name,
                self.files.len()
            )?;
            let paths: Vec<String> = self
                .files
                .iter()
                .map(|f| match f.action {
                    FileAction::Overwrite => format!("{}  (overwrite)", f.path),
                    FileAction::Create if f.sealed => format!("{}  (sealed)", f.path),
                    FileAction::Create => f.path.clone(),
                })
                .collect();
            writeln!(out, "{}/", self.dir.trim_end_matches('/'))?;
            for line in tree_lines(&paths) {
                writeln!(out, "{line}")?;
            }
            return Ok(());
        }
        let overwritten: Vec<&str> = self
            .files
            .iter()
            .filter(|f| f.action == FileAction::Overwrite)
            .map(|f| f.path.as_str())
            .collect();
        writeln!(
            out,
            "created {} from template {} ({source}): {} files",
            self.dir,
            self.template.name,
            self.files.len()
        )?;
        for env in &self.rendered {
            writeln!(out, "  rendered {} object(s) into {}", env.objects, env.out)?;
        }
        let sealed = self.files.iter().filter(|f| f.sealed).count();
        if sealed > 0 {
            writeln!(out, "  sealed {sealed} secrets file(s)")?;
        }
        if !overwritten.is_empty() {
            writeln!(out, "  overwrote {} file(s) (--force):", overwritten.len())?;
            for path in overwritten {
                writeln!(out, "    {path}")?;
            }
        }
        if let Some(key) = &self.dev_key {
            let file = key
                .file
                .as_ref()
                .map_or("?".into(), |f| f.display().to_string());
            if key.created {
                writeln!(
                    out,
                    "  a dev age key for the secrets was added to {file} (public key {}); \
                     to give your team access, add their age keys to .sops.yaml and run \
                     `opsctl secrets rotate --keys-only` on the sealed files",
                    key.public_key
                )?;
            } else {
                writeln!(
                    out,
                    "  secrets sealed for your age key in {file} ({}); to give your team \
                     access, add their age keys to .sops.yaml and run \
                     `opsctl secrets rotate --keys-only` on the sealed files",
                    key.public_key
                )?;
            }
        }
        if printer.verbosity() > 0 {
            for f in &self.files {
                writeln!(out, "    {}", f.path)?;
            }
        }
        writeln!(out, "next: cd {} && git init && git add -A", self.dir)?;
        Ok(())
    }
}

/// `tree`-style lines for sorted `/`-separated paths.
fn tree_lines(paths: &[String]) -> Vec<String> {
    #[derive(Default)]
    struct Node {
        children: std::collections::BTreeMap<String, Node>,
        file: bool,
    }
    let mut root = Node::default();
    for path in paths {
        let mut node = &mut root;
        let parts: Vec<&str> = path.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            node = node.children.entry((*part).to_owned()).or_default();
            if i + 1 == parts.len() {
                node.file = true;
            }
        }
    }
    fn draw(node: &Node, prefix: &str, out: &mut Vec<String>) {
        let count = node.children.len();
        for (i, (name, child)) in node.children.iter().enumerate() {
            let last = i + 1 == count;
            let dir = !child.children.is_empty();
            out.push(format!(
                "{prefix}{}{name}{}",
                if last { "└── " } else { "├── " },
                if dir && !child.file { "/" } else { "" }
            ));
            if dir {
                draw(
                    child,
                    &format!("{prefix}{}", if last { "    " } else { "│   " }),
                    out,
                );
            }
        }
    }
    let mut out = Vec::new();
    draw(&root, "", &mut out);
    out
}

/// `--list` output.
#[derive(Debug, Serialize)]
struct ListReport {
    templates: Vec<TemplateListing>,
}

#[derive(Debug, Serialize)]
struct TemplateListing {
    name: String,
    description: String,
    version: Option<String>,
    source: String,
    variables: Vec<VariableListing>,
}

#[derive(Debug, Serialize)]
struct VariableListing {
    name: String,
    #[serde(rename = "type")]
    kind: VarType,
    default: Option<Value>,
    required: bool,
    choices: Vec<String>,
    when: Option<String>,
    help: String,
}

impl TemplateListing {
    fn new(t: &Template) -> Self {
        TemplateListing {
            name: t.manifest.template.name.clone(),
            description: t.manifest.template.description.clone(),
            version: t.manifest.template.version.clone(),
            source: t.origin.source.clone(),
            variables: t
                .manifest
                .variables
                .iter()
                .map(|v| VariableListing {
                    name: v.name.clone(),
                    kind: v.kind,
                    default: v
                        .default
                        .as_ref()
                        .and_then(|d| serde_json::to_value(d).ok()),
                    required: v.default.is_none(),
                    choices: v.choices.clone(),
                    when: v.when.clone(),
                    help: v.help.clone(),
                })
                .collect(),
        }
    }
}

impl HumanReport for ListReport {
    fn write_human(&self, printer: &Printer, out: &mut dyn Write) -> std::io::Result<()> {
        for (i, t) in self.templates.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            let version = t
                .version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            writeln!(out, "{}{version}: {}", t.name, t.description)?;
            let mut table = printer.table();
            table.set_header(vec!["VARIABLE", "TYPE", "DEFAULT", "HELP"]);
            for v in &t.variables {
                let kind = if v.choices.is_empty() {
                    v.kind.as_str().to_owned()
                } else {
                    format!("{} ({})", v.kind.as_str(), v.choices.join("|"))
                };
                let default = match &v.default {
                    None => "(required)".to_owned(),
                    Some(d) => display_value(d),
                };
                let help = match &v.when {
                    Some(w) => format!("{} [asked when {w}]", v.help),
                    None => v.help.clone(),
                };
                table.add_row(vec![v.name.clone(), kind, default, help]);
            }
            writeln!(out, "{table}")?;
        }
        if self.templates.is_empty() {
            writeln!(out, "no built-in templates")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_draw_like_tree() {
        let paths: Vec<String> = ["a/b.txt", "a/c/d.txt", "e.txt"]
            .iter()
            .map(|s| (*s).into())
            .collect();
        assert_eq!(
            tree_lines(&paths),
            [
                "├── a/",
                "│   ├── b.txt",
                "│   └── c/",
                "│       └── d.txt",
                "└── e.txt"
            ]
        );
    }

    #[test]
    fn answers_display_as_typed() {
        assert_eq!(display_value(&serde_json::json!(["a", "b"])), "a, b");
        assert_eq!(display_value(&serde_json::json!(8080)), "8080");
        assert_eq!(display_value(&serde_json::json!("x")), "x");
    }
}
