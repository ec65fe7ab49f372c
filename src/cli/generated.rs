//! Files generated from the clap definition and committed: `completions/`
//! and `man/`. A test regenerates them in memory and fails on drift.

use std::path::PathBuf;

use super::{completions, man};

/// Set to `1` to make the drift test rewrite the files instead of failing.
pub const UPDATE_ENV: &str = "OPSCTL_UPDATE_GENERATED";

/// The one command that rewrites every generated file.
pub const GENERATE_COMMAND: &str = "OPSCTL_UPDATE_GENERATED=1 cargo test --test cli generated";

/// Every generated file as (path relative to the repository root, content).
pub fn generated_files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = completions::SHELLS
        .iter()
        .map(|&shell| {
            (
                PathBuf::from("completions").join(completions::file_name(shell)),
                completions::script(shell),
            )
        })
        .collect();
    files.extend(
        man::pages()
            .into_iter()
            .map(|(name, body)| (PathBuf::from("man").join(name), body)),
    );
    files
}
