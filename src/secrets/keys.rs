//! age master keys: recipients to seal for, identities to unseal with, and
//! wrapping the data key as sops does (one armored age file per recipient).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;

use super::cipher::DataKey;
use super::metadata::AgeStanza;

/// An age identity that can unwrap a data key.
pub type BoxedIdentity = Box<dyn age::Identity + Send + Sync>;

/// A master-key problem: a bad recipient, no identity, or no identity that fits.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A recipient string is not an age or SSH public key.
    #[error("invalid recipient {text:?}: {reason}")]
    BadRecipient {
        /// The text as given.
        text: String,
        /// Why it was rejected.
        reason: String,
    },
    /// No identity was found anywhere sops and opsctl look.
    #[error("no age identity found (looked in: {}); pass --identity FILE, or set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY", looked.join(", "))]
    NoIdentities {
        /// The places tried.
        looked: Vec<String>,
    },
    /// None of the identities opens the data key.
    #[error("none of the age identities (from {}) can open this file; it is sealed for: {}", sources.join(", "), recipients.join(", "))]
    NoMatchingKey {
        /// The recipients the file is sealed for.
        recipients: Vec<String>,
        /// Where the identities came from.
        sources: Vec<String>,
    },
    /// An identity file could not be read or parsed.
    #[error("cannot read identities from {source_name}")]
    BadIdentityFile {
        /// The file or variable.
        source_name: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The age layer failed while wrapping or unwrapping.
    #[error("age: {0}")]
    Age(String),
}

/// Parses one recipient: `age1…`, `ssh-ed25519 …` or `ssh-rsa …`.
pub fn parse_recipient(text: &str) -> Result<Box<dyn age::Recipient + Send>, KeyError> {
    let text = text.trim();
    let bad = |reason: String| KeyError::BadRecipient {
        text: text.to_owned(),
        reason,
    };
    if text.starts_with("age1") {
        text.parse::<age::x25519::Recipient>()
            .map(|r| Box::new(r) as Box<dyn age::Recipient + Send>)
            .map_err(|e| bad(e.to_string()))
    } else if text.starts_with("ssh-") {
        text.parse::<age::ssh::Recipient>()
            .map(|r| Box::new(r) as Box<dyn age::Recipient + Send>)
            .map_err(|e| bad(format!("{e:?}")))
    } else {
        Err(bad(
            "expected an age1… public key or an ssh-ed25519 / ssh-rsa public key".into(),
        ))
    }
}

/// Splits sops' comma-separated recipient lists, dropping empty parts.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Encrypts the data key to one recipient, armored as sops stores it.
pub fn wrap(key: &DataKey, recipient_text: &str) -> Result<AgeStanza, KeyError> {
    let recipient = parse_recipient(recipient_text)?;
    let age_err = |e: &dyn std::fmt::Display| KeyError::Age(e.to_string());
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(recipient.as_ref() as &dyn age::Recipient))
            .map_err(|e| age_err(&e))?;
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(|e| age_err(&e))?;
    let mut writer = encryptor.wrap_output(armor).map_err(|e| age_err(&e))?;
    writer.write_all(key.as_bytes()).map_err(|e| age_err(&e))?;
    writer
        .finish()
        .and_then(|armor| armor.finish())
        .map_err(|e| age_err(&e))?;
    let enc = String::from_utf8(out)
        .map_err(|e| age_err(&e))?
        .replace("\r\n", "\n");
    Ok(AgeStanza {
        recipient: recipient_text.trim().to_owned(),
        enc,
    })
}

