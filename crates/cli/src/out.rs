//! Standard output, in one place: human lines, or JSON for `--json`. Nothing else in the crate writes to stdout.

use std::fmt::Display;
use std::io::Write;

use serde::Serialize;

/// Writes one line (a closed pipe is not an error worth reporting).
pub fn line(text: impl Display) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// Writes `text` as it is (it ends with its own newline, as CSV does).
pub fn text(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// What the vault's unlock reported (torn tails moved aside, ...): each one is written to stderr when it happens,
/// and every JSON object this command prints carries them as `vault_notices`.
static NOTICES: std::sync::Mutex<Vec<serde_json::Value>> = std::sync::Mutex::new(Vec::new());

/// Reports the vault's notices: a `warning:` line each on stderr now, and `vault_notices` in the JSON output.
pub fn vault_notices(notices: &[circlebook_core::vault::Notice]) {
    for notice in notices {
        eprintln!("warning: {notice}");
        if let Ok(value) = serde_json::to_value(notice) {
            NOTICES.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(value);
        }
    }
}

/// Writes `value` as one line of JSON.
pub fn json(value: &impl Serialize) {
    let notices = NOTICES.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    let value = match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(mut object)) if !notices.is_empty() => {
            object.insert("vault_notices".into(), serde_json::Value::Array(notices));
            Ok(serde_json::Value::Object(object))
        }
        other => other,
    };
    match value.and_then(|v| serde_json::to_string(&v)) {
        Ok(text) => line(text),
        Err(e) => eprintln!("error: the output could not be written as JSON: {e}"),
    }
}

/// A byte count for people: `812 B`, `3.4 KB`, `12.0 MB` (powers of 1000).
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n < 1000.0 {
        format!("{n} B")
    } else if n < 1e6 {
        format!("{:.1} KB", n / 1e3)
    } else if n < 1e9 {
        format!("{:.1} MB", n / 1e6)
    } else {
        format!("{:.2} GB", n / 1e9)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytes_read_naturally() {
        assert_eq!(super::bytes(812), "812 B");
        assert_eq!(super::bytes(3_400), "3.4 KB");
        assert_eq!(super::bytes(12_000_000), "12.0 MB");
    }
}
