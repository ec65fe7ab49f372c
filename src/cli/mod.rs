//! The command-line front end: the only code that knows clap, terminals,
//! colour, progress bars, prompts and exit codes.
//!
//! Each command has a file holding its clap `Args` and the glue that turns
//! them (plus configuration) into a call to the core and a printed report.

mod completions;
mod config;
mod examples;
mod exit;
mod gate;
mod generated;
mod load;
mod man;
mod new;
mod output;
mod output_arg;
mod parse;
mod prompt;
mod render;
mod secrets;
mod signals;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::builder::PossibleValuesParser;
use clap::{Args, CommandFactory, Parser, Subcommand};

pub use exit::Outcome;
pub use generated::{GENERATE_COMMAND, generated_files};
pub use output::Printer;
pub use prompt::{PromptError, Prompter};

use crate::config::{ColorMode, LoadOptions, LoadedConfig, OutputFormat, Override};

/// `--version`: the package version and the commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("OPSCTL_GIT_COMMIT"),
    ")"
);

const ABOUT: &str = "One binary for the jobs around a GitOps service";

const LONG_ABOUT: &str = "\
opsctl is one binary for the jobs around a GitOps service: scaffold a repository, seal \
secrets as SOPS files, render Kubernetes manifests, load test over HTTP and gate a deployment \
on Prometheus. Every command follows the same contract: results on stdout (`-o json` for \
scripts), messages on stderr, documented exit codes, no prompts in CI.";

/// The `opsctl` command line.
#[derive(Debug, Parser)]
#[command(
    name = "opsctl",
    version = VERSION,
    about = ABOUT,
    long_about = LONG_ABOUT,
    subcommand_required = true,
    arg_required_else_help = true,
    max_term_width = 100,
)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args)]
struct GlobalArgs {
    /// Run as if opsctl was started in DIR
    ///
    /// Relative paths in other options (such as --config) are then relative to DIR.
    #[arg(
        short = 'C',
        global = true,
        value_name = "DIR",
        value_hint = clap::ValueHint::DirPath,
        help_heading = "Global options"
    )]
    directory: Option<PathBuf>,

    /// Read this project config file instead of searching for opsctl.toml
    ///
    /// Also set by OPSCTL_CONFIG (an empty value counts as unset). `--config <(cmd)` works too.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        value_hint = clap::ValueHint::FilePath,
        conflicts_with = "no_config",
        help_heading = "Global options"
    )]
    config: Option<PathBuf>,

    /// Read no config file (neither opsctl.toml nor the user config)
    #[arg(long, global = true, help_heading = "Global options")]
    no_config: bool,

    /// Report format; for secrets keygen, seal and unseal also an output FILE
    ///
    /// `human` and `json` name the report format; any other value is a file, which only the
    /// commands that write one (secrets keygen, seal, unseal) take: `-o secrets.enc.yaml`, or
    /// `-o ./json` for a file named json. Give -o twice for both: `keygen -o key.txt -o json`.
    #[arg(
        short = 'o',
        long,
        global = true,
        value_name = "FORMAT|FILE",
        action = clap::ArgAction::Append,
        value_parser = output_arg::OutputValueParser,
        help_heading = "Global options"
    )]
    output: Vec<String>,

    /// Print only results and errors, no progress or notes
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    quiet: bool,

    /// Say more about what is happening (repeat for more)
    #[arg(
        short,
        long,
        global = true,
        action = clap::ArgAction::Count,
        help_heading = "Global options"
    )]
    verbose: u8,

    /// When to colour output
    #[arg(
        long,
        global = true,
        value_name = "WHEN",
        value_parser = PossibleValuesParser::new(ColorMode::NAMES),
        help_heading = "Global options"
    )]
    color: Option<String>,

    /// Never prompt; fail and name the flag that supplies the answer
    #[arg(long, global = true, help_heading = "Global options")]
    no_input: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    New(Box<new::NewArgs>),
    Config(config::ConfigArgs),
    Secrets(Box<secrets::SecretsArgs>),
    Render(Box<render::RenderArgs>),
    Load(Box<load::LoadArgs>),
    Gate(Box<gate::GateArgs>),
    Completions(completions::CompletionsArgs),
}

/// The clap command tree, with examples and exit codes added to long help.
pub fn command() -> clap::Command {
    let cmd = Cli::command().after_long_help(exit::exit_status_help());
    examples::attach(cmd)
}

/// Runs opsctl with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    signals::install();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let error_color = exit::error_color(&args);
    let cli = match parse::parse(&args, error_color) {
        Ok(cli) => cli,
        Err(err) => return exit::clap_error(&err),
    };
    match run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => exit::report_error(&err, error_color),
    }
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let session = Session::start(cli.global)?;
    if let Some(file) = &session.output_file {
        let takes_file = matches!(&cli.command, Command::Secrets(a) if a.takes_output_file());
        if !takes_file {
            return Err(anyhow::Error::msg(exit::Hint::new(
                format!(
                    "-o {}: not an output format (expected {})",
                    file.display(),
                    OutputFormat::NAMES.join(" or ")
                ),
                "only `secrets keygen`, `seal` and `unseal` write their result to a file named by -o",
            )));
        }
    }
    match cli.command {
        Command::New(args) => new::run(&session, *args),
        Command::Config(args) => config::run(&session, args),
        Command::Secrets(args) => secrets::run(&session, *args),
        Command::Render(args) => render::run(&session, *args),
        Command::Load(args) => load::run(&session, *args),
        Command::Gate(args) => gate::run(&session, *args),
        Command::Completions(args) => completions::run(args),
    }
}

