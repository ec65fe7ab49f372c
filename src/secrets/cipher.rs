//! sops' per-value encryption: AES-256-GCM with a 32-byte IV, the tag stored
//! apart, the key path as associated data, all in `ENC[AES256_GCM,…]` text.

use aes_gcm::aead::consts::U32;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce, Tag};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

/// AES-256-GCM with the 256-bit nonce sops uses (Go's `NewGCMWithNonceSize(…, 32)`).
type SopsGcm = AesGcm<Aes256, U32>;

/// The 32-byte key that encrypts every value of one file, with its AES key
/// schedule prepared once (not per value).
#[derive(Clone)]
pub struct DataKey {
    bytes: Zeroizing<[u8; 32]>,
    cipher: SopsGcm,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

impl DataKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self, CipherError> {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(key.as_mut()).map_err(|_| CipherError::Random)?;
        Ok(Self::from_array(key))
    }

    /// A key recovered from a master key; must be exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(Self::from_array(Zeroizing::new(array)))
    }

    fn from_array(bytes: Zeroizing<[u8; 32]>) -> Self {
        let cipher = SopsGcm::new(aes_gcm::Key::<SopsGcm>::from_slice(bytes.as_ref()));
        Self { bytes, cipher }
    }

    /// The raw key, for wrapping with a master key.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    fn cipher(&self) -> &SopsGcm {
        &self.cipher
    }
}

/// A value could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CipherError {
    /// The operating system's random source failed.
    #[error("the system random number generator failed")]
    Random,
    /// The text is not `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`.
    #[error("not a sops encrypted value (expected ENC[AES256_GCM,data:…,iv:…,tag:…,type:…])")]
    Malformed,
    /// A base64 field does not decode, or has the wrong length.
    #[error("the {0} field of the encrypted value is not valid")]
    BadField(&'static str),
    /// The tag does not verify: wrong key, wrong key path, or altered text.
    #[error(
        "decryption failed: the value was altered, moved to another key, or sealed with another data key"
    )]
    Authentication,
}

/// A decrypted value and its sops `type:` tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The plaintext bytes.
    pub plaintext: Zeroizing<Vec<u8>>,
    /// `str`, `int`, `float`, `bool`, `time`, `comment` or `bytes`.
    pub type_tag: String,
}

/// The parts of an encrypted value, still base64-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Ciphertext without the tag.
    pub data: Vec<u8>,
    /// The IV (32 bytes when written by sops or opsctl).
    pub iv: Vec<u8>,
    /// The 16-byte GCM tag.
    pub tag: Vec<u8>,
    /// The sops type tag.
    pub type_tag: String,
}

/// Whether `text` looks like a sops encrypted value.
pub fn is_encrypted(text: &str) -> bool {
    text.starts_with("ENC[AES256_GCM,")
}

/// Whether `text` carries sops ciphertext markers at all, even damaged: no
/// single changed byte removes both `ENC[` and `_GCM,` / `,iv:`.
pub fn looks_encrypted(text: &str) -> bool {
    text.starts_with("ENC[") || text.contains("_GCM,") || text.contains(",iv:")
}

/// Encrypts `plaintext` under `key` with a fresh random IV.
pub fn encrypt(
    key: &DataKey,
    plaintext: &[u8],
    type_tag: &str,
    aad: &[u8],
) -> Result<String, CipherError> {
    // rand's thread RNG is a ChaCha CSPRNG seeded from the OS: one system
    // call per thread instead of one per value.
    let mut iv = [0u8; 32];
    rand::RngCore::try_fill_bytes(&mut rand::thread_rng(), &mut iv)
        .map_err(|_| CipherError::Random)?;
    Ok(encrypt_with_iv(key, plaintext, type_tag, aad, &iv))
}

/// Encrypts with a given IV. Re-using the IV of an unchanged value under the
/// same key reproduces its ciphertext exactly, which keeps diffs small.
pub fn encrypt_with_iv(
    key: &DataKey,
    plaintext: &[u8],
    type_tag: &str,
    aad: &[u8],
    iv: &[u8; 32],
) -> String {
    let mut buffer = plaintext.to_vec();
    let tag = key
        .cipher()
        .encrypt_in_place_detached(Nonce::<U32>::from_slice(iv), aad, &mut buffer)
        .expect("AES-GCM encryption cannot fail for in-memory values");
    // Built by appending: this runs once per value.
    let mut out = String::with_capacity(64 + buffer.len() * 4 / 3 + type_tag.len());
    out.push_str("ENC[AES256_GCM,data:");
    STANDARD.encode_string(&buffer, &mut out);
    out.push_str(",iv:");
    STANDARD.encode_string(iv, &mut out);
    out.push_str(",tag:");
    STANDARD.encode_string(tag, &mut out);
    out.push_str(",type:");
    out.push_str(type_tag);
    out.push(']');
    out
}

