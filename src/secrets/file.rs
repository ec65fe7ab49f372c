//! A sealed file opened for changes: its plaintext tree, metadata, data key
//! and the IVs of its values. Re-sealing with the same key keeps the
//! ciphertext of every unchanged value, so diffs show only what changed.

use super::cipher::{self, DataKey};
use super::keys::{self, Identities};
use super::metadata::{self, Metadata};
use super::store::Format;
use super::walk::{Direction, IvCache, Walk};
use super::{SealOptions, SecretsError};
use crate::document::rewrite::WriteError;
use crate::document::{Item, Map, Node, PathStep, SeqItem, Tree};

/// An opened (or new) sealed file.
pub struct OpenedFile {
    /// The plaintext document; change it, then [`OpenedFile::reseal`].
    pub tree: Tree,
    meta: Metadata,
    key: DataKey,
    ivs: IvCache,
}

impl std::fmt::Debug for OpenedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedFile")
            .field("recipients", &self.meta.recipients())
            .finish_non_exhaustive()
    }
}

/// What `opsctl secrets rotate` reports.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RotateReport {
    /// One entry per file, in order.
    pub files: Vec<RotatedFile>,
}

/// One rotated file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RotatedFile {
    /// The file.
    pub path: String,
    /// Whether a new data key was made (false with `--keys-only`).
    pub data_key_rotated: bool,
    /// How its recipients changed.
    #[serde(flatten)]
    pub change: RecipientChange,
}

/// Recipients before and after a rotation.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RecipientChange {
    /// Recipients that were added.
    pub added: Vec<String>,
    /// Recipients that were removed.
    pub removed: Vec<String>,
    /// The recipients afterwards.
    pub recipients: Vec<String>,
}

impl OpenedFile {
    /// Decrypts a sealed file for changes, verifying its MAC unless
    /// `ignore_mac`; remembers every value's IV for [`OpenedFile::reseal`].
    pub fn open(
        input: &[u8],
        format: Format,
        identities: &Identities,
        ignore_mac: bool,
    ) -> Result<Self, SecretsError> {
        Self::open_with(input, format, identities, ignore_mac, true)
    }

    /// Decrypts for reading only: no IVs are remembered.
    pub(crate) fn open_for_reading(
        input: &[u8],
        format: Format,
        identities: &Identities,
        ignore_mac: bool,
    ) -> Result<Self, SecretsError> {
        Self::open_with(input, format, identities, ignore_mac, false)
    }

    fn open_with(
        input: &[u8],
        format: Format,
        identities: &Identities,
        ignore_mac: bool,
        keep_ivs: bool,
    ) -> Result<Self, SecretsError> {
        let mut tree = super::parse(input, format, true)?;
        let meta = super::detach_metadata(&mut tree)?;
        Self::decrypt(tree, meta, identities, ignore_mac, keep_ivs)
    }

    /// Decrypts a sealed tree whose metadata is already detached (for
    /// callers that parsed the file themselves, such as `check`).
    pub(crate) fn decrypt(
        mut tree: Tree,
        meta: Metadata,
        identities: &Identities,
        ignore_mac: bool,
        keep_ivs: bool,
    ) -> Result<Self, SecretsError> {
        let key = keys::unwrap(&meta.age, identities)?;
        let mut ivs = IvCache::new();
        let walk = Walk::new(
            &key,
            &meta.rule,
            Direction::Decrypt,
            meta.mac_only_encrypted,
        );
        let walk = if keep_ivs {
            walk.with_iv_cache(&mut ivs)
        } else {
            walk
        };
        let computed = walk.run(&mut tree)?;
        if !ignore_mac {
            super::verify_mac(&key, &meta, &computed)?;
        }
        Ok(Self {
            tree,
            meta,
            key,
            ivs,
        })
    }

    /// A new file for `tree`, with a fresh data key wrapped for the recipients.
    pub fn create(tree: Tree, options: &SealOptions) -> Result<Self, SecretsError> {
        if options.recipients.is_empty() {
            return Err(SecretsError::NoRecipients);
        }
        let key = DataKey::generate().map_err(super::walk_free)?;
        let age = options
            .recipients
            .iter()
            .map(|r| keys::wrap(&key, r))
            .collect::<Result<Vec<_>, _>>()?;
        let meta = Metadata {
            age,
            lastmodified: String::new(),
            mac: String::new(),
            rule: options.rule.clone(),
            mac_only_encrypted: options.mac_only_encrypted,
            version: metadata::SOPS_FORMAT_VERSION.to_owned(),
            other: Vec::new(),
        };
        Ok(Self {
            tree,
            meta,
            key,
            ivs: IvCache::new(),
        })
    }

