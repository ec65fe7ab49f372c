//! `opsctl secrets seal`: recipients and rules from flags, the environment,
//! `.sops.yaml` and opsctl.toml, then sealing each file.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use super::{DestinationArgs, FormatArgs, check_destination, deliver, formats, locate, read_input};
use crate::cli::{Outcome, Printer};
use crate::secrets::creation_rules::{self, SopsConfig};
use crate::secrets::keys;
use crate::secrets::rules::EncryptionRule;
use crate::secrets::store::Format;
use crate::secrets::{self as core, SealOptions};

#[derive(Debug, Args)]
pub(super) struct SealArgs {
    /// Files to seal (YAML, JSON, dotenv; anything else as binary)
    #[arg(required = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) destination: DestinationArgs,
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

pub(super) fn seal(
    printer: &Printer,
    args: SealArgs,
    configured: &[String],
) -> anyhow::Result<Outcome> {
    check_destination(&args.destination, args.files.len())?;
    let explicit = explicit_recipients(&args.age, &args.recipients_file)?;
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
            args.rules.mac_only_encrypted,
            sops_config.as_ref(),
            configured,
        )?;
        let (format, output) = formats(file, &args.format);
        let sealing = prepare(file, &args.format, format, output, &options)
            .with_context(|| format!("cannot seal {}", file.display()))?;
        deliver(file, &args.destination, false, |out| sealing.write_to(out))?;
        if args.destination.in_place {
            printer.note(&format!("sealed {}", file.display()));
        }
    }
    Ok(Outcome::Success)
}

/// Reads and checks one file for sealing. A regular file is parsed as it is
/// read, so its text and its tree are never held together; on a parse error
/// it is read again whole, for the exact place and the line to quote.
fn prepare(
    file: &Path,
    args: &FormatArgs,
    format: Format,
    output: Format,
    options: &SealOptions,
) -> anyhow::Result<core::Sealing> {
    if std::fs::metadata(file).is_ok_and(|m| m.is_file()) {
        let reader =
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
        match core::prepare_seal_from(reader, format, output, options) {
            Err(core::SecretsError::Parse { .. } | core::SecretsError::Read(_)) => {}
            prepared => return Ok(prepared?),
        }
    }
    let (input, ..) = read_input(file, args)?;
    core::prepare_seal(&input, format, output, options).map_err(|e| locate(file, &input, e))
}

/// Recipients and rules for one file, in the order sops and the issue give:
/// flags and `SOPS_AGE_RECIPIENTS`, then the first matching `.sops.yaml`
/// rule, then `secrets.age_recipients` from opsctl.toml. Rule flags override
/// a creation rule's options.
pub(super) fn plan(
    file: &Path,
    cwd: &Path,
    explicit: Option<&[String]>,
    cli_rule: Option<&EncryptionRule>,
    mac_only_flag: bool,
    sops_config: Option<&SopsConfig>,
    configured: &[String],
) -> anyhow::Result<SealOptions> {
    let options =
        |recipients: Vec<String>, rule: Option<&EncryptionRule>, mac_only: bool| SealOptions {
            recipients,
            rule: cli_rule.or(rule).cloned().unwrap_or_default(),
            mac_only_encrypted: mac_only_flag || mac_only,
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
pub(super) fn sops_config_path(cwd: &Path) -> Option<PathBuf> {
    std::env::var_os("SOPS_CONFIG")
        .filter(|v| !v.is_empty())
        .map(|v| cwd.join(v))
        .or_else(|| creation_rules::find(cwd))
}

/// Recipients named directly: `--age`, `--recipients-file`, else
/// `SOPS_AGE_RECIPIENTS`. `None` when none of these names any.
pub(super) fn explicit_recipients(
    age: &[String],
    recipients_files: &[PathBuf],
) -> anyhow::Result<Option<Vec<String>>> {
    let mut list: Vec<String> = age.iter().flat_map(|a| keys::split_list(a)).collect();
    for file in recipients_files {
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
