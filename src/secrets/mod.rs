//! Secrets: files sealed as SOPS files with age recipients.
//!
//! A sealed file is the original document with every selected value replaced
//! by `ENC[AES256_GCM,…]` text and a `sops` block holding the data key wrapped
//! for each recipient, the MAC and the rules. `sops -d` opens what opsctl
//! seals and the reverse. The pieces, bottom up:
//!
//! - [`tree`]: the document model all formats share;
//! - [`store`]: reading and writing YAML (comments kept), JSON, dotenv, binary;
//! - [`cipher`]: one value's AES-256-GCM encryption;
//! - [`rules`]: which values are encrypted;
//! - [`walk`]: encrypting or decrypting a whole tree and computing its MAC;
//! - [`metadata`]: the `sops` block;
//! - [`keys`]: age recipients and identities;
//! - [`creation_rules`]: `.sops.yaml`, which recipients a new file gets.

pub mod check;
pub mod cipher;
pub mod creation_rules;
pub mod file;
pub mod keys;
pub mod metadata;
mod one_pass;
pub mod rules;
pub mod store;
pub mod walk;

#[cfg(test)]
mod proptests;

use crate::document::{Item, Node, PathStep, Tree};
use keys::{Identities, KeyError};
use metadata::{Metadata, MetadataError};
use rules::EncryptionRule;
use store::{Format, ParseError};
use walk::WalkError;

/// Why sealing or unsealing failed. The file name is added by the caller.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretsError {
    /// The input does not parse as its format.
    #[error("invalid {format}: {error}")]
    Parse {
        /// The format it was read as.
        format: &'static str,
        /// Where and what.
        error: ParseError,
    },
    /// The document uses the key sops keeps its metadata under.
    #[error(
        "the top-level key `sops` (dotenv `sops_…`, INI `[sops]`) is reserved for sops metadata; rename it"
    )]
    Reserved,
    /// Nothing to seal.
    #[error("the file is empty; there is nothing to seal")]
    Empty,
    /// Sealing a sealed file would lock its values in twice.
    #[error(
        "the file is already sealed (it has sops metadata); use `opsctl secrets rotate` or `edit` instead"
    )]
    AlreadySealed,
    /// Sealing needs someone to seal for.
    #[error(
        "no recipients: pass --age RECIPIENT, set SOPS_AGE_RECIPIENTS, add a creation rule with `age:` to .sops.yaml, or set secrets.age_recipients in opsctl.toml"
    )]
    NoRecipients,
    /// The `sops` block is missing or wrong.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// A recipient or identity problem.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A value failed to encrypt or decrypt.
    #[error(transparent)]
    Walk(#[from] WalkError),
    /// The values do not match the MAC: something changed them.
    #[error(
        "MAC mismatch: the values were changed outside sops/opsctl or the file is corrupt (--ignore-mac opens it anyway)"
    )]
    MacMismatch,
    /// The file carries no MAC.
    #[error("the file has no MAC, so its values cannot be verified (--ignore-mac opens it anyway)")]
    NoMac,
    /// `--extract` names nothing.
    #[error("--extract: {0}")]
    Extract(String),
    /// The input could not be read.
    #[error("cannot read the input")]
    Read(#[source] std::io::Error),
    /// The result could not be written out (the sink failed).
    #[error("cannot write the result")]
    Write(#[source] std::io::Error),
    /// The output format cannot hold the document.
    #[error("cannot write {format}: {reason}")]
    Unrepresentable {
        /// The output format.
        format: &'static str,
        /// Why.
        reason: String,
    },
}

/// What `opsctl secrets keygen` reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeygenReport {
    /// The new identity's recipient (`age1…`), to seal for.
    pub public_key: String,
    /// The file the identity was written to.
    pub file: Option<std::path::PathBuf>,
    /// The sops key file the identity was appended to.
    pub added_to: Option<std::path::PathBuf>,
}

/// How to seal.
#[derive(Debug, Clone, Default)]
pub struct SealOptions {
    /// age recipients (`age1…`, `ssh-ed25519 …`, `ssh-rsa …`).
    pub recipients: Vec<String>,
    /// Which values to encrypt.
    pub rule: EncryptionRule,
    /// Cover only encrypted values with the MAC.
    pub mac_only_encrypted: bool,
}

/// Seals a plaintext file into memory (see [`prepare_seal`] to write it out
/// as it is sealed).
pub fn seal(
    input: &[u8],
    format: Format,
    output: Format,
    options: &SealOptions,
) -> Result<Vec<u8>, SecretsError> {
    let mut sealed = Vec::new();
    prepare_seal(input, format, output, options)?.write_to(&mut sealed)?;
    Ok(sealed)
}

