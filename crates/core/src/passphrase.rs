//! Passphrase quality: a well-kept strength estimator (zxcvbn), explained in words a person understands.

use secrecy::{ExposeSecret, SecretString};

/// The lowest zxcvbn score (0–4) a vault passphrase may have: "safely unguessable" is 3.
pub const MIN_SCORE: u8 = 3;

/// A passphrase was refused; `reason` says why and what would help.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{reason}")]
pub struct WeakPassphrase {
    /// A sentence or two for the person choosing the passphrase.
    pub reason: String,
}

/// Refuses passphrases that are too easy to guess, with a reason.
pub fn check_passphrase(passphrase: &SecretString) -> Result<(), WeakPassphrase> {
    let text = passphrase.expose_secret();
    if text.chars().count() < 12 {
        return Err(WeakPassphrase {
            reason: "This passphrase is too short. Use at least 12 characters; four or five unrelated words work well."
                .into(),
        });
    }
    let estimate = zxcvbn::zxcvbn(text, &[]);
    if (estimate.score() as u8) >= MIN_SCORE {
        return Ok(());
    }
    let mut reason = String::from("This passphrase would be too easy to guess.");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            reason.push(' ');
            reason.push_str(&warning.to_string());
        }
        for suggestion in feedback.suggestions() {
            reason.push(' ');
            reason.push_str(&suggestion.to_string());
        }
    }
    if !reason.contains("words") {
        reason.push_str(" Four or five unrelated words work well.");
    }
    Err(WeakPassphrase { reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(p: &str) -> Result<(), WeakPassphrase> {
        check_passphrase(&SecretString::from(p.to_owned()))
    }

    #[test]
    fn refuses_short_and_common_passphrases_with_a_reason() {
        let short = check("tr0ub4dor").expect_err("short");
        assert!(short.reason.contains("too short"), "{}", short.reason);
        let common = check("password1234").expect_err("common");
        assert!(common.reason.contains("too easy to guess"), "{}", common.reason);
        assert!(check("aaaaaaaaaaaaaaaa").is_err());
    }

    #[test]
    fn accepts_a_long_unusual_passphrase() {
        check("lantern orchard velvet compass drizzle").expect("strong");
    }
}
