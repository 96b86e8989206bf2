//! Secrets at rest: XChaCha20-Poly1305 under versioned master keys.
//!
//! Each write draws a fresh 24-byte nonce; the AAD binds the ciphertext to its user row, the
//! kind of secret and the master-key version, so a ciphertext copied to another row (or
//! relabelled with another version) fails to decrypt. Fingerprints are a keyed hash (HMAC of
//! the secret under a key derived from the master key) so an owner can recognise a key
//! without anything about it being revealed.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::Sha256;

pub const MASTER_KEY_VAR: &str = "CLOREBOT_MASTER_KEY";
pub const MASTER_KEYS_VAR: &str = "CLOREBOT_MASTER_KEYS";

/// Hex digits of the fingerprint shown to users: enough to tell keys apart, too few to matter.
const FINGERPRINT_HEX: usize = 12;

/// What a secret is for; part of the AAD, so one kind can never be read as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    CloreApiKey,
    SshPassword,
    /// An SSH password generated for one order, kept until it is shown (`sealed_secrets`).
    OrderLogin,
    /// The `env` values of a rent waiting for its Confirm (`sealed_secrets`).
    RentEnv,
    /// A Discord interaction or Telegram update taken and not yet answered (`inbox`).
    Inbox,
    /// A rent template's environment values, SSH password and Jupyter token (`rent_templates`).
    Template,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::CloreApiKey => "clore_api_key",
            SecretKind::SshPassword => "ssh_password",
            SecretKind::OrderLogin => "order_login",
            SecretKind::RentEnv => "rent_env",
            SecretKind::Inbox => "inbox",
            SecretKind::Template => "template",
        }
    }

    pub fn parse(s: &str) -> Option<SecretKind> {
        match s {
            "clore_api_key" => Some(SecretKind::CloreApiKey),
            "ssh_password" => Some(SecretKind::SshPassword),
            "order_login" => Some(SecretKind::OrderLogin),
            "rent_env" => Some(SecretKind::RentEnv),
            "inbox" => Some(SecretKind::Inbox),
            "template" => Some(SecretKind::Template),
            _ => None,
        }
    }
}

/// A secret as stored: which master key sealed it, its nonce, ciphertext and fingerprint.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_version: i32,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub fingerprint: String,
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealed")
            .field("key_version", &self.key_version)
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("{var} is not set: set it to a base64 master key (create one with `clorebot keys generate`)")]
    Missing { var: &'static str },
    #[error("{var}: {problem}")]
    Invalid { var: String, problem: String },
    #[error("this secret was sealed with master key version {0}, which is not in the keyring")]
    UnknownVersion(i32),
    #[error("this secret does not decrypt with master key version {0}: the key is wrong or the row was tampered with")]
    Decrypt(i32),
}

struct MasterKey {
    version: i32,
    cipher: XChaCha20Poly1305,
    fingerprint_key: SecretBox<[u8; 32]>,
}

/// The master keys, newest first. New writes use the newest; reads use the row's version.
pub struct Keyring {
    keys: Vec<MasterKey>,
    /// The variable the keys came from, for error messages.
    source: &'static str,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let versions: Vec<i32> = self.keys.iter().map(|k| k.version).collect();
        f.debug_struct("Keyring").field("versions", &versions).finish_non_exhaustive()
    }
}

