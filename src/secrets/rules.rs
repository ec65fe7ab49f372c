//! Which values sops encrypts: the six mutually exclusive rule options.

use regex::Regex;

/// The six rule options, as written in metadata and `.sops.yaml`.
pub const OPTION_NAMES: [&str; 6] = [
    "unencrypted_suffix",
    "encrypted_suffix",
    "unencrypted_regex",
    "encrypted_regex",
    "unencrypted_comment_regex",
    "encrypted_comment_regex",
];

/// The suffix sops assumes when a file names no rule.
pub const DEFAULT_UNENCRYPTED_SUFFIX: &str = "_unencrypted";

/// The rule option a file uses; at most one may be set.
#[derive(Debug, Clone)]
pub enum EncryptionRule {
    /// Keys ending with this suffix (anywhere on the path) stay clear.
    UnencryptedSuffix(String),
    /// Only keys ending with this suffix (anywhere on the path) are encrypted.
    EncryptedSuffix(String),
    /// Keys matching this regex (anywhere on the path) stay clear.
    UnencryptedRegex(Regex),
    /// Only keys matching this regex (anywhere on the path) are encrypted.
    EncryptedRegex(Regex),
    /// Values under a comment matching this regex stay clear.
    UnencryptedCommentRegex(Regex),
    /// Only values under a comment matching this regex are encrypted.
    EncryptedCommentRegex(Regex),
}

impl Default for EncryptionRule {
    fn default() -> Self {
        EncryptionRule::UnencryptedSuffix(DEFAULT_UNENCRYPTED_SUFFIX.to_owned())
    }
}

/// A rule option was given twice or its regex does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// More than one of the six options is set.
    #[error(
        "only one of unencrypted_suffix, encrypted_suffix, unencrypted_regex, encrypted_regex, unencrypted_comment_regex and encrypted_comment_regex may be set; found {0}"
    )]
    Conflict(String),
    /// A regex option does not compile.
    #[error("{option}: invalid regular expression: {message}")]
    BadRegex {
        /// The option.
        option: &'static str,
        /// The regex engine's message.
        message: String,
    },
}

