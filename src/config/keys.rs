//! The registry of configuration keys: their types, variables and help.
//!
//! [`super::Config`] is the typed shape; this table adds what serde cannot
//! tell: how to read each key from an `OPSCTL_*` variable and what it means.

/// The value type of a key, which decides how its environment variable parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off` in variables).
    Bool,
    /// A string, one of the given names.
    Choice(&'static [&'static str]),
    /// Free text.
    Str,
    /// A list of strings; comma-separated in variables.
    StrList,
}

/// One configuration key.
#[derive(Debug, Clone, Copy)]
pub struct KeyInfo {
    /// Dotted path as written in TOML (`color`, `render.dir`).
    pub key: &'static str,
    /// Value type.
    pub kind: KeyKind,
    /// One line on what the key controls.
    pub help: &'static str,
}

impl KeyInfo {
    /// The environment variable for this key: `OPSCTL_` + the path in upper
    /// snake case (`render.dir` → `OPSCTL_RENDER_DIR`).
    pub fn env_var(&self) -> String {
        format!("OPSCTL_{}", self.key.replace('.', "_").to_ascii_uppercase())
    }

    /// Parses a variable's text into the TOML value this key holds.
    pub(crate) fn parse_env(&self, text: &str) -> Result<toml::Value, String> {
        match self.kind {
            KeyKind::Bool => match text.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(toml::Value::Boolean(true)),
                "0" | "false" | "no" | "off" | "" => Ok(toml::Value::Boolean(false)),
                _ => Err("expected true or false (also 1/0, yes/no, on/off)".to_owned()),
            },
            KeyKind::Choice(names) => {
                super::schema::choice(text, names).map(|i| toml::Value::String(names[i].to_owned()))
            }
            KeyKind::Str => Ok(toml::Value::String(text.to_owned())),
            KeyKind::StrList => Ok(toml::Value::Array(
                text.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| toml::Value::String(s.to_owned()))
                    .collect(),
            )),
        }
    }
}

/// Every configuration key, in the order `opsctl config show` lists them.
pub const KEYS: &[KeyInfo] = &[
    KeyInfo {
        key: "output",
        kind: KeyKind::Choice(super::OutputFormat::NAMES),
        help: "report format on stdout: human tables or stable JSON",
    },
    KeyInfo {
        key: "color",
        kind: KeyKind::Choice(super::ColorMode::NAMES),
        help: "colour terminal output: auto, always or never",
    },
    KeyInfo {
        key: "no_input",
        kind: KeyKind::Bool,
        help: "never prompt; fail and name the flag that supplies the answer",
    },
    KeyInfo {
        key: "secrets.age_recipients",
        kind: KeyKind::StrList,
        help: "age recipients to seal for when no flag, SOPS_AGE_RECIPIENTS or .sops.yaml rule names any",
    },
    KeyInfo {
        key: "project.name",
        kind: KeyKind::Str,
        help: "the service's name, `chart.name` in templates (default: the release name)",
    },
    KeyInfo {
        key: "project.version",
        kind: KeyKind::Str,
        help: "the service's version, `chart.version` in templates (default 0.0.0)",
    },
    KeyInfo {
        key: "render.dir",
        kind: KeyKind::Str,
        help: "the deploy directory `opsctl render` reads (default deploy)",
    },
    KeyInfo {
        key: "render.release",
        kind: KeyKind::Str,
        help: "release name for templates (default: the directory holding the deploy directory)",
    },
    KeyInfo {
        key: "render.namespace",
        kind: KeyKind::Str,
        help: "namespace for templates, `release.namespace` (default default)",
    },
    KeyInfo {
        key: "gate.prometheus",
        kind: KeyKind::Str,
        help: "Prometheus address `opsctl gate` queries when neither --prometheus nor the spec names one",
    },
];

/// Looks a key up by its environment variable.
pub(crate) fn find_by_env(var: &str) -> Option<&'static KeyInfo> {
    KEYS.iter().find(|k| k.env_var() == var)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn find(key: &str) -> Option<&'static KeyInfo> {
        KEYS.iter().find(|k| k.key == key)
    }

    fn sample(kind: KeyKind) -> toml::Value {
        match kind {
            KeyKind::Bool => toml::Value::Boolean(true),
            KeyKind::Choice(names) => toml::Value::String(names[names.len() - 1].to_owned()),
            KeyKind::Str => toml::Value::String("x".to_owned()),
            KeyKind::StrList => toml::Value::Array(vec![toml::Value::String("x".to_owned())]),
        }
    }

    /// Inserts `value` at a dotted path, creating tables on the way.
    fn insert(table: &mut toml::Table, key: &str, value: toml::Value) {
        let mut parts: Vec<&str> = key.split('.').collect();
        let last = parts.pop().unwrap();
        let mut t = table;
        for p in parts {
            t = t
                .entry(p)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .unwrap();
        }
        t.insert(last.to_owned(), value);
    }

    fn leaf_keys(prefix: &str, table: &toml::Table, out: &mut Vec<String>) {
        for (k, v) in table {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) => leaf_keys(&path, t, out),
                _ => out.push(path),
            }
        }
    }

    #[test]
    fn every_registered_key_is_a_config_field_of_its_kind() {
        for info in KEYS {
            let mut table = toml::Table::new();
            insert(&mut table, info.key, sample(info.kind));
            let parsed: Result<Config, _> = toml::Value::Table(table).try_into();
            assert!(parsed.is_ok(), "{}: {:?}", info.key, parsed.err());
        }
    }

    #[test]
    fn every_config_field_is_registered() {
        let table = toml::Table::try_from(Config::default()).unwrap();
        let mut keys = Vec::new();
        leaf_keys("", &table, &mut keys);
        for key in keys {
            assert!(
                find(&key).is_some(),
                "Config field `{key}` is missing from KEYS"
            );
        }
    }

    #[test]
    fn env_names_are_unique_and_well_formed() {
        let mut names: Vec<String> = KEYS.iter().map(KeyInfo::env_var).collect();
        for n in &names {
            assert!(
                n.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            );
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KEYS.len());
    }

    #[test]
    fn env_values_parse_by_kind() {
        let b = KeyInfo {
            key: "b",
            kind: KeyKind::Bool,
            help: "",
        };
        assert_eq!(b.parse_env("YES").unwrap(), toml::Value::Boolean(true));
        assert_eq!(b.parse_env("0").unwrap(), toml::Value::Boolean(false));
        assert!(b.parse_env("maybe").is_err());
        let c = KeyInfo {
            key: "c",
            kind: KeyKind::Choice(&["a", "b"]),
            help: "",
        };
        assert_eq!(c.parse_env(" B ").unwrap(), toml::Value::String("b".into()));
        assert!(c.parse_env("z").unwrap_err().contains("a, b"));
        let l = KeyInfo {
            key: "l",
            kind: KeyKind::StrList,
            help: "",
        };
        assert_eq!(
            l.parse_env("x, y,,").unwrap(),
            toml::Value::Array(vec!["x".into(), "y".into()])
        );
    }
}
