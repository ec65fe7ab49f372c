//! `opsctl secrets unseal` and `exec`: opening sealed files.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;

use super::{DestinationArgs, FormatArgs, check_destination, deliver, formats, locate, read_input};
use crate::cli::{Outcome, Printer};
use crate::secrets::keys::{Identities, IdentitySources};
use crate::secrets::{self as core, UnsealOptions};

#[derive(Debug, Args)]
pub(super) struct UnsealArgs {
    /// The sealed file
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    file: PathBuf,
    /// Print only this value, e.g. '["db"]["password"]' or '["hosts"][0]'
    #[arg(long, value_name = "PATH")]
    extract: Option<String>,
    #[command(flatten)]
    pub(super) destination: DestinationArgs,
    /// Read age identities (or SSH private keys) from FILE; repeatable
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    identity: Vec<PathBuf>,
    /// Open the file even if its MAC does not verify (tampering goes unnoticed)
    #[arg(long)]
    ignore_mac: bool,
    #[command(flatten)]
    format: FormatArgs,
}

#[derive(Debug, Args)]
pub(super) struct ExecArgs {
    /// Sealed files whose values become variables (later files win)
    #[arg(required = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    files: Vec<PathBuf>,
    /// Read age identities (or SSH private keys) from FILE; repeatable
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    identity: Vec<PathBuf>,
    /// Give the command only the secrets and PATH, not opsctl's environment
    #[arg(long)]
    pristine: bool,
    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "COMMAND", value_hint = clap::ValueHint::CommandWithArguments)]
    command: Vec<std::ffi::OsString>,
}

pub(super) fn unseal(printer: &Printer, args: UnsealArgs) -> anyhow::Result<Outcome> {
    check_destination(&args.destination, 1)?;
    let path = match &args.extract {
        Some(text) => {
            Some(core::parse_path(text).map_err(|e| anyhow::anyhow!("--extract {text:?}: {e}"))?)
        }
        None => None,
    };
    let identities = Identities::load(&IdentitySources::from_environment(args.identity.clone()))
        .with_context(|| format!("cannot unseal {}", args.file.display()))?;
    for warning in &identities.warnings {
        printer.warn(warning);
    }
    if args.ignore_mac {
        printer.warn("--ignore-mac: the MAC is not checked, so tampered values would go unnoticed");
    }
    let options = UnsealOptions {
        extract: path.as_deref(),
        ignore_mac: args.ignore_mac,
    };
    let plain = prepare(&args.file, &args.format, &identities, &options)
        .with_context(|| format!("cannot unseal {}", args.file.display()))?;
    deliver(&args.file, &args.destination, true, |out| {
        plain.write_to(out)
    })?;
    Ok(Outcome::Success)
}

/// Opens and verifies one sealed file. A regular file is first read as it
/// is parsed, each value decrypted as it is read (a whole YAML document
/// straight into its plaintext text, no tree held); when that does not
/// apply, or fails, the file is read whole and opened the usual way, which
/// also says exactly what is wrong with it.
fn prepare(
    file: &Path,
    args: &FormatArgs,
    identities: &Identities,
    options: &UnsealOptions<'_>,
) -> anyhow::Result<core::Unsealed> {
    let (format, output) = formats(file, args);
    if std::fs::metadata(file).is_ok_and(|m| m.is_file()) {
        let reader =
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
        if let Some(plain) = core::prepare_unseal_from(reader, format, output, identities, options)?
        {
            return Ok(plain);
        }
    }
    let (input, ..) = read_input(file, args)?;
    // The sealed bytes are dropped here: the MAC checked out, and what is
    // written comes from the plaintext tree.
    core::prepare_unseal(&input, format, output, identities, options)
        .map_err(|e| locate(file, &input, e))
}

pub(super) fn exec(printer: &Printer, args: ExecArgs) -> anyhow::Result<Outcome> {
    let identities = Identities::load(&IdentitySources::from_environment(args.identity.clone()))
        .context("cannot open the secrets for exec")?;
    for warning in &identities.warnings {
        printer.warn(warning);
    }
    let mut vars: Vec<(String, String)> = Vec::new();
    for file in &args.files {
        let (input, format, _) = read_input(file, &FormatArgs::default())?;
        let tree = core::open(&input, format, &identities, false)
            .map_err(|e| locate(file, &input, e))
            .with_context(|| format!("cannot unseal {}", file.display()))?;
        vars.extend(
            core::environment(&tree, format)
                .with_context(|| format!("cannot use {} as environment", file.display()))?,
        );
    }
    let (program, rest) = args
        .command
        .split_first()
        .context("no command given after --")?;
    let mut command = std::process::Command::new(program);
    command.args(rest);
    if args.pristine {
        let path = std::env::var_os("PATH");
        command.env_clear();
        if let Some(path) = path {
            command.env("PATH", path);
        }
    }
    command.envs(vars);
    // The child gets Ctrl-C too (same process group) and decides; opsctl
    // waits and passes its exit code on.
    let deferral = crate::interrupt::defer();
    let status = command
        .status()
        .with_context(|| format!("cannot run {}", program.to_string_lossy()))?;
    drop(deferral);
    Ok(Outcome::PassThrough(exit_code_of(status)))
}

/// The code a shell would report: the exit code, or 128 + the signal.
fn exit_code_of(status: std::process::ExitStatus) -> u8 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(u8::MAX);
        }
    }
    status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1))
}
