//! Printing reports: human tables with colour, or JSON, on stdout; notes,
//! warnings and progress on stderr.
//!
//! Reports are `Serialize` types from the core. `-o json` prints them as one
//! JSON document whose shape is pinned by a schema in `schemas/`; human output
//! is written by each command's [`HumanReport`] impl through a [`Printer`],
//! which knows whether colour and progress bars are allowed.

use std::io::{IsTerminal, Write};

use anyhow::Context as _;

use anstyle::{AnsiColor, Style};
use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressDrawTarget};
use serde::Serialize;

use super::exit::StdoutClosed;
use crate::config::{ColorMode, Config, OutputFormat};

/// A report that can also be shown to a person.
pub trait HumanReport {
    /// Writes the human form of the report.
    fn write_human(&self, printer: &Printer, out: &mut dyn Write) -> std::io::Result<()>;
}

/// Where and how a command prints, decided once from configuration and terminals.
#[derive(Debug, Clone)]
pub struct Printer {
    format: OutputFormat,
    stdout_color: bool,
    stderr_color: bool,
    stdout_width: Option<u16>,
    ascii: bool,
    quiet: bool,
    verbose: u8,
    progress: bool,
}

impl Printer {
    /// A printer for the effective configuration and the `-q`/`-v` flags.
    pub fn new(config: &Config, quiet: bool, verbose: u8) -> Self {
        let stdout = std::io::stdout();
        let stderr = std::io::stderr();
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        let term = std::env::var("TERM").ok();
        let stderr_color = use_color(config.color, &stderr);
        super::exit::remember_stderr_color(stderr_color);
        Self {
            format: config.output,
            stdout_color: use_color(config.color, &stdout),
            stderr_color,
            stdout_width: stdout
                .is_terminal()
                .then(|| console::Term::stdout().size_checked().map(|(_, w)| w))
                .flatten(),
            ascii: term.as_deref() == Some("dumb"),
            quiet,
            verbose,
            progress: progress_allowed(
                stderr.is_terminal(),
                ci,
                quiet,
                config.output,
                term.as_deref(),
            ),
        }
    }

    /// How many `-v` were given.
    pub fn verbosity(&self) -> u8 {
        self.verbose
    }

    /// The report format on stdout.
    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// Prints a report on stdout in the configured format.
    pub fn report<R: HumanReport + Serialize>(&self, report: &R) -> anyhow::Result<()> {
        // Render fully before writing, so a failure never leaves half a
        // JSON document on stdout.
        let mut buf = Vec::new();
        match self.format {
            OutputFormat::Json => {
                serde_json::to_writer_pretty(&mut buf, report)
                    .context("cannot encode the report")?;
                buf.push(b'\n');
            }
            OutputFormat::Human => report
                .write_human(self, &mut buf)
                .context("cannot format the report")?,
        }
        write_stdout(&buf)
    }

    /// Writes raw bytes (a script, rendered YAML) to stdout.
    pub fn raw(&self, bytes: &[u8]) -> anyhow::Result<()> {
        write_stdout(bytes)
    }

    /// A table in the house style, sized to the terminal and coloured only
    /// when stdout may be; plain ASCII on a dumb terminal.
    pub fn table(&self) -> Table {
        let mut table = Table::new();
        let style = if self.ascii {
            presets::ASCII_FULL_CONDENSED
        } else {
            presets::UTF8_FULL_CONDENSED.with_rounded_corners()
        };
        table
            .load_style(style)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .force_no_tty();
        if let Some(width) = self.stdout_width {
            table.set_width(width);
        }
        if self.stdout_color {
            table.enforce_styling();
        }
        table
    }

    /// `text` in `style` when stdout is coloured.
    pub fn paint(&self, text: &str, style: Style) -> String {
        paint(self.stdout_color, text, style)
    }

