//! The walk over a tree that encrypts or decrypts every selected value and
//! computes the MAC, in sops' order: documents, then map entries and sequence
//! items depth-first; comments are encrypted but not hashed; nulls skipped.
//! It runs over a tree in place, or as the [`Rewrite`] of a writer.

use std::collections::HashMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256, Sha512};

use super::cipher::{self, CipherError, DataKey};
use super::rules::EncryptionRule;
use crate::document::rewrite::Rewrite;
use crate::document::{Comment, Item, Map, Node, Scalar, SeqItem, Tree};

/// Which way the walk goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Plaintext in, `ENC[…]` out.
    Encrypt,
    /// `ENC[…]` in, plaintext out.
    Decrypt,
    /// Plaintext in, nothing changed: only the MAC that encrypting would
    /// compute (sealing writes the MAC before it encrypts).
    Mac,
    /// No key: only note the values the rule wants encrypted that are not.
    Audit,
}

/// A value could not be processed; `path` says which, as `["a"]["b"][0]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct WalkError {
    /// The value's location.
    pub path: String,
    /// What went wrong.
    pub problem: WalkProblem,
}

/// What went wrong with one value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WalkProblem {
    /// The encrypted text did not open.
    #[error(transparent)]
    Cipher(#[from] CipherError),
    /// The rules say this value is encrypted, but it is clear text.
    #[error("value should be encrypted but is not")]
    NotEncrypted,
    /// The decrypted bytes do not fit their declared type.
    #[error("decrypted value is not a valid {0}")]
    BadType(String),
}

/// The IV each value was encrypted with, by (AAD, plaintext): filled while
/// decrypting, used while re-encrypting with the same data key, so a value
/// that did not change gets exactly its old ciphertext (small diffs), as
/// sops' edit does. An IV is only ever reused for the same plaintext at the
/// same key path.
pub type IvCache = HashMap<(String, Vec<u8>), [u8; 32]>;

/// What a walk does with an [`IvCache`].
enum Ivs<'a> {
    None,
    /// Decrypting: remember each value's IV.
    Record(&'a mut IvCache),
    /// Encrypting: reuse the IV remembered for the same value.
    Reuse(&'a IvCache),
}

/// One step of the walk's position: what to undo when it leaves an entry
/// or item, and what to name in a message.
struct Frame {
    /// The AAD's length before this step.
    aad_len: usize,
    /// The sequence index, or `None` for a map key (`aad[aad_len..]` up to
    /// its `:`).
    index: Option<usize>,
    /// Whether the key matches the rule's suffix or regex.
    matched: bool,
    /// Whether this step is inside the top-level `sops` block.
    skip: bool,
}

/// Settings and position of one walk. It runs over a tree in place
/// ([`Walk::run`]), or rides along a writer as its [`Rewrite`], which is how
/// sealing encrypts each value as it is written.
pub struct Walk<'a> {
    /// `None` only when auditing or computing the MAC.
    key: Option<&'a DataKey>,
    ivs: Ivs<'a>,
    /// Audit findings: locations of clear values that should be encrypted.
    findings: Vec<String>,
    rule: &'a EncryptionRule,
    direction: Direction,
    mac: Sha512,
    mac_only_encrypted: bool,
    /// The AAD of the current position: every map key followed by `:`
    /// (sequence indices are not part of sops paths). Grown and shrunk in
    /// place, so no value costs an allocation for it.
    aad: String,
    /// How many keys on the current path match the rule's suffix or regex.
    matching_keys: usize,
    /// One per entry or item entered and not yet left; the location for
    /// messages (`["a"][0]`) is spelt from them only when needed.
    frames: Vec<Frame>,
    /// How many of them are inside the top-level `sops` block.
    skipping: usize,
    /// Comments seen since the last entry, one list per nesting level.
    comment_levels: Vec<Vec<String>>,
}

impl<'a> Walk<'a> {
    /// A walk with `key` under `rule`.
    pub fn new(
        key: &'a DataKey,
        rule: &'a EncryptionRule,
        direction: Direction,
        mac_only_encrypted: bool,
    ) -> Self {
        Self {
            key: Some(key),
            ..Self::keyless(rule, direction, mac_only_encrypted)
        }
    }

