//! Discord signs every interaction it POSTs: Ed25519 over `X-Signature-Timestamp` followed by
//! the body, with the application's public key. Nothing is parsed before this passes.

use ed25519_dalek::{Signature, VerifyingKey};

/// How far a request's timestamp may be from our clock: older ones may be replays.
pub const MAX_SKEW_SECS: i64 = 300;

/// Why a request was refused (all answered 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// A header is missing or not what Discord sends.
    Malformed,
    /// The signature does not verify with the application's key.
    BadSignature,
    /// The timestamp is more than [`MAX_SKEW_SECS`] away.
    Stale,
}

/// The application's public key (`DISCORD_PUBLIC_KEY`).
#[derive(Clone)]
pub struct Verifier(VerifyingKey);

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Verifier({})", hex::encode(self.0.to_bytes()))
    }
}

impl Verifier {
    /// From the 64 hex digits the developer portal shows.
    pub fn from_hex(key: &str) -> Result<Verifier, String> {
        let mut k = [0u8; 32];
        hex::decode_to_slice(key.trim(), &mut k).map_err(|_| "must be 64 hex digits".to_owned())?;
        VerifyingKey::from_bytes(&k).map(Verifier).map_err(|_| "is not an Ed25519 public key".to_owned())
    }

    /// Checks `signature` (hex) over `timestamp` + `body`, and that `timestamp` (Unix seconds)
    /// is within [`MAX_SKEW_SECS`] of `now`.
    pub fn verify(&self, signature: &str, timestamp: &str, body: &[u8], now: i64) -> Result<(), Refused> {
        let mut s = [0u8; 64];
        hex::decode_to_slice(signature.trim(), &mut s).map_err(|_| Refused::Malformed)?;
        let sent: i64 = timestamp.trim().parse().map_err(|_| Refused::Malformed)?;
        let mut signed = Vec::with_capacity(timestamp.len() + body.len());
        signed.extend_from_slice(timestamp.as_bytes());
        signed.extend_from_slice(body);
        self.0.verify_strict(&signed, &Signature::from_bytes(&s)).map_err(|_| Refused::BadSignature)?;
        if (now - sent).abs() > MAX_SKEW_SECS {
            return Err(Refused::Stale);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn signed(key: &SigningKey, ts: &str, body: &[u8]) -> String {
        hex::encode(key.sign(&[ts.as_bytes(), body].concat()).to_bytes())
    }

    #[test]
    fn only_a_fresh_request_signed_with_the_application_key_passes() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let v = Verifier::from_hex(&hex::encode(key.verifying_key().to_bytes())).unwrap();
        let body = br#"{"type":1}"#;
        let now = 1_764_000_000;
        let ts = now.to_string();
        assert_eq!(v.verify(&signed(&key, &ts, body), &ts, body, now), Ok(()));
        // Another body, another key, a stale or future timestamp, garbage headers.
        assert_eq!(v.verify(&signed(&key, &ts, body), &ts, br#"{"type":2}"#, now), Err(Refused::BadSignature));
        let other = SigningKey::from_bytes(&[8; 32]);
        assert_eq!(v.verify(&signed(&other, &ts, body), &ts, body, now), Err(Refused::BadSignature));
        let old = (now - 301).to_string();
        assert_eq!(v.verify(&signed(&key, &old, body), &old, body, now), Err(Refused::Stale));
        let ahead = (now + 301).to_string();
        assert_eq!(v.verify(&signed(&key, &ahead, body), &ahead, body, now), Err(Refused::Stale));
        assert_eq!(v.verify("zz", &ts, body, now), Err(Refused::Malformed));
        assert_eq!(v.verify(&signed(&key, "soon", body), "soon", body, now), Err(Refused::Malformed));
        assert!(Verifier::from_hex("abc").is_err());
    }
}