/// A plaintext file read, checked and given a data key: everything that
/// can be wrong with the input has been found; what is left is writing it.
#[derive(Debug)]
pub struct Sealing {
    file: file::OpenedFile,
    output: Format,
}

/// Reads and checks a plaintext file for sealing; nothing is written yet.
pub fn prepare_seal(
    input: &[u8],
    format: Format,
    output: Format,
    options: &SealOptions,
) -> Result<Sealing, SecretsError> {
    // Binary input is raw bytes; only a JSON reading shows it is sealed.
    if format == Format::Binary && is_sealed(input, format) {
        return Err(SecretsError::AlreadySealed);
    }
    prepare_tree(parse(input, format, false)?, output, options)
}

/// Like [`prepare_seal`], reading the plaintext from `reader`: YAML is
/// parsed as it is read, so its text and its tree are never in memory
/// together; other formats are read whole first. A YAML parse error says
/// where the parser stopped; [`prepare_seal`] on the text gives the exact place.
pub fn prepare_seal_from(
    mut reader: impl std::io::Read + Send,
    format: Format,
    output: Format,
    options: &SealOptions,
) -> Result<Sealing, SecretsError> {
    if format != Format::Yaml {
        let mut input = Vec::new();
        reader.read_to_end(&mut input).map_err(SecretsError::Read)?;
        return prepare_seal(&input, format, output, options);
    }
    let tree =
        crate::document::yaml::parse_reader(reader).map_err(|error| SecretsError::Parse {
            format: format.name(),
            error,
        })?;
    prepare_tree(tree, output, options)
}

/// The checks before sealing a parsed plaintext file.
fn prepare_tree(
    tree: Tree,
    output: Format,
    options: &SealOptions,
) -> Result<Sealing, SecretsError> {
    if tree
        .documents
        .iter()
        .any(|d| crate::document::map_get(d, "sops").is_some())
    {
        return Err(SecretsError::AlreadySealed);
    }
    if tree
        .documents
        .iter()
        .all(|d| d.iter().all(|i| matches!(i, Item::Comment(_))))
    {
        return Err(SecretsError::Empty);
    }
    representable(output, &tree)?;
    Ok(Sealing {
        file: file::OpenedFile::create(tree, options)?,
        output,
    })
}

impl Sealing {
    /// Writes the sealed file to `out` (buffer a file or stdout), each value
    /// encrypted as it is written. Fails only if `out` does, or the system
    /// has no randomness for a value's IV.
    pub fn write_to(self, out: &mut dyn std::io::Write) -> Result<(), SecretsError> {
        self.file.into_sealed_to(self.output, out)
    }
}

/// How to unseal.
#[derive(Default)]
pub struct UnsealOptions<'a> {
    /// Print only this value (`["a"]["b"][0]`).
    pub extract: Option<&'a [PathStep]>,
    /// Open the file even when its MAC does not verify.
    pub ignore_mac: bool,
}

/// Opens a sealed file into memory. The MAC is verified before anything is
/// returned (see [`prepare_unseal`] to write the plaintext out).
pub fn unseal(
    input: &[u8],
    format: Format,
    output: Format,
    identities: &Identities,
    options: &UnsealOptions<'_>,
) -> Result<Vec<u8>, SecretsError> {
    let mut plain = Vec::new();
    prepare_unseal(input, format, output, identities, options)?.write_to(&mut plain)?;
    Ok(plain)
}

/// A sealed file opened and verified, ready to be written as plaintext.
#[derive(Debug)]
pub enum Unsealed {
    /// The whole document.
    Document {
        /// The plaintext tree.
        tree: Tree,
        /// The format to write it in.
        output: Format,
    },
    /// One value, `--extract`ed, already as text.
    Extracted(Vec<u8>),
    /// The whole YAML document, already written as text while it was read
    /// and decrypted (no tree was built).
    Text(Vec<u8>),
}

/// Decrypts a sealed file and verifies its MAC (unless `ignore_mac`);
/// nothing is written yet, so no plaintext leaves before the MAC checks out.
pub fn prepare_unseal(
    input: &[u8],
    format: Format,
    output: Format,
    identities: &Identities,
    options: &UnsealOptions<'_>,
) -> Result<Unsealed, SecretsError> {
    let tree = open(input, format, identities, options.ignore_mac)?;
    finish_unseal(tree, output, options)
}

