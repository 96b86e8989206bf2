//! OpenSSH public key lines, `type base64 [comment]`, checked down to the key they carry, so
//! that a truncated or made-up key is refused when it is saved rather than when a rented
//! server turns its owner away.
//!
//! The body is a key blob (RFC 4253 §6.6): length-prefixed fields, the type name first.
//! RustCrypto's `ssh-key` reads it with each type's rules: `ssh-ed25519` holds exactly one
//! 32-byte key (RFC 8709 §4); `ecdsa-sha2-nistp256/384/521` names its own curve and a point of
//! that curve's size (RFC 5656 §3.1); `ssh-rsa` holds the mpints e and n; the FIDO types
//! (`sk-…@openssh.com`, OpenSSH's PROTOCOL.u2f) add an application string. On top of that,
//! nothing may follow the key, an ECDSA point must be uncompressed as OpenSSH writes it, and
//! an RSA modulus must have at least [`RSA_MIN_BITS`] bits.

use ssh_encoding::Decode;
use ssh_key::public::KeyData;

use super::validate::{SSH_KEY_MAX, ValidationError};
use crate::t;

/// Key types OpenSSH writes in a public key line and Clore's servers accept.
const SSH_KEY_TYPES: [&str; 7] = [
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// The smallest RSA modulus accepted: NIST has disallowed shorter RSA keys for signatures
/// since 2013 (SP 800-131A), and `ssh-keygen` has never made a shorter one by default (3072
/// since OpenSSH 8.0); a 1024-bit key still in use is worth replacing, not saving.
pub const RSA_MIN_BITS: usize = 2048;

/// `Ok` if `line` is a public key line OpenSSH would accept for login; else what is wrong,
/// in the current language, without repeating the key.
pub fn check_ssh_key(line: &str) -> Result<(), ValidationError> {
    use base64::Engine;
    let bad = |why: String| ValidationError::new("ssh_key", why);
    let n = line.chars().count();
    if n > SSH_KEY_MAX {
        return Err(bad(t!("validate-too-long", n = n, max = SSH_KEY_MAX)));
    }
    if line.chars().any(char::is_control) {
        return Err(bad(t!("validate-ssh-one-line")));
    }
    let mut parts = line.split_whitespace();
    let (Some(kind), Some(body)) = (parts.next(), parts.next()) else {
        return Err(bad(t!("validate-ssh-not-a-key")));
    };
    if kind == "ssh-dss" {
        return Err(bad(t!("validate-ssh-dsa")));
    }
    if !SSH_KEY_TYPES.contains(&kind) {
        return Err(bad(t!("validate-ssh-type")));
    }
    let blob =
        base64::engine::general_purpose::STANDARD.decode(body).map_err(|_| bad(t!("validate-ssh-not-base64")))?;
    let named = blob
        .get(..4)
        .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize)
        .and_then(|len| blob.get(4..4usize.checked_add(len)?));
    if named != Some(kind.as_bytes()) {
        return Err(bad(t!("validate-ssh-mismatch")));
    }
    check_blob(kind, &blob).map_err(bad)
}

/// The blob, whose type name is known to be `kind`.
fn check_blob(kind: &str, blob: &[u8]) -> Result<(), String> {
    let malformed = || match kind {
        "ssh-ed25519" => t!("validate-ssh-ed25519", kind = kind),
        "ssh-rsa" => t!("validate-ssh-rsa"),
        k if k.starts_with("sk-") => t!("validate-ssh-sk", kind = kind),
        _ => t!("validate-ssh-ecdsa", kind = kind, bytes = ecdsa_point_len(kind)),
    };
    // `ssh-key` reads an ed25519 key's first 32 bytes whatever its field's length says; a
    // longer field would pass as a key followed by stray bytes.
    if kind.contains("ed25519") {
        let at = 4 + kind.len();
        let len = blob.get(at..at + 4).map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]));
        if len != Some(32) {
            return Err(malformed());
        }
    }
    let mut rest = blob;
    let key = KeyData::decode(&mut rest).map_err(|_| malformed())?;
    if !rest.is_empty() {
        return Err(t!("validate-ssh-trailing"));
    }
    if let Some(ec) = key.ecdsa() {
        point_ok(ec.as_sec1_bytes(), ecdsa_point_len(kind)).then_some(()).ok_or_else(malformed)?;
    }
    if let Some(sk) = key.sk_ecdsa_p256() {
        point_ok(sk.ec_point().as_bytes(), 65).then_some(()).ok_or_else(malformed)?;
    }
    if let Some(rsa) = key.rsa() {
        let (Some(e), Some(n)) = (rsa.e.as_positive_bytes(), rsa.n.as_positive_bytes()) else {
            return Err(malformed());
        };
        // e is odd and above 1; n's bits count from its first non-zero byte (mpints are minimal).
        if e.last().is_none_or(|b| b % 2 == 0) || e == [1] {
            return Err(malformed());
        }
        let bits = n.first().map_or(0, |b| (n.len() - 1) * 8 + (8 - b.leading_zeros() as usize));
        if bits < RSA_MIN_BITS {
            return Err(t!("validate-ssh-rsa-short", bits = bits, min = RSA_MIN_BITS));
        }
    }
    Ok(())
}

/// An uncompressed SEC1 point (`04 ‖ x ‖ y`), the only form OpenSSH writes and reads.
fn point_ok(point: &[u8], len: usize) -> bool {
    point.len() == len && point.first() == Some(&0x04)
}

