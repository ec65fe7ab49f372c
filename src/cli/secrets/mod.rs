//! `opsctl secrets`: seal and open SOPS-compatible secrets files with age.
//!
//! One file per group of commands; this one holds the command tree and the
//! helpers they share (reading inputs, writing results, locating errors).

mod change;
mod check;
mod keygen;
mod seal;
mod unseal;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};

use super::output::write_stdout_with;
use super::{Outcome, Session};
use crate::secrets::store::Format;
use crate::secrets::{self as core};
use change::{EditArgs, RotateArgs, SetArgs, UnsetArgs};
use check::CheckArgs;
use keygen::KeygenArgs;
use seal::SealArgs;
use unseal::{ExecArgs, UnsealArgs};

/// Seal secrets files so they can be committed (SOPS-compatible, age)
#[derive(Debug, Args)]
#[command(long_about = "\
Seal secrets files so they can be committed, and open them again. Sealed files are SOPS files \
with age recipients: `sops -d` opens what opsctl seals, and opsctl opens what sops sealed. \
Identities are read from --identity, SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and the default sops key \
file ($XDG_CONFIG_HOME/sops/age/keys.txt), as sops reads them.")]
pub struct SecretsArgs {
    #[command(subcommand)]
    command: SecretsCommand,
}

#[derive(Debug, Subcommand)]
enum SecretsCommand {
    /// Create a new age identity (key pair)
    Keygen(KeygenArgs),
    /// Encrypt files for their recipients
    Seal(SealArgs),
    /// Decrypt a sealed file
    Unseal(UnsealArgs),
    /// Verify that files are sealed and intact (for pre-commit and CI)
    #[command(long_about = "\
Verify that secrets files are sealed: each has intact sops metadata, every value its rules say \
must be encrypted is encrypted, and, when an identity is available, its MAC verifies. Files \
that should be sealed but are not are also scanned for obvious plaintext secrets (private key \
blocks, random-looking values under keys named like password or token). With no FILE, every \
file matched by a path_regex rule of the nearest .sops.yaml is checked. Exits 1 when any file \
fails.")]
    Check(CheckArgs),
    /// Run a command with the decrypted values as environment variables
    #[command(long_about = "\
Run a command with the decrypted values of sealed files as environment variables. Nested keys \
(and list indices) are joined with `_` and upper-cased (db.password becomes DB_PASSWORD); \
dotenv keys are used as written; later files win. Nothing is written to disk, and the \
command's exit code is passed through.")]
    Exec(ExecArgs),
    /// Edit a sealed file in your editor; unchanged values keep their ciphertext
    #[command(long_about = "\
Decrypt a sealed file into a private temporary file (0600 in a 0700 directory), open \
$SOPS_EDITOR, $VISUAL or $EDITOR on it, and seal the result with the same data key: values \
you did not change keep their exact ciphertext, so a git diff shows only what you changed. If \
the editor fails or the result does not parse, the sealed file is left untouched (on a \
terminal you may reopen the editor). The temporary file is removed on every way out, Ctrl-C \
included. A missing FILE is created and sealed per .sops.yaml (or --age).")]
    Edit(EditArgs),
    /// Set one value in a sealed file
    Set(SetArgs),
    /// Remove one value from a sealed file
    Unset(UnsetArgs),
    /// New data key and fresh ciphertext, adding or removing recipients
    #[command(long_about = "\
Rotate sealed files: a new data key, fresh ciphertext for every value, and recipients added \
(--add-age) or removed (--rm-age) in the same atomic step. Revoking someone needs both: \
remove them and rotate, since they may have kept the old data key. With --keys-only the data \
key and values are kept and only the recipients change, synced with the file's .sops.yaml \
rule (like sops updatekeys).")]
    Rotate(RotateArgs),
}

/// Flags shared by commands that read and write sealed files.
#[derive(Debug, Default, Args)]
struct FormatArgs {
    /// Read the input as this format instead of guessing from the file name
    #[arg(long, value_name = "TYPE", value_parser = PossibleValuesParser::new(Format::NAMES))]
    input_type: Option<String>,
    /// Write the output in this format (default: the input's)
    #[arg(long, value_name = "TYPE", value_parser = PossibleValuesParser::new(Format::NAMES))]
    output_type: Option<String>,
}

/// Where results go: stdout, a file, or back over the input.
#[derive(Debug, Args)]
struct DestinationArgs {
    /// Replace each input file with the result (atomically)
    #[arg(short, long, conflicts_with = "out")]
    in_place: bool,
    /// Write the result to FILE (atomically) instead of stdout; the same as -o FILE
    #[arg(long = "out", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    out: Option<PathBuf>,
}

