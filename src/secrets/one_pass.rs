//! Opening a sealed YAML file as it is read: the data key comes from the
//! `sops` block at the end of the file, read first, and every value is
//! decrypted as the reader reaches it. Neither the sealed text nor its
//! ciphertext is ever in memory (a sealed value is 4–10x its plaintext).
//!
//! [`open`] builds the plaintext tree. [`plaintext`] builds no tree at all:
//! it writes the plaintext YAML as it reads, into memory, and hands it out
//! only once the MAC checks out (the text is the smallest form of the
//! document; nothing is printed before the MAC is verified, and a file is
//! read once, so what is printed is what was verified).
//!
//! It is a shortcut, not a second implementation: the same reader, the same
//! walk, the same writer and the same checks; it either gives what
//! decrypting the parsed file would (same key, same metadata, the MAC
//! verified) or steps aside, and the caller opens the file the usual way,
//! which also gives every error its usual wording and position.

use std::io::{Read, Seek, SeekFrom};

use super::cipher::DataKey;
use super::keys::{self, Identities};
use super::metadata::Metadata;
use super::walk::{Direction, Walk};
use crate::document::yaml;
use crate::document::{Node, Tree, map_get};

/// How far from the end of a file the `sops` block is looked for: sops'
/// block is a few KiB (more with many recipients); a file whose block
/// starts farther back is opened the usual way.
const TAIL_LIMIT: u64 = 1 << 20;

/// The top-level key sops keeps its metadata under.
const SOPS: &str = "sops";

/// The metadata block at the end of `file`, read and its data key
/// unwrapped; the file is then at its start.
fn key_from_end(
    file: &mut (impl Read + Seek + Send),
    identities: &Identities,
) -> Option<(Node, Metadata, DataKey)> {
    let block = metadata_at_end(file)?;
    let Node::Map(map) = &block else {
        return None;
    };
    let meta = Metadata::from_map(map).ok()?;
    let key = keys::unwrap(&meta.age, identities).ok()?;
    file.seek(SeekFrom::Start(0)).ok()?;
    Some((block, meta, key))
}

fn decrypting<'k>(key: &'k DataKey, meta: &'k Metadata) -> Walk<'k> {
    Walk::new(key, &meta.rule, Direction::Decrypt, meta.mac_only_encrypted)
}

/// Decrypts the sealed YAML in `file` into its plaintext tree (metadata
/// removed), verifying the MAC unless `ignore_mac`; `None` when the
/// shortcut does not apply or anything at all goes wrong (then open it the
/// usual way).
pub(super) fn open(
    file: &mut (impl Read + Seek + Send),
    identities: &Identities,
    ignore_mac: bool,
) -> Option<Tree> {
    let (block, meta, key) = key_from_end(file, identities)?;
    let mut walk = decrypting(&key, &meta);
    let mut tree = yaml::parse_reader_with(file, &mut walk).ok()?;
    let computed = walk.finish();
    // The block read first must be the one that counts: the first
    // document's, as the whole file reads.
    if super::take_metadata_node(&mut tree)? != block {
        return None;
    }
    if !ignore_mac {
        super::verify_mac(&key, &meta, &computed).ok()?;
    }
    Some(tree)
}

/// Decrypts the sealed YAML in `file` into its plaintext YAML text
/// (metadata removed), written as [`yaml::emit`] writes the tree [`open`]
/// gives, verifying the MAC unless `ignore_mac`; `None` when the shortcut
/// does not apply or anything at all goes wrong.
pub(super) fn plaintext(
    file: &mut (impl Read + Seek + Send),
    identities: &Identities,
    ignore_mac: bool,
) -> Option<Vec<u8>> {
    let len = file.seek(SeekFrom::End(0)).ok()?;
    let (block, meta, key) = key_from_end(file, identities)?;
    let mut walk = decrypting(&key, &meta);
    // The plaintext is shorter than the sealed file: one allocation, whose
    // pages the system provides only as far as it is written. (Not
    // `Zeroizing`: clearing it would touch every page of that capacity, and
    // no plaintext tree is cleared either.)
    let mut plain = Vec::with_capacity(usize::try_from(len).ok()?);
    let kept = yaml::transcribe(file, &mut walk, &mut plain, SOPS).ok()?;
    let computed = walk.finish();
    // The block read first must be the one that counts: the first
    // document's, as the whole file reads.
    if kept.first() != Some(&block) {
        return None;
    }
    if !ignore_mac {
        super::verify_mac(&key, &meta, &computed).ok()?;
    }
    Some(plain)
}

