//! `opsctl secrets`: seal and open SOPS-compatible secrets files with age.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};

use super::output::{HumanReport, write_stdout};
use super::{Outcome, Printer, Session};
use crate::config::OutputFormat;
use crate::secrets::creation_rules::{self, SopsConfig};
use crate::secrets::keys::{self, Identities, IdentitySources};
use crate::secrets::rules::EncryptionRule;
use crate::secrets::store::Format;
use crate::secrets::{self as core, KeygenReport, SealOptions, UnsealOptions, check};

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
}

#[derive(Debug, Args)]
struct ExecArgs {
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

#[derive(Debug, Args)]
struct CheckArgs {
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

#[derive(Debug, Args)]
struct KeygenArgs {
    /// Write the identity to FILE (created 0600, never overwritten); `-` for stdout
    #[arg(long = "out", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    out: Option<PathBuf>,
    /// Also append the identity to the default sops key file
    #[arg(long)]
    add_to_sops_keys: bool,
}

/// Flags shared by commands that read and write sealed files.
#[derive(Debug, Args)]
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
    /// Write the result to FILE (atomically) instead of stdout
    #[arg(long = "out", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct SealArgs {
    /// Files to seal (YAML, JSON, dotenv; anything else as binary)
    #[arg(required = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    destination: DestinationArgs,
    /// Seal for this age recipient (age1…, ssh-ed25519 …, ssh-rsa …); repeatable or comma-separated
    #[arg(long = "age", value_name = "RECIPIENT")]
    age: Vec<String>,
    /// Seal for every recipient listed in FILE (one per line, # comments)
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    recipients_file: Vec<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    #[command(flatten)]
    format: FormatArgs,
}

/// The six sops rule options; at most one may be given.
#[derive(Debug, Args)]
struct RuleArgs {
    /// Encrypt only keys matching REGEX (e.g. '^(data|stringData)$')
    #[arg(long, value_name = "REGEX")]
    encrypted_regex: Option<String>,
    /// Leave keys matching REGEX in clear text
    #[arg(long, value_name = "REGEX")]
    unencrypted_regex: Option<String>,
    /// Encrypt only keys ending with SUFFIX
    #[arg(long, value_name = "SUFFIX")]
    encrypted_suffix: Option<String>,
    /// Leave keys ending with SUFFIX in clear text (default: _unencrypted)
    #[arg(long, value_name = "SUFFIX")]
    unencrypted_suffix: Option<String>,
    /// Encrypt only values under a comment matching REGEX
    #[arg(long, value_name = "REGEX")]
    encrypted_comment_regex: Option<String>,
    /// Leave values under a comment matching REGEX in clear text
    #[arg(long, value_name = "REGEX")]
    unencrypted_comment_regex: Option<String>,
    /// Cover only the encrypted values with the MAC, so clear values can be edited by hand
    #[arg(long)]
    mac_only_encrypted: bool,
}

#[derive(Debug, Args)]
struct UnsealArgs {
    /// The sealed file
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    file: PathBuf,
    /// Print only this value, e.g. '["db"]["password"]' or '["hosts"][0]'
    #[arg(long, value_name = "PATH")]
    extract: Option<String>,
    #[command(flatten)]
    destination: DestinationArgs,
    /// Read age identities (or SSH private keys) from FILE; repeatable
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    identity: Vec<PathBuf>,
    /// Open the file even if its MAC does not verify (tampering goes unnoticed)
    #[arg(long)]
    ignore_mac: bool,
    #[command(flatten)]
    format: FormatArgs,
}

/// Runs `opsctl secrets …`.
pub fn run(session: &Session, args: SecretsArgs) -> anyhow::Result<Outcome> {
    let (loaded, printer) = session.load_config()?;
    match args.command {
        SecretsCommand::Keygen(a) => keygen(&printer, a),
        SecretsCommand::Seal(a) => seal(&printer, a, &loaded.config.secrets.age_recipients),
        SecretsCommand::Unseal(a) => unseal(&printer, a),
        SecretsCommand::Check(a) => check(&printer, a),
        SecretsCommand::Exec(a) => exec(&printer, a),
    }
}

fn keygen(printer: &Printer, args: KeygenArgs) -> anyhow::Result<Outcome> {
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
        append_identity(&path, &identity)?;
        report.added_to = Some(path);
    }
    match args.out.as_deref() {
        Some(path) if path != Path::new("-") => {
            if path.symlink_metadata().is_ok() {
                bail!(
                    "{} already exists; opsctl never overwrites an identity (choose another --out)",
                    path.display()
                );
            }
            crate::fsx::write_atomic_with_mode(path, identity.as_bytes(), 0o600)
                .with_context(|| format!("cannot write the identity to {}", path.display()))?;
            report.file = Some(path.to_owned());
        }
        // Only --add-to-sops-keys: the identity is stored, nothing to print.
        None if args.add_to_sops_keys => {}
        _ => {
            if printer.format() == OutputFormat::Json {
                bail!(
                    "-o json reports on the identity, so the identity itself must go to a file: pass --out FILE"
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

/// Appends an identity to a key file, creating it (and its directory) privately.
fn append_identity(path: &Path, identity: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let mut text = match std::fs::read_to_string(path) {
        Ok(existing) => existing,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(identity);
    crate::fsx::write_atomic_with_mode(path, text.as_bytes(), 0o600)
        .with_context(|| format!("cannot add the identity to {}", path.display()))
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
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

fn seal(printer: &Printer, args: SealArgs, configured: &[String]) -> anyhow::Result<Outcome> {
    check_destination(&args.destination, args.files.len())?;
    let explicit = explicit_recipients(&args)?;
    let cli_rule = cli_rule(&args.rules)?;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    // .sops.yaml matters only when no recipient was named directly.
    let sops_config = match (&explicit, sops_config_path(&cwd)) {
        (Some(_), _) | (None, None) => None,
        (None, Some(path)) => Some(SopsConfig::load(&path)?),
    };
    for file in &args.files {
        let options = plan(
            file,
            &cwd,
            explicit.as_deref(),
            cli_rule.as_ref(),
            &args.rules,
            sops_config.as_ref(),
            configured,
        )?;
        let (input, format, output) = read_input(file, &args.format)?;
        let sealed = core::seal(&input, format, output, &options)
            .map_err(|e| locate(file, &input, e))
            .with_context(|| format!("cannot seal {}", file.display()))?;
        deliver(file, &args.destination, &sealed)?;
        if args.destination.in_place {
            printer.note(&format!("sealed {}", file.display()));
        }
    }
    Ok(Outcome::Success)
}

/// Recipients and rules for one file, in the order sops and the issue give:
/// flags and `SOPS_AGE_RECIPIENTS`, then the first matching `.sops.yaml`
/// rule, then `secrets.age_recipients` from opsctl.toml. Rule flags override
/// a creation rule's options.
fn plan(
    file: &Path,
    cwd: &Path,
    explicit: Option<&[String]>,
    cli_rule: Option<&EncryptionRule>,
    flags: &RuleArgs,
    sops_config: Option<&SopsConfig>,
    configured: &[String],
) -> anyhow::Result<SealOptions> {
    let options =
        |recipients: Vec<String>, rule: Option<&EncryptionRule>, mac_only: bool| SealOptions {
            recipients,
            rule: cli_rule.or(rule).cloned().unwrap_or_default(),
            mac_only_encrypted: flags.mac_only_encrypted || mac_only,
        };
    if let Some(list) = explicit {
        return Ok(options(list.to_vec(), None, false));
    }
    if let Some(cfg) = sops_config {
        match cfg.rule_for(file, cwd) {
            Some(rule) if rule.age.is_empty() => bail!(
                "{}: creation rule {} matches {} but names no age recipients (opsctl seals for age keys only)",
                cfg.path.display(),
                rule.index,
                file.display()
            ),
            Some(rule) => {
                return Ok(options(
                    rule.age.clone(),
                    rule.rule.as_ref(),
                    rule.mac_only_encrypted,
                ));
            }
            None if configured.is_empty() => bail!(
                "{}: no creation rule matches {}; add one, for example:\n{}",
                cfg.path.display(),
                file.display(),
                creation_rules::example_rule(file)
            ),
            None => {}
        }
    }
    if !configured.is_empty() {
        return Ok(options(configured.to_vec(), None, false));
    }
    // Sealing for nobody fails in the core with advice on every source.
    Ok(options(Vec::new(), None, false))
}

/// `SOPS_CONFIG`, else the nearest `.sops.yaml` upward from the working directory.
fn sops_config_path(cwd: &Path) -> Option<PathBuf> {
    std::env::var_os("SOPS_CONFIG")
        .filter(|v| !v.is_empty())
        .map(|v| cwd.join(v))
        .or_else(|| creation_rules::find(cwd))
}

fn unseal(printer: &Printer, args: UnsealArgs) -> anyhow::Result<Outcome> {
    check_destination(&args.destination, 1)?;
    let path = match &args.extract {
        Some(text) => {
            Some(core::parse_path(text).map_err(|e| anyhow::anyhow!("--extract {text:?}: {e}"))?)
        }
        None => None,
    };
    let (input, format, output) = read_input(&args.file, &args.format)?;
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
    let plain = core::unseal(&input, format, output, &identities, &options)
        .map_err(|e| locate(&args.file, &input, e))
        .with_context(|| format!("cannot unseal {}", args.file.display()))?;
    deliver(&args.file, &args.destination, &plain)?;
    Ok(Outcome::Success)
}

fn exec(printer: &Printer, args: ExecArgs) -> anyhow::Result<Outcome> {
    let identities = Identities::load(&IdentitySources::from_environment(args.identity.clone()))
        .context("cannot open the secrets for exec")?;
    for warning in &identities.warnings {
        printer.warn(warning);
    }
    let mut vars: Vec<(String, String)> = Vec::new();
    for file in &args.files {
        let format = Format::from_path(file);
        let input =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
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

fn check(printer: &Printer, args: CheckArgs) -> anyhow::Result<Outcome> {
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
        bail!("several files can only be processed with --in-place (or one at a time with --out)");
    }
    Ok(())
}

/// Reads a file and works out its input and output formats.
fn read_input(file: &Path, args: &FormatArgs) -> anyhow::Result<(Vec<u8>, Format, Format)> {
    let input = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
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
    Ok((input, format, output))
}

fn deliver(file: &Path, dest: &DestinationArgs, bytes: &[u8]) -> anyhow::Result<()> {
    let target = match (&dest.out, dest.in_place) {
        (_, true) => file,
        (Some(out), false) if out != Path::new("-") => out.as_path(),
        _ => return write_stdout(bytes),
    };
    crate::fsx::write_atomic(target, bytes)
        .with_context(|| format!("cannot write {}", target.display()))
}

/// Recipients named directly: `--age`, `--recipients-file`, else
/// `SOPS_AGE_RECIPIENTS`. `None` when none of these names any.
fn explicit_recipients(args: &SealArgs) -> anyhow::Result<Option<Vec<String>>> {
    let mut list: Vec<String> = args.age.iter().flat_map(|a| keys::split_list(a)).collect();
    for file in &args.recipients_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read recipients file {}", file.display()))?;
        list.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned),
        );
    }
    if list.is_empty()
        && let Ok(env) = std::env::var("SOPS_AGE_RECIPIENTS")
    {
        list = keys::split_list(&env);
    }
    for r in &list {
        keys::parse_recipient(r)?;
    }
    Ok((!list.is_empty()).then_some(list))
}

/// The rule the flags name, if any.
fn cli_rule(args: &RuleArgs) -> anyhow::Result<Option<EncryptionRule>> {
    let options = [
        ("unencrypted_suffix", args.unencrypted_suffix.as_deref()),
        ("encrypted_suffix", args.encrypted_suffix.as_deref()),
        ("unencrypted_regex", args.unencrypted_regex.as_deref()),
        ("encrypted_regex", args.encrypted_regex.as_deref()),
        (
            "unencrypted_comment_regex",
            args.unencrypted_comment_regex.as_deref(),
        ),
        (
            "encrypted_comment_regex",
            args.encrypted_comment_regex.as_deref(),
        ),
    ];
    if options.iter().all(|(_, v)| v.is_none()) {
        return Ok(None);
    }
    Ok(Some(EncryptionRule::from_options(&options)?))
}
