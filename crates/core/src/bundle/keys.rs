//! The vault's signing key (Ed25519, derived from its age identity with HKDF-SHA256: no second secret to back
//! up) and the fingerprints two people read aloud to each other (Signal's safety-number construction).

use age::x25519;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use hkdf::Hkdf;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

/// HKDF salt and info: changing either changes every vault's signing key (a new format version).
const HKDF_SALT: &[u8] = b"circlebook signing key salt v1";
const HKDF_INFO: &[u8] = b"circlebook ed25519 signing key v1";

/// Rounds of SHA-512 per fingerprint half (Signal uses 5200).
pub const FINGERPRINT_ROUNDS: usize = 5200;

/// A vault's signing key and its age recipient: what it signs bundles and its contact card with.
pub struct SigningIdentity {
    key: SigningKey,
    recipient: String,
}

impl std::fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningIdentity").field("public", &self.public().to_text()).finish_non_exhaustive()
    }
}

impl SigningIdentity {
    /// Derives the signing key from the vault's age identity: `HKDF-SHA256(salt, IDENTITY, info)`, IDENTITY the
    /// recovery key's text. The same identity always gives the same key.
    pub fn derive(identity: &x25519::Identity) -> SigningIdentity {
        let secret = identity.to_string();
        let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), secret.expose_secret().as_bytes());
        let mut seed = Zeroizing::new([0u8; 32]);
        hk.expand(HKDF_INFO, &mut seed[..]).expect("32 bytes is a valid HKDF-SHA256 length");
        SigningIdentity { key: SigningKey::from_bytes(&seed), recipient: identity.to_public().to_string() }
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.key.verifying_key())
    }

    /// The vault's age recipient (`age1…`).
    pub fn recipient(&self) -> &str {
        &self.recipient
    }

    /// Signs `domain ‖ message`; every use has its own domain line, so a signature made for one purpose (a card)
    /// never verifies for another (a manifest).
    pub fn sign(&self, domain: &[u8], message: &[u8]) -> [u8; 64] {
        let mut bytes = Vec::with_capacity(domain.len() + message.len());
        bytes.extend_from_slice(domain);
        bytes.extend_from_slice(message);
        self.key.sign(&bytes).to_bytes()
    }

    /// This vault's own fingerprint (30 digits in groups of five).
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.public(), &self.recipient)
    }
}

/// An Ed25519 public key, written as 43 characters of unpadded URL-safe base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parses the text form strictly (exactly 43 characters, a valid curve point, not a weak key).
    pub fn from_text(text: &str) -> Option<PublicKey> {
        if text.len() != 43 {
            return None;
        }
        let bytes: [u8; 32] = URL_SAFE_NO_PAD.decode(text).ok()?.try_into().ok()?;
        let key = VerifyingKey::from_bytes(&bytes).ok()?;
        if key.is_weak() {
            return None;
        }
        // Only one text per key (no non-canonical trailing bits).
        (URL_SAFE_NO_PAD.encode(bytes) == text).then_some(PublicKey(key))
    }

    pub fn to_text(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0.as_bytes())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// Checks a signature over `domain ‖ message` (strict: no malleable signatures).
    pub fn verify(&self, domain: &[u8], message: &[u8], signature: &[u8; 64]) -> bool {
        let mut bytes = Vec::with_capacity(domain.len() + message.len());
        bytes.extend_from_slice(domain);
        bytes.extend_from_slice(message);
        let signature = Signature::from_bytes(signature);
        self.0.verify_strict(&bytes, &signature).is_ok() && self.0.verify(&bytes, &signature).is_ok()
    }
}

/// Digits people compare by voice: one side's 30, or a pair's 60 (the two sides sorted and joined, so that both
/// screens show the same number). Shown in groups of five.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// One side's number: `H = SHA-512(version ‖ signing key ‖ recipient)`, then [`FINGERPRINT_ROUNDS`] times
    /// `H = SHA-512(H ‖ signing key)`; the first 30 bytes, in six chunks of five, each read as a big-endian number
    /// modulo 100000 and written as 5 digits.
    pub fn of(key: &PublicKey, recipient: &str) -> Fingerprint {
        let mut hash = Sha512::new()
            .chain_update([0u8, 1])
            .chain_update(key.as_bytes())
            .chain_update(recipient.as_bytes())
            .finalize();
        for _ in 0..FINGERPRINT_ROUNDS {
            hash = Sha512::new().chain_update(hash).chain_update(key.as_bytes()).finalize();
        }
        let mut digits = String::with_capacity(30);
        for chunk in hash[..30].chunks(5) {
            let n = chunk.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            digits.push_str(&format!("{:05}", n % 100_000));
        }
        Fingerprint(digits)
    }

    /// The pair's number: both sides' digits, the smaller first.
    pub fn pair(a: &Fingerprint, b: &Fingerprint) -> Fingerprint {
        let (first, second) = if a <= b { (a, b) } else { (b, a) };
        Fingerprint(format!("{}{}", first.0, second.0))
    }

    /// The digits without spaces.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Fingerprint {
    /// Groups of five digits separated by spaces.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let groups: Vec<&str> =
            self.0.as_bytes().chunks(5).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
        f.write_str(&groups.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signing_key_is_derived_the_same_way_every_time_and_differs_per_vault() {
        let identity = x25519::Identity::generate();
        assert_eq!(SigningIdentity::derive(&identity).public(), SigningIdentity::derive(&identity).public());
        let other = x25519::Identity::generate();
        assert_ne!(SigningIdentity::derive(&identity).public(), SigningIdentity::derive(&other).public());
    }

    #[test]
    fn signatures_are_bound_to_their_domain() {
        let me = SigningIdentity::derive(&x25519::Identity::generate());
        let sig = me.sign(b"card\n", b"hello");
        assert!(me.public().verify(b"card\n", b"hello", &sig));
        assert!(!me.public().verify(b"manifest\n", b"hello", &sig));
        assert!(!me.public().verify(b"card\n", b"hellO", &sig));
    }

    #[test]
    fn public_keys_have_one_text() {
        let me = SigningIdentity::derive(&x25519::Identity::generate());
        let text = me.public().to_text();
        assert_eq!(PublicKey::from_text(&text), Some(me.public()));
        assert_eq!(PublicKey::from_text(&format!("{text}A")), None);
        assert_eq!(PublicKey::from_text(&text[1..]), None);
        // The small-order point (all zero but the sign bit conventions) is refused.
        assert_eq!(PublicKey::from_text(&URL_SAFE_NO_PAD.encode([0u8; 32])), None);
    }

    #[test]
    fn both_sides_see_the_same_pair_number_in_groups_of_five() {
        let a = SigningIdentity::derive(&x25519::Identity::generate()).fingerprint();
        let b = SigningIdentity::derive(&x25519::Identity::generate()).fingerprint();
        assert_eq!(a.digits().len(), 30);
        assert!(a.digits().bytes().all(|c| c.is_ascii_digit()));
        assert_eq!(Fingerprint::pair(&a, &b), Fingerprint::pair(&b, &a));
        assert_eq!(Fingerprint::pair(&a, &b).digits().len(), 60);
        let shown = a.to_string();
        assert_eq!(shown.split(' ').count(), 6);
        assert!(shown.split(' ').all(|g| g.len() == 5));
    }

    #[test]
    fn the_fingerprint_covers_both_keys() {
        let one = SigningIdentity::derive(&x25519::Identity::generate());
        let other = x25519::Identity::generate().to_public().to_string();
        assert_ne!(one.fingerprint(), Fingerprint::of(&one.public(), &other));
    }
}
