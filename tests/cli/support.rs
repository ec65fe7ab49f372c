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
