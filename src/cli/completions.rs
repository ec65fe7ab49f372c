//! `opsctl completions`: shell completion scripts.

use clap::Args;
use clap_complete::Shell;

use super::Outcome;

/// Print a shell completion script
#[derive(Debug, Args)]
#[command(long_about = "\
Print a completion script for SHELL on stdout. Load it from your shell's start-up file, or \
save it where the shell looks for completions. The same scripts are in completions/ in the \
source tree.")]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: Shell,
}

/// Prints the script for the chosen shell.
pub fn run(args: CompletionsArgs) -> anyhow::Result<Outcome> {
    // No configuration is needed to print a script, so no Printer either:
    // a broken opsctl.toml must not stop completions from loading.
    super::output::write_stdout(&script(args.shell))?;
    Ok(Outcome::Success)
}

/// Every shell a script is generated for, in a fixed order.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut cmd = super::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "opsctl", &mut buf);
    buf
}

/// The conventional file name of `shell`'s script (`opsctl.bash`, `_opsctl`, …).
pub fn file_name(shell: Shell) -> String {
    use clap_complete::Generator;
    shell.file_name("opsctl")
}