/// Like [`prepare_unseal`], reading a sealed file from `file` as it is
/// parsed and decrypting each value as it is read, so neither the sealed
/// text nor its ciphertext is ever held. A whole YAML document written as
/// YAML holds no tree either: its plaintext is written as it is read, into
/// memory (the text is the document's smallest form), and kept back until
/// the MAC checks out. This works for YAML in sops' layout (the `sops`
/// block last, no aliases) whose MAC verifies; `Ok(None)` otherwise, and
/// then [`prepare_unseal`] on the whole text opens it, or says exactly what
/// is wrong with it.
pub fn prepare_unseal_from(
    mut file: impl std::io::Read + std::io::Seek + Send,
    format: Format,
    output: Format,
    identities: &Identities,
    options: &UnsealOptions<'_>,
) -> Result<Option<Unsealed>, SecretsError> {
    if format != Format::Yaml {
        return Ok(None);
    }
    if output == Format::Yaml && options.extract.is_none() {
        return Ok(
            one_pass::plaintext(&mut file, identities, options.ignore_mac).map(Unsealed::Text),
        );
    }
    match one_pass::open(&mut file, identities, options.ignore_mac) {
        Some(tree) => finish_unseal(tree, output, options).map(Some),
        None => Ok(None),
    }
}

/// The verified plaintext tree as what unsealing writes.
fn finish_unseal(
    tree: Tree,
    output: Format,
    options: &UnsealOptions<'_>,
) -> Result<Unsealed, SecretsError> {
    match options.extract {
        Some(path) => {
            let node = find(&tree, path)?;
            store::emit_extracted(output, node)
                .map(Unsealed::Extracted)
                .ok_or_else(|| SecretsError::Unrepresentable {
                    format: output.name(),
                    reason: "a map or list can only be extracted as YAML or JSON".into(),
                })
        }
        None => {
            representable(output, &tree)?;
            Ok(Unsealed::Document { tree, output })
        }
    }
}

impl Unsealed {
    /// Writes the plaintext to `out` (buffer a file or stdout).
    pub fn write_to(self, out: &mut dyn std::io::Write) -> Result<(), SecretsError> {
        match self {
            Unsealed::Document { tree, output } => store::write_to(output, &tree, false, out),
            Unsealed::Extracted(bytes) => out.write_all(&bytes),
            Unsealed::Text(text) => out.write_all(&text),
        }
        .map_err(SecretsError::Write)
    }
}

/// Decrypts a sealed file into its plaintext tree (metadata removed), the
/// MAC verified unless `ignore_mac`.
pub fn open(
    input: &[u8],
    format: Format,
    identities: &Identities,
    ignore_mac: bool,
) -> Result<Tree, SecretsError> {
    Ok(file::OpenedFile::open_for_reading(input, format, identities, ignore_mac)?.tree)
}

/// The values of a decrypted document as environment variables, as
/// `opsctl secrets exec` passes them: nested keys (and list indices) joined
/// with `_` and upper-cased; dotenv keys exactly as written. Only the first
/// document counts; nulls are skipped.
pub fn environment(tree: &Tree, format: Format) -> Result<Vec<(String, String)>, SecretsError> {
    let mut vars = Vec::new();
    let Some(doc) = tree.documents.first() else {
        return Ok(vars);
    };
    let keep_case = format == Format::Dotenv;
    for item in doc {
        if let Item::Entry(key, node) = item {
            let name = if keep_case {
                key.clone()
            } else {
                key.to_uppercase()
            };
            flatten_env(&name, node, keep_case, &mut vars);
        }
    }
    if let Some((name, _)) = vars
        .iter()
        .find(|(n, _)| n.is_empty() || n.contains(['=', '\0']))
    {
        return Err(SecretsError::Unrepresentable {
            format: "environment",
            reason: format!("{name:?} is not a valid variable name"),
        });
    }
    Ok(vars)
}

fn flatten_env(name: &str, node: &Node, keep_case: bool, vars: &mut Vec<(String, String)>) {
    use crate::document::{Scalar, SeqItem};
    match node {
        Node::Map(map) => {
            for item in map {
                if let Item::Entry(k, v) = item {
                    let k = if keep_case {
                        k.clone()
                    } else {
                        k.to_uppercase()
                    };
                    flatten_env(&format!("{name}_{k}"), v, keep_case, vars);
                }
            }
        }
        Node::Seq(items) => {
            let values = items.iter().filter_map(|i| match i {
                SeqItem::Node(n) => Some(n),
                SeqItem::Comment(_) => None,
            });
            for (i, v) in values.enumerate() {
                flatten_env(&format!("{name}_{i}"), v, keep_case, vars);
            }
        }
        Node::Scalar(scalar) => {
            let value = match scalar {
                Scalar::Null => return,
                Scalar::Str(s) | Scalar::Time(s) => s.clone(),
                Scalar::Binary(b) => String::from_utf8_lossy(b).into_owned(),
                Scalar::Int(i) => i.to_string(),
                Scalar::Float(f) => crate::document::go_float_text(*f),
                Scalar::Bool(b) => b.to_string(),
            };
            vars.push((name.to_owned(), value));
        }
    }
}

