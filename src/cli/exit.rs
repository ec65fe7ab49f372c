//! Exit codes and the one format every error is printed in.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::sync::OnceLock;

use anstyle::{AnsiColor, Style};

/// How a command that ran to the end turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It did its job (exit 0).
    Success,
    /// A negative verdict: a gate failed, a threshold was breached, `--check`
    /// found drift or an unsealed secret (exit 1).
    Negative,
    /// It could not decide: no data, too many errors (exit 3).
    Inconclusive,
    /// A command opsctl ran (`secrets exec`) ended with this code, passed on.
    PassThrough(u8),
    /// Stopped by Ctrl-C after reporting what it had (exit 130).
    Interrupted,
}

/// Usage or input error: a bad flag, a malformed file, a missing key.
pub const EXIT_USAGE: u8 = 2;
/// Interrupted by Ctrl-C or SIGTERM.
pub const EXIT_INTERRUPTED: u8 = 130;

impl Outcome {
    /// The process exit code for this outcome.
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(match self {
            Outcome::Success => 0,
            Outcome::Negative => 1,
            Outcome::Inconclusive => 3,
            Outcome::PassThrough(code) => code,
            Outcome::Interrupted => EXIT_INTERRUPTED,
        })
    }
}

/// The exit status table shown at the end of `opsctl --help` and in the man page.
pub const EXIT_STATUS: &[(u8, &str)] = &[
    (0, "success"),
    (
        1,
        "negative verdict: gate failed, threshold breached, --check found drift or an unsealed secret",
    ),
    (
        2,
        "usage or input error: bad flag, malformed file, missing key or value",
    ),
    (
        3,
        "inconclusive: the gate could not decide (no data, too many errors)",
    ),
    (130, "interrupted (Ctrl-C or SIGTERM)"),
];

/// `EXIT_STATUS` as the footer of `opsctl --help`.
pub fn exit_status_help() -> String {
    let mut footer = String::from("Exit status:");
    for (code, meaning) in EXIT_STATUS {
        footer.push_str(&format!("\n  {code:<4} {meaning}"));
    }
    footer
}

/// stdout was closed by its reader (`opsctl … | head`): the reader has all
/// it wanted, so opsctl exits 0 quietly. Raised only by the stdout writers,
/// so a broken pipe to some other process is still an error.
#[derive(Debug, thiserror::Error)]
#[error("stdout was closed")]
pub struct StdoutClosed;

/// Whether stderr is coloured, once the configuration has decided it.
static STDERR_COLOR: OnceLock<bool> = OnceLock::new();

/// Records the configured colour for stderr, so errors raised after the
/// configuration was read follow it (`color = "never"` in opsctl.toml).
pub fn remember_stderr_color(colored: bool) {
    let _ = STDERR_COLOR.set(colored);
}

/// Whether errors on stderr are coloured before configuration is read (a
/// broken config file must still produce a readable error): the `--color`
/// flag, then `OPSCTL_COLOR`, then the terminal and `NO_COLOR`.
pub fn error_color(args: &[OsString]) -> clap::ColorChoice {
    let from_flag = args.iter().enumerate().rev().find_map(|(i, a)| {
        let a = a.to_str()?;
        match a.strip_prefix("--color") {
            Some(rest) if rest.starts_with('=') => Some(rest[1..].to_owned()),
            Some("") => args.get(i + 1)?.to_str().map(str::to_owned),
            _ => None,
        }
    });
    let choice = from_flag.or_else(|| std::env::var("OPSCTL_COLOR").ok());
    match choice.as_deref() {
        Some("always") => clap::ColorChoice::Always,
        Some("never") => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    }
}

fn stderr_colored(choice: clap::ColorChoice) -> bool {
    if let Some(&configured) = STDERR_COLOR.get() {
        return configured;
    }
    match choice {
        clap::ColorChoice::Always => true,
        clap::ColorChoice::Never => false,
        clap::ColorChoice::Auto => {
            anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
        }
    }
}

/// Prints a clap error (or help / version) and returns its exit code: 0
/// for help and version (also when stdout was closed early), 2 for a usage
/// error or when help could not be written.
pub fn clap_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let printed = err.print();
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => match printed {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                let err = anyhow::Error::new(e).context("cannot write to stdout");
                let _ = std::io::stderr().write_all(format_error(&err, false).as_bytes());
                ExitCode::from(EXIT_USAGE)
            }
        },
        _ => ExitCode::from(EXIT_USAGE),
    }
}

