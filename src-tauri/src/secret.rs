//! Passphrases and recovery keys as they arrive over IPC (issue 8 item 12): deserialized straight into a
//! zeroized-on-drop buffer of exactly their length, never into a plain `String`, and never shown by `Debug`.
//!
//! What this cannot reach: the webview's own copy of the text, and the JSON message Tauri holds while it
//! dispatches the command (docs/THREAT_MODEL.md says so).

use std::fmt;

use circlebook_core::{ExposeSecret, SecretString};
use serde::de::{self, Deserialize, Deserializer, Visitor};
use zeroize::Zeroize;

/// A secret typed by the person (a passphrase, a recovery key). Zeroized on drop; `Debug` shows no content.
pub struct Secret(SecretString);

impl Secret {
    /// The secret, for the core's functions that take a `SecretString`.
    pub fn into_inner(self) -> SecretString {
        self.0
    }

    /// The secret without the spaces and line breaks a person may type around (or inside) a recovery key,
    /// copied once into a new zeroized buffer of its exact length.
    pub fn without_whitespace(&self) -> SecretString {
        let text = self.0.expose_secret();
        let len = text.chars().filter(|c| !c.is_whitespace()).map(char::len_utf8).sum();
        let mut out = String::with_capacity(len);
        out.extend(text.chars().filter(|c| !c.is_whitespace()));
        exact(out)
    }
}

/// A `SecretString` from a `String` whose capacity is its length, so that no reallocation leaves a copy behind.
fn exact(text: String) -> SecretString {
    debug_assert_eq!(text.capacity(), text.len());
    SecretString::from(text)
}

fn copy_of(text: &str) -> SecretString {
    let mut out = String::with_capacity(text.len());
    out.push_str(text);
    exact(out)
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

struct SecretVisitor;

impl Visitor<'_> for SecretVisitor {
    type Value = Secret;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Secret, E> {
        Ok(Secret(copy_of(text)))
    }

    fn visit_string<E: de::Error>(self, mut text: String) -> Result<Secret, E> {
        let secret = copy_of(&text);
        text.zeroize();
        Ok(Secret(secret))
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(SecretVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: &str = "lantern orchard velvet compass drizzle";

    #[test]
    fn deserializes_from_json_and_debug_shows_nothing_of_it() {
        // As Tauri hands a command its argument: from a JSON value, and from JSON text.
        let value = serde_json::json!({ "passphrase": WORDS });
        let from_value = Secret::deserialize(&value["passphrase"]).expect("from a value");
        assert_eq!(from_value.0.expose_secret(), WORDS);
        let from_text: Secret = serde_json::from_str(&format!("\"{WORDS}\"")).expect("from text");
        assert_eq!(from_text.into_inner().expose_secret(), WORDS);

        let shown = format!("{from_value:?} {from_value:#?}");
        assert!(!shown.contains("lantern") && !shown.contains("drizzle"), "{shown}");
        assert!(serde_json::from_str::<Secret>("42").is_err(), "only a string is a secret");
    }

    #[test]
    fn a_recovery_key_loses_the_spaces_and_line_breaks_typed_with_it() {
        let typed: Secret = serde_json::from_str("\" AGE-SECRET-KEY-1ABC\\nDEF \"").expect("parses");
        assert_eq!(typed.without_whitespace().expose_secret(), "AGE-SECRET-KEY-1ABCDEF");
    }
}