/// Recovers the data key with the first identity that opens one of the stanzas.
pub fn unwrap(stanzas: &[AgeStanza], identities: &Identities) -> Result<DataKey, KeyError> {
    let mut last_error = None;
    for stanza in stanzas {
        // The Rust armor reader is stricter than Go's: no leading blank space,
        // LF line ends, no empty last line.
        let armored = format!("{}\n", stanza.enc.trim().replace("\r\n", "\n"));
        let decryptor = match age::Decryptor::new_buffered(age::armor::ArmoredReader::new(
            armored.as_bytes(),
        )) {
            Ok(d) => d,
            Err(e) => {
                last_error = Some(e.to_string());
                continue;
            }
        };
        match decryptor.decrypt(
            identities
                .list
                .iter()
                .map(|i| i.as_ref() as &dyn age::Identity),
        ) {
            Ok(mut reader) => {
                // The recipient text is not authenticated by sops; a damaged
                // one (bech32 has a checksum) means the metadata was altered.
                parse_recipient(&stanza.recipient)?;
                let mut bytes = zeroize::Zeroizing::new(Vec::new());
                reader
                    .read_to_end(&mut bytes)
                    .map_err(|e| KeyError::Age(e.to_string()))?;
                return DataKey::from_bytes(&bytes).ok_or_else(|| {
                    KeyError::Age(format!(
                        "the data key for {} is not 32 bytes",
                        stanza.recipient
                    ))
                });
            }
            Err(age::DecryptError::NoMatchingKeys) => {}
            Err(e) => last_error = Some(e.to_string()),
        }
    }
    if let Some(e) = last_error.filter(|_| identities.list.is_empty()) {
        return Err(KeyError::Age(e));
    }
    Err(KeyError::NoMatchingKey {
        recipients: stanzas.iter().map(|s| s.recipient.clone()).collect(),
        sources: identities.sources.clone(),
    })
}

/// Where identities come from, in the order sops reads them.
#[derive(Debug, Clone, Default)]
pub struct IdentitySources {
    /// Files given with `--identity`.
    pub files: Vec<PathBuf>,
    /// `SOPS_AGE_KEY`: key text.
    pub key_text: Option<String>,
    /// `SOPS_AGE_KEY_FILE`.
    pub key_file: Option<PathBuf>,
    /// Files read when they exist: the default sops key file, `~/.ssh/id_ed25519`, `~/.ssh/id_rsa`.
    pub default_files: Vec<PathBuf>,
}

impl IdentitySources {
    /// The sources sops itself uses, from the process environment
    /// (`SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, `SOPS_AGE_SSH_PRIVATE_KEY_FILE`,
    /// the default key file, `~/.ssh/id_ed25519` and `id_rsa`), plus `files`.
    pub fn from_environment(files: Vec<PathBuf>) -> Self {
        let non_empty = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let config_home = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        let mut default_files = Vec::new();
        default_files.extend(config_home.map(|c| c.join("sops").join("age").join("keys.txt")));
        if let Some(h) = &home {
            default_files.push(h.join(".ssh").join("id_ed25519"));
            default_files.push(h.join(".ssh").join("id_rsa"));
        }
        // sops reads an SSH identity from this variable before the defaults.
        let mut files = files;
        files.extend(non_empty("SOPS_AGE_SSH_PRIVATE_KEY_FILE").map(PathBuf::from));
        Self {
            files,
            key_text: non_empty("SOPS_AGE_KEY"),
            key_file: non_empty("SOPS_AGE_KEY_FILE").map(PathBuf::from),
            default_files,
        }
    }

    /// The default sops key file (`…/sops/age/keys.txt`), if known.
    pub fn default_key_file(&self) -> Option<&Path> {
        self.default_files
            .first()
            .map(PathBuf::as_path)
            .filter(|p| p.ends_with("keys.txt"))
    }
}

