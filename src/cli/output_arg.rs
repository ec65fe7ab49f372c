//! The `-o/--output` flag: a report format (`human`, `json`) or, for the
//! commands that write a file, that file's path (ADR 0008).

use std::path::PathBuf;

use anyhow::bail;
use clap::builder::{PossibleValue, TypedValueParser};

use crate::config::OutputFormat;

/// Accepts any non-empty value; offers the format names to completions and
/// `--help`, since those are what most commands take.
#[derive(Debug, Clone, Copy)]
pub struct OutputValueParser;

impl TypedValueParser for OutputValueParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let text = clap::builder::NonEmptyStringValueParser::new().parse_ref(cmd, arg, value)?;
        Ok(text)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            OutputFormat::NAMES.iter().map(|n| PossibleValue::new(*n)),
        ))
    }
}

/// Splits the `-o` values into at most one format name and at most one file.
pub fn split_output_values(values: &[String]) -> anyhow::Result<(Option<String>, Option<PathBuf>)> {
    let (mut format, mut file) = (None::<&String>, None::<&String>);
    for value in values {
        let slot = if OutputFormat::NAMES.contains(&value.as_str()) {
            &mut format
        } else {
            &mut file
        };
        if let Some(earlier) = slot.replace(value) {
            bail!(
                "-o was given both {earlier:?} and {value:?}; give at most one format \
                 ({}) and one file",
                OutputFormat::NAMES.join(", ")
            );
        }
    }
    Ok((format.cloned(), file.map(PathBuf::from)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(values: &[&str]) -> anyhow::Result<(Option<String>, Option<PathBuf>)> {
        split_output_values(&values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn format_names_are_formats_and_anything_else_is_a_file() {
        assert_eq!(split(&[]).unwrap(), (None, None));
        assert_eq!(split(&["json"]).unwrap(), (Some("json".into()), None));
        assert_eq!(split(&["key.txt"]).unwrap(), (None, Some("key.txt".into())));
        assert_eq!(split(&["./json"]).unwrap(), (None, Some("./json".into())));
        assert_eq!(
            split(&["key.txt", "json"]).unwrap(),
            (Some("json".into()), Some("key.txt".into()))
        );
    }

    #[test]
    fn two_formats_or_two_files_are_refused() {
        assert!(split(&["json", "human"]).is_err());
        assert!(split(&["a.txt", "b.txt"]).is_err());
    }
}