/// Splits `ENC[…]` text into its decoded parts.
pub fn parse(text: &str) -> Result<Sealed, CipherError> {
    let fields = fields(text)?;
    let decode = |name, value: &str| {
        STANDARD
            .decode(value)
            .map_err(|_| CipherError::BadField(name))
    };
    let sealed = Sealed {
        data: decode("data", fields.data)?,
        iv: decode("iv", fields.iv)?,
        tag: decode("tag", fields.tag)?,
        type_tag: fields.type_tag.to_owned(),
    };
    if sealed.iv.len() != 32 {
        return Err(CipherError::BadField("iv"));
    }
    if sealed.tag.len() != 16 {
        return Err(CipherError::BadField("tag"));
    }
    Ok(sealed)
}

/// The fields of `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`, still base64.
struct Fields<'t> {
    data: &'t str,
    iv: &'t str,
    tag: &'t str,
    type_tag: &'t str,
}

fn fields(text: &str) -> Result<Fields<'_>, CipherError> {
    let inner = text
        .strip_prefix("ENC[AES256_GCM,")
        .and_then(|t| t.strip_suffix(']'))
        .ok_or(CipherError::Malformed)?;
    let mut fields = [None; 4];
    for part in inner.split(',') {
        let (name, value) = part.split_once(':').ok_or(CipherError::Malformed)?;
        let slot = match name {
            "data" => 0,
            "iv" => 1,
            "tag" => 2,
            "type" => 3,
            _ => return Err(CipherError::Malformed),
        };
        fields[slot] = Some(value);
    }
    let [Some(data), Some(iv), Some(tag), Some(type_tag)] = fields else {
        return Err(CipherError::Malformed);
    };
    Ok(Fields {
        data,
        iv,
        tag,
        type_tag,
    })
}

/// Decodes base64 `value` into exactly `N` bytes.
fn decode_exact<const N: usize>(name: &'static str, value: &str) -> Result<[u8; N], CipherError> {
    // Room for what a longer value would decode to, so a wrong length is
    // told apart from a bad encoding by the count, not by an error.
    let mut buffer = [0u8; 64];
    match STANDARD.decode_slice(value, &mut buffer) {
        Ok(n) if n == N => Ok(buffer[..N].try_into().expect("N bytes")),
        _ => Err(CipherError::BadField(name)),
    }
}

/// Decrypts `ENC[…]` text, checking it belongs at `aad`.
pub fn decrypt(key: &DataKey, text: &str, aad: &[u8]) -> Result<(Opened, [u8; 32]), CipherError> {
    // The same checks as `parse`, with the IV and tag decoded in place:
    // this runs once per value of every file opened.
    let fields = fields(text)?;
    let mut buffer = Zeroizing::new(
        STANDARD
            .decode(fields.data)
            .map_err(|_| CipherError::BadField("data"))?,
    );
    let iv: [u8; 32] = decode_exact("iv", fields.iv)?;
    let tag: [u8; 16] = decode_exact("tag", fields.tag)?;
    key.cipher()
        .decrypt_in_place_detached(
            Nonce::<U32>::from_slice(&iv),
            aad,
            &mut buffer,
            Tag::from_slice(&tag),
        )
        .map_err(|_| CipherError::Authentication)?;
    Ok((
        Opened {
            plaintext: buffer,
            type_tag: fields.type_tag.to_owned(),
        },
        iv,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_aad_binding() {
        let key = DataKey::generate().unwrap();
        let text = encrypt(&key, b"hunter2", "str", b"db:password:").unwrap();
        assert!(is_encrypted(&text));
        let (opened, _) = decrypt(&key, &text, b"db:password:").unwrap();
        assert_eq!(opened.plaintext.as_slice(), b"hunter2");
        assert_eq!(opened.type_tag, "str");
        assert_eq!(
            decrypt(&key, &text, b"db:user:"),
            Err(CipherError::Authentication)
        );
        let other = DataKey::generate().unwrap();
        assert_eq!(
            decrypt(&other, &text, b"db:password:"),
            Err(CipherError::Authentication)
        );
    }

    #[test]
    fn the_same_iv_gives_the_same_text() {
        let key = DataKey::generate().unwrap();
        let iv = [7u8; 32];
        assert_eq!(
            encrypt_with_iv(&key, b"v", "str", b"k:", &iv),
            encrypt_with_iv(&key, b"v", "str", b"k:", &iv)
        );
    }

    #[test]
    fn malformed_values_are_rejected() {
        let key = DataKey::generate().unwrap();
        for bad in [
            "ENC[AES256_GCM,data:xx]",
            "ENC[AES256_GCM,data:!!,iv:AA==,tag:AA==,type:str]",
            "plain",
            "ENC[AES256_GCM,data:,iv:,tag:,type:str",
        ] {
            assert!(decrypt(&key, bad, b"k:").is_err(), "{bad}");
        }
    }
}
