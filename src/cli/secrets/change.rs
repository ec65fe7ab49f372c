//! `opsctl secrets set`, `unset`, `rotate` and `edit`: changing sealed files.
//! Every change re-seals with the same data key (unchanged values keep their
//! ciphertext) except `rotate`, and every write is atomic.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use super::seal::{explicit_recipients, plan, sops_config_path};
use super::{locate, read_input};
use crate::cli::output::HumanReport;
use crate::cli::prompt::Prompter;
use crate::cli::{Outcome, Printer};
use crate::document::{Node, PathStep, Scalar};
use crate::secrets::creation_rules::SopsConfig;
use crate::secrets::file::{OpenedFile, RotateReport, RotatedFile, rewrap};
use crate::secrets::keys::{Identities, IdentitySources};
use crate::secrets::store::{self, Format};
use crate::secrets::{self as core};

#[derive(Debug, Args)]
pub(super) struct SetArgs {
    /// The sealed file to change
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    file: PathBuf,
    /// Where, e.g. '["db"]["password"]'; missing maps are created, an index one past a list's end appends
    #[arg(value_name = "PATH")]
    path: String,
    /// The value: JSON (5432, true, {"a": 1}, "text") or, if not JSON, the text itself
    #[arg(
        value_name = "VALUE",
        required_unless_present = "value_file",
        conflicts_with = "value_file"
    )]
    value: Option<String>,
    /// Take the value, as text, from FILE (keeps secrets off the command line)
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    value_file: Option<PathBuf>,
    /// Read age identities (or SSH private keys) from FILE; repeatable
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    identity: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct UnsetArgs {
    /// The sealed file to change
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    file: PathBuf,
    /// The value to remove, e.g. '["db"]["password"]'
    #[arg(value_name = "PATH")]
    path: String,
    /// Read age identities (or SSH private keys) from FILE; repeatable
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    identity: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct RotateArgs {
    /// Sealed files to rotate (each is rewritten in place)
    #[arg(required = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    files: Vec<PathBuf>,
    /// Also seal for this age recipient; repeatable or comma-separated
    #[arg(long, value_name = "RECIPIENT")]
    add_age: Vec<String>,
    /// Stop sealing for this age recipient; repeatable or comma-separated
    #[arg(long, value_name = "RECIPIENT")]
    rm_age: Vec<String>,
    /// Keep the data key and values; only sync recipients with .sops.yaml (sops updatekeys)
    #[arg(long)]
    keys_only: bool,
    /// Read age identities (or SSH private keys) from FILE; repeatable
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    identity: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct EditArgs {
    /// The sealed file to edit (created, sealed per .sops.yaml, if missing)
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    file: PathBuf,
    /// For a new file: seal for this age recipient; repeatable or comma-separated
    #[arg(long = "age", value_name = "RECIPIENT")]
    age: Vec<String>,
    /// Read age identities (or SSH private keys) from FILE; repeatable
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    identity: Vec<PathBuf>,
}

fn identities(printer: &Printer, files: &[PathBuf]) -> anyhow::Result<Identities> {
    let identities = Identities::load(&IdentitySources::from_environment(files.to_vec()))?;
    for warning in &identities.warnings {
        printer.warn(warning);
    }
    Ok(identities)
}

fn parse_path(text: &str) -> anyhow::Result<Vec<PathStep>> {
    core::parse_path(text).map_err(|e| anyhow::anyhow!("{text:?}: {e}"))
}

/// Opens, changes and re-seals one file in place.
fn change_in_place(
    printer: &Printer,
    file: &Path,
    identity: &[PathBuf],
    change: impl FnOnce(&mut OpenedFile) -> Result<(), core::SecretsError>,
) -> anyhow::Result<()> {
    let ids =
        identities(printer, identity).with_context(|| format!("cannot open {}", file.display()))?;
    let (input, format, _) = read_input(file, &super::FormatArgs::default())?;
    let mut opened = OpenedFile::open(&input, format, &ids, false)
        .map_err(|e| locate(file, &input, e))
        .with_context(|| format!("cannot open {}", file.display()))?;
    change(&mut opened).with_context(|| format!("cannot change {}", file.display()))?;
    let sealed = opened
        .reseal(format)
        .with_context(|| format!("cannot seal {}", file.display()))?;
    crate::fsx::write_atomic(file, &sealed)
        .with_context(|| format!("cannot write {}", file.display()))
}

pub(super) fn set(printer: &Printer, args: SetArgs) -> anyhow::Result<Outcome> {
    let path = parse_path(&args.path)?;
    let value = match (&args.value, &args.value_file) {
        (_, Some(file)) => Node::Scalar(Scalar::Str(
            std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?,
        )),
        (Some(text), None) => value_node(text),
        (None, None) => bail!("give a VALUE or --value-file FILE"),
    };
    change_in_place(printer, &args.file, &args.identity, |f| f.set(&path, value))?;
    Ok(Outcome::Success)
}

/// A value given on the command line: JSON when it parses as JSON, else text.
fn value_node(text: &str) -> Node {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => store::node_from_json(value),
        Err(_) => Node::Scalar(Scalar::Str(text.to_owned())),
    }
}

pub(super) fn unset(printer: &Printer, args: UnsetArgs) -> anyhow::Result<Outcome> {
    let path = parse_path(&args.path)?;
    change_in_place(printer, &args.file, &args.identity, |f| f.unset(&path))?;
    Ok(Outcome::Success)
}

pub(super) fn rotate(printer: &Printer, args: RotateArgs) -> anyhow::Result<Outcome> {
    let ids = identities(printer, &args.identity)?;
    let add: Vec<String> = args
        .add_age
        .iter()
        .flat_map(|a| crate::secrets::keys::split_list(a))
        .collect();
    let remove: Vec<String> = args
        .rm_age
        .iter()
        .flat_map(|a| crate::secrets::keys::split_list(a))
        .collect();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let sops_config = match (args.keys_only, sops_config_path(&cwd)) {
        (true, Some(path)) => Some(SopsConfig::load(&path)?),
        _ => None,
    };
    let mut report = RotateReport::default();
    // Each file is rewritten on its own, atomically; a failure stops before
    // the next file and leaves the failing one untouched.
    for file in &args.files {
        let (input, format, _) = read_input(file, &super::FormatArgs::default())?;
        let context = || format!("cannot rotate {}", file.display());
        let (sealed, change, rotated) = if args.keys_only {
            // The .sops.yaml rule's recipients (or the current ones), then
            // --add-age / --rm-age on top.
            let rule_recipients = sops_config
                .as_ref()
                .and_then(|c| c.rule_for(file, &cwd))
                .map(|rule| rule.age.clone());
            let target = |current: &[String]| {
                let base = rule_recipients.unwrap_or_else(|| current.to_vec());
                let mut target: Vec<String> =
                    base.into_iter().filter(|r| !remove.contains(r)).collect();
                for r in &add {
                    if !target.contains(r) {
                        target.push(r.clone());
                    }
                }
                target
            };
            let (sealed, change) = rewrap(&input, format, &ids, target)
                .map_err(|e| locate(file, &input, e))
                .with_context(context)?;
            (sealed, change, false)
        } else {
            let mut opened = OpenedFile::open(&input, format, &ids, false)
                .map_err(|e| locate(file, &input, e))
                .with_context(context)?;
            let change = opened.rotate(&add, &remove).with_context(context)?;
            (opened.reseal(format).with_context(context)?, change, true)
        };
        crate::fsx::write_atomic(file, &sealed)
            .with_context(|| format!("cannot write {}", file.display()))?;
        report.files.push(RotatedFile {
            path: file.display().to_string(),
            data_key_rotated: rotated,
            change,
        });
    }
    printer.report(&report)?;
    Ok(Outcome::Success)
}

impl HumanReport for RotateReport {
    fn write_human(&self, printer: &Printer, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut table = printer.table();
        table.set_header(["FILE", "DATA KEY", "ADDED", "REMOVED", "RECIPIENTS"]);
        for f in &self.files {
            table.add_row([
                f.path.clone(),
                if f.data_key_rotated { "new" } else { "kept" }.to_owned(),
                f.change.added.len().to_string(),
                f.change.removed.len().to_string(),
                f.change.recipients.len().to_string(),
            ]);
        }
        writeln!(out, "{table}")
    }
}

pub(super) fn edit(
    printer: &Printer,
    args: EditArgs,
    prompter: &Prompter,
    configured: &[String],
) -> anyhow::Result<Outcome> {
    let file = &args.file;
    let format = Format::from_path(file);
    let exists = file.symlink_metadata().is_ok();
    let ids = identities(printer, &args.identity);
    let mut opened = if exists {
        let ids = ids.with_context(|| format!("cannot open {}", file.display()))?;
        let (input, _, _) = read_input(file, &super::FormatArgs::default())?;
        Some(
            OpenedFile::open(&input, format, &ids, false)
                .map_err(|e| locate(file, &input, e))
                .with_context(|| format!("cannot open {}", file.display()))?,
        )
    } else {
        None
    };
    // For a new file, work out its recipients before the editor opens.
    let new_options = if exists {
        None
    } else {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let explicit = explicit_recipients(&args.age, &[])?;
        let sops_config = match (&explicit, sops_config_path(&cwd)) {
            (None, Some(path)) => Some(SopsConfig::load(&path)?),
            _ => None,
        };
        let options = plan(
            file,
            &cwd,
            explicit.as_deref(),
            None,
            false,
            sops_config.as_ref(),
            configured,
        )?;
        if options.recipients.is_empty() {
            return Err(core::SecretsError::NoRecipients)
                .with_context(|| format!("cannot create {}", file.display()));
        }
        Some(options)
    };
    let original = match &opened {
        Some(o) => store::emit(format, &o.tree, false),
        None => Vec::new(),
    };
    // Plaintext only ever lives in a private directory that is removed on
    // every way out, Ctrl-C included.
    let tmp = crate::fsx::PrivateTempDir::new()?;
    let name = file
        .file_name()
        .map_or_else(|| "secrets".into(), |n| n.to_owned());
    let plain_path = tmp.path().join(name);
    crate::fsx::write_atomic_with_mode(&plain_path, &original, 0o600)?;
    let edited = loop {
        run_editor(&plain_path)?;
        let bytes = std::fs::read(&plain_path).context("cannot read the edited file")?;
        if bytes == original {
            printer.note(&format!("no changes; {} left as it was", file.display()));
            return Ok(Outcome::Success);
        }
        match store::parse(format, &bytes, false) {
            Ok(tree) => break tree,
            Err(error) => {
                let located = locate(
                    file,
                    &bytes,
                    core::SecretsError::Parse {
                        format: format.name(),
                        error,
                    },
                );
                printer.warn(&format!("{located:#}"));
                if prompter.is_interactive()
                    && prompter.confirm("Open the editor again to fix it?", "--no-input", true)?
                {
                    continue;
                }
                bail!(
                    "the edit does not parse, so {} was left untouched",
                    file.display()
                );
            }
        }
    };
    let sealed = match (&mut opened, new_options) {
        (Some(o), _) => {
            o.tree = edited;
            o.reseal(format)?
        }
        (None, Some(options)) => OpenedFile::create(edited, &options)?.reseal(format)?,
        (None, None) => unreachable!("a new file always has options"),
    };
    crate::fsx::write_atomic(file, &sealed)
        .with_context(|| format!("cannot write {}", file.display()))?;
    drop(tmp);
    printer.note(&format!("sealed {}", file.display()));
    Ok(Outcome::Success)
}

/// Runs `$SOPS_EDITOR`, `$VISUAL` or `$EDITOR` (through `sh`, so `code --wait`
/// works) on `path`, waiting for it; Ctrl-C belongs to the editor meanwhile.
fn run_editor(path: &Path) -> anyhow::Result<()> {
    let editor = ["SOPS_EDITOR", "VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_owned());
    let deferral = crate::interrupt::defer();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status()
        .with_context(|| format!("cannot start the editor ({editor})"))?;
    drop(deferral);
    // The editor may exit before the signal handler has recorded Ctrl-C;
    // an editor that died of SIGINT (or exited 130, as shells do) was interrupted.
    #[cfg(unix)]
    let interrupted = std::os::unix::process::ExitStatusExt::signal(&status) == Some(2);
    #[cfg(not(unix))]
    let interrupted = false;
    if interrupted || status.code() == Some(130) {
        return Err(crate::interrupt::Interrupted.into());
    }
    crate::interrupt::check()?;
    if !status.success() {
        bail!("the editor ({editor}) failed ({status}); nothing was changed");
    }
    Ok(())
}