/// Whether bytes of `format` carry sops metadata.
pub fn is_sealed(input: &[u8], format: Format) -> bool {
    let tree = match format {
        // A sealed binary file is a JSON document.
        Format::Binary => store::parse(Format::Json, input, true),
        _ => store::parse(format, input, true),
    };
    tree.is_ok_and(|t| {
        t.documents
            .iter()
            .any(|d| crate::document::map_get(d, "sops").is_some())
    })
}

pub(crate) fn parse(input: &[u8], format: Format, sealed: bool) -> Result<Tree, SecretsError> {
    store::parse(format, input, sealed).map_err(|error| SecretsError::Parse {
        format: format.name(),
        error,
    })
}

pub(crate) fn write(tree: &Tree, output: Format, sealed: bool) -> Result<Vec<u8>, SecretsError> {
    representable(output, tree)?;
    Ok(store::emit(output, tree, sealed))
}

/// Whether `output` can hold `tree` (see [`store::representable`]).
fn representable(output: Format, tree: &Tree) -> Result<(), SecretsError> {
    store::representable(output, tree).map_err(|reason| SecretsError::Unrepresentable {
        format: output.name(),
        reason: reason.to_owned(),
    })
}

/// The age recipients a sealed tree's metadata names (empty when it has
/// none or the block does not read), for messages about missing keys.
pub fn sealed_for(tree: &Tree) -> Vec<String> {
    tree.documents
        .iter()
        .find_map(|d| match crate::document::map_get(d, "sops") {
            Some(Node::Map(map)) => Metadata::from_map(map).ok(),
            _ => None,
        })
        .map(|meta| meta.recipients())
        .unwrap_or_default()
}

/// Appends the `sops` block as the last key of every document.
pub(crate) fn attach_metadata(tree: &mut Tree, meta: &Metadata) {
    let block = Node::Map(meta.to_map());
    for doc in &mut tree.documents {
        doc.push(Item::Entry("sops".into(), block.clone()));
    }
}

/// Takes the `sops` block out of every document; the first one counts.
pub(crate) fn detach_metadata(tree: &mut Tree) -> Result<Metadata, SecretsError> {
    match take_metadata_node(tree) {
        Some(Node::Map(map)) => Ok(Metadata::from_map(&map)?),
        Some(_) => Err(MetadataError::Invalid("sops must be a map".into()).into()),
        None => Err(MetadataError::Missing.into()),
    }
}

/// Removes the `sops` entry from every document and returns the first.
pub(crate) fn take_metadata_node(tree: &mut Tree) -> Option<Node> {
    let mut found = None;
    for doc in &mut tree.documents {
        if let Some(pos) = doc
            .iter()
            .position(|i| matches!(i, Item::Entry(k, _) if k == "sops"))
            && let Item::Entry(_, node) = doc.remove(pos)
        {
            found.get_or_insert(node);
        }
    }
    found
}

pub(crate) fn verify_mac(
    key: &cipher::DataKey,
    meta: &Metadata,
    computed: &str,
) -> Result<(), SecretsError> {
    if meta.mac.is_empty() {
        return Err(SecretsError::NoMac);
    }
    let aad = metadata::mac_aad(&meta.lastmodified);
    let (stored, _) =
        cipher::decrypt(key, &meta.mac, aad.as_bytes()).map_err(|_| SecretsError::MacMismatch)?;
    // The type label is not authenticated; the MAC is always a string.
    if stored.type_tag == "str" && stored.plaintext.eq_ignore_ascii_case(computed.as_bytes()) {
        Ok(())
    } else {
        Err(SecretsError::MacMismatch)
    }
}

/// A cipher failure outside any value (random source, MAC) as a walk error.
pub(crate) fn walk_free(e: cipher::CipherError) -> SecretsError {
    SecretsError::Walk(metadata_error(e))
}

/// A failure encrypting or decrypting the metadata (the MAC), not a value.
pub(crate) fn metadata_error(e: cipher::CipherError) -> WalkError {
    WalkError {
        path: "(metadata)".into(),
        problem: e.into(),
    }
}

