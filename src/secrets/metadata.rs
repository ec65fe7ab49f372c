//! The `sops` metadata block: master keys, MAC, timestamp and rules.

use super::rules::OPTION_NAMES as RULE_FIELDS;
use super::rules::{EncryptionRule, RuleError};
use crate::document::{Item, Map, Node, Scalar, SeqItem};

/// The sops version opsctl writes into `version`: the newest format whose
/// behaviour opsctl reproduces and is tested against.
pub const SOPS_FORMAT_VERSION: &str = "3.11.0";

/// One age master key: a recipient and the data key encrypted to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeStanza {
    /// `age1…` or an SSH public key.
    pub recipient: String,
    /// The data key as an armored age file encrypted to `recipient`.
    pub enc: String,
}

/// The parsed `sops` block.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// age master keys.
    pub age: Vec<AgeStanza>,
    /// When the values were last encrypted (RFC 3339), the MAC's AAD.
    pub lastmodified: String,
    /// The encrypted MAC.
    pub mac: String,
    /// Which values are encrypted.
    pub rule: EncryptionRule,
    /// Whether only encrypted values are covered by the MAC.
    pub mac_only_encrypted: bool,
    /// The sops version that last wrote the file.
    pub version: String,
    /// Fields opsctl does not interpret (pgp, kms, … master keys), kept as read
    /// so that rewriting a file with the same data key keeps them working.
    pub other: Vec<(String, Node)>,
}