/// The uncompressed point's size for the curve `kind` names.
fn ecdsa_point_len(kind: &str) -> usize {
    match kind {
        "ecdsa-sha2-nistp384" => 97,
        "ecdsa-sha2-nistp521" => 133,
        _ => 65,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    /// An SSH string field: a 4-byte big-endian length, then the bytes.
    fn field(bytes: &[u8]) -> Vec<u8> {
        let mut v = (bytes.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(bytes);
        v
    }

    fn line(kind: &str, fields: &[&[u8]]) -> String {
        let blob: Vec<u8> = fields.iter().flat_map(|f| field(f)).collect();
        format!("{kind} {} me@host", base64::engine::general_purpose::STANDARD.encode(blob))
    }

    fn problem(line: &str) -> String {
        check_ssh_key(line).unwrap_err().problem
    }

    /// A modulus of `bits` bits as a minimal mpint (a leading zero byte keeps it positive).
    fn modulus(bits: usize) -> Vec<u8> {
        let mut n = vec![0xff; bits / 8];
        n.insert(0, 0);
        n
    }

    #[test]
    fn real_keys_of_every_type_pass() {
        let p256 = [vec![4u8], vec![7; 64]].concat();
        let p384 = [vec![4u8], vec![7; 96]].concat();
        let p521 = [vec![4u8], vec![7; 132]].concat();
        let keys = [
            // ssh-keygen -t ed25519, as the docs and the tests elsewhere use it.
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g me@host".to_owned(),
            line("ssh-ed25519", &[b"ssh-ed25519", &[9; 32]]),
            line("ssh-rsa", &[b"ssh-rsa", &[1, 0, 1], &modulus(2048)]),
            line("ssh-rsa", &[b"ssh-rsa", &[3], &modulus(4096)]),
            line("ecdsa-sha2-nistp256", &[b"ecdsa-sha2-nistp256", b"nistp256", &p256]),
            line("ecdsa-sha2-nistp384", &[b"ecdsa-sha2-nistp384", b"nistp384", &p384]),
            line("ecdsa-sha2-nistp521", &[b"ecdsa-sha2-nistp521", b"nistp521", &p521]),
            line("sk-ssh-ed25519@openssh.com", &[b"sk-ssh-ed25519@openssh.com", &[9; 32], b"ssh:"]),
            line(
                "sk-ecdsa-sha2-nistp256@openssh.com",
                &[b"sk-ecdsa-sha2-nistp256@openssh.com", b"nistp256", &p256, b"ssh:"],
            ),
        ];
        for k in &keys {
            assert_eq!(check_ssh_key(k), Ok(()), "{k}");
        }
    }

    /// Random bytes after each type's name get an answer (no panic), and it is a refusal:
    /// none of them has the length fields a key needs.
    #[test]
    fn random_bodies_get_an_answer() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(25);
        for kind in SSH_KEY_TYPES {
            for _ in 0..2_000 {
                let n = rng.random_range(0..200);
                let tail: Vec<u8> = (0..n).map(|_| rng.random()).collect();
                let blob = [field(kind.as_bytes()), tail].concat();
                let k = format!("{kind} {}", base64::engine::general_purpose::STANDARD.encode(blob));
                assert!(check_ssh_key(&k).is_err(), "{k}");
            }
        }
    }

    /// Each blob names its type correctly but does not hold that type's key.
    #[test]
    fn a_body_without_its_key_is_refused_by_what_is_missing() {
        let p256 = [vec![4u8], vec![7; 64]].concat();
        let compressed = [vec![2u8], vec![7; 32]].concat();
        let ed = "ssh-ed25519 key body that does not hold exactly one 32-byte key";
        let cases: Vec<(String, String)> = vec![
            // The probe's key: the 19-byte blob is the type name alone.
            (line("ssh-ed25519", &[b"ssh-ed25519"]), ed.into()),
            (line("ssh-ed25519", &[b"ssh-ed25519", &[9; 31]]), ed.into()),
            (line("ssh-ed25519", &[b"ssh-ed25519", &[9; 33]]), ed.into()),
            (line("ssh-ed25519", &[b"ssh-ed25519", &[9; 32], b"x"]), "has bytes after the key".into()),
            (line("ssh-rsa", &[b"ssh-rsa", &[1, 0, 1]]), "not an RSA key".into()),
            (line("ssh-rsa", &[b"ssh-rsa", &[2], &modulus(2048)]), "not an RSA key".into()),
            (
                line("ssh-rsa", &[b"ssh-rsa", &[1, 0, 1], &modulus(1024)]),
                "is a 1024-bit RSA key; at least 2048 bits".into(),
            ),
            (line("ssh-rsa", &[b"ssh-rsa", &[1, 0, 1], &[0xff; 256]]), "not an RSA key".into()),
            (
                line("ecdsa-sha2-nistp256", &[b"ecdsa-sha2-nistp256", b"nistp384", &p256]),
                "curve name or point does not match".into(),
            ),
            (line("ecdsa-sha2-nistp384", &[b"ecdsa-sha2-nistp384", b"nistp384", &p256]), "97 bytes".into()),
            (line("ecdsa-sha2-nistp256", &[b"ecdsa-sha2-nistp256", b"nistp256", &compressed]), "65 bytes".into()),
            (
                line("sk-ssh-ed25519@openssh.com", &[b"sk-ssh-ed25519@openssh.com", &[9; 32]]),
                "not a whole security-key".into(),
            ),
            (line("ssh-dss", &[b"ssh-dss", &[1], &[1], &[1], &[1]]), "DSA (ssh-dss)".into()),
            (line("ssh-rsa", &[b"ssh-ed25519", &[9; 32]]), "does not match its type".into()),
        ];
        for (k, want) in &cases {
            let p = problem(k);
            assert!(p.contains(want.as_str()), "{k} → {p:?}; expected {want:?}");
            assert!(!p.contains("AAAA"), "the key is never repeated: {p}");
        }
    }
}
