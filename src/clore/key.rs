//! The caller's Clore API key: a secret from the moment it is parsed.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::validate::ValidationError;

/// Upper bound on a key's length; Clore's keys are 32 characters, this only stops garbage.
const KEY_MAX: usize = 256;
const KEY_MIN: usize = 8;

#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Accepts a key as a user pastes it (surrounding whitespace trimmed). The error never
    /// repeats the key.
    pub fn parse(raw: &str) -> Result<ApiKey, ValidationError> {
        let k = raw.trim();
        if k.is_empty() {
            return Err(ValidationError::new("API key", crate::t!("key-problem-empty")));
        }
        if !k.chars().all(|c| c.is_ascii_graphic()) {
            return Err(ValidationError::new("API key", crate::t!("key-problem-chars")));
        }
        if k.len() < KEY_MIN || k.len() > KEY_MAX {
            return Err(ValidationError::new("API key", crate::t!("key-problem-length", min = KEY_MIN, max = KEY_MAX)));
        }
        Ok(ApiKey(SecretString::from(k.to_owned())))
    }

    /// The key itself, for the `auth` header and for encryption at rest only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// A stable, non-reversible identity for per-key bookkeeping (rate limiters) so that the
    /// key itself is not kept as a map key.
    pub fn limiter_id(&self) -> [u8; 32] {
        Sha256::digest(self.expose().as_bytes()).into()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}
