//! Snippets for search results, made in Rust from the few records shown rather than by FTS5's `snippet()`,
//! which would need a second full-text pass over every match. Words are cut and folded as the index's tokenizer
//! does (`unicode61 remove_diacritics 2`: runs of letters and digits, lower case, accents dropped), so the words
//! marked are the words FTS5 matched; which words were matched is FTS5's decision, this only shows them.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Words shown in a snippet.
pub const WIDTH: usize = 12;

/// The words of a search as FTS5 sees them: each typed word is a phrase of one or more folded tokens ("it's" is
/// "it" then "s"), and the last token of the last word also matches as a prefix when the search asks it to
/// ([`matches_as_prefix`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    phrases: Vec<Vec<String>>,
    prefix: bool,
}

impl Terms {
    /// From the words as typed (the same words [`super::search::fts_query`] quotes).
    pub fn new(words: &[&str]) -> Terms {
        let phrases = words
            .iter()
            .map(|word| tokens(word).map(|r| fold(&word[r])).collect::<Vec<_>>())
            .filter(|phrase| !phrase.is_empty())
            .collect();
        let prefix = words.last().is_some_and(|word| matches_as_prefix(word));
        Terms { phrases, prefix }
    }

    /// Every matched word of `folded` (the words of a text, folded), with the phrase it belongs to.
    fn hits(&self, folded: &[String]) -> Vec<(usize, usize)> {
        let last_phrase = self.phrases.len().saturating_sub(1);
        let mut hits = Vec::new();
        for start in 0..folded.len() {
            for (p, phrase) in self.phrases.iter().enumerate() {
                let Some(words) = folded.get(start..start + phrase.len()) else { continue };
                let matched = words.iter().zip(phrase).enumerate().all(|(j, (word, token))| {
                    if self.prefix && p == last_phrase && j + 1 == phrase.len() {
                        word.starts_with(token.as_str())
                    } else {
                        word == token
                    }
                });
                if matched {
                    hits.extend((start..start + phrase.len()).map(|i| (i, p)));
                }
            }
        }
        hits.sort_unstable();
        hits.dedup_by_key(|&mut (i, _)| i);
        hits
    }
}

/// The shortest last word that also matches as the start of longer words. One letter typed is the first keystroke
/// of most searches: as a prefix it matches a large part of the index, and every match is read and ranked; as a
/// word of its own it asks what it says.
pub const MIN_PREFIX_CHARS: usize = 2;

/// Whether the last word typed also matches as the start of longer words: from [`MIN_PREFIX_CHARS`] letters or
/// digits on (the search asks FTS5 by this rule, and the snippets mark words by it).
pub(crate) fn matches_as_prefix(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_PREFIX_CHARS
}

/// A character that is part of a word: a letter, a digit, or a mark on one.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The byte ranges of the words of `text`.
fn tokens(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while chars.next_if(|&(_, c)| !is_word_char(c)).is_some() {}
        let (start, first) = chars.next()?;
        let mut end = start + first.len_utf8();
        while let Some((i, c)) = chars.next_if(|&(_, c)| is_word_char(c)) {
            end = i + c.len_utf8();
        }
        Some(start..end)
    })
}

/// Lower case, accents dropped.
fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    word.nfd().filter(|&c| !is_combining_mark(c)).flat_map(char::to_lowercase).collect()
}

/// About [`WIDTH`] words of `text` around the best cluster of matched words, each between « and », with "…" where
/// text was left out. The window holds as many different phrases as it can, then as many matched words, as early as it
/// can. `None` when no word of `text` matches.
pub(crate) fn snippet(text: &str, terms: &Terms) -> Option<String> {
    let words: Vec<Range<usize>> = tokens(text).collect();
    let folded: Vec<String> = words.iter().map(|range| fold(&text[range.clone()])).collect();
    let hits = terms.hits(&folded);
    if hits.is_empty() {
        return None;
    }
    let last_start = words.len().saturating_sub(WIDTH);
    let score = |start: usize| {
        let inside: Vec<usize> =
            hits.iter().filter(|(i, _)| (start..start + WIDTH).contains(i)).map(|&(_, t)| t).collect();
        let mut distinct = inside.clone();
        distinct.sort_unstable();
        distinct.dedup();
        (distinct.len(), inside.len())
    };
    // Candidates: each match at the start of the window, or in its middle.
    let mut best = (0, (0, 0));
    for start in hits.iter().flat_map(|&(i, _)| [i.saturating_sub(WIDTH / 2), i]).map(|s| s.min(last_start)) {
        let s = score(start);
        if s > best.1 || (s == best.1 && start < best.0) {
            best = (start, s);
        }
    }
    Some(render(text, &words, &hits, best.0))
}

/// The first [`WIDTH`] words of `text`, for a record whose matched words this module could not find again.
pub(crate) fn lead(text: &str) -> String {
    let words: Vec<Range<usize>> = tokens(text).collect();
    if words.is_empty() {
        return String::new();
    }
    render(text, &words, &[], 0)
}