impl DestinationArgs {
    /// Takes the file named by `-o FILE`.
    fn set_output_file(&mut self, file: &Path) -> anyhow::Result<()> {
        if self.in_place {
            bail!(
                "-o {} and --in-place both say where the result goes; give one",
                file.display()
            );
        }
        set_output_file(&mut self.out, file)
    }
}

/// Puts the file named by `-o FILE` where `--out` would have put it.
fn set_output_file(out: &mut Option<PathBuf>, file: &Path) -> anyhow::Result<()> {
    if let Some(earlier) = out {
        bail!(
            "the output file is named twice (-o {} and --out {}); give one",
            file.display(),
            earlier.display()
        );
    }
    *out = Some(file.to_owned());
    Ok(())
}

impl SecretsArgs {
    /// Whether the command writes a result file that `-o FILE` may name.
    pub fn takes_output_file(&self) -> bool {
        matches!(
            self.command,
            SecretsCommand::Keygen(_) | SecretsCommand::Seal(_) | SecretsCommand::Unseal(_)
        )
    }
}

/// Runs `opsctl secrets …`.
pub fn run(session: &Session, args: SecretsArgs) -> anyhow::Result<Outcome> {
    let mut command = args.command;
    if let Some(file) = &session.output_file {
        match &mut command {
            SecretsCommand::Keygen(a) => set_output_file(&mut a.out, file)?,
            SecretsCommand::Seal(a) => a.destination.set_output_file(file)?,
            SecretsCommand::Unseal(a) => a.destination.set_output_file(file)?,
            _ => {}
        }
    }
    let (loaded, printer) = session.load_config()?;
    match command {
        SecretsCommand::Keygen(a) => keygen::keygen(&printer, a),
        SecretsCommand::Seal(a) => seal::seal(&printer, a, &loaded.config.secrets.age_recipients),
        SecretsCommand::Unseal(a) => unseal::unseal(&printer, a),
        SecretsCommand::Check(a) => check::check_files(&printer, a),
        SecretsCommand::Exec(a) => unseal::exec(&printer, a),
        SecretsCommand::Edit(a) => {
            let prompter = crate::cli::prompt::Prompter::new(loaded.config.no_input);
            change::edit(
                &printer,
                a,
                &prompter,
                &loaded.config.secrets.age_recipients,
            )
        }
        SecretsCommand::Set(a) => change::set(&printer, a),
        SecretsCommand::Unset(a) => change::unset(&printer, a),
        SecretsCommand::Rotate(a) => change::rotate(&printer, a),
    }
}

/// Puts the file name, line and column in front of a parse error, with the
/// offending line, so editors can jump to it.
fn locate(file: &Path, input: &[u8], err: core::SecretsError) -> anyhow::Error {
    match err {
        core::SecretsError::Parse { format, error } => {
            let text = String::from_utf8_lossy(input);
            anyhow::anyhow!(
                "{}:{}:{}: invalid {format}: {}\n{}",
                file.display(),
                error.line,
                error.column,
                error.message,
                crate::diagnostic::excerpt_at(&text, error.line, error.column)
            )
        }
        other => other.into(),
    }
}

fn check_destination(dest: &DestinationArgs, files: usize) -> anyhow::Result<()> {
    if files > 1 && !dest.in_place {
        bail!(
            "several files can only be processed with --in-place (or one at a time with -o FILE)"
        );
    }
    Ok(())
}

/// Reads a file and works out its input and output formats.
fn read_input(file: &Path, args: &FormatArgs) -> anyhow::Result<(Vec<u8>, Format, Format)> {
    let input = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let (format, output) = formats(file, args);
    Ok((input, format, output))
}

/// A file's input format (`--input-type`, else its name) and output format
/// (`--output-type`, else the input's).
fn formats(file: &Path, args: &FormatArgs) -> (Format, Format) {
    let format = args
        .input_type
        .as_deref()
        .and_then(Format::from_name)
        .unwrap_or_else(|| Format::from_path(file));
    let output = args
        .output_type
        .as_deref()
        .and_then(Format::from_name)
        .unwrap_or(format);
    (format, output)
}

/// Writes a result where `dest` says, as `write` produces it: to stdout
/// through a buffer, or into a temp file that replaces the target only when
/// `write` succeeds. A new file of plaintext secrets is private (0600); an
/// existing file keeps the permissions its owner gave it.
fn deliver(
    file: &Path,
    dest: &DestinationArgs,
    plaintext: bool,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<(), core::SecretsError>,
) -> anyhow::Result<()> {
    let target = match (&dest.out, dest.in_place) {
        (_, true) => file,
        (Some(out), false) if out != Path::new("-") => out.as_path(),
        _ => return write_stdout_with(|out| write(out)),
    };
    let mode = (plaintext && target.symlink_metadata().is_err()).then_some(0o600);
    crate::fsx::write_atomic_with(target, mode, |out| write(out).map_err(anyhow::Error::from))
        .with_context(|| format!("cannot write {}", target.display()))
}