    fn keyless(rule: &'a EncryptionRule, direction: Direction, mac_only_encrypted: bool) -> Self {
        let mut mac = Sha512::new();
        if mac_only_encrypted {
            mac.update(Sha256::digest(b"sops"));
        }
        Self {
            key: None,
            ivs: Ivs::None,
            findings: Vec::new(),
            rule,
            direction,
            mac,
            mac_only_encrypted,
            aad: String::new(),
            matching_keys: 0,
            frames: Vec::new(),
            skipping: 0,
            comment_levels: Vec::new(),
        }
    }

    /// Records IVs while decrypting.
    pub fn with_iv_cache(mut self, cache: &'a mut IvCache) -> Self {
        self.ivs = Ivs::Record(cache);
        self
    }

    /// Reuses recorded IVs while encrypting.
    pub fn reusing_ivs(mut self, cache: &'a IvCache) -> Self {
        self.ivs = Ivs::Reuse(cache);
        self
    }

    /// The MAC of a plaintext tree, as encrypting it under `rule` computes
    /// it, without a key and without changing the tree.
    pub fn mac(
        tree: &mut Tree,
        rule: &'a EncryptionRule,
        mac_only_encrypted: bool,
    ) -> Result<String, WalkError> {
        Self::keyless(rule, Direction::Mac, mac_only_encrypted).run(tree)
    }

    /// Lists the values (as `["a"]["b"]`) that `rule` says must be encrypted
    /// but are clear text, without any key.
    pub fn audit(tree: &mut Tree, rule: &'a EncryptionRule) -> Vec<String> {
        let mut walk = Self::keyless(rule, Direction::Audit, false);
        for doc in &mut tree.documents {
            // Auditing neither encrypts nor decrypts, so it cannot fail.
            let _ = walk.map(doc);
        }
        walk.findings
    }

    /// Processes every document in place and returns the MAC of the
    /// plaintext values: upper-case hex of SHA-512, as sops writes it.
    pub fn run(mut self, tree: &mut Tree) -> Result<String, WalkError> {
        for doc in &mut tree.documents {
            self.map(doc)?;
        }
        Ok(self.finish())
    }

    /// The MAC of the values seen so far.
    pub fn finish(self) -> String {
        hex_upper(&self.mac.finalize())
    }

    /// The MAC of the values seen so far, the walk going on.
    pub fn mac_so_far(&self) -> String {
        hex_upper(&self.mac.clone().finalize())
    }

