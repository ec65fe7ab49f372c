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
    /// `[project]`: what the repository deploys.
    pub project: ProjectConfig,
    /// `[secrets]`: defaults for `opsctl secrets`.
    pub secrets: SecretsConfig,
    /// `[render]`: defaults for `opsctl render`.
    pub render: RenderConfig,
    /// `[gate]`: defaults for `opsctl gate`.
    pub gate: GateConfig,
}

/// `[gate]` in opsctl.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct GateConfig {
    /// Prometheus address used when neither `--prometheus` nor the spec
    /// names one.
    pub prometheus: Option<String>,
}

/// `[project]` in opsctl.toml: metadata templates see as `chart`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ProjectConfig {
    /// The service's name (default: the release name).
    pub name: Option<String>,
    /// The service's version (default `0.0.0`).
    pub version: Option<String>,
}

/// `[render]` in opsctl.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct RenderConfig {
    /// The deploy directory (default `deploy`).
    pub dir: Option<String>,
    /// The release name (default: the name of the directory holding the
    /// deploy directory).
    pub release: Option<String>,
    /// The namespace templates see as `release.namespace` (default `default`).
    pub namespace: Option<String>,
}

/// `[secrets]` in opsctl.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct SecretsConfig {
    /// age recipients to seal for when no flag, `SOPS_AGE_RECIPIENTS` or
    /// `.sops.yaml` rule names any.
    pub age_recipients: Vec<String>,
}

/// How a command prints its report on stdout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
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

impl TryFrom<String> for OutputFormat {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        match choice(&name, Self::NAMES)? {
            0 => Ok(Self::Human),
            _ => Ok(Self::Json),
        }
    }
}

/// When terminal output is coloured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
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

impl TryFrom<String> for ColorMode {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        match choice(&name, Self::NAMES)? {
            0 => Ok(Self::Auto),
            1 => Ok(Self::Always),
            _ => Ok(Self::Never),
        }
    }
}

/// The index of `name` in `names`, ignoring case, or an error listing them.
pub(crate) fn choice(name: &str, names: &[&str]) -> Result<usize, String> {
    names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| format!("`{name}` is not one of: {}", names.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_errors_list_the_choices() {
        assert_eq!(
            ColorMode::try_from("NEVER".to_owned()),
            Ok(ColorMode::Never)
        );
        assert_eq!(
            OutputFormat::try_from("yaml".to_owned()),
            Err("`yaml` is not one of: human, json".to_owned())
        );
        let err = toml::from_str::<Config>("color = 1").unwrap_err();
        assert!(
            err.message().contains("expected a string"),
            "{}",
            err.message()
        );
    }

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
