//! `opsctl config`: show the merged configuration and the files behind it.

use std::io::Write;

use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};
use comfy_table::{Attribute, Cell, ColumnConstraint};

use super::output::HumanReport;
use super::{Outcome, Printer, Session};
use crate::config::{
    ConfigPathsReport, ConfigReport, FileLayer, FileStatus, KEYS, Origin, OutputFormat,
};

/// Show the configuration and where each value comes from
#[derive(Debug, Args)]
#[command(long_about = "\
Show the configuration opsctl runs with and where each value comes from.

Layers, later wins: built-in defaults, the user file ($XDG_CONFIG_HOME/opsctl/config.toml), \
the project file (opsctl.toml in this directory or the nearest parent, or --config FILE), \
OPSCTL_* environment variables, then flags.")]
pub struct ConfigArgs {
    #[command(subcommand)]
    command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print every setting with its value and origin, or one value
    #[command(long_about = "\
Print every setting with its effective value, the layer it came from (default, user file, \
project file with line, environment variable or flag) and the variable that sets it. Given \
KEY, print only that value (or, with -o json, that entry).")]
    Show(ShowArgs),
    /// Print the config files that are read
    #[command(long_about = "\
Print the config files opsctl reads, one path per line, lowest precedence first. With -o json, \
every candidate is listed with its layer and status (found, not_found, disabled). Files are \
listed even when they do not parse, so a broken file can be found and fixed.")]
    Path,
}

#[derive(Debug, Args)]
struct ShowArgs {
    /// Show only this key (e.g. `color`)
    #[arg(value_parser = PossibleValuesParser::new(KEYS.iter().map(|k| k.key)))]
    key: Option<String>,
}

/// Runs `opsctl config …`.
pub fn run(session: &Session, args: ConfigArgs) -> anyhow::Result<Outcome> {
    match args.command {
        ConfigCommand::Show(show) => {
            let (loaded, printer) = session.load_config()?;
            let mut report = loaded.report();
            if let Some(key) = show.key {
                // One key keeps the shape of the full report (one entry), so
                // one schema covers both; the human form is the bare value.
                report.entries.retain(|e| e.key == key);
                if report.entries.is_empty() {
                    return Err(unknown_key(&key));
                }
                if printer.format() == OutputFormat::Human {
                    printer
                        .raw(format!("{}\n", display_value(&report.entries[0].value)).as_bytes())?;
                    return Ok(Outcome::Success);
                }
            }
            printer.report(&report)?;
        }
        ConfigCommand::Path => {
            // Locating files needs no parsing, so this works while a file is broken.
            let options = session.load_options()?;
            let files = crate::config::locate(&options);
            let printer = session.printer_without_files()?;
            let report = ConfigPathsReport { files };
            if printer.format() == OutputFormat::Human
                && !report.files.iter().any(|f| f.status == FileStatus::Found)
            {
                printer.note(&no_files_note(&report));
            }
            printer.report(&report)?;
        }
    }
    Ok(Outcome::Success)
}

fn unknown_key(key: &str) -> anyhow::Error {
    let names: Vec<&str> = KEYS.iter().map(|k| k.key).collect();
    let best = names
        .iter()
        .map(|n| (strsim::jaro_winkler(key, n), *n))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, name)) => anyhow::anyhow!("unknown config key `{key}`; did you mean `{name}`?"),
        None => anyhow::anyhow!(
            "unknown config key `{key}` (known keys: {})",
            names.join(", ")
        ),
    }
}

fn no_files_note(report: &ConfigPathsReport) -> String {
    let wanted: Vec<String> = report
        .files
        .iter()
        .map(|f| match (f.layer, f.status) {
            (_, FileStatus::Disabled) => format!("{} (disabled by --no-config)", f.path.display()),
            (FileLayer::Project, _) => format!("{} or a parent directory", f.path.display()),
            (FileLayer::User, _) => f.path.display().to_string(),
        })
        .collect();
    format!(
        "no config file is read; opsctl looks for {}",
        wanted.join(" and ")
    )
}

impl HumanReport for ConfigReport {
    fn write_human(&self, printer: &Printer, out: &mut dyn Write) -> std::io::Result<()> {
        let mut table = printer.table();
        table.set_header(["KEY", "VALUE", "ORIGIN", "VARIABLE"]);
        // Identifiers must not break mid-word; values and origins (paths) wrap.
        for index in [0, 3] {
            if let Some(column) = table.column_mut(index) {
                column.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
        for e in &self.entries {
            let mut origin = Cell::new(e.origin.to_string());
            if e.origin == Origin::Default {
                origin = origin.add_attribute(Attribute::Dim);
            }
            table.add_row(vec![
                Cell::new(&e.key),
                Cell::new(display_value(&e.value)),
                origin,
                Cell::new(&e.env),
            ]);
        }
        writeln!(out, "{table}")
    }
}

impl HumanReport for ConfigPathsReport {
    /// One read file per line, for `$EDITOR $(opsctl config path)`.
    fn write_human(&self, _printer: &Printer, out: &mut dyn Write) -> std::io::Result<()> {
        for f in self.files.iter().filter(|f| f.status == FileStatus::Found) {
            writeln!(out, "{}", f.path.display())?;
        }
        Ok(())
    }
}

/// A value as a person reads it: strings bare, lists comma-separated, unset empty.
fn display_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(display_value)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
