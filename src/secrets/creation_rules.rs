//! `.sops.yaml` creation rules: which recipients and rule options a new file
//! is sealed with, chosen by the first rule whose `path_regex` matches.

use std::path::{Path, PathBuf};

use regex::Regex;

use super::keys::split_list;
use super::rules::{EncryptionRule, RuleError};
use super::store::{self, Format, ParseError};
use crate::document::{Map, Node, Scalar, SeqItem, map_get};

/// The config file name sops looks for.
pub const FILE_NAME: &str = ".sops.yaml";

/// A parsed `.sops.yaml`.
#[derive(Debug, Clone)]
pub struct SopsConfig {
    /// Where it was read from.
    pub path: PathBuf,
    /// `creation_rules`, in order.
    pub rules: Vec<CreationRule>,
}

/// One creation rule.
#[derive(Debug, Clone)]
pub struct CreationRule {
    /// Unanchored regex matched against the file's path relative to the
    /// config's directory; `None` matches every file.
    pub path_regex: Option<Regex>,
    /// age recipients (from `age:` or the single key group).
    pub age: Vec<String>,
    /// Rule options, when the rule sets one.
    pub rule: Option<EncryptionRule>,
    /// `mac_only_encrypted`.
    pub mac_only_encrypted: bool,
    /// The rule's 1-based position in `creation_rules`, for messages.
    pub index: usize,
}

/// `.sops.yaml` cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CreationRuleError {
    /// It cannot be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// It is not valid YAML.
    #[error("{}:{}:{}: {}", path.display(), error.line, error.column, error.message)]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and what.
        error: ParseError,
    },
    /// A field has the wrong shape or value.
    #[error("{}: creation rule {index}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based rule number.
        index: usize,
        /// What is wrong.
        message: String,
    },
}

/// The nearest `.sops.yaml` in `start` or a parent (at most 100 levels up, as sops).
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .take(100)
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

impl SopsConfig {
    /// Reads and checks a `.sops.yaml`.
    pub fn load(path: &Path) -> Result<Self, CreationRuleError> {
        let bytes = std::fs::read(path).map_err(|source| CreationRuleError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(path, &bytes)
    }

    /// Checks a `.sops.yaml` given as bytes; `path` is where it lives (its
    /// directory anchors `path_regex`), whether or not it is on disk yet.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, CreationRuleError> {
        let tree =
            store::parse(Format::Yaml, bytes, false).map_err(|error| CreationRuleError::Parse {
                path: path.to_owned(),
                error,
            })?;
        let empty = Map::new();
        let root = tree.documents.first().unwrap_or(&empty);
        let items: Vec<&Node> = match map_get(root, "creation_rules") {
            Some(Node::Seq(items)) => items
                .iter()
                .filter_map(|i| match i {
                    SeqItem::Node(n) => Some(n),
                    SeqItem::Comment(_) => None,
                })
                .collect(),
            None | Some(Node::Scalar(Scalar::Null)) => Vec::new(),
            Some(_) => {
                return Err(CreationRuleError::Invalid {
                    path: path.to_owned(),
                    index: 0,
                    message: "creation_rules must be a list".into(),
                });
            }
        };
        let rules = items
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let invalid = |message: String| CreationRuleError::Invalid {
                    path: path.to_owned(),
                    index: i + 1,
                    message,
                };
                let Node::Map(map) = node else {
                    return Err(invalid("a rule must be a map".into()));
                };
                parse_rule(map, i + 1).map_err(invalid)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            path: path.to_owned(),
            rules,
        })
    }

    /// The first rule matching `file` (a path as the user gave it, resolved
    /// against `cwd`), compared relative to the config's directory.
    pub fn rule_for(&self, file: &Path, cwd: &Path) -> Option<&CreationRule> {
        let absolute = cwd.join(file);
        let base = self.path.parent().unwrap_or(Path::new(""));
        let relative = absolute.strip_prefix(base).unwrap_or(file);
        let text = relative.to_string_lossy().replace('\\', "/");
        self.rules
            .iter()
            .find(|r| r.path_regex.as_ref().is_none_or(|re| re.is_match(&text)))
    }
}

