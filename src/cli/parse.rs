//! Turning the process's arguments into a [`Cli`].
//!
//! Building clap's whole tree (every command and subcommand with their
//! flags, examples and exit-status help) is a measurable share of a short
//! run such as `opsctl gate --once` in CI or `opsctl secrets check` in a
//! pre-commit hook. A valid command line needs only the command it names, so
//! that is tried first on a tree holding just that command (and `--version`
//! on the bare root, which prints the same line). Help, every error and
//! anything the scan cannot place go through the full tree instead, so every
//! message and help page is the full tree's.

use std::ffi::OsString;

use clap::{Args as _, FromArgMatches as _};

use super::{Cli, GlobalArgs};

/// Parses `args` (program name first) as `opsctl` does.
pub(super) fn parse(args: &[OsString], color: clap::ColorChoice) -> Result<Cli, clap::Error> {
    lean_parse(args, color).unwrap_or_else(|| full_parse(args, color))
}

/// The parse on the whole tree, examples and exit-status help included.
fn full_parse(args: &[OsString], color: clap::ColorChoice) -> Result<Cli, clap::Error> {
    let matches = super::command().color(color).try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

/// The parse on a tree of the named command alone, or `--version` on the
/// bare root; `None` when that tree cannot give the answer the full one
/// would (no command found, help, an error of any kind).
fn lean_parse(args: &[OsString], color: clap::ColorChoice) -> Option<Result<Cli, clap::Error>> {
    let root = GlobalArgs::augment_args(clap::Command::new("opsctl")).color(color);
    let Some(name) = named_command(&root, args) else {
        // `opsctl --version`: the full tree would print the same line.
        let err = root
            .version(super::VERSION)
            .try_get_matches_from(args)
            .err()?;
        return (err.kind() == clap::error::ErrorKind::DisplayVersion).then_some(Err(err));
    };
    let cmd = root.subcommand(command_alone(name)?);
    let matches = cmd.try_get_matches_from(args).ok()?;
    Cli::from_arg_matches(&matches).ok().map(Ok)
}

/// The tree of one top-level command, as the full tree holds it.
fn command_alone(name: &str) -> Option<clap::Command> {
    use super::{completions, config, gate, load, new, render, secrets};
    Some(match name {
        "new" => new::NewArgs::augment_args(clap::Command::new("new")),
        "config" => config::ConfigArgs::augment_args(clap::Command::new("config")),
        "secrets" => secrets::SecretsArgs::augment_args(clap::Command::new("secrets")),
        "render" => render::RenderArgs::augment_args(clap::Command::new("render")),
        "load" => load::LoadArgs::augment_args(clap::Command::new("load")),
        "gate" => gate::GateArgs::augment_args(clap::Command::new("gate")),
        "completions" => {
            completions::CompletionsArgs::augment_args(clap::Command::new("completions"))
        }
        _ => return None,
    })
}

/// The first argument that is neither a global flag nor a global flag's
/// value: the command's name. `root` holds the global flags, so the scan
/// knows which of them take a value (`-C DIR`, `-ojson`, `--color=never`).
fn named_command<'a>(root: &clap::Command, args: &'a [OsString]) -> Option<&'a str> {
    let takes_value = |arg: &clap::Arg| arg.get_action().takes_values();
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        let arg = arg.to_str()?;
        if let Some(long) = arg.strip_prefix("--") {
            if long.is_empty() {
                return None;
            }
            let valued = root
                .get_arguments()
                .any(|a| a.get_long() == Some(long) && takes_value(a));
            if valued {
                rest.next();
            }
        } else if let Some(shorts) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            // In a cluster such as `-qC DIR` or `-Cdir`, the first flag that
            // takes a value takes the rest of the cluster or the next argument.
            let valued_at = shorts.char_indices().find(|&(_, c)| {
                root.get_arguments()
                    .any(|a| a.get_short() == Some(c) && takes_value(a))
            });
            if let Some((at, c)) = valued_at
                && at + c.len_utf8() == shorts.len()
            {
                rest.next();
            }
        } else {
            return Some(arg);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn every_command_of_the_full_tree_has_a_tree_of_its_own() {
        for sub in super::super::command().get_subcommands() {
            let name = sub.get_name();
            if name == "help" {
                continue;
            }
            let alone = command_alone(name).unwrap_or_else(|| panic!("no tree for `{name}`"));
            let ids = |c: &clap::Command| {
                let mut ids: Vec<String> =
                    c.get_arguments().map(|a| a.get_id().to_string()).collect();
                ids.sort();
                ids
            };
            assert_eq!(ids(&alone), ids(sub), "`{name}` flags differ");
            let subs = |c: &clap::Command| {
                c.get_subcommands()
                    .map(|s| s.get_name().to_owned())
                    .collect::<Vec<_>>()
            };
            assert_eq!(subs(&alone), subs(sub), "`{name}` subcommands differ");
        }
    }

    #[test]
    fn valid_command_lines_take_the_lean_path_and_parse_as_the_full_tree_does() {
        let lines: &[&[&str]] = &[
            &["opsctl", "gate", "gate.yaml", "--once", "-o", "json"],
            &[
                "opsctl",
                "--no-config",
                "gate",
                "--at",
                "2024-01-01T00:00:00Z",
                "--arg",
                "a=b",
            ],
            &["opsctl", "-C", "gate", "render", "--env", "prod"],
            &["opsctl", "-Cdir", "-q", "secrets", "check", "a.yaml"],
            &["opsctl", "-qC", "new", "config", "show"],
            &["opsctl", "--config", "new", "-ojson", "config", "path"],
            &[
                "opsctl",
                "--color=never",
                "secrets",
                "seal",
                "a.yaml",
                "-o",
                "a.enc.yaml",
            ],
            &[
                "opsctl",
                "--color",
                "always",
                "-vv",
                "load",
                "http://127.0.0.1:1/",
                "-n",
                "5",
            ],
            &["opsctl", "load", "report", "a.json", "b.json"],
            &["opsctl", "--output=json", "new", "svc", "--no-input"],
            &["opsctl", "completions", "bash"],
            &["opsctl", "secrets", "keygen", "-o", "key.txt", "-o", "json"],
        ];
        for line in lines {
            let args = os(line);
            let lean = lean_parse(&args, clap::ColorChoice::Never)
                .unwrap_or_else(|| panic!("{line:?} did not take the lean path"))
                .unwrap_or_else(|e| panic!("{line:?}: {e}"));
            let full = full_parse(&args, clap::ColorChoice::Never)
                .unwrap_or_else(|e| panic!("{line:?}: {e}"));
            assert_eq!(format!("{lean:?}"), format!("{full:?}"), "{line:?}");
        }
    }

    #[test]
    fn help_errors_and_unknown_names_go_to_the_full_tree() {
        let lines: &[&[&str]] = &[
            &["opsctl"],
            &["opsctl", "--help"],
            &["opsctl", "gate", "--help"],
            &["opsctl", "gate", "-h"],
            &["opsctl", "help", "gate"],
            &["opsctl", "gate", "--no-such-flag"],
            &["opsctl", "gat"],
            &["opsctl", "--", "gate"],
            &["opsctl", "-q", "-v", "gate"],
            &["opsctl", "secrets"],
        ];
        for line in lines {
            let args = os(line);
            assert!(
                lean_parse(&args, clap::ColorChoice::Never).is_none(),
                "{line:?} took the lean path"
            );
            let full = full_parse(&args, clap::ColorChoice::Never)
                .map(|_| ())
                .map_err(|e| e.kind());
            let ours = parse(&args, clap::ColorChoice::Never)
                .map(|_| ())
                .map_err(|e| e.kind());
            assert_eq!(ours, full, "{line:?}");
        }
    }

    #[test]
    fn version_takes_the_lean_path_and_prints_what_the_full_tree_prints() {
        for line in [
            &["opsctl", "--version"][..],
            &["opsctl", "-V"],
            &["opsctl", "-q", "-V"],
        ] {
            let args = os(line);
            let lean = lean_parse(&args, clap::ColorChoice::Never)
                .unwrap_or_else(|| panic!("{line:?} did not take the lean path"))
                .err()
                .unwrap_or_else(|| panic!("{line:?} parsed"));
            let full = full_parse(&args, clap::ColorChoice::Never).err().unwrap();
            assert_eq!(lean.kind(), clap::error::ErrorKind::DisplayVersion);
            assert_eq!(lean.kind(), full.kind(), "{line:?}");
            assert_eq!(
                lean.render().to_string(),
                full.render().to_string(),
                "{line:?}"
            );
        }
    }

    #[test]
    fn the_scan_skips_global_flags_and_their_values() {
        let root = GlobalArgs::augment_args(clap::Command::new("opsctl"));
        let name = |line: &[&str]| named_command(&root, &os(line)).map(str::to_owned);
        assert_eq!(name(&["opsctl", "-C", "x", "gate"]), Some("gate".into()));
        assert_eq!(name(&["opsctl", "-Cx", "gate"]), Some("gate".into()));
        assert_eq!(name(&["opsctl", "-qCx", "gate"]), Some("gate".into()));
        assert_eq!(name(&["opsctl", "-o=json", "gate"]), Some("gate".into()));
        assert_eq!(
            name(&["opsctl", "--color", "never", "gate"]),
            Some("gate".into())
        );
        assert_eq!(name(&["opsctl", "--no-input", "gate"]), Some("gate".into()));
        assert_eq!(name(&["opsctl", "--config", "render"]), None);
        assert_eq!(name(&["opsctl", "-q"]), None);
    }
}