/// [`WIDTH`] words from word `first`, the `hits` marked.
fn render(text: &str, words: &[Range<usize>], hits: &[(usize, usize)], first: usize) -> String {
    let last = (first + WIDTH).min(words.len()) - 1;
    let mut out = String::new();
    if first > 0 {
        out.push('…');
    }
    let mut at = words[first].start;
    for (i, range) in words.iter().enumerate().take(last + 1).skip(first) {
        out.push_str(&text[at..range.start]);
        let word = &text[range.clone()];
        if hits.iter().any(|&(h, _)| h == i) {
            out.push('«');
            out.push_str(word);
            out.push('»');
        } else {
            out.push_str(word);
        }
        at = range.end;
    }
    if last + 1 < words.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Terms {
        Terms::new(&text.split_whitespace().collect::<Vec<_>>())
    }

    #[test]
    fn words_are_folded_like_the_index() {
        let words: Vec<&str> = {
            let text = "Café, naïve-ÉCOLE 日本語 x2";
            tokens(text).map(|r| &text[r]).collect()
        };
        assert_eq!(words, ["Café", "naïve", "ÉCOLE", "日本語", "x2"]);
        assert_eq!(fold("ÉCOLE"), "ecole");
        assert_eq!(fold("naïve"), "naive");
        assert_eq!(fold("Cafe\u{301}"), "cafe");
    }

    #[test]
    fn short_text_is_shown_whole_with_matches_marked() {
        assert_eq!(snippet("Garden visit", &terms("garden")).as_deref(), Some("«Garden» visit"));
        assert_eq!(snippet("a quiet ending", &terms("end")).as_deref(), Some("a quiet «ending»"));
        assert_eq!(snippet("Un café, s'il vous plaît", &terms("cafe")).as_deref(), Some("Un «café», s'il vous plaît"));
        assert_eq!(snippet("nothing here", &terms("garden")), None);
        assert_eq!(lead("nothing here"), "nothing here");
        assert_eq!(lead(" …"), "");
        assert_eq!(lead(&"word ".repeat(20)), format!("{}…", ["word"; WIDTH].join(" ")));
    }

    #[test]
    fn only_the_last_word_matches_as_a_prefix() {
        assert_eq!(snippet("garden gardens", &terms("garden")).as_deref(), Some("«garden» «gardens»"));
        assert_eq!(snippet("garden gardens", &terms("garden visit")).as_deref(), Some("«garden» gardens"));
    }

    #[test]
    fn a_last_word_of_one_letter_marks_only_itself() {
        assert_eq!(snippet("a garden and a gate", &terms("a")).as_deref(), Some("«a» garden and «a» gate"));
        assert_eq!(snippet("a garden and a gate", &terms("ga")).as_deref(), Some("a «garden» and a «gate»"));
    }

    #[test]
    fn long_text_is_cut_around_the_best_window() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen apology \
                    sixteen seventeen eighteen nineteen twenty twentyone twentytwo twentythree twentyfour";
        let shown = snippet(text, &terms("apology")).expect("a match");
        assert_eq!(
            shown,
            "…nine ten eleven twelve thirteen fourteen «apology» sixteen seventeen eighteen nineteen twenty…"
        );
        // Two different words close together beat one word repeated.
        let text = "river river river one two three four five six seven eight nine ten eleven twelve thirteen \
                    fourteen fifteen garden river end";
        let shown = snippet(text, &terms("garden river")).expect("a match");
        assert!(shown.contains("«garden» «river»"), "{shown}");
        assert!(shown.starts_with('…') && !shown.ends_with('…'), "{shown}");
    }

    /// The words marked are the words FTS5 matches: for short texts (shown whole), the marks equal those of FTS5's
    /// `highlight()` on a table with the index's tokenizer, and there is a snippet whenever FTS5 finds the row.
    mod against_fts5 {
        use proptest::prelude::*;
        use rusqlite::Connection;

        use super::super::{snippet, Terms};
        use crate::model::search::fts_query;

        const WORDS: &[&str] = &[
            "Café",
            "cafe",
            "CAFÉ",
            "école",
            "ÉCOLE",
            "naïve",
            "naive",
            "garden",
            "gardens",
            "Garden's",
            "日本語",
            "x2",
            "Ærø",
            "søster",
            "Łódź",
            "lodz",
            "Zoë",
            "zoe",
            "über",
            "uber",
            "año",
            "ano",
            "—",
            "‹oui›",
            "(old)",
            "col:umn",
            "re-entry",
            "it's",
            "",
            "İstanbul",
            "istanbul",
            "Straße",
            "ﬁne",
            "fine",
            "Ωmega",
            "ωmega",
            "١٢٣",
            "e\u{301}cole",
            "ecole",
        ];

        fn text() -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(WORDS), 1..10).prop_map(|w| w.join(" "))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]
            #[test]
            fn marks_agree_with_highlight(text in text(), query in prop::collection::vec(prop::sample::select(WORDS), 1..3)) {
                let query = query.join(" ");
                let Some(fts) = fts_query(&query) else { return Ok(()) };
                let conn = Connection::open_in_memory().expect("db");
                conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 2')")
                    .expect("table");
                conn.execute("INSERT INTO t(x) VALUES (?1)", [&text]).expect("insert");
                let highlighted: Option<String> = conn
                    .query_row("SELECT highlight(t, 0, '«', '»') FROM t WHERE t MATCH ?1", [&fts], |r| r.get(0))
                    .ok();
                let words: Vec<&str> = query.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).collect();
                let ours = snippet(&text, &Terms::new(&words));
                // With several words FTS5 needs all of them in the row, while a snippet marks whichever are there.
                if words.len() == 1 || highlighted.is_some() {
                    prop_assert_eq!(ours.is_some(), highlighted.is_some(), "text {:?} query {:?}", text, fts);
                }
                if let (Some(ours), Some(theirs)) = (ours, highlighted) {
                    // FTS5 marks a matched phrase as one span; mark by mark, the words inside must be the same.
                    let marked = |s: &str| -> Vec<String> {
                        s.split('«').skip(1).filter_map(|p| p.split('»').next()).flat_map(|m| {
                            m.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect::<Vec<_>>()
                        }).collect()
                    };
                    prop_assert_eq!(marked(&ours), marked(&theirs), "text {:?} query {:?}", text, fts);
                }
            }
        }
    }
}