/// The `sops` entry of a file whose last top-level key it is (sops' own
/// layout): the text from the last line that starts with `sops:` to the
/// end, read from a window at the end of the file that grows until it
/// holds such a line.
fn metadata_at_end(file: &mut (impl Read + Seek)) -> Option<Node> {
    let len = file.seek(SeekFrom::End(0)).ok()?;
    let mut window: u64 = 4096;
    loop {
        let start = len.saturating_sub(window);
        file.seek(SeekFrom::Start(start)).ok()?;
        let mut tail = Vec::new();
        file.by_ref()
            .take(len - start)
            .read_to_end(&mut tail)
            .ok()?;
        let found = match memrfind(&tail, b"\nsops:") {
            Some(at) => Some(at + 1),
            None if start == 0 && tail.starts_with(b"sops:") => Some(0),
            None => None,
        };
        if let Some(at) = found {
            let tree = yaml::parse(std::str::from_utf8(&tail[at..]).ok()?).ok()?;
            return match tree.documents.as_slice() {
                [doc] => map_get(doc, "sops").cloned(),
                _ => None,
            };
        }
        if start == 0 || window >= TAIL_LIMIT {
            return None;
        }
        window *= 4;
    }
}

/// Where `needle` last occurs in `haystack`.
fn memrfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::keys::IdentitySources;
    use crate::secrets::rules::EncryptionRule;
    use crate::secrets::store::Format;
    use crate::secrets::{SealOptions, seal};

    fn identities() -> (Identities, String) {
        let (text, public) = keys::generate_identity();
        let identities = Identities::load(&IdentitySources {
            key_text: Some(text.to_string()),
            ..Default::default()
        })
        .unwrap();
        (identities, public)
    }

    const PLAIN: &str = "\
# top
db:
  user: admin # who
  password: s3cret
  port: 5432
  ratio: 0.5
  on: true
  nothing: null
  empty: \"\"
  note_unencrypted: clear
hosts:
  # in a list
  - a.example
  - name: b
    tags: [x, y]
cert: |
  -----BEGIN X-----
  abc
  -----END X-----