/// The `sops` block is missing or malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// There is no `sops` key: the file is not sealed.
    #[error("the file is not sealed: it has no sops metadata")]
    Missing,
    /// A field has the wrong shape.
    #[error("sops metadata: {0}")]
    Invalid(String),
    /// The rule options conflict or do not compile.
    #[error("sops metadata: {0}")]
    Rule(#[from] RuleError),
    /// A feature of sops that opsctl does not implement yet.
    #[error("sops metadata: {0} is not supported yet")]
    Unsupported(&'static str),
}

/// sops fields for master keys opsctl cannot use; kept as read.
const OTHER_MASTER_KEYS: [&str; 8] = [
    "pgp",
    "kms",
    "gcp_kms",
    "azure_kv",
    "hc_vault",
    "hckms",
    "key_groups",
    "shamir_threshold",
];

impl Metadata {
    /// Reads the block from its map.
    pub fn from_map(map: &Map) -> Result<Self, MetadataError> {
        let mut age = Vec::new();
        let mut lastmodified = None;
        let mut mac = None;
        let mut mac_only_encrypted = false;
        let mut version = String::new();
        let mut rule_values: Vec<(&'static str, Option<String>)> =
            RULE_FIELDS.iter().map(|f| (*f, None)).collect();
        let mut other = Vec::new();
        for item in map {
            let Item::Entry(key, value) = item else {
                continue;
            };
            match key.as_str() {
                "age" => age = age_stanzas(value)?,
                "lastmodified" => lastmodified = Some(text(value, "lastmodified")?),
                "mac" => mac = Some(text(value, "mac")?),
                "version" => version = text(value, "version")?,
                "mac_only_encrypted" => mac_only_encrypted = boolean(value, "mac_only_encrypted")?,
                "key_groups" if !is_empty(value) => {
                    return Err(MetadataError::Unsupported(
                        "key_groups (Shamir secret sharing)",
                    ));
                }
                k if RULE_FIELDS.contains(&k) => {
                    let slot = rule_values
                        .iter_mut()
                        .find(|(f, _)| *f == k)
                        .expect("listed field");
                    slot.1 = Some(text(value, k)?);
                }
                k if OTHER_MASTER_KEYS.contains(&k) => other.push((key.clone(), value.clone())),
                // A field sops does not know either: a damaged file, or one
                // from a newer sops; guessing would risk the wrong rule.
                _ => return Err(MetadataError::Invalid(format!("unknown field {key:?}"))),
            }
        }
        let options: Vec<(&'static str, Option<&str>)> = rule_values
            .iter()
            .map(|(f, v)| (*f, v.as_deref()))
            .collect();
        Ok(Self {
            age,
            lastmodified: lastmodified
                .ok_or_else(|| MetadataError::Invalid("lastmodified is missing".into()))?,
            mac: mac.unwrap_or_default(),
            rule: EncryptionRule::from_options(&options)?,
            mac_only_encrypted,
            version,
            other,
        })
    }

    /// Writes the block as a map, keys in sops 3.13's (alphabetical) order.
    pub fn to_map(&self) -> Map {
        let str_node = |s: &str| Node::Scalar(Scalar::Str(s.to_owned()));
        let mut fields: Vec<(String, Node)> = self.other.clone();
        if !self.age.is_empty() {
            fields.push((
                "age".into(),
                Node::Seq(
                    self.age
                        .iter()
                        .map(|a| {
                            SeqItem::Node(Node::Map(vec![
                                Item::Entry("enc".into(), str_node(&a.enc)),
                                Item::Entry("recipient".into(), str_node(&a.recipient)),
                            ]))
                        })
                        .collect(),
                ),
            ));
        }
        fields.push(("lastmodified".into(), str_node(&self.lastmodified)));
        fields.push(("mac".into(), str_node(&self.mac)));
        if self.mac_only_encrypted {
            fields.push((
                "mac_only_encrypted".into(),
                Node::Scalar(Scalar::Bool(true)),
            ));
        }
        fields.push((self.rule.field().into(), str_node(self.rule.value())));
        fields.push(("version".into(), str_node(&self.version)));
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        fields.into_iter().map(|(k, v)| Item::Entry(k, v)).collect()
    }

    /// The recipients the data key is wrapped for, for messages.
    pub fn recipients(&self) -> Vec<String> {
        self.age.iter().map(|a| a.recipient.clone()).collect()
    }
}

fn age_stanzas(value: &Node) -> Result<Vec<AgeStanza>, MetadataError> {
    let items = match value {
        Node::Seq(items) => items,
        Node::Scalar(Scalar::Null) => return Ok(Vec::new()),
        _ => return Err(MetadataError::Invalid("age must be a list".into())),
    };
    items
        .iter()
        .filter_map(|item| match item {
            SeqItem::Node(n) => Some(n),
            SeqItem::Comment(_) => None,
        })
        .map(|node| {
            let Node::Map(m) = node else {
                return Err(MetadataError::Invalid(
                    "each age entry must be a map".into(),
                ));
            };
            let field = |name: &str| {
                crate::document::map_get(m, name)
                    .ok_or_else(|| MetadataError::Invalid(format!("an age entry has no {name}")))
                    .and_then(|v| text(v, name))
            };
            Ok(AgeStanza {
                recipient: field("recipient")?.trim().to_owned(),
                enc: field("enc")?,
            })
        })
        .collect()
}

/// Whether a metadata value holds nothing (`[]`, `{}`, `null`), as older sops
/// versions wrote for master-key kinds a file does not use.
pub(crate) fn is_empty(value: &Node) -> bool {
    match value {
        Node::Seq(items) => items.is_empty(),
        Node::Map(m) => m.is_empty(),
        Node::Scalar(Scalar::Null) => true,
        _ => false,
    }
}

/// A field as text; numbers and timestamps written bare are accepted.
fn text(value: &Node, name: &str) -> Result<String, MetadataError> {
    match value {
        Node::Scalar(Scalar::Str(s) | Scalar::Time(s)) => Ok(s.clone()),
        Node::Scalar(Scalar::Float(f)) => Ok(crate::document::go_float_text(*f)),
        Node::Scalar(Scalar::Int(i)) => Ok(i.to_string()),
        _ => Err(MetadataError::Invalid(format!("{name} must be text"))),
    }
}

/// A field as a boolean; dotenv and INI carry it as text.
fn boolean(value: &Node, name: &str) -> Result<bool, MetadataError> {
    match value {
        Node::Scalar(Scalar::Bool(b)) => Ok(*b),
        Node::Scalar(Scalar::Str(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Node::Scalar(Scalar::Str(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        Node::Scalar(Scalar::Null) => Ok(false),
        _ => Err(MetadataError::Invalid(format!(
            "{name} must be true or false"
        ))),
    }
}

/// The timestamp text used as the MAC's AAD: sops re-formats the parsed
/// `lastmodified` with Go's RFC 3339 layout (seconds, `Z` for UTC).
pub fn mac_aad(lastmodified: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    let text = lastmodified.trim();
    // The time crate accepts any date/time separator; Go's layout wants `T`.
    if !matches!(text.as_bytes().get(10), Some(b'T' | b't')) {
        return lastmodified.to_owned();
    }
    match time::OffsetDateTime::parse(text, &Rfc3339) {
        Ok(t) => format_go_rfc3339(t),
        Err(_) => lastmodified.to_owned(),
    }
}

/// Now, as sops writes `lastmodified`.
pub fn now() -> String {
    format_go_rfc3339(time::OffsetDateTime::now_utc())
}

fn format_go_rfc3339(t: time::OffsetDateTime) -> String {
    let offset = t.offset();
    let zone = if offset.is_utc() {
        "Z".to_owned()
    } else {
        let (h, m, _) = offset.as_hms();
        format!(
            "{}{:02}:{:02}",
            if offset.is_negative() { '-' } else { '+' },
            h.abs(),
            m.abs()
        )
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_aad_matches_go_formatting() {
        assert_eq!(mac_aad("2026-08-01T09:00:14Z"), "2026-08-01T09:00:14Z");
        assert_eq!(
            mac_aad("2026-08-01T09:00:14.123456Z"),
            "2026-08-01T09:00:14Z"
        );
        assert_eq!(
            mac_aad("2026-08-01T11:00:14+02:00"),
            "2026-08-01T11:00:14+02:00"
        );
        assert_eq!(mac_aad("2026-08-01T09:00:14+00:00"), "2026-08-01T09:00:14Z");
        assert_eq!(mac_aad("2026-08-01U09:00:14Z"), "2026-08-01U09:00:14Z");
        assert_eq!(now().len(), 20);
    }

    #[test]
    fn metadata_round_trips_through_its_map() {
        let meta = Metadata {
            age: vec![AgeStanza {
                recipient: "age1x".into(),
                enc: "-----BEGIN AGE ENCRYPTED FILE-----\n".into(),
            }],
            lastmodified: "2026-01-01T00:00:00Z".into(),
            mac: "ENC[…]".into(),
            rule: EncryptionRule::default(),
            mac_only_encrypted: true,
            version: SOPS_FORMAT_VERSION.into(),
            other: vec![("pgp".into(), Node::Seq(vec![]))],
        };
        let map = meta.to_map();
        let keys: Vec<&str> = crate::document::map_keys(&map).collect();
        assert_eq!(
            keys,
            [
                "age",
                "lastmodified",
                "mac",
                "mac_only_encrypted",
                "pgp",
                "unencrypted_suffix",
                "version"
            ]
        );
        let back = Metadata::from_map(&map).unwrap();
        assert_eq!(back.age, meta.age);
        assert!(back.mac_only_encrypted);
        assert_eq!(back.other.len(), 1);
    }

    #[test]
    fn shamir_groups_are_refused_plainly() {
        let map = vec![
            Item::Entry("lastmodified".into(), Node::Scalar(Scalar::Str("x".into()))),
            Item::Entry(
                "key_groups".into(),
                Node::Seq(vec![SeqItem::Node(Node::Map(vec![]))]),
            ),
        ];
        assert!(matches!(
            Metadata::from_map(&map),
            Err(MetadataError::Unsupported(_))
        ));
    }
}
