//! Exit codes and the one format every error is printed in.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

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

/// `EXIT_STATUS` as a help footer.
pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0    success
  1    negative verdict: gate failed, threshold breached, --check found drift or an unsealed secret
  2    usage or input error: bad flag, malformed file, missing key or value
  3    inconclusive: the gate could not decide (no data, too many errors)
  130  interrupted (Ctrl-C or SIGTERM)";

/// Whether errors on stderr are coloured, decided before configuration is
/// read (a broken config file must still produce a readable error): the
/// `--color` flag, then `OPSCTL_COLOR`, then the terminal and `NO_COLOR`.
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
    match choice {
        clap::ColorChoice::Always => true,
        clap::ColorChoice::Never => false,
        clap::ColorChoice::Auto => {
            anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
        }
    }
}

/// Prints a clap error (or help / version) and returns its exit code.
pub fn clap_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    // Help and version go to stdout; a closed pipe there is not an error.
    match err.print() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        _ => {}
    }
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
        _ => ExitCode::from(EXIT_USAGE),
    }
}

/// Prints an error with its whole cause chain and returns the exit code its
/// kind calls for: 130 for an interrupt, 0 for a closed stdout pipe (the
/// reader has all it wanted), 2 for everything else.
pub fn report_error(err: &anyhow::Error, color: clap::ColorChoice) -> ExitCode {
    if is_broken_pipe(err) {
        return ExitCode::SUCCESS;
    }
    let interrupted = err
        .chain()
        .any(|e| e.downcast_ref::<crate::interrupt::Interrupted>().is_some());
    let text = format_error(err, stderr_colored(color));
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
    ExitCode::from(if interrupted {
        EXIT_INTERRUPTED
    } else {
        EXIT_USAGE
    })
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `error: <what failed>` then one `caused by:` line per link of the chain;
/// lines after the first of a message (excerpts) are indented under it.
pub fn format_error(err: &anyhow::Error, color: bool) -> String {
    let (red, bold) = if color {
        (
            Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
            Style::new().bold(),
        )
    } else {
        (Style::new(), Style::new())
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_footer_matches_the_table() {
        let mut footer = String::from("Exit status:");
        for (code, meaning) in EXIT_STATUS {
            footer.push_str(&format!("\n  {code:<4} {meaning}"));
        }
        assert_eq!(footer, EXIT_STATUS_HELP);
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
    fn a_broken_pipe_anywhere_in_the_chain_is_recognised() {
        let err = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            .context("writing the report");
        assert!(is_broken_pipe(&err));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