fn parse_rule(map: &Map, index: usize) -> Result<CreationRule, String> {
    let text = |name: &str| -> Result<Option<String>, String> {
        match map_get(map, name) {
            None | Some(Node::Scalar(Scalar::Null)) => Ok(None),
            Some(Node::Scalar(Scalar::Str(s))) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{name} must be text")),
        }
    };
    let path_regex = text("path_regex")?
        .map(|r| Regex::new(&r).map_err(|e| format!("path_regex: {e}")))
        .transpose()?;
    let mut age = recipients(map_get(map, "age"))?;
    if let Some(groups) = map_get(map, "key_groups") {
        let groups: Vec<&Node> = match groups {
            Node::Seq(items) => items
                .iter()
                .filter_map(|i| match i {
                    SeqItem::Node(n) => Some(n),
                    SeqItem::Comment(_) => None,
                })
                .collect(),
            _ => return Err("key_groups must be a list".into()),
        };
        match groups.as_slice() {
            [] => {}
            [Node::Map(group)] => {
                // key_groups replaces the rule's top-level keys.
                age = recipients(map_get(group, "age"))?;
                if let Some(Node::Seq(merged)) = map_get(group, "merge") {
                    for m in merged.iter().filter_map(|i| match i {
                        SeqItem::Node(Node::Map(m)) => Some(m),
                        _ => None,
                    }) {
                        age.extend(recipients(map_get(m, "age"))?);
                    }
                }
            }
            [_] => return Err("a key group must be a map".into()),
            _ => return Err(
                "several key_groups (Shamir secret sharing) are not supported yet; use one group"
                    .into(),
            ),
        }
    }
    age.dedup();
    let options = super::rules::OPTION_NAMES;
    let values = options
        .iter()
        .map(|o| text(o))
        .collect::<Result<Vec<_>, _>>()?;
    let pairs: Vec<(&'static str, Option<&str>)> = options
        .iter()
        .zip(&values)
        .map(|(o, v)| (*o, v.as_deref()))
        .collect();
    let rule = if values.iter().any(Option::is_some) {
        Some(EncryptionRule::from_options(&pairs).map_err(|e: RuleError| e.to_string())?)
    } else {
        None
    };
    let mac_only_encrypted = matches!(
        map_get(map, "mac_only_encrypted"),
        Some(Node::Scalar(Scalar::Bool(true)))
    );
    Ok(CreationRule {
        path_regex,
        age,
        rule,
        mac_only_encrypted,
        index,
    })
}

/// Directories never searched for secrets files.
const SKIPPED_DIRS: [&str; 6] = [
    ".git",
    "target",
    "node_modules",
    ".venv",
    "vendor",
    ".terraform",
];

impl SopsConfig {
    /// Files under the config's directory that a rule with a `path_regex`
    /// matches, sorted. (A rule without one matches everything, which says
    /// nothing about which files hold secrets, so it is not used here.)
    pub fn matching_files(&self) -> Vec<PathBuf> {
        let base = self.path.parent().unwrap_or(Path::new(".")).to_owned();
        let mut found = Vec::new();
        let mut dirs = vec![base.clone()];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                let name = entry.file_name();
                if kind.is_dir() {
                    if !SKIPPED_DIRS.iter().any(|s| name == *s) {
                        dirs.push(path);
                    }
                    continue;
                }
                if !kind.is_file() || name == FILE_NAME {
                    continue;
                }
                let relative = path
                    .strip_prefix(&base)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                if self.rules.iter().any(|r| {
                    r.path_regex
                        .as_ref()
                        .is_some_and(|re| re.is_match(&relative))
                }) {
                    found.push(path);
                }
            }
        }
        found.sort();
        found
    }
}

