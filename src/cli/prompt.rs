//! Questions asked at the terminal, only when someone is there to answer.
//!
//! opsctl prompts only when stdin is a terminal, `CI` is unset and
//! `--no-input` (or `no_input = true`) is absent. Otherwise a question becomes
//! an error that names the flag supplying the answer, so a CI job fails fast
//! instead of hanging. (dialoguer alone would still draw a prompt and block
//! when stdin is piped but stderr is a terminal, so the check is ours.)

use std::io::IsTerminal;

/// A question could not be asked or answered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PromptError {
    /// Nobody is there to answer; the flag gives the answer instead.
    #[error("{question} needs an answer, but {why}; pass {flag}")]
    NotInteractive {
        /// The question, for context.
        question: String,
        /// The flag (or flags) that supply the answer.
        flag: String,
        /// Why prompting is off.
        why: &'static str,
    },
    /// Ctrl-C at the prompt.
    #[error("interrupted")]
    Interrupted(#[source] crate::interrupt::Interrupted),
    /// The terminal failed while prompting.
    #[error("cannot prompt for {question}")]
    Terminal {
        /// The question.
        question: String,
        /// The terminal error.
        #[source]
        source: std::io::Error,
    },
}

/// Asks questions, or explains which flag to pass when it may not.
#[derive(Debug, Clone)]
pub struct Prompter {
    /// `None` when prompting is allowed, else why not.
    blocked: Option<&'static str>,
}

impl Prompter {
    /// Decides from the terminal, the `CI` variable and `no_input`.
    pub fn new(no_input: bool) -> Self {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        // dialoguer reads the keyboard from stdin and draws on stderr.
        let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        Self {
            blocked: why_not_interactive(terminal, ci, no_input),
        }
    }

    /// Whether questions will be asked.
    pub fn is_interactive(&self) -> bool {
        self.blocked.is_none()
    }

    /// Asks for a line of text, re-asking until `validate` accepts it.
    pub fn text(
        &self,
        question: &str,
        flag: &str,
        default: Option<&str>,
        validate: impl Fn(&str) -> Result<(), String>,
    ) -> Result<String, PromptError> {
        self.allowed(question, flag)?;
        let theme = dialoguer::theme::ColorfulTheme::default();
        let mut input = dialoguer::Input::<String>::with_theme(&theme)
            .with_prompt(question)
            .validate_with(|s: &String| validate(s));
        if let Some(d) = default {
            input = input.default(d.to_owned());
        }
        input
            .interact_text()
            .map_err(|e| terminal_error(question, e))
    }

    /// Asks for a secret without echoing it, re-asking until `validate`
    /// accepts it.
    pub fn secret(
        &self,
        question: &str,
        flag: &str,
        validate: impl Fn(&str) -> Result<(), String>,
    ) -> Result<String, PromptError> {
        self.allowed(question, flag)?;
        let theme = dialoguer::theme::ColorfulTheme::default();
        dialoguer::Password::with_theme(&theme)
            .with_prompt(question)
            .validate_with(|s: &String| validate(s))
            .interact()
            .map_err(|e| terminal_error(question, e))
    }

    /// Asks a yes/no question.
    pub fn confirm(&self, question: &str, flag: &str, default: bool) -> Result<bool, PromptError> {
        self.allowed(question, flag)?;
        let theme = dialoguer::theme::ColorfulTheme::default();
        dialoguer::Confirm::with_theme(&theme)
            .with_prompt(question)
            .default(default)
            .interact()
            .map_err(|e| terminal_error(question, e))
    }

    /// Asks to pick one of `choices`; returns its index.
    pub fn select(
        &self,
        question: &str,
        flag: &str,
        choices: &[&str],
        default: usize,
    ) -> Result<usize, PromptError> {
        self.allowed(question, flag)?;
        let theme = dialoguer::theme::ColorfulTheme::default();
        dialoguer::Select::with_theme(&theme)
            .with_prompt(question)
            .items(choices)
            .default(default)
            .interact()
            .map_err(|e| terminal_error(question, e))
    }

    fn allowed(&self, question: &str, flag: &str) -> Result<(), PromptError> {
        match self.blocked {
            None => Ok(()),
            Some(why) => Err(PromptError::NotInteractive {
                question: question.trim_end_matches(['?', ':', ' ']).to_owned(),
                flag: flag.to_owned(),
                why,
            }),
        }
    }
}

fn why_not_interactive(terminal: bool, ci: bool, no_input: bool) -> Option<&'static str> {
    if no_input {
        Some("prompts are off (--no-input or no_input = true)")
    } else if ci {
        Some("prompts are off in CI (the CI variable is set)")
    } else if !terminal {
        Some("stdin or stderr is not a terminal")
    } else {
        None
    }
}

fn terminal_error(question: &str, err: dialoguer::Error) -> PromptError {
    let dialoguer::Error::IO(source) = err;
    // console turns Ctrl-C in raw mode into this error (and raises SIGINT).
    if source.kind() == std::io::ErrorKind::Interrupted {
        return PromptError::Interrupted(crate::interrupt::Interrupted);
    }
    PromptError::Terminal {
        question: question.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_need_a_terminal_no_ci_and_no_no_input() {
        assert_eq!(why_not_interactive(true, false, false), None);
        assert!(
            why_not_interactive(false, false, false)
                .unwrap()
                .contains("stdin")
        );
        assert!(
            why_not_interactive(true, true, false)
                .unwrap()
                .contains("CI")
        );
        assert!(
            why_not_interactive(true, false, true)
                .unwrap()
                .contains("--no-input")
        );
    }

    #[test]
    fn ctrl_c_at_a_prompt_is_an_interrupt() {
        let err = terminal_error(
            "Name?",
            dialoguer::Error::IO(std::io::ErrorKind::Interrupted.into()),
        );
        let err = anyhow::Error::new(err);
        assert!(
            err.chain()
                .any(|e| e.downcast_ref::<crate::interrupt::Interrupted>().is_some())
        );
    }

    #[test]
    fn a_blocked_question_names_the_flag() {
        let p = Prompter {
            blocked: why_not_interactive(false, false, false),
        };
        let err = p
            .text("Service name?", "--set name=VALUE", None, |_| Ok(()))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Service name needs an answer, but stdin or stderr is not a terminal; pass --set name=VALUE"
        );
        assert!(p.confirm("Overwrite?", "--force", false).is_err());
        assert!(
            p.select("Stack?", "--set stack=NAME", &["rust", "go"], 0)
                .is_err()
        );
    }
}
