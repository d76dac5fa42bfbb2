//! Short forms of case text for calm tables: first lines, truncation, vocabulary words as words, dates.

use chrono::{DateTime, Utc};

/// The first line with text, without Markdown heading marks.
pub fn first_line(text: &str) -> &str {
    text.lines().map(|l| l.trim().trim_start_matches('#').trim()).find(|l| !l.is_empty()).unwrap_or("")
}

/// At most `max` characters, ending with `…` when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// A vocabulary word as words: `follow_up` → `follow up`.
pub fn label(word: impl std::fmt::Display) -> String {
    word.to_string().replace('_', " ")
}

pub fn day(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

pub fn minute(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms() {
        assert_eq!(first_line("\n## Preparation meeting\n\n*Demo*"), "Preparation meeting");
        assert_eq!(clip("To be heard in my own words", 12), "To be heard…");
        assert_eq!(clip("short", 12), "short");
        assert_eq!(label("follow_up"), "follow up");
    }
}
