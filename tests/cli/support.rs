//! A clean sandbox per test: temp home, temp working dir, a cleared environment.

use std::path::{Path, PathBuf};

/// The binary under test.
pub const OPSCTL: &str = env!("CARGO_BIN_EXE_opsctl");

/// A temporary home and working directory with nothing inherited from the
/// developer's environment (no user config, no `OPSCTL_*`, no `NO_COLOR`).
pub struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(root.path().join("home")).unwrap();
        std::fs::create_dir_all(root.path().join("work")).unwrap();
        Self { root }
    }

    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    pub fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }

    /// Writes a file relative to the sandbox root, creating parent dirs.
    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let path = self.root.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// The user config file path for this sandbox's home.
    pub fn user_config(&self, content: &str) -> PathBuf {
        self.write("home/.config/opsctl/config.toml", content)
    }

    /// `opsctl` in the work dir with a cleared environment.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(OPSCTL);
        self.prepare(cmd.env_clear());
        cmd.current_dir(self.work());
        cmd
    }

    /// The same environment for a `std::process::Command`.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(OPSCTL);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .current_dir(self.work());
        cmd
    }

    fn prepare(&self, cmd: &mut assert_cmd::Command) {
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home());
    }
}

/// A tool from the checkout's .venv (scripts/test installs it) or PATH;
/// `install` says how to get it when it is missing.
pub fn tool(name: &str, install: &str) -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin")
        .join(name);
    if venv.is_file() {
        return venv;
    }
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .unwrap();
    assert!(
        found.status.success(),
        "{name} is not installed; run scripts/test ({install})"
    );
    PathBuf::from(String::from_utf8(found.stdout).unwrap().trim())
}

/// Runs a command that must succeed; returns its stdout.
pub fn run_ok(cmd: &mut std::process::Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// git in the sandbox's work dir, which must succeed.
pub fn git(s: &Sandbox, args: &[&str]) {
    run_ok(
        std::process::Command::new("git")
            .current_dir(s.work())
            .env("HOME", s.home())
            .args(args),
    );
}

/// `pre-commit run --all-files` in the sandbox's work dir, with its cache
/// inside the sandbox.
pub fn pre_commit_run(s: &Sandbox) -> std::process::Output {
    std::process::Command::new(tool("pre-commit", "it pip-installs pre-commit into .venv"))
        .current_dir(s.work())
        .env("HOME", s.home())
        .env("PRE_COMMIT_HOME", s.home().join(".cache/pre-commit"))
        .args(["run", "--all-files"])
        .output()
        .unwrap()
}

/// Parses stdout as JSON and checks it against a schema in `schemas/`.
pub fn assert_matches_schema(schema_file: &str, stdout: &[u8]) -> serde_json::Value {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(schema_file);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    let instance: serde_json::Value = serde_json::from_slice(stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(stdout)
        )
    });
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "output does not match {schema_file}: {errors:#?}\n{instance:#}"
    );
    instance
}

/// Replaces the sandbox's temp paths in `text` so snapshots are stable.
pub fn redact(text: &str, sandbox: &Sandbox) -> String {
    text.replace(&sandbox.root.path().display().to_string(), "[SANDBOX]")
}

/// Runs a validator that must pass, showing its report when it does not.
pub fn passes(cmd: &mut std::process::Command, what: &str) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
