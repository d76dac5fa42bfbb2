//! Standard output, in one place: human lines, or JSON for `--json`. Nothing else in the crate writes to stdout.
//!
//! Stored text is never printed raw (issue 8 item 10): a case could hold `ESC ] 0;…` (set the terminal's title),
//! cursor moves or bidi overrides that make a line read differently from what it holds. Human output keeps its
//! newlines and shows every other C0 control, DEL, C1 control and bidi control as a visible escape (`\x1b`,
//! `\u{202e}`); JSON output writes them as `\uXXXX` escapes, which decode to the same text.

use std::fmt::Display;
use std::io::Write;

use serde::Serialize;

/// Whether a character must not reach a terminal as it is: C0 controls (newline aside), DEL, C1 controls, and
/// the bidi controls that reorder what is shown (embeddings, overrides, isolates, marks).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character shown as a visible escape; newlines stay.
pub fn neutralise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if !is_unsafe(c) => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out
}

/// JSON text with every unsafe character written as a `\uXXXX` escape. Outside strings JSON is ASCII, so this
/// only touches string contents, and the value read back is the same.
pub fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_unsafe(c) && c != '\t' && c != '\r' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes one line for people, neutralised (a closed pipe is not an error worth reporting).
pub fn line(text: impl Display) {
    let _ = writeln!(std::io::stdout().lock(), "{}", neutralise(&text.to_string()));
}

/// Writes `text` neutralised but otherwise as it is (it ends with its own newline, as CSV does).
pub fn text(text: &str) {
    let _ = std::io::stdout().lock().write_all(neutralise(text).as_bytes());
}

fn write_json(text: serde_json::Result<String>) {
    match text {
        Ok(text) => {
            let _ = writeln!(std::io::stdout().lock(), "{}", json_safe(&text));
        }
        Err(e) => eprintln!("error: the output could not be written as JSON: {e}"),
    }
}

/// What the vault's unlock reported (torn tails moved aside, ...): each one is written to stderr when it happens,
/// and every JSON object this command prints carries them as `vault_notices`.
static NOTICES: std::sync::Mutex<Vec<serde_json::Value>> = std::sync::Mutex::new(Vec::new());

/// Reports the vault's notices: a `warning:` line each on stderr now, and `vault_notices` in the JSON output.
pub fn vault_notices(notices: &[circlebook_core::vault::Notice]) {
    for notice in notices {
        error_line(format!("warning: {notice}"));
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
    write_json(value.and_then(|v| serde_json::to_string(&v)))
}

/// Writes `value` as indented JSON, for people.
pub fn json_pretty(value: &impl Serialize) {
    write_json(serde_json::to_string_pretty(value))
}

/// One line on stderr, neutralised.
pub fn error_line(text: impl Display) {
    eprintln!("{}", neutralise(&text.to_string()));
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
    fn controls_and_bidi_are_shown_not_obeyed() {
        let stored = "Heron\u{1b}]0;owned\u{7}\r\n\tline two \u{9b}2J \u{202e}evil\u{2069}\u{7f} caf\u{e9}";
        assert_eq!(
            super::neutralise(stored),
            "Heron\\x1b]0;owned\\x07\\x0d\n\\x09line two \\x9b2J \\u{202e}evil\\u{2069}\\x7f caf\u{e9}"
        );
        let json = serde_json::to_string(&stored).expect("json");
        let safe = super::json_safe(&json);
        assert!(safe.chars().all(|c| !super::is_unsafe(c)), "{safe}");
        assert_eq!(serde_json::from_str::<String>(&safe).expect("still JSON"), stored);
    }

    #[test]
    fn bytes_read_naturally() {
        assert_eq!(super::bytes(812), "812 B");
        assert_eq!(super::bytes(3_400), "3.4 KB");
        assert_eq!(super::bytes(12_000_000), "12.0 MB");
    }
}
