//! The committed completion scripts load in real shells and complete
//! subcommands. Shells come from Debian (the test script installs them); a
//! missing shell fails the test with the command that installs it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn completions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("completions")
}

fn require(shell: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {shell}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{shell} is not installed; run `apt-get install -y {shell}` (the README test command does)"
    );
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("shell runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The subcommands every script must offer after `opsctl `.
const SUBCOMMANDS: [&str; 3] = ["config", "secrets", "completions"];

#[test]
fn bash_completes_subcommands() {
    require("bash");
    let script = completions_dir().join("opsctl.bash");
    let out = run(Command::new("bash").args([
        "--norc",
        "--noprofile",
        "-c",
        &format!(
            r#"source {script} || exit 1
fn=$(complete -p opsctl | sed -E 's/.* -F ([^ ]+) .*/\1/') || exit 1
COMP_WORDS=(opsctl ""); COMP_CWORD=1; COMP_LINE="opsctl "; COMP_POINT=7
"$fn" opsctl "" opsctl
printf '%s\n' "${{COMPREPLY[@]}}""#,
            script = script.display()
        ),
    ]));
    let words: Vec<&str> = out.lines().collect();
    for sub in SUBCOMMANDS {
        assert!(words.contains(&sub), "bash offered {words:?}");
    }
    assert!(words.contains(&"--no-input"), "bash offered {words:?}");
}

#[test]
fn bash_completes_values_of_an_enum_argument() {
    require("bash");
    let script = completions_dir().join("opsctl.bash");
    let out = run(Command::new("bash").args([
        "--norc",
        "--noprofile",
        "-c",
        &format!(
            r#"source {script} || exit 1
COMP_WORDS=(opsctl completions ""); COMP_CWORD=2; COMP_LINE="opsctl completions "; COMP_POINT=19
_opsctl opsctl "" completions
printf '%s\n' "${{COMPREPLY[@]}}""#,
            script = script.display()
        ),
    ]));
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(out.lines().any(|l| l == shell), "bash offered {out:?}");
    }
}

#[test]
fn zsh_completes_subcommands() {
    require("zsh");
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/zsh-complete.zsh");
    let screen = run(Command::new("zsh")
        .arg("-f")
        .arg(driver)
        .arg(completions_dir())
        .arg("opsctl "));
    let screen = strip_ansi(&screen);
    for sub in SUBCOMMANDS {
        assert!(
            screen
                .lines()
                .any(|l| l.trim_start_matches('\r').starts_with(sub) && l.contains(" -- ")),
            "zsh showed {screen:?}"
        );
    }
}

#[test]
fn zsh_without_the_script_completes_nothing_of_ours() {
    // The zsh check above must be able to fail: with no script loaded, the
    // same keystrokes show no opsctl subcommand descriptions.
    require("zsh");
    let empty = tempfile::tempdir().unwrap();
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/zsh-complete.zsh");
    let screen = run(Command::new("zsh")
        .arg("-f")
        .arg(driver)
        .arg(empty.path())
        .arg("opsctl "));
    assert!(
        !screen.contains("Print a shell completion script"),
        "{screen:?}"
    );
}

#[test]
fn fish_completes_subcommands() {
    require("fish");
    let script = completions_dir().join("opsctl.fish");
    let out = run(Command::new("fish").args([
        "--no-config",
        "-c",
        &format!("source {} ; and complete -C 'opsctl '", script.display()),
    ]));
    let words: Vec<&str> = out
        .lines()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    for sub in SUBCOMMANDS {
        assert!(words.contains(&sub), "fish offered {words:?}");
    }
}

/// The screen text without terminal escape sequences (`ESC [ … letter`).
fn strip_ansi(screen: &str) -> String {
    let mut out = String::new();
    let mut chars = screen.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
