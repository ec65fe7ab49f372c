//! `check`: is each file sealed, with intact metadata, every value the rules
//! want encrypted encrypted, and (given a key) a MAC that verifies? For
//! pre-commit hooks and CI. Files that should be sealed but are not are also
//! scanned for obvious plaintext secrets.

use std::path::PathBuf;

use serde::Serialize;

use super::keys::{Identities, KeyError};
use super::metadata::Metadata;
use super::store::{self, Format};
use crate::document::{Item, Node, Scalar, SeqItem, Tree};

use super::SecretsError;
use super::file::OpenedFile;
use super::walk::Walk;

/// The result for every file checked.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// One entry per file, in the order checked.
    pub files: Vec<FileCheck>,
    /// Totals.
    pub summary: CheckSummary,
}

/// Totals of a check run.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CheckSummary {
    /// Files checked.
    pub checked: usize,
    /// Files with at least one problem.
    pub failed: usize,
    /// Files whose MAC was verified with an available key.
    pub mac_verified: usize,
}

/// One file's result.
#[derive(Debug, Clone, Serialize)]
pub struct FileCheck {
    /// The file, as given or found.
    #[serde(serialize_with = "crate::fsx::serialize_path_lossy")]
    pub path: PathBuf,
    /// Whether it carries sops metadata.
    pub sealed: bool,
    /// What became of the MAC check.
    pub mac: MacStatus,
    /// Everything wrong with it; empty when the file passes.
    pub problems: Vec<Problem>,
}

/// What became of the MAC check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MacStatus {
    /// Decrypted with an available key and the MAC matched.
    Verified,
    /// Decrypted, and the MAC did not match (also listed as a problem).
    Mismatch,
    /// No available identity opens the file; not a problem by itself.
    NoKey,
    /// Not attempted: the file is not sealed or has other problems.
    Skipped,
}

/// One thing wrong with a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The value concerned, as `["a"]["b"]`, if the problem is about one.
    pub key: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

impl Problem {
    fn file(message: impl Into<String>) -> Self {
        Self {
            key: None,
            message: message.into(),
        }
    }
}

impl FileCheck {
    /// Whether the file passed.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl CheckReport {
    /// Builds the report and its totals.
    pub fn new(files: Vec<FileCheck>) -> Self {
        let summary = CheckSummary {
            checked: files.len(),
            failed: files.iter().filter(|f| !f.ok()).count(),
            mac_verified: files
                .iter()
                .filter(|f| f.mac == MacStatus::Verified)
                .count(),
        };
        Self { files, summary }
    }
}

/// Checks one file's bytes; `identities` enables MAC verification.
pub fn check_file(
    path: PathBuf,
    bytes: &[u8],
    format: Format,
    identities: Option<&Identities>,
) -> FileCheck {
    let mut result = FileCheck {
        path,
        sealed: false,
        mac: MacStatus::Skipped,
        problems: Vec::new(),
    };
    let parsed = match format {
        Format::Binary => store::parse(Format::Json, bytes, true),
        _ => store::parse(format, bytes, true),
    };
    let mut tree = match parsed {
        Ok(tree) => tree,
        Err(_) if format == Format::Binary => {
            result.problems.push(not_sealed());
            result.problems.extend(private_key_blocks(bytes));
            return result;
        }
        Err(e) => {
            result
                .problems
                .push(Problem::file(format!("invalid {}: {e}", format.name())));
            return result;
        }
    };
    let Some(meta_node) = super::take_metadata_node(&mut tree) else {
        result.problems.push(not_sealed());
        result.problems.extend(private_key_blocks(bytes));
        result.problems.extend(plaintext_secrets(&tree));
        return result;
    };
    result.sealed = true;
    let meta = match meta_node {
        Node::Map(map) => Metadata::from_map(&map),
        _ => Err(super::metadata::MetadataError::Invalid(
            "sops must be a map".into(),
        )),
    };
    let meta = match meta {
        Ok(meta) => meta,
        Err(e) => {
            result.problems.push(Problem::file(e.to_string()));
            return result;
        }
    };
    if meta.age.is_empty() && meta.other.is_empty() {
        result.problems.push(Problem::file(
            "sops metadata names no master key; nobody can open this file",
        ));
    }
    if meta.mac.is_empty() {
        result
            .problems
            .push(Problem::file("sops metadata has no MAC"));
    }
    for key in Walk::audit(&mut tree, &meta.rule) {
        result.problems.push(Problem {
            key: Some(key),
            message:
                "value is not encrypted, but the file's rules say it must be; re-seal the file"
                    .into(),
        });
    }
    if !result.problems.is_empty() {
        return result;
    }
    if let Some(identities) = identities {
        result.mac = match OpenedFile::decrypt(tree, meta, identities, false, false) {
            Ok(_) => MacStatus::Verified,
            Err(SecretsError::Key(KeyError::NoMatchingKey { .. })) => MacStatus::NoKey,
            Err(SecretsError::MacMismatch | SecretsError::NoMac) => {
                result.problems.push(Problem::file(
                    "MAC mismatch: values were changed outside sops/opsctl",
                ));
                MacStatus::Mismatch
            }
            Err(e) => {
                result.problems.push(Problem::file(e.to_string()));
                MacStatus::Skipped
            }
        };
    } else {
        result.mac = MacStatus::NoKey;
    }
    result
}