    /// A note on stderr about what is happening; hidden by `--quiet`.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            self.stderr_line("note", AnsiColor::Cyan, message);
        }
    }

    /// A warning on stderr; hidden only by `--quiet`.
    pub fn warn(&self, message: &str) {
        if !self.quiet {
            self.stderr_line("warning", AnsiColor::Yellow, message);
        }
    }

    /// Detail shown at `-v` (level 1) or `-vv` (level 2) and above.
    pub fn debug(&self, level: u8, message: &str) {
        if self.verbose >= level {
            self.stderr_line("debug", AnsiColor::BrightBlack, message);
        }
    }

    fn stderr_line(&self, label: &str, color: AnsiColor, message: &str) {
        let style = Style::new().fg_color(Some(color.into())).bold();
        let label = paint(self.stderr_color, label, style);
        let _ = writeln!(std::io::stderr().lock(), "{label}: {message}");
    }

    /// A progress bar on stderr, drawn only on an attended terminal, never in
    /// JSON mode, under `CI`, `--quiet` or `TERM=dumb`; otherwise hidden (all
    /// calls on it are no-ops).
    pub fn progress_bar(&self, len: Option<u64>) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr())
    }
}

/// Writes bytes to stdout and flushes; a closed pipe becomes
/// [`StdoutClosed`], which ends opsctl quietly with status 0.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    write_stdout_with(|out| out.write_all(bytes))
}

/// Writes to stdout through a buffer as `write` produces the bytes, then
/// flushes; a closed pipe anywhere in the error's chain becomes
/// [`StdoutClosed`], other I/O failures say they are stdout's.
pub fn write_stdout_with<E: Into<anyhow::Error>>(
    write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let written = write(&mut out)
        .map_err(Into::into)
        .and_then(|()| out.flush().map_err(anyhow::Error::from));
    let Err(e) = written else {
        return Ok(());
    };
    let io = e
        .chain()
        .find_map(|cause| cause.downcast_ref::<std::io::Error>());
    match io {
        Some(io) if io.kind() == std::io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
        Some(_) => Err(e.context("cannot write to stdout")),
        None => Err(e),
    }
}

/// Progress bars are for a person watching stderr: never in JSON mode, under
/// `CI`, with `--quiet`, or on a dumb terminal.
fn progress_allowed(
    stderr_tty: bool,
    ci: bool,
    quiet: bool,
    format: OutputFormat,
    term: Option<&str>,
) -> bool {
    stderr_tty && !ci && !quiet && format == OutputFormat::Human && term != Some("dumb")
}

/// Whether a stream gets colour under `mode`: `always`/`never` win; `auto`
/// colours a terminal unless `NO_COLOR` is set or `TERM=dumb`, and
/// `CLICOLOR_FORCE` forces it on.
fn use_color(mode: ColorMode, stream: &impl anstream::stream::RawStream) -> bool {
    match mode {
        ColorMode::Always => true,
        ColorMode::Never => false,
        ColorMode::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
    }
}

fn paint(enabled: bool, text: &str, style: Style) -> String {
    if enabled {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_adds_escapes_only_when_enabled() {
        let bold = Style::new().bold();
        assert_eq!(paint(false, "x", bold), "x");
        assert_eq!(paint(true, "x", bold), "\u{1b}[1mx\u{1b}[0m");
    }

    #[test]
    fn progress_needs_an_attended_human_terminal() {
        let human = OutputFormat::Human;
        assert!(progress_allowed(true, false, false, human, Some("xterm")));
        assert!(progress_allowed(true, false, false, human, None));
        assert!(!progress_allowed(false, false, false, human, Some("xterm")));
        assert!(!progress_allowed(true, true, false, human, Some("xterm")));
        assert!(!progress_allowed(true, false, true, human, Some("xterm")));
        assert!(!progress_allowed(
            true,
            false,
            false,
            OutputFormat::Json,
            Some("xterm")
        ));
        assert!(!progress_allowed(true, false, false, human, Some("dumb")));
    }

    #[test]
    fn explicit_color_modes_ignore_the_terminal() {
        assert!(use_color(ColorMode::Always, &std::io::stderr()));
        assert!(!use_color(ColorMode::Never, &std::io::stderr()));
    }
}
