//! Analysis args: declared in the spec with defaults, supplied with `--arg`,
//! substituted as `{{args.NAME}}` in every string of a metric (as Argo
//! substitutes them in the whole metric).

use std::collections::BTreeMap;

use crate::document::located::Pos;

/// An arg as the spec declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    /// Name.
    pub name: String,
    /// Default value.
    pub value: Option<String>,
    /// Where the cluster would take the value from (`valueFrom`), described
    /// for the error when it is not supplied: `secretKeyRef prom-token/token`.
    pub value_from: Option<String>,
    /// A `secretKeyRef`: its value is masked in reports.
    pub secret: bool,
    /// Where it is declared.
    pub pos: Pos,
    /// The file declaring it.
    pub file: String,
}

/// Why args cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgError {
    /// A declared arg has no value and none was given.
    #[error("argument \"{name}\" was not supplied ({file}:{line}); pass --arg {name}=VALUE")]
    Missing {
        /// Name.
        name: String,
        /// Declaring file.
        file: String,
        /// Line.
        line: usize,
    },
    /// A `valueFrom` arg needs its value from the command line.
    #[error(
        "argument \"{name}\" takes its value from the cluster ({from}), which opsctl cannot read; \
         pass --arg {name}=VALUE"
    )]
    FromCluster {
        /// Name.
        name: String,
        /// The `valueFrom` description.
        from: String,
    },
    /// `--arg` names an arg no spec declares.
    #[error("--arg {name}: the spec declares no argument `{name}`{hint}")]
    Unknown {
        /// Name given.
        name: String,
        /// `; did you mean …` or the declared names.
        hint: String,
    },
    /// `--arg` without `=`.
    #[error("--arg `{0}` must be NAME=VALUE")]
    Syntax(String),
}

/// Resolved values, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    values: BTreeMap<String, String>,
    /// Values that came in for `secretKeyRef` args.
    pub secrets: Vec<String>,
}

/// Splits `NAME=VALUE`.
pub fn parse_assignment(text: &str) -> Result<(String, String), ArgError> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(ArgError::Syntax(text.to_owned())),
    }
}

/// Resolves every declared arg: `--arg` wins over the spec's default;
/// `valueFrom` args must be supplied.
pub fn resolve(declared: &[Declared], supplied: &[(String, String)]) -> Result<Values, ArgError> {
    for (name, _) in supplied {
        if !declared.iter().any(|d| &d.name == name) {
            let names: Vec<&str> = declared.iter().map(|d| d.name.as_str()).collect();
            let hint = match crate::diagnostic::closest(name, names.iter().copied()) {
                Some(best) => format!("; did you mean `{best}`?"),
                None if names.is_empty() => String::new(),
                None => format!(" (it declares {})", names.join(", ")),
            };
            return Err(ArgError::Unknown {
                name: name.clone(),
                hint,
            });
        }
    }
    let mut out = Values::default();
    for arg in declared {
        if out.values.contains_key(&arg.name) {
            continue;
        }
        let given = supplied.iter().rev().find(|(n, _)| n == &arg.name);
        let value = match (given, &arg.value, &arg.value_from) {
            (Some((_, v)), _, _) => v.clone(),
            (None, Some(v), _) => v.clone(),
            (None, None, Some(from)) => {
                return Err(ArgError::FromCluster {
                    name: arg.name.clone(),
                    from: from.clone(),
                });
            }
            (None, None, None) => {
                // Another template may declare the same arg with a default.
                if let Some(v) = declared
                    .iter()
                    .filter(|d| d.name == arg.name)
                    .find_map(|d| d.value.clone())
                {
                    v
                } else {
                    return Err(ArgError::Missing {
                        name: arg.name.clone(),
                        file: arg.file.clone(),
                        line: arg.pos.line,
                    });
                }
            }
        };
        if arg.secret {
            out.secrets.push(value.clone());
        }
        out.values.insert(arg.name.clone(), value);
    }
    Ok(out)
}

impl Values {
    /// Values from pairs (tests, and specs without declarations).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Self {
            values: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            secrets: Vec::new(),
        }
    }

    /// `text` with every `{{args.NAME}}` (spaces inside the braces allowed)
    /// replaced. Any other `{{…}}` or an unknown name is an error naming the
    /// placeholder, as in Argo.
    pub fn substitute(&self, text: &str) -> Result<String, String> {
        if !text.contains("{{") {
            return Ok(text.to_owned());
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            out.push_str(&rest[..open]);
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                out.push_str(&rest[open..]);
                return Ok(out);
            };
            let tag = after[..close].trim();
            let value = tag
                .strip_prefix("args.")
                .and_then(|name| self.values.get(name))
                .ok_or_else(|| {
                    let known: Vec<String> =
                        self.values.keys().map(|k| format!("args.{k}")).collect();
                    let hint =
                        match crate::diagnostic::closest(tag, known.iter().map(String::as_str)) {
                            Some(best) => format!("; did you mean {{{{{best}}}}}?"),
                            None if known.is_empty() => "; the spec declares no args".to_owned(),
                            None => format!("; declared: {}", known.join(", ")),
                        };
                    format!("failed to resolve {{{{{tag}}}}}{hint}")
                })?;
            out.push_str(value);
            rest = &after[close + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(name: &str, value: Option<&str>, from: Option<&str>) -> Declared {
        Declared {
            name: name.into(),
            value: value.map(Into::into),
            value_from: from.map(Into::into),
            secret: from.is_some_and(|f| f.starts_with("secretKeyRef")),
            pos: Pos { line: 3, column: 5 },
            file: "t.yaml".into(),
        }
    }

    #[test]
    fn supplied_values_override_defaults_and_secrets_are_remembered() {
        let declared = [
            decl("service", None, None),
            decl("port", Some("9090"), None),
            decl("token", None, Some("secretKeyRef prom/token")),
        ];
        let v = resolve(
            &declared,
            &[
                ("service".into(), "checkout".into()),
                ("token".into(), "s3cret".into()),
            ],
        )
        .unwrap();
        assert_eq!(
            v.substitute("x{service=\"{{args.service}}\"} :{{ args.port }}")
                .unwrap(),
            "x{service=\"checkout\"} :9090"
        );
        assert_eq!(v.secrets, vec!["s3cret".to_owned()]);
    }

    #[test]
    fn missing_unknown_and_cluster_args_are_clear_errors() {
        let declared = [decl("service", None, None)];
        let e = resolve(&declared, &[]).unwrap_err();
        assert!(e.to_string().contains("--arg service=VALUE"), "{e}");
        let e = resolve(&declared, &[("servce".into(), "x".into())]).unwrap_err();
        assert!(e.to_string().contains("did you mean `service`"), "{e}");
        let e = resolve(&[decl("t", None, Some("secretKeyRef a/b"))], &[]).unwrap_err();
        assert!(e.to_string().contains("--arg t=VALUE"), "{e}");
        assert!(parse_assignment("novalue").is_err());
        assert_eq!(
            parse_assignment("a=b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
    }

    #[test]
    fn unknown_placeholders_fail_with_a_hint() {
        let v = Values::from_pairs(&[("service-name", "x")]);
        let e = v.substitute("{{args.service_name}}").unwrap_err();
        assert!(e.contains("failed to resolve {{args.service_name}}"), "{e}");
        assert!(e.contains("did you mean {{args.service-name}}"), "{e}");
        assert_eq!(v.substitute("a {{ b").unwrap(), "a {{ b");
    }
}