fn not_sealed() -> Problem {
    Problem::file("not sealed: run `opsctl secrets seal --in-place` on it")
}

/// PEM private key blocks anywhere in the file.
fn private_key_blocks(bytes: &[u8]) -> Vec<Problem> {
    let text = String::from_utf8_lossy(bytes);
    let found = text
        .lines()
        .any(|l| l.contains("-----BEGIN") && l.contains("PRIVATE KEY-----"));
    if found {
        vec![Problem::file("contains a plaintext private key block")]
    } else {
        Vec::new()
    }
}

/// High-entropy values under keys named like secrets.
fn plaintext_secrets(tree: &Tree) -> Vec<Problem> {
    let mut found = Vec::new();
    for doc in &tree.documents {
        scan_map(doc, &mut String::new(), &mut found);
    }
    found
}

fn scan_map(map: &[Item], location: &mut String, found: &mut Vec<Problem>) {
    for item in map {
        if let Item::Entry(key, node) = item {
            let len = location.len();
            location.push_str(&format!("[{key:?}]"));
            scan_node(key, node, location, found);
            location.truncate(len);
        }
    }
}

fn scan_node(key: &str, node: &Node, location: &mut String, found: &mut Vec<Problem>) {
    match node {
        Node::Map(m) => scan_map(m, location, found),
        Node::Seq(items) => {
            for (i, n) in items
                .iter()
                .filter_map(|s| match s {
                    SeqItem::Node(n) => Some(n),
                    SeqItem::Comment(_) => None,
                })
                .enumerate()
            {
                let len = location.len();
                location.push_str(&format!("[{i}]"));
                scan_node(key, n, location, found);
                location.truncate(len);
            }
        }
        Node::Scalar(Scalar::Str(value)) if secret_name(key) && looks_random(value) => {
            found.push(Problem {
                key: Some(location.clone()),
                message: "looks like a plaintext secret".into(),
            })
        }
        Node::Scalar(_) => {}
    }
}

/// Key names that usually hold secrets.
fn secret_name(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "api-key",
        "private_key",
        "credential",
        "auth",
    ]
    .iter()
    .any(|w| k.contains(w))
}

/// At least 12 characters with at least 3 bits of entropy per character:
/// real passwords and tokens, not `changeme` or `${VAR}` placeholders.
fn looks_random(value: &str) -> bool {
    if value.chars().count() < 12 || value.starts_with("${") || value.starts_with("{{") {
        return false;
    }
    let mut counts = std::collections::HashMap::new();
    for c in value.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = value.chars().count() as f64;
    let entropy: f64 = counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum();
    entropy >= 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obvious_secrets_are_found_and_placeholders_are_not() {
        let tree = store::parse(
            Format::Yaml,
            b"db:\n  password: Xk9#mQ2vLp7wZr4t\n  user: admin\napi_token: ${API_TOKEN}\nauth:\n  - changeme\n",
            false,
        )
        .unwrap();
        let found = plaintext_secrets(&tree);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].key.as_deref(), Some(r#"["db"]["password"]"#));
        assert!(private_key_blocks(b"key: |\n  -----BEGIN OPENSSH PRIVATE KEY-----\n").len() == 1);
    }

    #[test]
    fn an_unsealed_file_is_a_problem() {
        let check = check_file("a.yaml".into(), b"a: 1\n", Format::Yaml, None);
        assert!(!check.sealed && !check.ok());
        assert!(check.problems[0].message.starts_with("not sealed"));
    }
}