/// The node at `path`, or an error naming the closest key that exists.
pub(crate) fn find<'t>(tree: &'t Tree, path: &[PathStep]) -> Result<&'t Node, SecretsError> {
    if let Some(node) = tree.get(path) {
        return Ok(node);
    }
    // Find the first step that fails, to name it and what is there instead.
    for depth in 1..=path.len() {
        if tree.get(&path[..depth]).is_some() {
            continue;
        }
        let parent_keys: Vec<String> = match depth {
            1 => tree
                .documents
                .first()
                .map(|d| crate::document::map_keys(d).map(str::to_owned).collect())
                .unwrap_or_default(),
            _ => match tree.get(&path[..depth - 1]) {
                Some(Node::Map(m)) => crate::document::map_keys(m).map(str::to_owned).collect(),
                Some(Node::Seq(items)) => {
                    let n = items.iter().filter_map(crate::document::seq_node).count();
                    return Err(SecretsError::Extract(format!(
                        "{} is out of range: the list has {n} item(s)",
                        display_path(&path[..depth])
                    )));
                }
                _ => {
                    return Err(SecretsError::Extract(format!(
                        "{} is a value, not a map or list",
                        display_path(&path[..depth - 1])
                    )));
                }
            },
        };
        let missing = display_path(&path[..depth]);
        let hint = match &path[depth - 1] {
            PathStep::Key(k) => {
                crate::diagnostic::closest(k, parent_keys.iter().map(String::as_str))
                    .map(|c| format!("; did you mean [{c:?}]?"))
                    .unwrap_or_else(|| format!(" (keys here: {})", parent_keys.join(", ")))
            }
            PathStep::Index(_) => " (that level is a map, not a list)".to_owned(),
        };
        return Err(SecretsError::Extract(format!(
            "{missing} does not exist{hint}"
        )));
    }
    Err(SecretsError::Extract("empty path".into()))
}

/// `["a"][0]` for messages.
pub fn display_path(path: &[PathStep]) -> String {
    path.iter()
        .map(|s| match s {
            PathStep::Key(k) => format!("[{k:?}]"),
            PathStep::Index(i) => format!("[{i}]"),
        })
        .collect()
}

/// Parses an `--extract` path: `["a"]["b"][0]` (keys in double or single quotes).
pub fn parse_path(text: &str) -> Result<Vec<PathStep>, String> {
    let mut steps = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let inner = rest
            .strip_prefix('[')
            .ok_or_else(|| format!("expected `[` at {rest:?}"))?;
        let (step, after) = match inner.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let end = inner[1..].find(q).ok_or("unclosed quote")? + 1;
                (PathStep::Key(inner[1..end].to_owned()), &inner[end + 1..])
            }
            _ => {
                let end = inner.find(']').ok_or("missing `]`")?;
                let index = inner[..end].trim().parse().map_err(|_| {
                    format!(
                        "{:?} is not a list index; quote keys: [\"key\"]",
                        &inner[..end]
                    )
                })?;
                (PathStep::Index(index), &inner[end..])
            }
        };
        rest = after.strip_prefix(']').ok_or("missing `]`")?.trim_start();
        steps.push(step);
    }
    if steps.is_empty() {
        return Err("the path is empty; write it like [\"key\"][0]".into());
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_flattens_nested_keys() {
        let tree = store::parse(
            Format::Yaml,
            b"db:\n  host: h\n  ports: [1, 2]\nflag: true\nnothing: null\n",
            false,
        )
        .unwrap();
        let vars = environment(&tree, Format::Yaml).unwrap();
        assert_eq!(
            vars,
            [
                ("DB_HOST".into(), "h".into()),
                ("DB_PORTS_0".into(), "1".into()),
                ("DB_PORTS_1".into(), "2".into()),
                ("FLAG".into(), "true".into()),
            ]
        );
        let env = store::parse(Format::Dotenv, b"lower_case=x\n", false).unwrap();
        assert_eq!(
            environment(&env, Format::Dotenv).unwrap(),
            [("lower_case".into(), "x".into())]
        );
    }

    #[test]
    fn extract_paths_parse() {
        assert_eq!(
            parse_path(r#"["a"]['b'][0]"#).unwrap(),
            [
                PathStep::Key("a".into()),
                PathStep::Key("b".into()),
                PathStep::Index(0)
            ]
        );
        assert!(parse_path("a.b").is_err());
        assert!(parse_path("[x]").unwrap_err().contains("quote keys"));
        assert!(parse_path("").is_err());
    }
}
