//! Streams and signals: colour rules, a closed stdout, Ctrl-C.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::support::{OPSCTL, Sandbox};

const ESC: &str = "\u{1b}[";

fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

#[test]
fn piped_output_has_no_colour_by_default() {
    let s = Sandbox::new();
    assert!(!stdout_of(s.cmd().args(["config", "show"])).contains(ESC));
}

#[test]
fn color_always_colours_a_pipe_even_with_no_color() {
    let s = Sandbox::new();
    assert!(stdout_of(s.cmd().args(["config", "show", "--color", "always"])).contains(ESC));
    assert!(
        stdout_of(
            s.cmd()
                .env("NO_COLOR", "1")
                .args(["--color=always", "config", "show"])
        )
        .contains(ESC)
    );
    assert!(
        stdout_of(
            s.cmd()
                .env("OPSCTL_COLOR", "always")
                .args(["config", "show"])
        )
        .contains(ESC)
    );
}

#[test]
fn clicolor_force_colours_a_pipe_unless_no_color_is_set() {
    let s = Sandbox::new();
    assert!(stdout_of(s.cmd().env("CLICOLOR_FORCE", "1").args(["config", "show"])).contains(ESC));
    assert!(
        !stdout_of(
            s.cmd()
                .env("CLICOLOR_FORCE", "1")
                .env("NO_COLOR", "1")
                .args(["config", "show"])
        )
        .contains(ESC)
    );
    assert!(
        !stdout_of(
            s.cmd()
                .env("CLICOLOR_FORCE", "1")
                .args(["--color", "never", "config", "show"])
        )
        .contains(ESC)
    );
}

#[test]
fn errors_follow_the_same_colour_rules() {
    let s = Sandbox::new();
    s.cmd()
        .args(["--color", "always", "config", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(format!("{ESC}1m{ESC}31merror")));
    s.cmd()
        .args(["config", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: unknown config key `nope`",
        ));
}

/// Runs opsctl on a real pseudo-terminal (util-linux `script`) and returns
/// what the terminal showed.
fn on_a_tty(s: &Sandbox, env: &[(&str, &str)], args: &str) -> String {
    let mut cmd = std::process::Command::new("script");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", s.home())
        .env("TERM", "xterm-256color")
        .current_dir(s.work())
        .args(["-qec", &format!("{OPSCTL} {args}"), "/dev/null"])
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("script(1) from util-linux runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_terminal_gets_colour_unless_no_color_or_term_dumb() {
    let s = Sandbox::new();
    assert!(on_a_tty(&s, &[], "config show").contains(ESC));
    assert!(!on_a_tty(&s, &[("NO_COLOR", "1")], "config show").contains(ESC));
    assert!(!on_a_tty(&s, &[("TERM", "dumb")], "config show").contains(ESC));
    assert!(!on_a_tty(&s, &[], "--color never config show").contains(ESC));
}

#[test]
fn json_output_is_never_coloured() {
    let s = Sandbox::new();
    let out = on_a_tty(&s, &[("CLICOLOR_FORCE", "1")], "config show -o json");
    assert!(!out.contains(ESC), "{out:?}");
}

/// A pipe whose reader is already closed: the first write gets EPIPE.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

#[test]
fn a_closed_stdout_exits_0_quietly() {
    let s = Sandbox::new();
    for args in [
        &["config", "show"][..],
        &["--help"],
        &["completions", "zsh"],
        &["config", "show", "-o", "json"],
    ] {
        let out = s
            .std_cmd()
            .args(args)
            .stdout(closed_pipe())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn help_piped_into_head_exits_0() {
    let s = Sandbox::new();
    let out = std::process::Command::new("bash")
        .args([
            "-o",
            "pipefail",
            "-c",
            &format!("{OPSCTL} --help | head -1"),
        ])
        .env("HOME", s.home())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("opsctl is one binary"),
        "{out:?}"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn ctrl_c_exits_130() {
    let s = Sandbox::new();
    let (reader, mut writer) = std::io::pipe().unwrap();
    // Fill the pipe so opsctl blocks on its first write, then interrupt it.
    let mut filler = writer.try_clone().unwrap();
    let fill = std::thread::spawn(move || {
        let block = vec![b'x'; 1 << 20];
        let _ = filler.write_all(&block); // blocks once the pipe is full; EPIPE at the end
    });
    std::thread::sleep(Duration::from_millis(200));
    let mut child = s
        .std_cmd()
        .args(["config", "show"])
        .stdout(writer.try_clone().unwrap())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writer.flush().unwrap();
    drop(writer);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "opsctl should be blocked writing"
    );
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "opsctl did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    // Closing the read end fails the filler's blocked write and ends it.
    drop(reader);
    fill.join().unwrap();
}