";

    fn open_bytes(sealed: &[u8], identities: &Identities) -> Option<Tree> {
        open(&mut std::io::Cursor::new(sealed), identities, false)
    }

    /// What the tree-less opening writes, when it opens the file.
    fn streamed(sealed: &[u8], identities: &Identities) -> Option<String> {
        let plain = plaintext(&mut std::io::Cursor::new(sealed), identities, false)?;
        Some(String::from_utf8(plain).unwrap())
    }

    /// The shortcut's tree, and the usual way's (the in-place walk). The
    /// tree-less opening opens the same files, and writes exactly what
    /// writing the usual way's tree writes.
    fn both(sealed: &[u8], identities: &Identities) -> (Option<Tree>, Option<Tree>) {
        let usual = crate::secrets::file::OpenedFile::open(sealed, Format::Yaml, identities, false)
            .ok()
            .map(|f| f.tree);
        let shortcut = open_bytes(sealed, identities);
        let streamed = streamed(sealed, identities);
        assert_eq!(shortcut.is_some(), streamed.is_some());
        if let Some(text) = streamed {
            assert_eq!(Some(text), usual.as_ref().map(yaml::emit));
        }
        (shortcut, usual)
    }

    #[test]
    fn it_opens_to_exactly_what_the_text_opens_to_under_every_rule() {
        let (ids, public) = identities();
        let rules = [
            EncryptionRule::default(),
            EncryptionRule::from_options(&[("encrypted_regex", Some("^(password|user)$"))])
                .unwrap(),
            EncryptionRule::from_options(&[("encrypted_comment_regex", Some("who"))]).unwrap(),
        ];
        for rule in rules {
            for mac_only_encrypted in [false, true] {
                let options = SealOptions {
                    recipients: vec![public.clone()],
                    rule: rule.clone(),
                    mac_only_encrypted,
                };
                let sealed = seal(PLAIN.as_bytes(), Format::Yaml, Format::Yaml, &options).unwrap();
                let (shortcut, usual) = both(&sealed, &ids);
                assert!(shortcut.is_some(), "{rule:?}");
                assert_eq!(shortcut, usual, "{rule:?}");
            }
        }
    }

    #[test]
    fn a_block_larger_than_the_first_window_is_found() {
        let (ids, public) = identities();
        // Each recipient adds a stanza of ~350 bytes: the block outgrows
        // the first 4 KiB read from the end.
        let mut recipients: Vec<String> = (0..20).map(|_| keys::generate_identity().1).collect();
        recipients.push(public);
        let options = SealOptions {
            recipients,
            ..Default::default()
        };
        let plain: String = (0..2000).map(|i| format!("k{i}: v{i}\n")).collect();
        let sealed = seal(plain.as_bytes(), Format::Yaml, Format::Yaml, &options).unwrap();
        let block = sealed.len() - String::from_utf8_lossy(&sealed).rfind("\nsops:").unwrap();
        assert!(block > 4096, "{block}");
        let (shortcut, usual) = both(&sealed, &ids);
        assert!(shortcut.is_some() && shortcut == usual);
    }

    #[test]
    fn a_damaged_file_is_never_opened_by_the_shortcut_alone() {
        let (ids, public) = identities();
        let options = SealOptions {
            recipients: vec![public],
            ..Default::default()
        };
        let sealed = seal(
            b"a: 1\nb: [x, y]\n# c\n",
            Format::Yaml,
            Format::Yaml,
            &options,
        )
        .unwrap();
        let mut opened = 0;
        for i in 0..sealed.len() {
            let mut damaged = sealed.clone();
            damaged[i] ^= 0x01;
            let (shortcut, usual) = both(&damaged, &ids);
            let Some(tree) = shortcut else {
                continue;
            };
            // Whatever the shortcut opens, the usual way opens too, the same.
            assert_eq!(Some(tree), usual, "byte {i}");
            opened += 1;
        }
        // Only bytes that change nothing that is read (in the sops block's
        // layout, say) may still open.
        assert!(opened < sealed.len() / 4, "{opened} of {}", sealed.len());
    }

    #[test]
    fn it_steps_aside_for_aliases_and_a_block_that_is_not_the_one_that_counts() {
        let (ids, public) = identities();
        let options = SealOptions {
            recipients: vec![public],
            ..Default::default()
        };
        let sealed = seal(b"a: x\nb: y\n", Format::Yaml, Format::Yaml, &options).unwrap();
        let text = String::from_utf8(sealed).unwrap();
        assert!(open_bytes(text.as_bytes(), &ids).is_some());
        let at = text.find("\nsops:").unwrap() + 1;
        let (values, block) = text.split_at(at);
        // sops' layout puts the block last; first or in the middle is valid
        // too, and the block found must be the one the file holds.
        let (first, rest) = values.split_at(values.find("b:").unwrap());
        for moved in [format!("{block}{values}"), format!("{first}{block}{rest}")] {
            let (shortcut, usual) = both(moved.as_bytes(), &ids);
            assert!(shortcut.is_some() && shortcut == usual, "{moved}");
        }
        // Each document carries the block; the first one counts, so a last
        // one that differs sends the shortcut aside.
        let two = seal(b"a: x\n---\nb: y\n", Format::Yaml, Format::Yaml, &options).unwrap();
        let mut two = String::from_utf8(two).unwrap();
        let last = two.rfind("\nsops:").unwrap() + "\nsops:\n".len();
        two.insert_str(last, "  note_unencrypted: only here\n");
        let (shortcut, usual) = both(two.as_bytes(), &ids);
        assert!(shortcut.is_none() && usual.is_some(), "{two}");
        // An alias's copy would not be seen by the walk as it reads.
        let plain = b"c_unencrypted: v\nd_unencrypted: v\n";
        let sealed = seal(plain, Format::Yaml, Format::Yaml, &options).unwrap();
        let aliased = String::from_utf8(sealed)
            .unwrap()
            .replacen("c_unencrypted: v", "c_unencrypted: &k v", 1)
            .replacen("d_unencrypted: v", "d_unencrypted: *k", 1);
        let (shortcut, usual) = both(aliased.as_bytes(), &ids);
        assert!(shortcut.is_none() && usual.is_some(), "{aliased}");
    }
}