    /// The data key; encrypting and decrypting walks have one.
    fn key(&self) -> &'a DataKey {
        self.key
            .expect("encrypting and decrypting walks have a key")
    }

    fn map(&mut self, map: &mut Map) -> Result<(), WalkError> {
        self.open();
        for item in map.iter_mut() {
            match item {
                Item::Comment(c) => {
                    if let Some(text) = self.comment(&c.text)? {
                        c.text = text;
                    }
                }
                Item::Entry(key, node) => {
                    if key == "sops" && self.frames.is_empty() {
                        continue; // metadata is handled apart
                    }
                    self.enter_key(key);
                    let result = self.node(node);
                    self.leave();
                    result?;
                }
            }
        }
        self.close();
        Ok(())
    }

    fn seq(&mut self, items: &mut [SeqItem]) -> Result<(), WalkError> {
        self.open();
        let mut index = 0;
        for item in items.iter_mut() {
            if let SeqItem::Node(Node::Scalar(Scalar::Str(text))) = item
                && let Some(text) = self.list_comment(text)?
            {
                *item = SeqItem::Comment(Comment {
                    text,
                    inline: false,
                });
                continue;
            }
            match item {
                SeqItem::Comment(c) => {
                    if let Some(text) = self.comment(&c.text)? {
                        c.text = text;
                    }
                }
                SeqItem::Node(node) => {
                    self.enter_index(index);
                    let result = self.node(node);
                    self.leave();
                    result?;
                    index += 1;
                }
            }
        }
        self.close();
        Ok(())
    }

    fn node(&mut self, node: &mut Node) -> Result<(), WalkError> {
        match node {
            Node::Map(m) => self.map(m),
            Node::Seq(items) => self.seq(items),
            Node::Scalar(s) => {
                if let Some(new) = self.scalar(s)? {
                    *s = new;
                }
                Ok(())
            }
        }
    }

    /// Whether the value at the current position is encrypted.
    fn encrypted_here(&self) -> bool {
        self.rule.decide(
            self.matching_keys > 0,
            self.comment_levels.iter().flatten().map(String::as_str),
        )
    }

    /// A comment's AAD: the path of the map or list holding it (`:` at the top).
    fn comment_aad(&self) -> &str {
        if self.aad.is_empty() { ":" } else { &self.aad }
    }

    fn error(&self, problem: impl Into<WalkProblem>) -> WalkError {
        WalkError {
            path: self.location(),
            problem: problem.into(),
        }
    }

    /// The current position as `["a"]["b"][0]`.
    fn location(&self) -> String {
        let mut location = String::new();
        for (i, frame) in self.frames.iter().enumerate() {
            let _ = match frame.index {
                Some(index) => write!(location, "[{index}]"),
                None => {
                    // The key runs to the `:` before the next key's start.
                    let end = self.frames[i + 1..]
                        .iter()
                        .find(|f| f.index.is_none())
                        .map_or(self.aad.len(), |f| f.aad_len);
                    write!(location, "[{:?}]", &self.aad[frame.aad_len..end - 1])
                }
            };
        }
        location
    }

    /// Encrypts with the remembered IV for this (AAD, plaintext), if any.
    fn seal_value(&self, plain: &[u8], type_tag: &str, aad: &str) -> Result<String, WalkError> {
        let remembered = match &self.ivs {
            Ivs::Reuse(cache) => cache.get(&(aad.to_owned(), plain.to_vec())),
            Ivs::None | Ivs::Record(_) => None,
        };
        match remembered {
            Some(iv) => Ok(cipher::encrypt_with_iv(
                self.key(),
                plain,
                type_tag,
                aad.as_bytes(),
                iv,
            )),
            None => cipher::encrypt(self.key(), plain, type_tag, aad.as_bytes())
                .map_err(|e| self.error(e)),
        }
    }

    /// Decrypts at `aad`, remembering the IV when re-sealing later.
    fn open_value(&mut self, text: &str, comment: bool) -> Result<cipher::Opened, WalkError> {
        let aad = if comment {
            self.comment_aad()
        } else {
            &self.aad
        };
        let (opened, iv) =
            cipher::decrypt(self.key(), text, aad.as_bytes()).map_err(|e| self.error(e))?;
        if matches!(self.ivs, Ivs::Record(_)) {
            let aad = aad.to_owned();
            if let Ivs::Record(cache) = &mut self.ivs {
                cache.insert((aad, opened.plaintext.to_vec()), iv);
            }
        }
        Ok(opened)
    }

    fn hash(&mut self, plain: &[u8], encrypted: bool) {
        if !self.mac_only_encrypted || encrypted {
            self.mac.update(plain);
        }
    }
}

