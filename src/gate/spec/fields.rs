//! Typed reads of located YAML values, each failure a [`SpecError`] that
//! points at the file, line and column and says what was expected.

use std::time::Duration;

use super::SpecError;
use crate::document::Scalar;
use crate::document::located::{Entry, Located, Pos, Value};
use crate::gate::expr::{ExprError, Expression};

/// One spec file's name and text, for error positions and excerpts.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The path as the user gave it.
    pub file: &'a str,
    /// The whole text.
    pub text: &'a str,
}

impl Source<'_> {
    /// An error at `pos`.
    pub fn error(&self, pos: Pos, message: impl Into<String>) -> SpecError {
        SpecError::at(self.file, self.text, pos, message)
    }

    /// The entries of a mapping, after checking every key is one of
    /// `allowed` (an unknown key names the closest valid one).
    pub fn fields<'n>(
        &self,
        node: &'n Located,
        what: &str,
        allowed: &[&str],
    ) -> Result<Fields<'n>, SpecError> {
        let Some(entries) = node.as_map() else {
            return Err(self.error(
                node.pos,
                format!("{what} must be a mapping, not {}", node.kind()),
            ));
        };
        for entry in entries {
            if !allowed.contains(&entry.key.as_str()) {
                let hint = match crate::diagnostic::closest(&entry.key, allowed.iter().copied()) {
                    Some(best) => format!("; did you mean `{best}`?"),
                    None => format!("; {what} takes {}", allowed.join(", ")),
                };
                return Err(self.error(
                    entry.key_pos,
                    format!("unknown field `{}` in {what}{hint}", entry.key),
                ));
            }
        }
        Ok(Fields { entries })
    }

    /// A string (numbers and booleans are taken as their text, as
    /// Kubernetes does not: a query must be text, but `9090` as an arg
    /// value is fine).
    pub fn text(&self, node: &Located, what: &str) -> Result<String, SpecError> {
        match &node.value {
            Value::Scalar(Scalar::Str(s) | Scalar::Time(s)) => Ok(s.clone()),
            Value::Scalar(Scalar::Int(i)) => Ok(i.to_string()),
            Value::Scalar(Scalar::Float(f)) => Ok(crate::document::go_float_text(*f)),
            Value::Scalar(Scalar::Bool(b)) => Ok(b.to_string()),
            _ => Err(self.error(
                node.pos,
                format!("{what} must be a string, not {}", node.kind()),
            )),
        }
    }

    /// A whole number, written as a number or (Kubernetes IntOrString) as
    /// text such as `"{{args.count}}"` after substitution.
    pub fn int(&self, node: &Located, what: &str) -> Result<i64, SpecError> {
        match &node.value {
            Value::Scalar(Scalar::Int(i)) => Ok(*i),
            Value::Scalar(Scalar::Str(s)) => s.trim().parse().map_err(|_| {
                self.error(
                    node.pos,
                    format!("{what} must be a whole number, not `{s}`"),
                )
            }),
            _ => Err(self.error(
                node.pos,
                format!("{what} must be a whole number, not {}", node.kind()),
            )),
        }
    }

    /// `true` or `false`.
    pub fn bool(&self, node: &Located, what: &str) -> Result<bool, SpecError> {
        match &node.value {
            Value::Scalar(Scalar::Bool(b)) => Ok(*b),
            _ => Err(self.error(
                node.pos,
                format!("{what} must be true or false, not {}", node.kind()),
            )),
        }
    }

    /// A number.
    pub fn number(&self, node: &Located, what: &str) -> Result<f64, SpecError> {
        match &node.value {
            Value::Scalar(Scalar::Int(i)) => Ok(*i as f64),
            Value::Scalar(Scalar::Float(f)) => Ok(*f),
            Value::Scalar(Scalar::Str(s)) => s
                .trim()
                .parse()
                .map_err(|_| self.error(node.pos, format!("{what} must be a number, not `{s}`"))),
            _ => Err(self.error(
                node.pos,
                format!("{what} must be a number, not {}", node.kind()),
            )),
        }
    }

    /// A Go-style duration such as `30s`, `5m` or `1h30m`.
    pub fn duration(&self, node: &Located, what: &str) -> Result<Duration, SpecError> {
        let text = self.text(node, what)?;
        crate::units::parse_duration(&text)
            .map_err(|e| self.error(node.pos, format!("{what}: {e}")))
    }

    /// A condition or time expression, parsed now so a typo is an error
    /// before any query runs.
    pub fn expression(&self, node: &Located, what: &str) -> Result<Expression, SpecError> {
        let source = self.text(node, what)?;
        Expression::parse(&source).map_err(|e| self.expression_error(node, &source, what, &e))
    }

    /// Points an expression error at its column in the file when the
    /// expression sits on one line there, else at the value.
    fn expression_error(
        &self,
        node: &Located,
        source: &str,
        what: &str,
        error: &ExprError,
    ) -> SpecError {
        let mut pos = node.pos;
        let line = self
            .text
            .lines()
            .nth(pos.line.saturating_sub(1))
            .unwrap_or("");
        let from = line
            .char_indices()
            .nth(pos.column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i);
        if error.line <= 1
            && !source.contains('\n')
            && let Some(offset) = line[from..].find(source)
        {
            let before = line[..from + offset].chars().count();
            pos.column = before + error.column;
        }
        self.error(
            pos,
            format!(
                "{what} `{source}`: {} (column {} of the expression)",
                error.message, error.column
            ),
        )
    }
}

/// A checked mapping's entries.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'n> {
    entries: &'n [Entry],
}

impl<'n> Fields<'n> {
    /// The value under `key`; `null` counts as absent.
    pub fn get(&self, key: &str) -> Option<&'n Located> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
            .filter(|v| !matches!(v.value, Value::Scalar(Scalar::Null)))
    }

    /// The items of a list under `key` (none when absent).
    pub fn list(&self, source: &Source<'_>, key: &str) -> Result<&'n [Located], SpecError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Located {
                value: Value::Seq(items),
                ..
            }) => Ok(items),
            Some(other) => Err(source.error(
                other.pos,
                format!("`{key}` must be a list, not {}", other.kind()),
            )),
        }
    }
}
