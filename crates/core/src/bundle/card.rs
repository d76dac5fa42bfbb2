//! The contact card: one line of text that publishes a vault's age recipient and signing key with a display
//! name, self-signed, so that a card with a swapped recipient or key does not parse.
//!
//! `circlebook-card-1 RECIPIENT SIGNING_KEY NAME SIGNATURE`, fields separated by one space: RECIPIENT the age
//! recipient (`age1…`), SIGNING_KEY the Ed25519 public key and NAME the UTF-8 display name, both unpadded
//! URL-safe base64, SIGNATURE the Ed25519 signature (unpadded URL-safe base64) by SIGNING_KEY over
//! `"circlebook contact card v1\n" ‖ RECIPIENT ‖ "\n" ‖ SIGNING_KEY ‖ "\n" ‖ NAME ‖ "\n"` (the texts as written).
//! The name is only a claim: the fingerprint, compared by voice, is what identifies a person.

use std::str::FromStr;

use age::x25519;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::keys::{Fingerprint, PublicKey, SigningIdentity};

/// The card's format tag.
pub const CARD_TAG: &str = "circlebook-card-1";
const CARD_DOMAIN: &[u8] = b"circlebook contact card v1\n";
/// The longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A parsed, self-signature-checked contact card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactCard {
    pub recipient: String,
    pub signing_key: PublicKey,
    pub name: String,
}

/// Why a card was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CardError {
    /// Not five space-separated fields starting with the format tag.
    #[error("this is not a Circlebook contact card (expected one line starting with `{CARD_TAG}`)")]
    NotACard,
    /// One field is not what it must be.
    #[error("the contact card's {0} is malformed")]
    Malformed(&'static str),
    /// The self-signature does not match: the card was altered (a swapped key or recipient) or damaged.
    #[error("the contact card's signature does not match its content: it was altered or copied wrongly")]
    BadSignature,
}

/// Checks a display name: 1 to [`MAX_NAME_CHARS`] characters, no control characters, no outer spaces.
pub fn valid_name(name: &str) -> bool {
    let count = name.chars().count();
    (1..=MAX_NAME_CHARS).contains(&count) && name.trim() == name && !name.chars().any(char::is_control)
}

fn signed_text(recipient: &str, key: &str, name: &str) -> Vec<u8> {
    format!("{recipient}\n{key}\n{name}\n").into_bytes()
}

impl ContactCard {
    /// This vault's card under a display name.
    pub fn write(me: &SigningIdentity, name: &str) -> Result<String, CardError> {
        if !valid_name(name) {
            return Err(CardError::Malformed("name"));
        }
        let key = me.public().to_text();
        let name = URL_SAFE_NO_PAD.encode(name.as_bytes());
        let sig = me.sign(CARD_DOMAIN, &signed_text(me.recipient(), &key, &name));
        Ok(format!("{CARD_TAG} {} {key} {name} {}", me.recipient(), URL_SAFE_NO_PAD.encode(sig)))
    }

    /// Parses a card strictly (surrounding white space aside) and checks its self-signature.
    pub fn parse(text: &str) -> Result<ContactCard, CardError> {
        let text = text.trim();
        let fields: Vec<&str> = text.split(' ').collect();
        if fields.len() != 5 || fields[0] != CARD_TAG {
            return Err(CardError::NotACard);
        }
        let (recipient, key_text, name_text, sig_text) = (fields[1], fields[2], fields[3], fields[4]);
        let parsed = x25519::Recipient::from_str(recipient).map_err(|_| CardError::Malformed("recipient"))?;
        if parsed.to_string() != recipient {
            return Err(CardError::Malformed("recipient"));
        }
        let signing_key = PublicKey::from_text(key_text).ok_or(CardError::Malformed("signing key"))?;
        let name_bytes = URL_SAFE_NO_PAD.decode(name_text).map_err(|_| CardError::Malformed("name"))?;
        if URL_SAFE_NO_PAD.encode(&name_bytes) != name_text {
            return Err(CardError::Malformed("name"));
        }
        let name = String::from_utf8(name_bytes).map_err(|_| CardError::Malformed("name"))?;
        if !valid_name(&name) {
            return Err(CardError::Malformed("name"));
        }
        let sig = URL_SAFE_NO_PAD.decode(sig_text).map_err(|_| CardError::Malformed("signature"))?;
        let sig: [u8; 64] = sig.try_into().map_err(|_| CardError::Malformed("signature"))?;
        if URL_SAFE_NO_PAD.encode(sig) != sig_text {
            return Err(CardError::Malformed("signature"));
        }
        if !signing_key.verify(CARD_DOMAIN, &signed_text(recipient, key_text, name_text), &sig) {
            return Err(CardError::BadSignature);
        }
        Ok(ContactCard { recipient: recipient.to_owned(), signing_key, name })
    }