impl Rewrite for Walk<'_> {
    type Error = WalkError;

    fn open(&mut self) {
        self.comment_levels.push(Vec::new());
    }

    fn close(&mut self) {
        self.comment_levels.pop();
    }

    fn enter_key(&mut self, key: &str) {
        // The top-level `sops` block is metadata, not a value: a reader
        // hands it over like any entry, and the walk lets it pass.
        let skip = self.skipping > 0 || (key == "sops" && self.frames.is_empty());
        self.skipping += usize::from(skip);
        let matched = self.rule.key_matches(key);
        self.frames.push(Frame {
            aad_len: self.aad.len(),
            index: None,
            matched,
            skip,
        });
        self.aad.push_str(key);
        self.aad.push(':');
        self.matching_keys += usize::from(matched);
    }

    fn enter_index(&mut self, index: usize) {
        let skip = self.skipping > 0;
        self.skipping += usize::from(skip);
        self.frames.push(Frame {
            aad_len: self.aad.len(),
            index: Some(index),
            matched: false,
            skip,
        });
    }

    fn leave(&mut self) {
        if let Some(frame) = self.frames.pop() {
            self.aad.truncate(frame.aad_len);
            self.matching_keys -= usize::from(frame.matched);
            self.skipping -= usize::from(frame.skip);
        }
        // Comments before an entry govern that entry only.
        if let Some(level) = self.comment_levels.last_mut() {
            level.clear();
        }
    }

    fn comment(&mut self, text: &str) -> Result<Option<String>, WalkError> {
        if self.skipping > 0 {
            return Ok(None);
        }
        let replaced = match self.direction {
            // As sops: a comment follows the rule of the map or list
            // holding it, and a comment-rule marker stays readable.
            Direction::Encrypt
                if !text.is_empty()
                    && self.encrypted_here()
                    && self.rule.should_encrypt_comment(text) =>
            {
                Some(self.seal_value(text.as_bytes(), "comment", self.comment_aad())?)
            }
            // Hand-written clear comments pass; anything still carrying
            // sops ciphertext markers must decrypt, so a damaged encrypted
            // comment is an error, not text.
            Direction::Decrypt if cipher::looks_encrypted(text) => {
                let opened = self.open_value(text, true)?;
                // The type label is not authenticated; insist on the right one.
                if opened.type_tag != "comment" {
                    return Err(self.error(WalkProblem::BadType(opened.type_tag.clone())));
                }
                Some(
                    String::from_utf8(opened.plaintext.to_vec())
                        .map_err(|_| self.error(WalkProblem::BadType("comment".into())))?,
                )
            }
            _ => None,
        };
        let plain = match (&replaced, self.direction) {
            (Some(plain), Direction::Decrypt) => plain.clone(),
            _ => text.to_owned(),
        };
        if let Some(level) = self.comment_levels.last_mut() {
            level.push(plain);
        }
        Ok(replaced)
    }

    /// sops writes a comment inside a list as a list item of type
    /// `comment`; it is a comment (list-path AAD, not hashed).
    fn list_comment(&mut self, text: &str) -> Result<Option<String>, WalkError> {
        if self.direction != Direction::Decrypt
            || self.skipping > 0
            || !cipher::parse(text).is_ok_and(|sealed| sealed.type_tag == "comment")
        {
            return Ok(None);
        }
        Ok(Some(self.comment(text)?.unwrap_or_else(|| text.to_owned())))
    }

    fn scalar(&mut self, scalar: &Scalar) -> Result<Option<Scalar>, WalkError> {
        if self.skipping > 0 {
            return Ok(None);
        }
        let encrypted = self.encrypted_here();
        match self.direction {
            Direction::Encrypt | Direction::Mac => {
                let Some((plain, type_tag)) = scalar.sops_plaintext() else {
                    return Ok(None); // null
                };
                self.hash(&plain, encrypted);
                let empty_string = matches!(scalar, Scalar::Str(s) if s.is_empty());
                if self.direction == Direction::Mac || !encrypted || empty_string {
                    return Ok(None);
                }
                Ok(Some(Scalar::Str(
                    self.seal_value(&plain, type_tag, &self.aad)?,
                )))
            }
            Direction::Decrypt => {
                let mut replaced = None;
                if encrypted {
                    match scalar {
                        Scalar::Null => return Ok(None),
                        Scalar::Str(s) if s.is_empty() => return Ok(None),
                        Scalar::Str(s) if cipher::is_encrypted(s) => {
                            let opened = self.open_value(s, false)?;
                            replaced =
                                Some(typed(&opened.plaintext, &opened.type_tag).ok_or_else(
                                    || self.error(WalkProblem::BadType(opened.type_tag.clone())),
                                )?);
                        }
                        _ => return Err(self.error(WalkProblem::NotEncrypted)),
                    }
                }
                if let Some((plain, _)) = replaced.as_ref().unwrap_or(scalar).sops_plaintext() {
                    self.hash(&plain, encrypted);
                }
                Ok(replaced)
            }
            Direction::Audit => {
                let clear = match scalar {
                    Scalar::Null => false,
                    Scalar::Str(s) => !s.is_empty() && !cipher::is_encrypted(s),
                    _ => true,
                };
                if encrypted && clear {
                    self.findings.push(self.location());
                }
                Ok(None)
            }
        }
    }
}