    /// The recipients the data key is wrapped for.
    pub fn recipients(&self) -> Vec<String> {
        self.meta.recipients()
    }

    /// Seals the current tree with the file's data key: values that did not
    /// change keep their exact ciphertext; the MAC and `lastmodified` are new.
    pub fn reseal(&mut self, output: Format) -> Result<Vec<u8>, SecretsError> {
        let mut sealed = Vec::new();
        self.write_sealed(output, &mut sealed, false)?;
        Ok(sealed)
    }

    /// Like [`OpenedFile::reseal`], into `out` (buffer a file or stdout) and
    /// consuming the file: YAML is written as each value is encrypted, the
    /// other formats are encrypted in place (no copy of the tree).
    pub fn into_sealed_to(
        mut self,
        output: Format,
        out: &mut dyn std::io::Write,
    ) -> Result<(), SecretsError> {
        self.write_sealed(output, out, true)
    }

    /// The MAC goes in the `sops` block, which YAML writes after the values
    /// of each document. With one document, the encrypting walk has hashed
    /// every value by then; with several, the MAC is computed first, in a
    /// pass that only hashes. Every value is encrypted as it is written.
    fn write_sealed(
        &mut self,
        output: Format,
        out: &mut dyn std::io::Write,
        consume: bool,
    ) -> Result<(), SecretsError> {
        // A top-level `sops` key would collide with the metadata block (an
        // edit or `set` may add one; dotenv `sops_…` and INI `[sops]` read as one).
        if self
            .tree
            .documents
            .iter()
            .any(|d| crate::document::map_get(d, "sops").is_some())
        {
            return Err(SecretsError::Reserved);
        }
        if output == Format::Yaml
            && let [doc] = self.tree.documents.as_slice()
        {
            let mut walk = self.encrypting_walk();
            let trailer = |walk: &mut Walk<'_>| {
                let meta = self
                    .stamped(&walk.mac_so_far())
                    .map_err(super::metadata_error)?;
                Ok(sops_entry(&meta))
            };
            return crate::document::yaml::write_then_trailer(doc, out, &mut walk, trailer)
                .map_err(sealed_write_error);
        }
        let mac = Walk::mac(
            &mut self.tree,
            &self.meta.rule,
            self.meta.mac_only_encrypted,
        )?;
        let meta = self.stamped(&mac).map_err(super::walk_free)?;
        if output == Format::Yaml {
            let mut walk = self.encrypting_walk();
            crate::document::yaml::write(&self.tree, out, &mut walk, Some(&sops_entry(&meta)))
                .map_err(sealed_write_error)?;
            debug_assert_eq!(walk.finish(), mac, "both passes hash the same values");
            return Ok(());
        }
        let mut tree = if consume {
            std::mem::take(&mut self.tree)
        } else {
            self.tree.clone()
        };
        self.encrypting_walk().run(&mut tree)?;
        super::attach_metadata(&mut tree, &meta);
        out.write_all(&super::write(&tree, output, true)?)
            .map_err(SecretsError::Write)
    }

    /// A walk that encrypts with the file's data key, reusing the IV of
    /// every value that did not change.
    fn encrypting_walk(&self) -> Walk<'_> {
        Walk::new(
            &self.key,
            &self.meta.rule,
            Direction::Encrypt,
            self.meta.mac_only_encrypted,
        )
        .reusing_ivs(&self.ivs)
    }

    /// The metadata for a sealing now, with `mac` encrypted into it.
    fn stamped(&self, mac: &str) -> Result<Metadata, cipher::CipherError> {
        let mut meta = self.meta.clone();
        meta.lastmodified = metadata::now();
        meta.mac = cipher::encrypt(
            &self.key,
            mac.as_bytes(),
            "str",
            metadata::mac_aad(&meta.lastmodified).as_bytes(),
        )?;
        meta.version = metadata::SOPS_FORMAT_VERSION.to_owned();
        Ok(meta)
    }

    /// A new data key and fresh ciphertext for every value, with recipients
    /// added and removed in the same step (revoking access needs both).
    pub fn rotate(
        &mut self,
        add: &[String],
        remove: &[String],
    ) -> Result<RecipientChange, SecretsError> {
        if let Some((kind, _)) = self
            .meta
            .other
            .iter()
            .find(|(k, v)| k != "shamir_threshold" && !super::metadata::is_empty(v))
        {
            return Err(SecretsError::Unrepresentable {
                format: "sops",
                reason: format!(
                    "the file also has {kind} master keys, which opsctl cannot re-wrap for a new data key"
                ),
            });
        }
        let change = plan_recipients(&self.recipients(), add, remove)?;
        self.key = DataKey::generate().map_err(super::walk_free)?;
        self.ivs.clear();
        self.meta.age = change
            .recipients
            .iter()
            .map(|r| keys::wrap(&self.key, r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(change)
    }

    /// Sets the value at `path`, creating maps on the way; an index one past
    /// the end of a list appends.
    pub fn set(&mut self, path: &[PathStep], value: Node) -> Result<(), SecretsError> {
        let doc = first_document(&mut self.tree);
        set_in_map(doc, path, value, &mut Vec::new())
    }

    /// Removes the value at `path`.
    pub fn unset(&mut self, path: &[PathStep]) -> Result<(), SecretsError> {
        if self.tree.get(path).is_none() {
            return Err(super::find(&self.tree, path).err().unwrap_or_else(|| {
                SecretsError::Extract(format!("{} does not exist", super::display_path(path)))
            }));
        }
        let (last, parents) = path.split_last().expect("get() found a non-empty path");
        let doc = first_document(&mut self.tree);
        let container = navigate(doc, parents);
        match (container, last) {
            (Container::Map(m), PathStep::Key(k)) => {
                m.retain(|i| !matches!(i, Item::Entry(key, _) if key == k))
            }
            (Container::Seq(items), PathStep::Index(n)) => {
                let position = items
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| matches!(i, SeqItem::Node(_)))
                    .nth(*n)
                    .map(|(p, _)| p);
                if let Some(p) = position {
                    items.remove(p);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Re-wraps a sealed file's data key for the recipients `target` computes
/// from the current ones, without touching its values, MAC or timestamp
/// (sops `updatekeys`). The MAC is verified first.
pub fn rewrap(
    input: &[u8],
    format: Format,
    identities: &Identities,
    target: impl FnOnce(&[String]) -> Vec<String>,
) -> Result<(Vec<u8>, RecipientChange), SecretsError> {
    let mut sealed = super::parse(input, format, true)?;
    let meta = super::detach_metadata(&mut sealed)?;
    // Decrypting a copy verifies the key and the MAC; the sealed tree is what
    // gets written back.
    let opened = OpenedFile::decrypt(sealed.clone(), meta, identities, false, false)?;
    let before = opened.recipients();
    let recipients = target(&before);
    if recipients.is_empty() {
        return Err(SecretsError::NoRecipients);
    }
    let change = RecipientChange {
        added: recipients
            .iter()
            .filter(|r| !before.contains(r))
            .cloned()
            .collect(),
        removed: before
            .iter()
            .filter(|r| !recipients.contains(r))
            .cloned()
            .collect(),
        recipients: recipients.clone(),
    };
    let mut meta = opened.meta.clone();
    meta.age = recipients
        .iter()
        .map(|r| keys::wrap(&opened.key, r))
        .collect::<Result<Vec<_>, _>>()?;
    super::attach_metadata(&mut sealed, &meta);
    Ok((super::write(&sealed, format, true)?, change))
}

fn plan_recipients(
    current: &[String],
    add: &[String],
    remove: &[String],
) -> Result<RecipientChange, SecretsError> {
    for r in add {
        keys::parse_recipient(r)?;
    }
    let unknown: Vec<&String> = remove.iter().filter(|r| !current.contains(r)).collect();
    if let Some(r) = unknown.first() {
        return Err(SecretsError::Extract(format!(
            "--rm-age {r}: the file is not sealed for it (it is sealed for: {})",
            current.join(", ")
        )));
    }
    let mut recipients: Vec<String> = current
        .iter()
        .filter(|r| !remove.contains(r))
        .cloned()
        .collect();
    let added: Vec<String> = add
        .iter()
        .filter(|r| !current.contains(r))
        .cloned()
        .collect();
    recipients.extend(added.iter().cloned());
    if recipients.is_empty() {
        return Err(SecretsError::NoRecipients);
    }
    Ok(RecipientChange {
        added,
        removed: remove.to_vec(),
        recipients,
    })
}

fn first_document(tree: &mut Tree) -> &mut Map {
    if tree.documents.is_empty() {
        tree.documents.push(Map::new());
    }
    &mut tree.documents[0]
}

enum Container<'a> {
    Map(&'a mut Map),
    Seq(&'a mut Vec<SeqItem>),
    None,
}

/// The map or list at `path` (which `get` has already found).
fn navigate<'a>(doc: &'a mut Map, path: &[PathStep]) -> Container<'a> {
    let mut current = Container::Map(doc);
    for step in path {
        current = match (current, step) {
            (Container::Map(m), PathStep::Key(k)) => match m.iter_mut().find_map(|i| match i {
                Item::Entry(key, node) if key == k => Some(node),
                _ => None,
            }) {
                Some(Node::Map(inner)) => Container::Map(inner),
                Some(Node::Seq(inner)) => Container::Seq(inner),
                _ => Container::None,
            },
            (Container::Seq(items), PathStep::Index(n)) => match items
                .iter_mut()
                .filter_map(|i| match i {
                    SeqItem::Node(n) => Some(n),
                    SeqItem::Comment(_) => None,
                })
                .nth(*n)
            {
                Some(Node::Map(inner)) => Container::Map(inner),
                Some(Node::Seq(inner)) => Container::Seq(inner),
                _ => Container::None,
            },
            _ => Container::None,
        };
    }
    current
}

fn set_in_map(
    map: &mut Map,
    path: &[PathStep],
    value: Node,
    done: &mut Vec<PathStep>,
) -> Result<(), SecretsError> {
    let Some((step, rest)) = path.split_first() else {
        return Ok(());
    };
    let PathStep::Key(key) = step else {
        done.push(step.clone());
        return Err(SecretsError::Extract(format!(
            "{} is a map, not a list",
            super::display_path(&done[..done.len() - 1]).if_empty("the top level")
        )));
    };
    done.push(step.clone());
    let position = map
        .iter()
        .position(|i| matches!(i, Item::Entry(k, _) if k == key));
    if rest.is_empty() {
        match position {
            Some(p) => map[p] = Item::Entry(key.clone(), value),
            None => map.push(Item::Entry(key.clone(), value)),
        }
        return Ok(());
    }
    let p = match position {
        Some(p) => p,
        None => {
            let fresh = match rest[0] {
                PathStep::Key(_) => Node::Map(Map::new()),
                PathStep::Index(_) => Node::Seq(Vec::new()),
            };
            map.push(Item::Entry(key.clone(), fresh));
            map.len() - 1
        }
    };
    let Item::Entry(_, node) = &mut map[p] else {
        unreachable!("position found an entry")
    };
    set_in_node(node, rest, value, done)
}

fn set_in_node(
    node: &mut Node,
    path: &[PathStep],
    value: Node,
    done: &mut Vec<PathStep>,
) -> Result<(), SecretsError> {
    match (node, &path[0]) {
        (Node::Map(m), PathStep::Key(_)) => set_in_map(m, path, value, done),
        (Node::Seq(items), PathStep::Index(n)) => {
            done.push(path[0].clone());
            let positions: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(_, i)| matches!(i, SeqItem::Node(_)))
                .map(|(p, _)| p)
                .collect();
            let rest = &path[1..];
            if *n == positions.len() {
                let fresh = match rest.first() {
                    None => value,
                    Some(step) => {
                        let mut fresh = match step {
                            PathStep::Key(_) => Node::Map(Map::new()),
                            PathStep::Index(_) => Node::Seq(Vec::new()),
                        };
                        set_in_node(&mut fresh, rest, value, done)?;
                        fresh
                    }
                };
                items.push(SeqItem::Node(fresh));
                return Ok(());
            }
            let Some(&p) = positions.get(*n) else {
                return Err(SecretsError::Extract(format!(
                    "{} is out of range: the list has {} item(s)",
                    super::display_path(done),
                    positions.len()
                )));
            };
            let SeqItem::Node(child) = &mut items[p] else {
                unreachable!("positions are nodes")
            };
            if rest.is_empty() {
                *child = value;
                Ok(())
            } else {
                set_in_node(child, rest, value, done)
            }
        }
        _ => Err(SecretsError::Extract(format!(
            "{} is a value or a different kind of collection; cannot go into it with {}",
            super::display_path(done).if_empty("the top level"),
            super::display_path(&path[..1])
        ))),
    }
}

trait IfEmpty {
    fn if_empty(self, other: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, other: &str) -> String {
        if self.is_empty() {
            other.to_owned()
        } else {
            self
        }
    }
}

/// The `sops` entry a sealed YAML document ends with.
fn sops_entry(meta: &Metadata) -> Item {
    Item::Entry("sops".into(), Node::Map(meta.to_map()))
}

/// Writing sealed YAML failed: in the output, or encrypting a value.
fn sealed_write_error(e: WriteError<super::walk::WalkError>) -> SecretsError {
    match e {
        WriteError::Io(e) => SecretsError::Write(e),
        WriteError::Rewrite(e) => SecretsError::Walk(e),
    }
}
