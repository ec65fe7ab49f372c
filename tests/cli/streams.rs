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
    s.write("work/opsctl.toml", "colour = 1\n");
    s.cmd()
        .args(["--color", "always", "config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(format!("{ESC}1m{ESC}31merror")));
    s.cmd()
        .args(["config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot load configuration\n",
        ));
    s.cmd()
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .args(["config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(ESC).not());
}

#[test]
fn a_configured_colour_applies_to_errors_on_a_terminal() {
    let s = Sandbox::new();
    // An error after the configuration is read (stdout fails) on a terminal:
    // first with the default colour, then with color = "never" in opsctl.toml.
    let (code, screen) = on_a_tty_status(&s, &[], "config show > /dev/full");
    assert_eq!(code, Some(2));
    assert!(screen.contains(ESC), "{screen:?}");
    s.write("work/opsctl.toml", "color = \"never\"\n");
    let (code, screen) = on_a_tty_status(&s, &[], "config show > /dev/full");
    assert_eq!(code, Some(2));
    assert!(
        screen.contains("error: cannot write to stdout"),
        "{screen:?}"
    );
    assert!(
        !screen.contains(ESC),
        "color = never in opsctl.toml must hold for errors: {screen:?}"
    );
}

/// Runs opsctl on a real pseudo-terminal (util-linux `script`) and returns
/// what the terminal showed; the run must succeed.
fn on_a_tty(s: &Sandbox, env: &[(&str, &str)], args: &str) -> String {
    let (code, screen) = on_a_tty_status(s, env, args);
    assert_eq!(code, Some(0), "{screen}");
    screen
}

/// Like [`on_a_tty`], with the exit code.
fn on_a_tty_status(s: &Sandbox, env: &[(&str, &str)], args: &str) -> (Option<i32>, String) {
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
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
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

/// Waits until `pid` has its signal-handler thread and its main thread has
/// been asleep (blocked writing to the full pipe) for several polls in a row.
fn wait_until_blocked(pid: u32) {
    let started = Instant::now();
    let mut asleep = 0;
    while asleep < 5 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "opsctl never blocked on its write"
        );
        let threads = std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count());
        let stat =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/stat")).unwrap_or_default();
        // The state is the field after the parenthesised command name.
        let state = stat
            .rsplit(") ")
            .next()
            .and_then(|rest| rest.chars().next());
        asleep = if threads >= 2 && state == Some('S') {
            asleep + 1
        } else {
            0
        };
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_exits_130() {
    let s = Sandbox::new();
    let (reader, writer) = std::io::pipe().unwrap();
    // Keep the pipe full, so opsctl blocks on its first write, then interrupt it.
    let mut filler = writer.try_clone().unwrap();
    let fill = std::thread::spawn(move || {
        let _ = filler.write_all(&vec![b'x'; 1 << 20]); // blocks while full; EPIPE at the end
    });
    let mut child = s
        .std_cmd()
        .args(["config", "show"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_blocked(child.id());
    let kill = std::process::Command::new("bash")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "opsctl did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(stderr, "", "an interrupt prints nothing of its own");
    // Closing the read end fails the filler's blocked write and ends it.
    drop(reader);
    fill.join().unwrap();
}

#[test]
fn sigterm_exits_130_too() {
    let s = Sandbox::new();
    let (reader, writer) = std::io::pipe().unwrap();
    let mut filler = writer.try_clone().unwrap();
    let fill = std::thread::spawn(move || {
        let _ = filler.write_all(&vec![b'x'; 1 << 20]);
    });
    let mut child = s
        .std_cmd()
        .args(["config", "show"])
        .stdout(writer)
        .spawn()
        .unwrap();
    wait_until_blocked(child.id());
    std::process::Command::new("bash")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(130));
    drop(reader);
    fill.join().unwrap();
}

#[test]
fn help_and_version_that_cannot_be_written_exit_2() {
    let s = Sandbox::new();
    for arg in ["--help", "--version"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = s.std_cmd().arg(arg).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{arg}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("No space left on device"),
            "{out:?}"
        );
    }
}

#[test]
fn a_usage_error_with_stderr_closed_still_exits_2() {
    let s = Sandbox::new();
    let out = s
        .std_cmd()
        .arg("--bogus")
        .stderr(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