/// Turns decrypted bytes back into the scalar their `type:` names.
fn typed(plain: &[u8], type_tag: &str) -> Option<Scalar> {
    let text = std::str::from_utf8(plain).ok();
    Some(match type_tag {
        "str" => match text {
            Some(t) => Scalar::Str(t.to_owned()),
            None => Scalar::Binary(plain.to_vec()),
        },
        "bytes" => Scalar::Str(String::from_utf8_lossy(plain).into_owned()),
        "int" => Scalar::Int(text?.parse().ok()?),
        "float" => Scalar::Float(parse_go_float(text?)?),
        "bool" => Scalar::Bool(parse_go_bool(text?)?),
        "time" => Scalar::Time(text?.to_owned()),
        _ => return None,
    })
}

/// Go's `strconv.ParseBool`.
fn parse_go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseFloat`, including its spellings of the non-finite values.
fn parse_go_float(text: &str) -> Option<f64> {
    match text.to_ascii_lowercase().trim_start_matches('+') {
        "inf" | "infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        _ => text.parse().ok(),
    }
}

/// Bytes as upper-case hex, as sops writes its MAC.
fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(k: &str, n: Node) -> Item {
        Item::Entry(k.into(), n)
    }
    fn s(v: &str) -> Node {
        Node::Scalar(Scalar::Str(v.into()))
    }

    fn sample() -> Tree {
        Tree {
            documents: vec![vec![
                Item::Comment(Comment {
                    text: " top".into(),
                    inline: false,
                }),
                entry("user", s("admin")),
                entry("port", Node::Scalar(Scalar::Int(5432))),
                entry("ratio", Node::Scalar(Scalar::Float(0.5))),
                entry("on", Node::Scalar(Scalar::Bool(true))),
                entry("nothing", Node::Scalar(Scalar::Null)),
                entry("empty", s("")),
                entry("note_unencrypted", s("clear")),
                entry(
                    "list",
                    Node::Seq(vec![
                        SeqItem::Node(s("a")),
                        SeqItem::Node(Node::Map(vec![entry("x", s("y"))])),
                    ]),
                ),
            ]],
        }
    }

    #[test]
    fn encrypt_then_decrypt_restores_the_tree_and_the_mac_agrees() {
        let key = DataKey::generate().unwrap();
        let rule = EncryptionRule::default();
        let mut tree = sample();
        let mac_in = Walk::new(&key, &rule, Direction::Encrypt, false)
            .run(&mut tree)
            .unwrap();
        assert_ne!(tree, sample());
        assert_eq!(
            crate::document::map_get(&tree.documents[0], "note_unencrypted"),
            Some(&s("clear"))
        );
        assert_eq!(
            crate::document::map_get(&tree.documents[0], "empty"),
            Some(&s(""))
        );
        let mac_out = Walk::new(&key, &rule, Direction::Decrypt, false)
            .run(&mut tree)
            .unwrap();
        assert_eq!(tree, sample());
        assert_eq!(mac_in, mac_out);
        assert_eq!(mac_in.len(), 128);
        assert!(
            mac_in
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        );
    }

    #[test]
    fn the_mac_is_sha512_of_the_plaintexts_in_order() {
        let key = DataKey::generate().unwrap();
        let rule = EncryptionRule::default();
        let mut tree = Tree {
            documents: vec![vec![entry("test_key", s("test_value"))]],
        };
        let mac = Walk::new(&key, &rule, Direction::Encrypt, false)
            .run(&mut tree)
            .unwrap();
        // The sops-nix test asset: MAC plaintext = SHA-512("test_value").
        assert!(mac.starts_with("27096B21B7987613AD19A17B"), "{mac}");
    }

    #[test]
    fn a_clear_value_where_the_rule_wants_ciphertext_is_named() {
        let key = DataKey::generate().unwrap();
        let rule = EncryptionRule::default();
        let mut tree = Tree {
            documents: vec![vec![entry(
                "db",
                Node::Seq(vec![SeqItem::Node(Node::Map(vec![entry(
                    "pw",
                    s("plain"),
                )]))]),
            )]],
        };
        let err = Walk::new(&key, &rule, Direction::Decrypt, false)
            .run(&mut tree)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"["db"][0]["pw"]: value should be encrypted but is not"#
        );
    }

    #[test]
    fn moving_a_value_to_another_key_fails_to_decrypt() {
        let key = DataKey::generate().unwrap();
        let rule = EncryptionRule::default();
        let mut tree = Tree {
            documents: vec![vec![entry("a", s("1")), entry("b", s("2"))]],
        };
        Walk::new(&key, &rule, Direction::Encrypt, false)
            .run(&mut tree)
            .unwrap();
        let doc = &mut tree.documents[0];
        let (Item::Entry(_, first), Item::Entry(_, second)) = (doc[0].clone(), doc[1].clone())
        else {
            panic!()
        };
        doc[0] = Item::Entry("a".into(), second);
        doc[1] = Item::Entry("b".into(), first);
        let err = Walk::new(&key, &rule, Direction::Decrypt, false)
            .run(&mut tree)
            .unwrap_err();
        assert!(matches!(
            err.problem,
            WalkProblem::Cipher(CipherError::Authentication)
        ));
    }

    #[test]
    fn a_damaged_encrypted_comment_is_an_error_and_a_clear_one_passes() {
        let key = DataKey::generate().unwrap();
        let rule = EncryptionRule::default();
        let mut tree = Tree {
            documents: vec![vec![
                Item::Comment(Comment {
                    text: "secret note".into(),
                    inline: false,
                }),
                entry("a", s("1")),
            ]],
        };
        Walk::new(&key, &rule, Direction::Encrypt, false)
            .run(&mut tree)
            .unwrap();
        let mut damaged = tree.clone();
        if let Item::Comment(c) = &mut damaged.documents[0][0] {
            c.text = c.text.replacen("ENC[", "DNC[", 1);
        }
        assert!(
            Walk::new(&key, &rule, Direction::Decrypt, false)
                .run(&mut damaged)
                .is_err()
        );
        tree.documents[0].insert(
            0,
            Item::Comment(Comment {
                text: " added by hand".into(),
                inline: false,
            }),
        );
        Walk::new(&key, &rule, Direction::Decrypt, false)
            .run(&mut tree)
            .unwrap();
    }

    #[test]
    fn audit_lists_clear_values_that_should_be_encrypted() {
        let key = DataKey::generate().unwrap();
        let rule = EncryptionRule::default();
        let mut tree = sample();
        Walk::new(&key, &rule, Direction::Encrypt, false)
            .run(&mut tree)
            .unwrap();
        assert!(Walk::audit(&mut tree, &rule).is_empty());
        tree.documents[0].push(entry("added", s("plain")));
        tree.documents[0].push(entry("ok_unencrypted", s("plain")));
        assert_eq!(Walk::audit(&mut tree, &rule), [r#"["added"]"#]);
    }

    #[test]
    fn resealing_with_the_iv_cache_keeps_unchanged_ciphertext() {
        let key = DataKey::generate().unwrap();
        let rule = EncryptionRule::default();
        let mut sealed = sample();
        Walk::new(&key, &rule, Direction::Encrypt, false)
            .run(&mut sealed)
            .unwrap();
        let mut cache = IvCache::new();
        let mut plain = sealed.clone();
        Walk::new(&key, &rule, Direction::Decrypt, false)
            .with_iv_cache(&mut cache)
            .run(&mut plain)
            .unwrap();
        // Change one value, re-encrypt: every other value is byte-identical.
        if let Item::Entry(_, node) = &mut plain.documents[0][1] {
            *node = s("root");
        }
        let mut resealed = plain.clone();
        Walk::new(&key, &rule, Direction::Encrypt, false)
            .reusing_ivs(&cache)
            .run(&mut resealed)
            .unwrap();
        let doc = |t: &Tree| t.documents[0].clone();
        let (old, new) = (doc(&sealed), doc(&resealed));
        assert_ne!(old[1], new[1]);
        for i in (0..old.len()).filter(|&i| i != 1) {
            assert_eq!(old[i], new[i], "item {i} changed");
        }
    }

    #[test]
    fn go_parsers_accept_what_go_writes() {
        assert_eq!(parse_go_bool("True"), Some(true));
        assert_eq!(parse_go_bool("yes"), None);
        assert_eq!(parse_go_float("+Inf"), Some(f64::INFINITY));
        assert_eq!(parse_go_float("1234568000"), Some(1_234_568_000.0));
    }
}