/// The global flags, applied: the working directory is set and configuration
/// can be loaded on demand by the commands that need it.
struct Session {
    global: GlobalArgs,
    /// The report format named by `-o`, if any.
    output_format: Option<String>,
    /// The output file named by `-o` (a value that is not a format name).
    output_file: Option<PathBuf>,
}

impl Session {
    fn start(global: GlobalArgs) -> anyhow::Result<Self> {
        let (output_format, output_file) = output_arg::split_output_values(&global.output)?;
        if let Some(dir) = &global.directory {
            std::env::set_current_dir(dir)
                .with_context(|| format!("cannot change to directory {} (-C)", dir.display()))?;
        }
        Ok(Self {
            global,
            output_format,
            output_file,
        })
    }

    /// Where configuration comes from, with the flags as the top layer.
    fn load_options(&self) -> anyhow::Result<LoadOptions> {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let g = &self.global;
        let mut overrides = Vec::new();
        if let Some(output) = &self.output_format {
            overrides.push(Override {
                key: "output",
                value: toml::Value::String(output.clone()),
                flag: "--output".to_owned(),
            });
        }
        if let Some(color) = &g.color {
            overrides.push(Override {
                key: "color",
                value: toml::Value::String(color.clone()),
                flag: "--color".to_owned(),
            });
        }
        if g.no_input {
            overrides.push(Override {
                key: "no_input",
                value: toml::Value::Boolean(true),
                flag: "--no-input".to_owned(),
            });
        }
        Ok(LoadOptions {
            cwd,
            explicit_file: self.explicit_config().map(|(path, _)| path),
            skip_files: g.no_config,
            user_config_home: user_config_home(),
            env: config_env_vars(),
            overrides,
        })
    }

    /// The project file named by `--config` or `OPSCTL_CONFIG` (an empty
    /// variable counts as unset), with where it was named.
    fn explicit_config(&self) -> Option<(PathBuf, &'static str)> {
        if self.global.no_config {
            return None;
        }
        if let Some(path) = &self.global.config {
            return Some((path.clone(), "--config"));
        }
        std::env::var_os("OPSCTL_CONFIG")
            .filter(|v| !v.is_empty())
            .map(|v| (PathBuf::from(v), "OPSCTL_CONFIG"))
    }

    /// Loads the merged configuration and the printer it implies.
    fn load_config(&self) -> anyhow::Result<(LoadedConfig, Printer)> {
        let loaded = crate::config::load(&self.load_options()?).map_err(|e| {
            let hint = self.config_error_hint(&e);
            anyhow::Error::new(e).context(exit::Hint::new("cannot load configuration", hint))
        })?;
        let printer = Printer::new(&loaded.config, self.global.quiet, self.global.verbose);
        for file in &loaded.files {
            let (layer, status) = (file.layer.as_str(), file.status.as_str());
            printer.debug(
                1,
                &format!("{layer} config {}: {status}", file.path.display()),
            );
        }
        for warning in &loaded.warnings {
            printer.warn(warning);
        }
        Ok((loaded, printer))
    }

    /// A printer from defaults, `OPSCTL_*` variables and flags only, for
    /// commands that must work while a config file is broken.
    fn printer_without_files(&self) -> anyhow::Result<Printer> {
        let options = LoadOptions {
            skip_files: true,
            ..self.load_options()?
        };
        let loaded = crate::config::load(&options).map_err(|e| {
            let hint = self.config_error_hint(&e);
            anyhow::Error::new(e).context(exit::Hint::new("cannot load configuration", hint))
        })?;
        Ok(Printer::new(
            &loaded.config,
            self.global.quiet,
            self.global.verbose,
        ))
    }

    /// What to do about a configuration error, in the user's terms.
    fn config_error_hint(&self, err: &crate::config::ConfigError) -> String {
        use crate::config::ConfigError;
        match err {
            ConfigError::Env { var, .. } => {
                format!("unset {var} or give it one of the listed values")
            }
            ConfigError::Flag { .. } => {
                "see `opsctl --help` for the values each flag takes".to_owned()
            }
            ConfigError::Missing { .. } => match self.explicit_config() {
                Some((_, "OPSCTL_CONFIG")) => {
                    "the path comes from OPSCTL_CONFIG; unset it to search for opsctl.toml"
                        .to_owned()
                }
                _ => "check the path given to --config".to_owned(),
            },
            _ => "fix the file, or pass --no-config to read no config file \
                  (`opsctl config path` lists the files read)"
                .to_owned(),
        }
    }
}

/// `$XDG_CONFIG_HOME` when set to an absolute path, else `$HOME/.config`.
fn user_config_home() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
}

/// `OPSCTL_*` variables meant as configuration: all but those that clap reads
/// for flags of its own and the build-time ones.
fn config_env_vars() -> Vec<(String, String)> {
    const NOT_CONFIG: &[&str] = &["OPSCTL_CONFIG", "OPSCTL_GIT_COMMIT", generated::UPDATE_ENV];
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, _)| k.starts_with("OPSCTL_") && !NOT_CONFIG.contains(&k.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_command_and_flag_has_a_summary() {
        fn walk(cmd: &clap::Command, path: &str) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                assert!(
                    arg.get_help().is_some(),
                    "{path}: argument `{id}` has no help"
                );
            }
            for sub in cmd.get_subcommands() {
                let sub_path = format!("{path} {}", sub.get_name());
                assert!(sub.get_about().is_some(), "`{sub_path}` has no summary");
                walk(sub, &sub_path);
            }
        }
        walk(&command(), "opsctl");
    }
}
