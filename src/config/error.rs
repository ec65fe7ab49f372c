//! Errors from finding, reading and layering configuration.

use std::path::PathBuf;

/// A configuration layer could not be used. Every variant names its source
/// (file with line and column, or environment variable) and what to change.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A config file exists but could not be read.
    #[error("cannot read config file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why reading failed.
        #[source]
        source: std::io::Error,
    },
    /// A config file named explicitly does not exist.
    #[error("config file {} does not exist", path.display())]
    Missing {
        /// The file that was asked for.
        path: PathBuf,
    },
    /// Something other than a readable file sits where a config file should be.
    #[error("{} is {what}, not a config file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What is there instead.
        what: &'static str,
    },
    /// A config file is not valid TOML or does not fit the schema.
    #[error("{}:{line}:{column}: {message}\n{excerpt}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending text.
        line: usize,
        /// 1-based column (in characters) of the offending text.
        column: usize,
        /// What is wrong, and the fix where one is known.
        message: String,
        /// The offending line with a caret under the offending text.
        excerpt: String,
    },
    /// An `OPSCTL_*` variable holds a value its key does not accept.
    #[error("environment variable {var}={value:?}: {message}")]
    Env {
        /// The variable.
        var: String,
        /// Its value.
        value: String,
        /// What the key accepts.
        message: String,
    },
    /// The layers passed their checks one by one but not together: a bug in
    /// opsctl, not in the user's files.
    #[error("internal error merging configuration layers: {message}")]
    Merge {
        /// What the schema rejected.
        message: String,
    },
    /// A command-line flag holds a value its key does not accept.
    #[error("{flag}: {message}")]
    Flag {
        /// The flag as the user wrote it.
        flag: String,
        /// What the key accepts.
        message: String,
    },
}