/// Prints an error with its whole cause chain and returns the exit code its
/// kind calls for: 130 for an interrupt, 0 for a closed stdout (the reader
/// has all it wanted), 2 for everything else.
pub fn report_error(err: &anyhow::Error, color: clap::ColorChoice) -> ExitCode {
    let (code, print) = disposition(err);
    if print {
        let text = format_error(err, stderr_colored(color));
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
    ExitCode::from(code)
}

/// The exit code for an error, and whether to print it. A closed stdout and
/// Ctrl-C (the terminal already shows ^C) say nothing.
fn disposition(err: &anyhow::Error) -> (u8, bool) {
    if err.downcast_ref::<StdoutClosed>().is_some() {
        (0, false)
    } else if err
        .chain()
        .any(|e| e.downcast_ref::<crate::interrupt::Interrupted>().is_some())
    {
        (EXIT_INTERRUPTED, false)
    } else {
        (EXIT_USAGE, true)
    }
}

/// A message with advice on what to do next, attached as anyhow context:
/// it prints as an ordinary link of the chain, and its advice as a `hint:`
/// line after the chain.
#[derive(Debug)]
pub struct Hint {
    message: String,
    hint: String,
}

impl Hint {
    /// `message` as the link, `hint` as the advice.
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl std::fmt::Display for Hint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// `error: <what failed>` then one `caused by:` line per link of the chain;
/// lines after the first of a message (excerpts) are indented under it; the
/// advice of the outermost [`Hint`] in the chain comes last.
pub fn format_error(err: &anyhow::Error, color: bool) -> String {
    let (red, bold, cyan) = if color {
        (
            Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
            Style::new().bold(),
            Style::new().fg_color(Some(AnsiColor::Cyan.into())).bold(),
        )
    } else {
        (Style::new(), Style::new(), Style::new())
    };
    let mut out = String::new();
    for (i, cause) in err.chain().enumerate() {
        let message = cause.to_string();
        let (label, indent) = if i == 0 {
            (format!("{red}error{red:#}: "), "       ")
        } else {
            (format!("  {bold}caused by{bold:#}: "), "             ")
        };
        let mut lines = message.lines();
        out.push_str(&label);
        out.push_str(lines.next().unwrap_or(""));
        out.push('\n');
        for line in lines {
            out.push_str(indent);
            out.push_str(line);
            out.push('\n');
        }
    }
    // anyhow finds a context of type Hint at any depth of the chain.
    if let Some(h) = err.downcast_ref::<Hint>() {
        out.push_str(&format!("  {cyan}hint{cyan:#}: {}\n", h.hint));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_footer_lists_every_code() {
        let footer = exit_status_help();
        for (code, _) in EXIT_STATUS {
            assert!(footer.contains(&format!("\n  {code:<4} ")), "{footer}");
        }
    }

    #[test]
    fn errors_print_the_whole_chain_with_excerpts_indented() {
        let err = anyhow::anyhow!("x.toml:2:1: unknown key\n  |\n2 | k = 1")
            .context("cannot load configuration");
        assert_eq!(
            format_error(&err, false),
            "error: cannot load configuration\n  caused by: x.toml:2:1: unknown key\n               |\n             2 | k = 1\n"
        );
    }

    #[test]
    fn hints_come_after_the_chain() {
        let err = anyhow::anyhow!("x.toml:1:1: bad")
            .context(Hint::new("cannot load configuration", "fix the file"));
        assert_eq!(
            format_error(&err, false),
            "error: cannot load configuration\n  caused by: x.toml:1:1: bad\n  hint: fix the file\n"
        );
    }

    #[test]
    fn the_color_flag_is_found_before_parsing() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            error_color(&args(&["opsctl", "--color", "never"])),
            clap::ColorChoice::Never
        );
        assert_eq!(
            error_color(&args(&["opsctl", "--color=always"])),
            clap::ColorChoice::Always
        );
    }

    #[test]
    fn only_a_closed_stdout_exits_quietly() {
        let closed = anyhow::Error::new(StdoutClosed).context("writing the report");
        assert_eq!(disposition(&closed), (0, false));
        // A broken pipe to some other process is an error like any other.
        let other = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            .context("feeding a child process");
        assert_eq!(disposition(&other), (EXIT_USAGE, true));
        let interrupted = anyhow::Error::new(crate::interrupt::Interrupted).context("sealing");
        assert_eq!(disposition(&interrupted), (EXIT_INTERRUPTED, false));
    }
}
