//! `opsctl secrets keygen`: new age identities.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use crate::cli::output::{HumanReport, write_stdout};
use crate::cli::{Outcome, Printer};
use crate::config::OutputFormat;
use crate::secrets::KeygenReport;
use crate::secrets::keys::{self, IdentitySources};

#[derive(Debug, Args)]
pub(super) struct KeygenArgs {
    /// Write the identity to FILE (created 0600, never overwritten); `-` for stdout; the same as -o FILE
    #[arg(long = "out", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub(super) out: Option<PathBuf>,
    /// Also append the identity to the default sops key file
    #[arg(long)]
    add_to_sops_keys: bool,
}

pub(super) fn keygen(printer: &Printer, args: KeygenArgs) -> anyhow::Result<Outcome> {
    let (identity, public_key) = keys::generate_identity();
    let mut report = KeygenReport {
        public_key: public_key.clone(),
        file: None,
        added_to: None,
    };
    if args.add_to_sops_keys {
        let sources = IdentitySources::from_environment(Vec::new());
        let path = sources
            .default_key_file()
            .context("cannot find the default sops key file: HOME and XDG_CONFIG_HOME are unset")?
            .to_owned();
        keys::append_identity(&path, &identity)
            .with_context(|| format!("cannot add the identity to {}", path.display()))?;
        report.added_to = Some(path);
    }
    match args.out.as_deref() {
        Some(path) if path != Path::new("-") => {
            crate::fsx::create_new_with_mode(path, identity.as_bytes(), 0o600).map_err(|e| match e {
                crate::fsx::FsError::Exists(_) => anyhow::anyhow!(
                    "{} already exists; opsctl never overwrites an identity (choose another -o FILE)",
                    path.display()
                ),
                other => anyhow::Error::new(other).context(format!("cannot write the identity to {}", path.display())),
            })?;
            report.file = Some(path.to_owned());
        }
        // Only --add-to-sops-keys: the identity is stored, nothing to print.
        None if args.add_to_sops_keys => {}
        _ => {
            if printer.format() == OutputFormat::Json {
                bail!(
                    "-o json reports on the identity, so the identity itself must go to a file: \
                     pass -o FILE as well (`keygen -o key.txt -o json`)"
                );
            }
            write_stdout(identity.as_bytes())?;
            printer.note(&format!("public key: {public_key}"));
            return Ok(Outcome::Success);
        }
    }
    printer.report(&report)?;
    Ok(Outcome::Success)
}

impl HumanReport for KeygenReport {
    fn write_human(&self, _printer: &Printer, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        writeln!(out, "public key: {}", self.public_key)?;
        if let Some(file) = &self.file {
            writeln!(out, "identity written to {}", file.display())?;
        }
        if let Some(file) = &self.added_to {
            writeln!(out, "identity added to {}", file.display())?;
        }
        Ok(())
    }
}
