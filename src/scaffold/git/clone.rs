//! Running `git clone --bare` for a template (ADR 0012): the user's git with
//! the user's configuration, minus what must not reach it — an enclosing
//! hook's repository variables, questions where opsctl may not ask any, and a
//! credential helper that would store credentials given in the URL. Ctrl-C
//! or SIGTERM stops git too instead of leaving it behind.

use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use super::Prompts;
use super::redact::{carries_credentials, scrub_urls};

/// Why a clone did not happen.
pub(super) enum CloneError {
    /// There is no `git` to run.
    NotInstalled,
    /// git failed; its message, credentials taken out.
    Failed(String),
    /// Ctrl-C or SIGTERM while git ran; git has been stopped.
    Interrupted,
}

/// Variables that point git at a particular repository
/// (`git rev-parse --local-env-vars`, plus the quarantine of a receiving
/// hook): set when opsctl runs inside a git hook, they would redirect or
/// break the clone. Configuration given with `git -c`
/// (`GIT_CONFIG_PARAMETERS`, `GIT_CONFIG_COUNT`) is kept, as git keeps it for
/// submodules.
const REPOSITORY_ENV: [&str; 15] = [
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
    "GIT_QUARANTINE_PATH",
];

/// How often a running clone is checked for an interrupt.
const POLL: Duration = Duration::from_millis(5);

/// `git clone --bare -- URL DIR`; git's messages go to `log` (a file, so a
/// helper that outlives git, like an ssh control master, cannot hold opsctl).
pub(super) fn clone_bare(
    url: &str,
    dir: &Path,
    log: &Path,
    prompts: Prompts,
) -> Result<(), CloneError> {
    let log_file = std::fs::File::create(log)
        .map_err(|e| CloneError::Failed(format!("cannot create {}: {e}", log.display())))?;
    let mut git = command(url, dir, prompts);
    git.stderr(log_file);
    // While git runs, the first interrupt only sets the flag: this loop
    // stops git and reports it, so no clone is left running.
    let _deferral = crate::interrupt::defer();
    let mut child = git.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            CloneError::NotInstalled
        } else {
            CloneError::Failed(format!("cannot run git: {e}"))
        }
    })?;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(CloneError::Failed(format!("cannot wait for git: {e}"))),
        }
        if crate::interrupt::requested() {
            stop(&mut child, prompts == Prompts::Never);
            return Err(CloneError::Interrupted);
        }
        std::thread::sleep(POLL);
    };
    if status.success() {
        return Ok(());
    }
    let messages = std::fs::read(log).unwrap_or_default();
    Err(CloneError::Failed(failure_message(
        &String::from_utf8_lossy(&messages),
        status,
    )))
}

/// Ends git (and, in its own process group, the helpers it started: ssh,
/// `git-remote-https`): SIGTERM so it cleans up, SIGKILL after a second.
fn stop(child: &mut std::process::Child, own_group: bool) {
    use rustix::process::{Pid, Signal, kill_process, kill_process_group};
    let pid = Pid::from_child(child);
    let signal = |signal: Signal| {
        let _ = if own_group {
            kill_process_group(pid, signal)
        } else {
            kill_process(pid, signal)
        };
    };
    signal(Signal::TERM);
    let deadline = std::time::Instant::now() + Duration::from_secs(1);
    let mut exited = false;
    while !exited && std::time::Instant::now() < deadline {
        exited = !matches!(child.try_wait(), Ok(None));
        if !exited {
            std::thread::sleep(POLL);
        }
    }
    if own_group {
        // Helpers git left behind still hold the group's id, so it cannot
        // have been reused.
        signal(Signal::KILL);
    } else if !exited {
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// The git command line and environment for cloning `url` into `dir`.
fn command(url: &str, dir: &Path, prompts: Prompts) -> Command {
    let mut git = Command::new("git");
    if carries_credentials(url) {
        // Used for this clone only: a helper such as `store` would write them
        // to disk once git succeeds.
        git.args(["-c", "credential.helper="]);
    }
    git.args(["clone", "--bare", "--quiet", "--"])
        .arg(url)
        .arg(dir)
        .stdout(Stdio::null());
    for name in REPOSITORY_ENV {
        git.env_remove(name);
    }
    // libgit2, which reads the clone, knows only the files ref format.
    git.env("GIT_DEFAULT_REF_FORMAT", "files");
    if prompts == Prompts::Never {
        // Its own process group, so an interrupt can stop git's helpers too;
        // never at a terminal, where that would cut git off from it.
        std::os::unix::process::CommandExt::process_group(&mut git, 0);
        git.stdin(Stdio::null())
            // git's own questions (user name, password) on the terminal
            .env("GIT_TERMINAL_PROMPT", "0")
            // Git Credential Manager's dialogs
            .env("GCM_INTERACTIVE", "never")
            // ssh's graphical askpass programs
            .env("SSH_ASKPASS_REQUIRE", "never");
        if !ssh_command_configured() {
            // ssh asks on the terminal (host keys, passwords, passphrases);
            // in batch mode it fails instead.
            git.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
        }
    }
    git
}

/// Whether the user chose how git runs ssh (`GIT_SSH`, `GIT_SSH_COMMAND`,
/// `core.sshCommand`): that choice is theirs to keep.
fn ssh_command_configured() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("GIT_SSH") || set("GIT_SSH_COMMAND") {
        return true;
    }
    // `git -c core.sshCommand=…` from an enclosing git command.
    let given_with_dash_c = std::env::vars().any(|(name, value)| {
        (name == "GIT_CONFIG_PARAMETERS" || name.starts_with("GIT_CONFIG_KEY_"))
            && value.to_ascii_lowercase().contains("core.sshcommand")
    });
    given_with_dash_c
        || git2::Config::open_default()
            .and_then(|config| config.get_string("core.sshCommand"))
            .is_ok()
}

/// git's messages as one line: prefixes dropped, credentials taken out.
fn failure_message(stderr: &str, status: ExitStatus) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(|line| {
            let line = line.trim();
            ["fatal: ", "error: "]
                .iter()
                .find_map(|prefix| line.strip_prefix(prefix))
                .unwrap_or(line)
        })
        .filter(|line| !line.is_empty())
        .collect();
    if lines.is_empty() {
        format!("git clone failed ({status})")
    } else {
        scrub_urls(&lines.join("; "))
    }
}
