//! `opsctl new`: a directory generated from a template.
//!
//! A template ([`source`]) is a directory with an `opsctl-template.toml`
//! ([`manifest`]): built in, local, or in a git repository (cloned by the
//! `git` command). Its variables are answered from `--set`, an answers file,
//! prompts or defaults
//! ([`answers`]); its files are rendered with the shared Tera engine and
//! chosen by its conditions, and marked files are sealed ([`generate`]).
//! The result is staged beside the target and moved into place only when
//! complete ([`stage`]). The format is documented in `docs/templates.md`.

pub mod answers;
mod builtin;
pub mod generate;
mod git;
pub mod manifest;
pub mod paths;
pub mod source;
pub mod stage;

use std::path::PathBuf;

pub use answers::{Answers, Asker};
pub use generate::{GeneratedFile, Plan};
pub use git::Prompts;
pub use manifest::{Manifest, VarType, Variable};
pub use source::{Origin, Template, TemplateFile};
pub use stage::{FileAction, Staged};

/// The template `opsctl new` uses without `--template`.
pub const DEFAULT_TEMPLATE: &str = "service";

/// Where the answers are recorded inside the generated directory.
pub const ANSWERS_FILE: &str = ".opsctl/answers.toml";

/// Everything that can stop `opsctl new`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScaffoldError {
    /// The template source names nothing that exists.
    #[error("template {source_name:?} not found: {why}")]
    NotFound {
        /// The `--template` value.
        source_name: String,
        /// What was tried.
        why: String,
        /// The built-in templates, for the hint.
        builtins: Vec<String>,
    },
    /// A git template could not be fetched or its ref resolved.
    #[error("git template {url}: {message}")]
    Git {
        /// The repository URL.
        url: String,
        /// git's message (credentials taken out), or what opsctl found wrong.
        message: String,
    },
    /// A git template was asked for and there is no `git` command to fetch it.
    #[error(
        "git template {url}: opsctl fetches git templates with the `git` command, which is not \
         installed (or not on PATH)"
    )]
    GitNotInstalled {
        /// The repository URL.
        url: String,
    },
    /// `opsctl-template.toml` is malformed.
    #[error("{origin}{}: {message}{}", location(*line, *column), excerpt_block(excerpt))]
    Manifest {
        /// The manifest (template source and file).
        origin: String,
        /// 1-based line, 0 when the problem is not at one place.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
        /// The offending line with carets, or empty.
        excerpt: String,
    },
    /// A template file or path cannot be used safely or at all.
    #[error("template file {path}: {message}")]
    UnsafeTemplate {
        /// The file, relative to the template.
        path: String,
        /// Why it was refused.
        message: String,
    },
    /// A template file does not render.
    #[error(transparent)]
    Render(#[from] crate::template::TemplateError),
    /// `--set` or an answers file names no variable of the template.
    #[error("{flag}: the template has no variable `{name}`{}", suggestion(closest))]
    UnknownVariable {
        /// Where it was named (`--set name=…`, the answers file).
        flag: String,
        /// The name given.
        name: String,
        /// The closest declared name, if any.
        closest: Option<String>,
        /// Every declared name, for the hint.
        known: Vec<String>,
    },
    /// An answer does not fit its variable.
    #[error("{source_name}: invalid value for `{name}`: {message}")]
    InvalidAnswer {
        /// Where the answer came from.
        source_name: String,
        /// The variable.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A required variable has no answer and nobody can be asked.
    #[error("variable `{name}` ({question}) has no default and no answer, and {why}")]
    MissingAnswer {
        /// The variable.
        name: String,
        /// Its question.
        question: String,
        /// Why nobody was asked.
        why: &'static str,
    },
    /// The answers file cannot be read or is not TOML.
    #[error("answers file {}: {message}", path.display())]
    AnswersFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The target directory has files and `--force` was not given.
    #[error("{} is not empty", dir.display())]
    NotEmpty {
        /// The target.
        dir: PathBuf,
        /// Files the template would overwrite.
        conflicts: Vec<String>,
    },
    /// The target is a file, or a path inside it leads through a symlink.
    #[error("cannot generate into {}: {why}", path.display())]
    BadTarget {
        /// The offending path.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// Sealing a generated file failed.
    #[error("cannot seal {path}: {message}")]
    Seal {
        /// The generated file.
        path: String,
        /// Why.
        message: String,
    },
    /// Reading or writing files failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file-system step (staging, an atomic write) failed.
    #[error(transparent)]
    Fs(#[from] crate::fsx::FsError),
    /// A question could not be asked or answered (no terminal, Ctrl-C).
    #[error("cannot ask for `{name}`")]
    Asked {
        /// The variable.
        name: String,
        /// The prompt's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

fn location(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}

fn excerpt_block(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!("\n{excerpt}")
    }
}

fn suggestion(closest: &Option<String>) -> String {
    closest
        .as_ref()
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

impl ScaffoldError {
    /// What to do next, for the error printer.
    pub fn hint(&self) -> Option<String> {
        match self {
            ScaffoldError::NotFound { builtins, .. } => Some(format!(
                "pass a built-in name ({}), a directory holding opsctl-template.toml, or a git URL \
                 (URL#REF//SUBDIR); `opsctl new --list` shows the built-ins",
                builtins.join(", ")
            )),
            ScaffoldError::Git { .. } => Some(
                "check the URL, the ref after # and your network or git credentials; opsctl \
                 runs `git clone`, so your git configuration, credential helpers and ssh \
                 setup apply"
                    .to_owned(),
            ),
            ScaffoldError::GitNotInstalled { .. } => Some(
                "install git (Debian/Ubuntu: apt-get install git), or use a built-in or local \
                 template"
                    .to_owned(),
            ),
            ScaffoldError::UnknownVariable { known, .. } => Some(format!(
                "the template's variables are: {} (`opsctl new --list --template …` shows them)",
                known.join(", ")
            )),
            ScaffoldError::MissingAnswer { name, .. } => Some(format!(
                "pass --set {name}=VALUE (or put it in --answers FILE)"
            )),
            ScaffoldError::NotEmpty { conflicts, .. } if conflicts.is_empty() => Some(
                "choose a new or empty directory, or pass --force to add the files to it"
                    .to_owned(),
            ),
            ScaffoldError::NotEmpty { conflicts, .. } => Some(format!(
                "pass --force to overwrite {} (listed after writing), or choose another directory",
                list_some(conflicts)
            )),
            _ => None,
        }
    }
}

/// The first few items of a list, then how many more.
fn list_some(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = items
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    text
}