/// Identities loaded from their sources.
pub struct Identities {
    list: Vec<BoxedIdentity>,
    /// Where they came from, for messages.
    pub sources: Vec<String>,
    /// Things to tell the user (world-readable key files, skipped keys).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identities")
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

impl Identities {
    /// Reads every source that exists. Explicit files and `SOPS_AGE_KEY_FILE`
    /// must exist; default locations are skipped when absent.
    pub fn load(sources: &IdentitySources) -> Result<Self, KeyError> {
        let mut loaded = Identities {
            list: Vec::new(),
            sources: Vec::new(),
            warnings: Vec::new(),
        };
        if let Some(text) = &sources.key_text {
            // sops 3.13 accepts several keys on one line, separated by blanks.
            let lines: String = text
                .split_whitespace()
                .filter(|t| t.starts_with("AGE-SECRET-KEY-"))
                .map(|t| format!("{t}\n"))
                .collect();
            loaded.add_age_text(&lines, "SOPS_AGE_KEY")?;
        }
        for path in sources.files.iter().chain(sources.key_file.iter()) {
            loaded.add_file(path)?;
        }
        for path in &sources.default_files {
            if path.is_file() {
                // A default location that does not parse is not the user's fault here.
                if let Err(e) = loaded.add_file(path) {
                    loaded
                        .warnings
                        .push(format!("skipping {}: {e}", path.display()));
                }
            }
        }
        if loaded.list.is_empty() {
            let mut looked: Vec<String> = vec!["SOPS_AGE_KEY".into(), "SOPS_AGE_KEY_FILE".into()];
            looked.extend(
                sources
                    .default_files
                    .iter()
                    .map(|p| p.display().to_string()),
            );
            return Err(KeyError::NoIdentities { looked });
        }
        Ok(loaded)
    }

    /// How many identities were loaded.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether none were loaded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn add_file(&mut self, path: &Path) -> Result<(), KeyError> {
        let name = path.display().to_string();
        let bad = |source| KeyError::BadIdentityFile {
            source_name: name.clone(),
            source,
        };
        let bytes = std::fs::read(path).map_err(bad)?;
        self.warn_if_exposed(path);
        let text = String::from_utf8_lossy(&bytes);
        if text.contains("AGE-SECRET-KEY-") {
            self.add_age_text(&text, &name)
        } else if text.contains("PRIVATE KEY-----") {
            let identity = age::ssh::Identity::from_buffer(bytes.as_slice(), Some(name.clone()))
                .map_err(bad)?;
            match identity {
                age::ssh::Identity::Unencrypted(_) => {
                    self.list.push(Box::new(identity));
                    self.sources.push(name);
                }
                age::ssh::Identity::Encrypted(_) => self.warnings.push(format!(
                    "skipping {name}: passphrase-protected SSH keys are not supported yet"
                )),
                age::ssh::Identity::Unsupported(_) => self
                    .warnings
                    .push(format!("skipping {name}: unsupported SSH key type")),
            }
            Ok(())
        } else {
            Err(bad(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "no AGE-SECRET-KEY-1… line and no SSH private key",
            )))
        }
    }

    fn add_age_text(&mut self, text: &str, name: &str) -> Result<(), KeyError> {
        let bad = |source| KeyError::BadIdentityFile {
            source_name: name.to_owned(),
            source,
        };
        let file = age::IdentityFile::from_buffer(text.as_bytes()).map_err(bad)?;
        let identities = file.into_identities().map_err(|e| {
            bad(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                e.to_string(),
            ))
        })?;
        if !identities.is_empty() {
            self.list.extend(identities);
            self.sources.push(name.to_owned());
        }
        Ok(())
    }

    #[cfg(unix)]
    fn warn_if_exposed(&mut self, path: &Path) {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                self.warnings.push(format!(
                    "identity file {} is readable by others (mode {mode:04o}); run: chmod 600 {}",
                    path.display(),
                    path.display()
                ));
            }
        }
    }

    #[cfg(not(unix))]
    fn warn_if_exposed(&mut self, _path: &Path) {}
}

/// A new age X25519 identity, as an identity file's text and its public key.
pub fn generate_identity() -> (zeroize::Zeroizing<String>, String) {
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    let text = format!(
        "# created: {}\n# public key: {public}\n{}\n",
        super::metadata::now(),
        identity.to_string().expose_secret()
    );
    (zeroize::Zeroizing::new(text), public)
}

