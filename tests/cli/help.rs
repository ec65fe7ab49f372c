//! Help, version and usage errors.

use predicates::prelude::*;

use crate::support::Sandbox;

#[test]
fn help_is_stable() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    insta::assert_snapshot!("help", String::from_utf8(out).unwrap());
}

#[test]
fn short_help_is_stable() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .arg("-h")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    insta::assert_snapshot!("short_help", String::from_utf8(out).unwrap());
}

#[test]
fn subcommand_help_has_examples() {
    let s = Sandbox::new();
    s.cmd()
        .args(["config", "show", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("$ opsctl config show"))
        .stdout(predicate::str::contains("Global options:"));
}

#[test]
fn no_arguments_shows_help_and_exits_2() {
    let s = Sandbox::new();
    s.cmd()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage: opsctl"));
}

#[test]
fn version_names_the_version_and_commit() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .arg("--version")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let expected = format!("opsctl {} (", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&expected), "{text}");
    // The commit: a hex hash from this checkout, or "unknown" outside one.
    let commit = text
        .trim_end()
        .trim_end_matches(')')
        .rsplit('(')
        .next()
        .unwrap();
    assert!(
        commit == "unknown" || (commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{text}"
    );
}

#[test]
fn an_unknown_flag_is_a_usage_error_with_help() {
    let s = Sandbox::new();
    s.cmd()
        .args(["config", "show", "--colour", "never"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unexpected argument '--colour'"))
        .stderr(predicate::str::contains(
            "tip: a similar argument exists: '--color'",
        ))
        .stderr(predicate::str::contains("--help"));
}

#[test]
fn an_unknown_subcommand_suggests_the_near_one() {
    let s = Sandbox::new();
    s.cmd()
        .arg("confg")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unrecognized subcommand 'confg'"))
        .stderr(predicate::str::contains(
            "similar subcommand exists: 'config'",
        ));
}

#[test]
fn a_bad_flag_value_lists_the_possible_ones() {
    let s = Sandbox::new();
    s.cmd()
        .args(["config", "show", "--color", "rainbow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "[possible values: auto, always, never]",
        ));
}

#[test]
fn an_unknown_output_format_names_the_formats_and_the_commands_that_take_a_file() {
    let s = Sandbox::new();
    s.cmd()
        .args(["config", "show", "--output", "yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "-o yaml: not an output format (expected human or json)",
        ))
        .stderr(predicate::str::contains(
            "only `secrets keygen`, `seal` and `unseal` write their result to a file",
        ));
    assert!(!s.work().join("yaml").exists(), "nothing is written");
}

#[test]
fn a_missing_directory_for_dash_c_is_an_input_error() {
    let s = Sandbox::new();
    s.cmd()
        .args(["-C", "no/such/dir", "config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: cannot change to directory no/such/dir (-C)\n  caused by: No such file or directory"));
}

/// ADR 0013: on Linux with glibc the executable is linked at a fixed address
/// (ELF type `EXEC`), unless the build asked for PIE with `OPSCTL_PIE=1`
/// (a static glibc build is a static PIE, left out).
#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
))]
#[test]
fn the_executable_is_linked_without_pie() {
    let expected: u16 = if option_env!("OPSCTL_PIE") == Some("1") {
        3 // ET_DYN
    } else {
        2 // ET_EXEC
    };
    let elf = std::fs::read(crate::support::OPSCTL).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    // e_type: two bytes at offset 16, in the byte order EI_DATA names.
    let bytes = [elf[16], elf[17]];
    let e_type = match elf[5] {
        1 => u16::from_le_bytes(bytes),
        _ => u16::from_be_bytes(bytes),
    };
    assert_eq!(e_type, expected, "ELF type of {}", crate::support::OPSCTL);
}