    /// The card owner's own fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.signing_key, &self.recipient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> SigningIdentity {
        SigningIdentity::derive(&x25519::Identity::generate())
    }

    #[test]
    fn a_card_round_trips_as_one_line() {
        let me = me();
        let text = ContactCard::write(&me, "Ana (survivor specialist) ✓").expect("card");
        assert!(!text.contains('\n'));
        let card = ContactCard::parse(&format!("  {text}\n")).expect("parses");
        assert_eq!(card.recipient, me.recipient());
        assert_eq!(card.signing_key, me.public());
        assert_eq!(card.name, "Ana (survivor specialist) ✓");
        assert_eq!(card.fingerprint(), me.fingerprint());
    }

    #[test]
    fn a_swapped_recipient_key_or_name_is_refused() {
        let me = me();
        let text = ContactCard::write(&me, "Ana").expect("card");
        let f: Vec<&str> = text.split(' ').collect();
        let other = me_other();
        let swapped_recipient = [f[0], other.recipient(), f[2], f[3], f[4]].join(" ");
        assert_eq!(ContactCard::parse(&swapped_recipient), Err(CardError::BadSignature));
        let key = other.public().to_text();
        let swapped_key = [f[0], f[1], &key, f[3], f[4]].join(" ");
        assert_eq!(ContactCard::parse(&swapped_key), Err(CardError::BadSignature));
        let name = URL_SAFE_NO_PAD.encode("Bea");
        let renamed = [f[0], f[1], f[2], &name, f[4]].join(" ");
        assert_eq!(ContactCard::parse(&renamed), Err(CardError::BadSignature));
    }

    fn me_other() -> SigningIdentity {
        me()
    }

    #[test]
    fn malformed_cards_are_refused_with_what_is_wrong() {
        let text = ContactCard::write(&me(), "Ana").expect("card");
        assert_eq!(ContactCard::parse("hello"), Err(CardError::NotACard));
        assert_eq!(ContactCard::parse(&text.replacen(' ', "  ", 1)), Err(CardError::NotACard));
        assert_eq!(ContactCard::parse(&text.replace(CARD_TAG, "circlebook-card-2")), Err(CardError::NotACard));
        let f: Vec<&str> = text.split(' ').collect();
        let upper = f[1].to_uppercase();
        assert_eq!(
            ContactCard::parse(&[f[0], &upper, f[2], f[3], f[4]].join(" ")),
            Err(CardError::Malformed("recipient"))
        );
        assert_eq!(
            ContactCard::parse(&[f[0], f[1], "abc", f[3], f[4]].join(" ")),
            Err(CardError::Malformed("signing key"))
        );
        assert_eq!(
            ContactCard::parse(&[f[0], f[1], f[2], f[3], "abc"].join(" ")),
            Err(CardError::Malformed("signature"))
        );
        let control = URL_SAFE_NO_PAD.encode("A\u{1b}]0;x");
        assert_eq!(
            ContactCard::parse(&[f[0], f[1], f[2], &control, f[4]].join(" ")),
            Err(CardError::Malformed("name"))
        );
        assert_eq!(ContactCard::write(&me(), " Ana"), Err(CardError::Malformed("name")));
        assert_eq!(ContactCard::write(&me(), ""), Err(CardError::Malformed("name")));
    }
}
