//! Configuration: `opsctl.toml`, the user file, `OPSCTL_*` variables and flags.
//!
//! Layers apply in this order, later wins: built-in defaults, the user file
//! (`$XDG_CONFIG_HOME/opsctl/config.toml`), the project file (`opsctl.toml`,
//! found by walking up from the working directory, or `--config FILE`),
//! `OPSCTL_*` environment variables, then command-line flags. Every value
//! remembers the layer that set it, so `opsctl config show` can say why a
//! setting has the value it has.

mod error;
mod keys;
mod layers;
mod schema;

pub use error::ConfigError;
pub use keys::{KEYS, KeyInfo, KeyKind};
pub use layers::{
    ConfigFile, FileLayer, FileStatus, LoadOptions, LoadedConfig, Origin, Override,
    PROJECT_FILE_NAME, load, locate,
};
pub use schema::{ColorMode, Config, OutputFormat, SecretsConfig};

use serde::Serialize;

/// What `opsctl config show` reports: every known key, its value and origin.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigReport {
    /// One entry per known key, in the order of [`KEYS`].
    pub entries: Vec<ConfigEntry>,
}

/// One key of the merged configuration.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigEntry {
    /// Dotted key path, as written in `opsctl.toml` (`color`, `render.dir`).
    pub key: String,
    /// The effective value; `null` when the key is unset and has no default.
    pub value: serde_json::Value,
    /// The layer that set the value.
    pub origin: Origin,
    /// The environment variable that sets this key.
    pub env: String,
    /// What the key controls.
    pub description: String,
}

/// What `opsctl config path` reports: the files consulted, in layer order.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigPathsReport {
    /// Candidate files in the order they are layered (lowest precedence first).
    pub files: Vec<ConfigFile>,
}

impl LoadedConfig {
    /// Every known key with its effective value and origin.
    pub fn report(&self) -> ConfigReport {
        let merged = serde_json::to_value(&self.config).unwrap_or(serde_json::Value::Null);
        let entries = KEYS
            .iter()
            .map(|info| ConfigEntry {
                key: info.key.to_owned(),
                value: info
                    .key
                    .split('.')
                    .try_fold(&merged, |v, part| v.get(part))
                    .cloned()
                    .unwrap_or(serde_json::Value::Null),
                origin: self
                    .origins
                    .get(info.key)
                    .cloned()
                    .unwrap_or(Origin::Default),
                env: info.env_var(),
                description: info.help.to_owned(),
            })
            .collect();
        ConfigReport { entries }
    }

    /// The files consulted, for `opsctl config path`.
    pub fn paths_report(&self) -> ConfigPathsReport {
        ConfigPathsReport {
            files: self.files.clone(),
        }
    }
}