impl EncryptionRule {
    /// The metadata field name of this option.
    pub fn field(&self) -> &'static str {
        match self {
            EncryptionRule::UnencryptedSuffix(_) => "unencrypted_suffix",
            EncryptionRule::EncryptedSuffix(_) => "encrypted_suffix",
            EncryptionRule::UnencryptedRegex(_) => "unencrypted_regex",
            EncryptionRule::EncryptedRegex(_) => "encrypted_regex",
            EncryptionRule::UnencryptedCommentRegex(_) => "unencrypted_comment_regex",
            EncryptionRule::EncryptedCommentRegex(_) => "encrypted_comment_regex",
        }
    }

    /// The option's value as written in metadata.
    pub fn value(&self) -> &str {
        match self {
            EncryptionRule::UnencryptedSuffix(s) | EncryptionRule::EncryptedSuffix(s) => s,
            EncryptionRule::UnencryptedRegex(r)
            | EncryptionRule::EncryptedRegex(r)
            | EncryptionRule::UnencryptedCommentRegex(r)
            | EncryptionRule::EncryptedCommentRegex(r) => r.as_str(),
        }
    }

    /// Builds the rule from whichever option is set (none: the default suffix).
    pub fn from_options(options: &[(&'static str, Option<&str>)]) -> Result<Self, RuleError> {
        let set: Vec<(&'static str, &str)> = options
            .iter()
            .filter_map(|(name, value)| value.filter(|v| !v.is_empty()).map(|v| (*name, v)))
            .collect();
        match set.as_slice() {
            [] => Ok(Self::default()),
            [(name, value)] => Self::one(name, value),
            many => Err(RuleError::Conflict(
                many.iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(" and "),
            )),
        }
    }

    fn one(name: &'static str, value: &str) -> Result<Self, RuleError> {
        let regex = || {
            Regex::new(value).map_err(|e| RuleError::BadRegex {
                option: name,
                message: e.to_string(),
            })
        };
        Ok(match name {
            "unencrypted_suffix" => Self::UnencryptedSuffix(value.to_owned()),
            "encrypted_suffix" => Self::EncryptedSuffix(value.to_owned()),
            "unencrypted_regex" => Self::UnencryptedRegex(regex()?),
            "encrypted_regex" => Self::EncryptedRegex(regex()?),
            "unencrypted_comment_regex" => Self::UnencryptedCommentRegex(regex()?),
            "encrypted_comment_regex" => Self::EncryptedCommentRegex(regex()?),
            other => return Err(RuleError::Conflict(other.to_owned())),
        })
    }

    /// Whether a value at `path` (map keys from the root, leaf key last),
    /// under the comments in `comments`, is encrypted.
    pub fn should_encrypt(&self, path: &[&str], comments: &[&str]) -> bool {
        self.decide(
            path.iter().any(|k| self.key_matches(k)),
            comments.iter().copied(),
        )
    }

    /// Whether one map key counts for a suffix or regex rule. A walk keeps a
    /// running count of matching keys on its path instead of re-checking the
    /// whole path for every value.
    pub fn key_matches(&self, key: &str) -> bool {
        match self {
            Self::UnencryptedSuffix(s) | Self::EncryptedSuffix(s) => key.ends_with(s.as_str()),
            Self::UnencryptedRegex(r) | Self::EncryptedRegex(r) => r.is_match(key),
            Self::UnencryptedCommentRegex(_) | Self::EncryptedCommentRegex(_) => false,
        }
    }

    /// The decision, given whether any key on the path matched and the
    /// comments above the value (read only by the comment rules).
    pub fn decide<'c>(
        &self,
        any_key_matches: bool,
        mut comments: impl Iterator<Item = &'c str>,
    ) -> bool {
        match self {
            Self::UnencryptedSuffix(_) | Self::UnencryptedRegex(_) => !any_key_matches,
            Self::EncryptedSuffix(_) | Self::EncryptedRegex(_) => any_key_matches,
            Self::UnencryptedCommentRegex(r) => !comments.any(|c| r.is_match(c)),
            Self::EncryptedCommentRegex(r) => comments.any(|c| r.is_match(c)),
        }
    }

    /// Whether a comment is itself encrypted: a comment that matches a
    /// comment rule is the marker and stays readable.
    pub fn should_encrypt_comment(&self, text: &str) -> bool {
        match self {
            Self::UnencryptedCommentRegex(r) | Self::EncryptedCommentRegex(r) => !r.is_match(text),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_and_regex_look_at_every_key_on_the_path() {
        let default = EncryptionRule::default();
        assert!(default.should_encrypt(&["db", "password"], &[]));
        assert!(!default.should_encrypt(&["db_unencrypted", "password"], &[]));
        let only =
            EncryptionRule::from_options(&[("encrypted_regex", Some("^(data|stringData)$"))])
                .unwrap();
        assert!(only.should_encrypt(&["data", "token"], &[]));
        assert!(!only.should_encrypt(&["metadata", "name"], &[]));
        let suffix =
            EncryptionRule::from_options(&[("encrypted_suffix", Some("_secret"))]).unwrap();
        assert!(suffix.should_encrypt(&["a_secret", "b"], &[]));
        assert!(!suffix.should_encrypt(&["a", "b"], &[]));
    }

    #[test]
    fn comment_rules_use_the_comment_stack() {
        let rule =
            EncryptionRule::from_options(&[("encrypted_comment_regex", Some("sops:enc"))]).unwrap();
        assert!(rule.should_encrypt(&["k"], &[" sops:enc"]));
        assert!(!rule.should_encrypt(&["k"], &[" other"]));
        assert!(!rule.should_encrypt_comment(" sops:enc"));
        assert!(rule.should_encrypt_comment(" other"));
    }

    #[test]
    fn two_options_conflict_and_bad_regexes_are_named() {
        let err = EncryptionRule::from_options(&[
            ("encrypted_regex", Some("a")),
            ("unencrypted_suffix", Some("_x")),
        ])
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("encrypted_regex and unencrypted_suffix")
        );
        let err = EncryptionRule::from_options(&[("encrypted_regex", Some("("))]).unwrap_err();
        assert!(matches!(
            err,
            RuleError::BadRegex {
                option: "encrypted_regex",
                ..
            }
        ));
    }
}
