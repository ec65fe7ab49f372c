//! `opsctl secrets check`: are the files sealed and intact?

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;
use clap::builder::PossibleValuesParser;

use super::seal::sops_config_path;
use crate::cli::output::HumanReport;
use crate::cli::{Outcome, Printer};
use crate::secrets::check;
use crate::secrets::creation_rules::SopsConfig;
use crate::secrets::keys::{Identities, IdentitySources};
use crate::secrets::store::Format;

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// Files to check (default: every file a .sops.yaml path_regex rule matches)
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    files: Vec<PathBuf>,
    /// Also verify MACs with the age identities (or SSH keys) in FILE; repeatable
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    identity: Vec<PathBuf>,
    /// Read files as this format instead of guessing from their names
    #[arg(long, value_name = "TYPE", value_parser = PossibleValuesParser::new(Format::NAMES))]
    input_type: Option<String>,
}

pub(super) fn check_files(printer: &Printer, args: CheckArgs) -> anyhow::Result<Outcome> {
    let files = if args.files.is_empty() {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let Some(path) = sops_config_path(&cwd) else {
            bail!(
                "no FILE given and no .sops.yaml found to list the secrets files; pass the files to check"
            );
        };
        let files = SopsConfig::load(&path)?.matching_files();
        printer.debug(
            1,
            &format!("{} lists {} file(s)", path.display(), files.len()),
        );
        files
    } else {
        args.files.clone()
    };
    // A missing key is not a failure: MACs are verified when a key is at hand.
    let identities =
        Identities::load(&IdentitySources::from_environment(args.identity.clone())).ok();
    if let Some(ids) = &identities {
        for warning in &ids.warnings {
            printer.warn(warning);
        }
    }
    let results = files
        .into_iter()
        .map(|file| {
            let format = args
                .input_type
                .as_deref()
                .and_then(Format::from_name)
                .unwrap_or_else(|| Format::from_path(&file));
            match std::fs::read(&file) {
                Ok(bytes) => check::check_file(file, &bytes, format, identities.as_ref()),
                Err(e) => check::FileCheck {
                    path: file,
                    sealed: false,
                    mac: check::MacStatus::Skipped,
                    problems: vec![check::Problem {
                        key: None,
                        message: format!("cannot read: {e}"),
                    }],
                },
            }
        })
        .collect();
    let report = check::CheckReport::new(results);
    printer.report(&report)?;
    Ok(if report.summary.failed > 0 {
        Outcome::Negative
    } else {
        Outcome::Success
    })
}

impl HumanReport for check::CheckReport {
    fn write_human(&self, printer: &Printer, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let failed: Vec<&check::FileCheck> = self.files.iter().filter(|f| !f.ok()).collect();
        if !failed.is_empty() {
            let mut table = printer.table();
            table.set_header(["FILE", "KEY", "PROBLEM"]);
            for file in failed {
                for problem in &file.problems {
                    table.add_row([
                        file.path.display().to_string(),
                        problem.key.clone().unwrap_or_default(),
                        problem.message.clone(),
                    ]);
                }
            }
            writeln!(out, "{table}")?;
        }
        let s = self.summary;
        writeln!(
            out,
            "{} file(s) checked: {} failed, {} MAC(s) verified{}",
            s.checked,
            s.failed,
            s.mac_verified,
            if s.mac_verified < s.checked - s.failed {
                " (no key for the others)"
            } else {
                ""
            }
        )
    }
}
