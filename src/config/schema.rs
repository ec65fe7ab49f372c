//! The typed shape of the configuration, shared by every layer.

use serde::{Deserialize, Serialize};

/// The merged configuration every command reads.
///
/// Unknown keys are rejected in every layer, so a typo never passes silently.
/// Each field is listed in [`super::KEYS`]; a unit test keeps the two in step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Config {
    /// How commands print their reports.
    pub output: OutputFormat,
    /// When to colour terminal output.
    pub color: ColorMode,
    /// Never prompt; fail and name the flag that supplies the answer instead.
    pub no_input: bool,
}

/// How a command prints its report on stdout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Tables and text for people; may change between versions.
    #[default]
    Human,
    /// One JSON document with a documented, stable shape.
    Json,
}

impl OutputFormat {
    /// The names accepted in files, variables and `--output`.
    pub const NAMES: &'static [&'static str] = &["human", "json"];
}

/// When terminal output is coloured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorMode {
    /// Colour when the stream is a terminal and `NO_COLOR`/`TERM=dumb` do not say otherwise.
    #[default]
    Auto,
    /// Always colour, even into a pipe.
    Always,
    /// Never colour.
    Never,
}

impl ColorMode {
    /// The names accepted in files, variables and `--color`.
    pub const NAMES: &'static [&'static str] = &["auto", "always", "never"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_parses() {
        for name in OutputFormat::NAMES {
            let v: OutputFormat = serde_json::from_value(serde_json::json!(name)).unwrap();
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(name));
        }
        for name in ColorMode::NAMES {
            let v: ColorMode = serde_json::from_value(serde_json::json!(name)).unwrap();
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(name));
        }
    }
}