/// The public key of the first age identity in a key file, if it has one
/// (an absent or unreadable file has none).
pub fn first_public_key(path: &Path) -> Option<String> {
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).ok()?);
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("AGE-SECRET-KEY-"))
        .find_map(|l| l.parse::<age::x25519::Identity>().ok())
        .map(|identity| identity.to_public().to_string())
}

/// Appends an identity to a key file (such as the default sops key file),
/// creating it 0600 and its directory 0700 when missing; atomic.
pub fn append_identity(path: &Path, identity: &str) -> Result<(), crate::fsx::FsError> {
    let failed = |source: std::io::Error| crate::fsx::FsError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(failed)?;
    }
    let mut text = match std::fs::read_to_string(path) {
        Ok(existing) => zeroize::Zeroizing::new(existing),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => zeroize::Zeroizing::default(),
        Err(e) => return Err(failed(e)),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(identity);
    crate::fsx::write_atomic_with_mode(path, text.as_bytes(), 0o600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity_file(dir: &Path) -> (PathBuf, String) {
        let (text, public) = generate_identity();
        let path = dir.join("key.txt");
        std::fs::write(&path, text.as_bytes()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        (path, public)
    }

    #[test]
    fn wrap_then_unwrap_recovers_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let (path, public) = identity_file(dir.path());
        let key = DataKey::generate().unwrap();
        let stanza = wrap(&key, &public).unwrap();
        assert!(
            stanza
                .enc
                .starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n")
        );
        assert!(stanza.enc.ends_with("-----END AGE ENCRYPTED FILE-----\n"));
        let ids = Identities::load(&IdentitySources {
            files: vec![path],
            ..Default::default()
        })
        .unwrap();
        assert!(ids.warnings.is_empty(), "{:?}", ids.warnings);
        assert_eq!(unwrap(&[stanza], &ids).unwrap().as_bytes(), key.as_bytes());
    }

    #[test]
    fn a_wrong_key_names_the_recipients() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _) = identity_file(dir.path());
        let (_, other_public) = generate_identity();
        let stanza = wrap(&DataKey::generate().unwrap(), &other_public).unwrap();
        let ids = Identities::load(&IdentitySources {
            files: vec![path],
            ..Default::default()
        })
        .unwrap();
        let err = unwrap(&[stanza], &ids).unwrap_err().to_string();
        assert!(err.contains(&other_public), "{err}");
        assert!(err.contains("key.txt"), "{err}");
    }

    #[test]
    fn sops_age_key_text_may_hold_several_keys_on_a_line() {
        let (a, _) = generate_identity();
        let (b, _) = generate_identity();
        let secret = |t: &str| {
            t.lines()
                .find(|l| l.starts_with("AGE-"))
                .unwrap()
                .to_owned()
        };
        let ids = Identities::load(&IdentitySources {
            key_text: Some(format!("# comment\n{} {}", secret(&a), secret(&b))),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ids.len(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_readable_identity_file_draws_a_warning() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (path, _) = identity_file(dir.path());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let ids = Identities::load(&IdentitySources {
            files: vec![path],
            ..Default::default()
        })
        .unwrap();
        assert!(ids.warnings[0].contains("chmod 600"), "{:?}", ids.warnings);
    }

    #[test]
    fn no_identity_anywhere_says_where_it_looked() {
        let err = Identities::load(&IdentitySources {
            default_files: vec![PathBuf::from("/nonexistent/keys.txt")],
            ..Default::default()
        })
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("/nonexistent/keys.txt") && err.contains("--identity"),
            "{err}"
        );
    }

    #[test]
    fn recipients_are_checked() {
        assert!(parse_recipient("age1notakey").is_err());
        assert!(parse_recipient("hello").is_err());
        assert_eq!(split_list(" a, ,b "), ["a", "b"]);
    }
}