impl Keyring {
    /// Builds a keyring from `(version, 32 raw bytes)` pairs, newest first.
    pub fn from_raw(keys: Vec<(i32, [u8; 32])>) -> Result<Keyring, CryptoError> {
        if keys.is_empty() {
            return Err(CryptoError::Missing { var: MASTER_KEY_VAR });
        }
        let mut out: Vec<MasterKey> = Vec::with_capacity(keys.len());
        for (version, raw) in keys {
            if version <= 0 {
                return Err(invalid(MASTER_KEYS_VAR, format!("key version {version} must be a positive number")));
            }
            if out.iter().any(|k| k.version == version) {
                return Err(invalid(MASTER_KEYS_VAR, format!("key version {version} appears twice")));
            }
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&raw).expect("HMAC takes any key length");
            mac.update(b"clorebot/fingerprint/v1");
            let fp: [u8; 32] = mac.finalize().into_bytes().into();
            let key = Key::from(raw);
            out.push(MasterKey {
                version,
                cipher: XChaCha20Poly1305::new(&key),
                fingerprint_key: SecretBox::new(Box::new(fp)),
            });
        }
        Ok(Keyring { keys: out, source: MASTER_KEY_VAR })
    }

    /// Parses the values of `CLOREBOT_MASTER_KEYS` (`3:<b64>,2:<b64>`, newest first) or,
    /// failing that, `CLOREBOT_MASTER_KEY` (one key, version 1), as `config` read them (from
    /// the variables or their `…_FILE`s): this module reads no environment.
    pub fn from_values(keys: Option<&str>, key: Option<&str>) -> Result<Keyring, CryptoError> {
        if let Some(ring) = keys {
            let mut keys = Vec::new();
            for part in ring.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let Some((v, b64)) = part.split_once(':') else {
                    return Err(invalid(
                        MASTER_KEYS_VAR,
                        "each entry must be <version>:<base64 key>, e.g. 2:AbC…,1:XyZ…",
                    ));
                };
                let version: i32 = v
                    .trim()
                    .parse()
                    .map_err(|_| invalid(MASTER_KEYS_VAR, format!("key version {:?} is not a number", v.trim())))?;
                keys.push((version, decode_key(MASTER_KEYS_VAR, version, b64)?));
            }
            if keys.is_empty() {
                return Err(invalid(MASTER_KEYS_VAR, "holds no keys"));
            }
            return Keyring::from_raw(keys).map(|r| Keyring { source: MASTER_KEYS_VAR, ..r });
        }
        match key {
            Some(b64) => Keyring::from_raw(vec![(1, decode_key(MASTER_KEY_VAR, 1, b64)?)]),
            None => Err(CryptoError::Missing { var: MASTER_KEY_VAR }),
        }
    }

    /// A keyring of one fresh random key, for `clorebot demo` (its database is thrown away).
    pub fn ephemeral() -> Keyring {
        let key = Key::generate();
        let raw: [u8; 32] = key.as_slice().try_into().expect("XChaCha20-Poly1305 keys are 32 bytes");
        Keyring::from_raw(vec![(1, raw)]).expect("one positive version is a valid keyring")
    }

    /// A new random master key, base64, for `clorebot keys generate`.
    pub fn generate_key_b64() -> String {
        let key = Key::generate();
        B64.encode(key.as_slice())
    }

    /// `CLOREBOT_MASTER_KEY` or `CLOREBOT_MASTER_KEYS`: where these keys came from.
    pub fn source(&self) -> &'static str {
        self.source
    }

    pub fn newest_version(&self) -> i32 {
        self.keys[0].version
    }

    pub fn versions(&self) -> Vec<i32> {
        self.keys.iter().map(|k| k.version).collect()
    }

    fn key(&self, version: i32) -> Result<&MasterKey, CryptoError> {
        self.keys.iter().find(|k| k.version == version).ok_or(CryptoError::UnknownVersion(version))
    }

    /// Encrypts `secret` for `user_id` under the newest master key.
    pub fn seal(&self, user_id: i64, kind: SecretKind, secret: &str) -> Sealed {
        self.seal_bound(user_id, kind, None, secret)
    }

    /// As [`Keyring::seal`], also bound to one row (`row`: its id), so the ciphertext opens
    /// only there.
    pub fn seal_bound(&self, user_id: i64, kind: SecretKind, row: Option<&str>, secret: &str) -> Sealed {
        let key = &self.keys[0];
        let nonce = XNonce::generate();
        let aad = aad(user_id, kind, key.version, row);
        let ciphertext = key
            .cipher
            .encrypt(&nonce, Payload { msg: secret.as_bytes(), aad: aad.as_bytes() })
            .expect("XChaCha20-Poly1305 encryption does not fail for in-memory buffers");
        Sealed { key_version: key.version, nonce: nonce.to_vec(), ciphertext, fingerprint: self.fingerprint(secret) }
    }

    /// Decrypts a stored secret of `user_id`. Fails if it belongs to another row or kind,
    /// was sealed under a key not in the ring, or was altered.
    pub fn open(&self, user_id: i64, kind: SecretKind, sealed: &Sealed) -> Result<SecretString, CryptoError> {
        self.open_bound(user_id, kind, None, sealed)
    }

    /// Opens what [`Keyring::seal_bound`] sealed for the same row.
    pub fn open_bound(
        &self,
        user_id: i64,
        kind: SecretKind,
        row: Option<&str>,
        sealed: &Sealed,
    ) -> Result<SecretString, CryptoError> {
        let key = self.key(sealed.key_version)?;
        let nonce = XNonce::try_from(sealed.nonce.as_slice()).map_err(|_| CryptoError::Decrypt(sealed.key_version))?;
        let aad = aad(user_id, kind, sealed.key_version, row);
        let plain = key
            .cipher
            .decrypt(&nonce, Payload { msg: &sealed.ciphertext, aad: aad.as_bytes() })
            .map_err(|_| CryptoError::Decrypt(sealed.key_version))?;
        let text = String::from_utf8(plain).map_err(|_| CryptoError::Decrypt(sealed.key_version))?;
        Ok(SecretString::from(text))
    }

    /// A short keyed hash of `secret` under the newest master key, shown as `fp:1a2b3c4d5e6f`.
    pub fn fingerprint(&self, secret: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.keys[0].fingerprint_key.expose_secret())
            .expect("HMAC takes any key length");
        mac.update(secret.as_bytes());
        let digest = mac.finalize().into_bytes();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        hex[..FINGERPRINT_HEX].to_owned()
    }
}

fn aad(user_id: i64, kind: SecretKind, version: i32, row: Option<&str>) -> String {
    let row = row.map(|r| format!("|row={r}")).unwrap_or_default();
    format!("clorebot/secret/v1|user={user_id}|kind={}|key_version={version}{row}", kind.as_str())
}