/// `age:` as a comma-separated string or a list of (comma-separated) strings.
fn recipients(value: Option<&Node>) -> Result<Vec<String>, String> {
    match value {
        None | Some(Node::Scalar(Scalar::Null)) => Ok(Vec::new()),
        Some(Node::Scalar(Scalar::Str(s))) => Ok(split_list(s)),
        Some(Node::Seq(items)) => items
            .iter()
            .filter_map(|i| match i {
                SeqItem::Node(n) => Some(n),
                SeqItem::Comment(_) => None,
            })
            .map(|n| match n {
                Node::Scalar(Scalar::Str(s)) => Ok(split_list(s)),
                _ => Err("age entries must be text".to_owned()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.concat()),
        Some(_) => Err("age must be text or a list".into()),
    }
}

/// A `.sops.yaml` snippet showing how to add a rule for `file`.
pub fn example_rule(file: &Path) -> String {
    let name = file.file_name().map_or_else(
        || "secrets.yaml".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    format!(
        "creation_rules:\n  - path_regex: {}$\n    age: age1…   # your public key: opsctl secrets keygen --add-to-sops-keys",
        regex::escape(&name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &Path, text: &str) -> SopsConfig {
        let path = dir.join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        SopsConfig::load(&path).unwrap()
    }

    #[test]
    fn the_first_matching_rule_wins_relative_to_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(
            dir.path(),
            "keys:\n  - &alice age1alice\ncreation_rules:\n  - path_regex: prod/.*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: >-\n      age1a,\n      age1b\n  - path_regex: \\.env$\n    key_groups:\n      - age: [*alice, age1c]\n        merge:\n          - age: [age1d]\n  - age: age1fallback\n    mac_only_encrypted: true\n",
        );
        let sub = dir.path().join("deploy");
        let prod = cfg.rule_for(Path::new("prod/db.yaml"), dir.path()).unwrap();
        assert_eq!(prod.age, ["age1a", "age1b"]);
        assert!(
            prod.rule
                .as_ref()
                .unwrap()
                .should_encrypt(&["data", "x"], &[])
        );
        assert_eq!(
            cfg.rule_for(Path::new("../x.env"), &sub).unwrap().age,
            ["age1alice", "age1c", "age1d"]
        );
        let fallback = cfg.rule_for(Path::new("other.txt"), dir.path()).unwrap();
        assert_eq!(fallback.age, ["age1fallback"]);
        assert!(fallback.mac_only_encrypted);
        assert_eq!(fallback.index, 3);
    }

    #[test]
    fn bad_rules_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "creation_rules:\n  - path_regex: '('\n").unwrap();
        let err = SopsConfig::load(&path).unwrap_err().to_string();
        assert!(err.contains("creation rule 1: path_regex"), "{err}");
        std::fs::write(
            &path,
            "creation_rules:\n  - key_groups: [{age: [a]}, {age: [b]}]\n",
        )
        .unwrap();
        assert!(
            SopsConfig::load(&path)
                .unwrap_err()
                .to_string()
                .contains("Shamir")
        );
        std::fs::write(&path, "creation_rules: [\n").unwrap();
        assert!(matches!(
            SopsConfig::load(&path),
            Err(CreationRuleError::Parse { .. })
        ));
    }

    #[test]
    fn matching_files_follow_the_path_rules() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(
            dir.path(),
            "creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    age: age1x\n  - age: age1y\n",
        );
        for f in [
            "secrets/a.yaml",
            "secrets/deep/b.yaml",
            "secrets/c.json",
            "other/d.yaml",
            ".git/secrets/e.yaml",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let found: Vec<String> = cfg
            .matching_files()
            .iter()
            .map(|p| {
                p.strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(found, ["secrets/a.yaml", "secrets/deep/b.yaml"]);
    }

    #[test]
    fn find_walks_up() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(find(&nested), None);
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        assert_eq!(find(&nested), Some(dir.path().join(FILE_NAME)));
    }
}