fn invalid(var: &str, problem: impl Into<String>) -> CryptoError {
    CryptoError::Invalid { var: var.to_owned(), problem: problem.into() }
}

fn decode_key(var: &str, version: i32, b64: &str) -> Result<[u8; 32], CryptoError> {
    let bytes = B64
        .decode(b64.trim())
        .map_err(|_| invalid(var, format!("master key version {version} is not valid base64")))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        invalid(
            var,
            format!("master key version {version} is {} bytes; it must be 32 (base64 of 32 random bytes)", bytes.len()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(keys: &[(i32, u8)]) -> Keyring {
        Keyring::from_raw(keys.iter().map(|&(v, b)| (v, [b; 32])).collect()).unwrap()
    }

    #[test]
    fn round_trip_and_fresh_nonces() {
        let r = ring(&[(1, 7)]);
        let a = r.seal(42, SecretKind::CloreApiKey, "k3y-of-user-42");
        let b = r.seal(42, SecretKind::CloreApiKey, "k3y-of-user-42");
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_eq!(a.fingerprint.len(), FINGERPRINT_HEX);
        assert_eq!(r.open(42, SecretKind::CloreApiKey, &a).unwrap().expose_secret(), "k3y-of-user-42");
    }

    #[test]
    fn bound_to_row_kind_and_version() {
        let r = ring(&[(2, 9), (1, 7)]);
        let s = r.seal(1, SecretKind::CloreApiKey, "secret");
        assert_eq!(s.key_version, 2);
        assert_eq!(r.open(2, SecretKind::CloreApiKey, &s).unwrap_err(), CryptoError::Decrypt(2));
        assert_eq!(r.open(1, SecretKind::SshPassword, &s).unwrap_err(), CryptoError::Decrypt(2));
        let relabelled = Sealed { key_version: 1, ..s.clone() };
        assert_eq!(r.open(1, SecretKind::CloreApiKey, &relabelled).unwrap_err(), CryptoError::Decrypt(1));
        let unknown = Sealed { key_version: 5, ..s };
        assert_eq!(r.open(1, SecretKind::CloreApiKey, &unknown).unwrap_err(), CryptoError::UnknownVersion(5));
        // Bound to a row: opens there only, and not as an unbound secret.
        let b = r.seal_bound(1, SecretKind::OrderLogin, Some("row-a"), "pw");
        assert_eq!(r.open_bound(1, SecretKind::OrderLogin, Some("row-a"), &b).unwrap().expose_secret(), "pw");
        assert_eq!(r.open_bound(1, SecretKind::OrderLogin, Some("row-b"), &b).unwrap_err(), CryptoError::Decrypt(2));
        assert_eq!(r.open(1, SecretKind::OrderLogin, &b).unwrap_err(), CryptoError::Decrypt(2));
    }

    #[test]
    fn wrong_master_key_fails_cleanly() {
        let s = ring(&[(1, 7)]).seal(3, SecretKind::CloreApiKey, "secret");
        assert_eq!(ring(&[(1, 8)]).open(3, SecretKind::CloreApiKey, &s).unwrap_err(), CryptoError::Decrypt(1));
    }

    #[test]
    fn parsing_names_the_variable() {
        let k1 = B64.encode([1u8; 32]);
        let k2 = B64.encode([2u8; 32]);
        let one = |v: &str| Keyring::from_values(None, Some(v));
        let many = |v: &str| Keyring::from_values(Some(v), None);

        assert_eq!(one(&k1).unwrap().versions(), vec![1]);
        assert_eq!(many(&format!("3:{k2}, 2:{k1}")).unwrap().versions(), vec![3, 2]);
        // The list wins over the single key.
        assert_eq!(Keyring::from_values(Some(&format!("3:{k2}")), Some(&k1)).unwrap().versions(), vec![3]);

        let e = Keyring::from_values(None, None).unwrap_err();
        assert!(e.to_string().contains("CLOREBOT_MASTER_KEY is not set"), "{e}");
        let e = one("short").unwrap_err();
        assert!(e.to_string().starts_with("CLOREBOT_MASTER_KEY: master key version 1"), "{e}");
        let e = one(&B64.encode([0u8; 16])).unwrap_err();
        assert!(e.to_string().contains("is 16 bytes; it must be 32"), "{e}");
        let e = many(&format!("x:{k1}")).unwrap_err();
        assert!(e.to_string().contains("CLOREBOT_MASTER_KEYS: key version \"x\""), "{e}");
        let e = many(&format!("1:{k1},1:{k2}")).unwrap_err();
        assert!(e.to_string().contains("appears twice"), "{e}");
        // No error ever repeats key material.
        assert!(!format!("{e:?}").contains(&k1));
    }

    #[test]
    fn generated_keys_load() {
        let k = Keyring::generate_key_b64();
        assert_eq!(B64.decode(&k).unwrap().len(), 32);
        assert!(Keyring::from_values(None, Some(&k)).is_ok());
        assert!(!format!("{:?}", ring(&[(1, 1)])).contains("cipher"));
    }
}
