//! Full-text search over every case (closed ones included): one FTS5 query, ranked by BM25 with titles
//! weighted above bodies, filtered by the case's stage, processes and tags or by a participant's role. The filters
//! are words of the index too (facets, kept by triggers: see migrations 2 and 3), so a filtered search is still one
//! FTS5 query, which returns only rowids; the rows shown are then read by rowid and their snippets made in Rust
//! (`snippet.rs`), so nothing but the ranking is computed for every match. The ranking is `circlebook_rank()`
//! (crate `circlebook-fts-rank`): the order of FTS5's `bm25()`, computed in full only for rows that can still
//! reach the results.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::context::Ctx;
use super::errors::ModelError;
use super::ids::CaseId;
use super::op::Op;
use super::snippet::{lead, matches_as_prefix, snippet, Terms};
use super::vocab::{ProcessKind, Role, Stage};

/// Results when no limit is given.
pub const DEFAULT_LIMIT: u32 = 50;
/// The most results one search returns.
pub const MAX_LIMIT: u32 = 500;
/// Words beyond this many are ignored.
const MAX_TERMS: usize = 32;
/// How much more a hit in a title counts than a hit in a body.
const TITLE_WEIGHT: f64 = 10.0;

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        read "search" => search, "Find words in every record of every case, best matches first, with filters.";
    }
}

/// What kind of record a result is (the index's `kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Case,
    Participant,
    Note,
    Session,
    Agreement,
    Message,
    Commitment,
    Progress,
    Task,
    Assessment,
    Process,
    /// A consent ledger entry with a note or a named recipient.
    Consent,
    /// A change of a case's stage: who decided and why.
    StageChange,
    /// An attachment, by its title.
    Attachment,
}

impl rusqlite::types::FromSql for RecordKind {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        Ok(match value.as_str()? {
            "case" => RecordKind::Case,
            "participant" => RecordKind::Participant,
            "note" => RecordKind::Note,
            "session" => RecordKind::Session,
            "agreement" => RecordKind::Agreement,
            "message" => RecordKind::Message,
            "commitment" => RecordKind::Commitment,
            "progress" => RecordKind::Progress,
            "task" => RecordKind::Task,
            "assessment" => RecordKind::Assessment,
            "process" => RecordKind::Process,
            "consent" => RecordKind::Consent,
            "stage_change" => RecordKind::StageChange,
            "attachment" => RecordKind::Attachment,
            other => return Err(rusqlite::types::FromSqlError::Other(format!("unknown record kind `{other}`").into())),
        })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SearchArgs {
    /// The words to find, as typed: no query syntax; the last word also matches as a prefix once it has two letters
    /// or more (a single letter is a word of its own: as the start of every word it would ask for most of the index).
    pub query: String,
    /// Only cases at this stage.
    #[ts(optional)]
    pub stage: Option<Stage>,
    /// Only cases that hold a process of this kind.
    #[ts(optional)]
    pub process: Option<ProcessKind>,
    /// Only cases with this tag.
    #[ts(optional)]
    pub tag: Option<String>,
    /// Only participants with this role and their records (assessments, consent entries, notes about them, their
    /// commitments and progress, messages they wrote) and sessions they attended.
    #[ts(optional)]
    pub role: Option<Role>,
    /// At most this many results (default 50, at most 500).
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchHit {
    pub kind: RecordKind,
    pub record_id: String,
    pub case_id: CaseId,
    pub case_code_name: String,
    /// The record's title in the index (an alias, a task's title, a session's kind…), possibly empty.
    pub title: String,
    /// About a dozen words around the match, each matched word between « and ».
    pub snippet: String,
}

/// The words of typed text that can be searched for: those with a letter or digit (punctuation and emoji alone
/// are dropped), at most [`MAX_TERMS`]. Control characters separate words like spaces: FTS5 reads a query
/// string only up to a NUL, so a word holding one would leave its quote unterminated (found by fuzzing).
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(MAX_TERMS)
        .collect()
}

/// Turns typed text into an FTS5 query that cannot be a syntax error: each word is a quoted string (FTS5
/// operators, column filters and quotes become plain text), and the last word also matches as a prefix when it
/// has at least two letters or digits. `None` when nothing is left to find.
pub fn fts_query(text: &str) -> Option<String> {
    quote(&words(text))
}

/// [`fts_query`] of words already split.
fn quote(words: &[&str]) -> Option<String> {
    let last = words.len().checked_sub(1)?;
    let quoted = words.iter().enumerate().map(|(i, word)| {
        let phrase = format!("\"{}\"", word.replace('"', "\"\""));
        if i == last && matches_as_prefix(word) {
            phrase + "*"
        } else {
            phrase
        }
    });
    Some(quoted.collect::<Vec<_>>().join(" "))
}

/// The filters as facet words of the index (see migration 2): each is one token, matched in its own column.
fn facet_filters(args: &SearchArgs, tag: Option<&str>) -> String {
    let token = |name: &str| name.replace('_', "");
    let mut filters = String::new();
    if let Some(stage) = args.stage {
        filters += &format!(" AND case_facets : \"s{}\"", token(stage.as_str()));
    }
    if let Some(process) = args.process {
        filters += &format!(" AND case_facets : \"p{}\"", token(process.as_str()));
    }
    if let Some(tag) = tag {
        // As the index spells it: SQLite's hex() of the UTF-8 bytes (FTS5 folds the case of the letters).
        let hex: String = tag.bytes().map(|b| format!("{b:02x}")).collect();
        filters += &format!(" AND case_facets : \"t{hex}\"");
    }
    if let Some(role) = args.role {
        filters += &format!(" AND record_facets : \"r{}\"", token(role.as_str()));
    }
    filters
}

/// First pass: the best `limit` rows in the order of `bm25()`, titles weighted above bodies, facets not at all
/// (the typed words are the query's first `?2` phrases, the facets come after them). Only rowids, so that nothing
/// but the ranking is computed for every match.
const RANK_SQL: &str = "
SELECT rowid FROM search_index WHERE search_index MATCH ?1
ORDER BY circlebook_rank(search_index, ?2, ?3, 0.0, 0.0, 0.0, ?4, 1.0, 0.0, 0.0), rowid
LIMIT ?3";

/// Second pass: those rows by rowid (no full-text query), with their case's code name.
const SHOW_SQL: &str = "
SELECT rowid, kind, record_id, case_id, (SELECT code_name FROM cases WHERE id = search_index.case_id), title, body
FROM search_index WHERE rowid IN (SELECT value FROM json_each(?1))";

pub(crate) fn search(conn: &Connection, _ctx: &Ctx, args: SearchArgs) -> Result<Vec<SearchHit>, ModelError> {
    let limit = args.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ModelError::Invalid(format!("the number of results should be between 1 and {MAX_LIMIT}")));
    }
    let words = words(&args.query);
    let Some(words_query) = quote(&words) else { return Ok(Vec::new()) };
    let tag = args.tag.as_deref().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty());
    let query = format!("{{title body}} : ({words_query}){}", facet_filters(&args, tag.as_deref()));
    let terms = Terms::new(&words);
    search_rows(conn, &query, words.len(), &terms, limit).map_err(|e| match e {
        // The query is built so that FTS5 cannot reject it; should it still, say so plainly.
        rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("fts5") => {
            ModelError::Invalid("those words could not be searched for; try plain words".into())
        }
        e => e.into(),
    })
}

fn search_rows(
    conn: &Connection,
    query: &str,
    words: usize,
    terms: &Terms,
    limit: u32,
) -> rusqlite::Result<Vec<SearchHit>> {
    let ranked: Vec<i64> = conn
        .prepare_cached(RANK_SQL)?
        .query_map(params![query, words as i64, limit, TITLE_WEIGHT], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let list = serde_json::to_string(&ranked).expect("a list of integers is JSON");
    let mut shown: HashMap<i64, SearchHit> = conn
        .prepare_cached(SHOW_SQL)?
        .query_map([list], |r| {
            let title: String = r.get(5)?;
            let body: String = r.get(6)?;
            // The body's snippet when the words were found there (it says more than the title, which is shown
            // anyway), otherwise the title's, otherwise the start of the body.
            let snippet = snippet(&body, terms).or_else(|| snippet(&title, terms)).unwrap_or_else(|| lead(&body));
            let hit = SearchHit {
                kind: r.get(1)?,
                record_id: r.get(2)?,
                case_id: r.get(3)?,
                case_code_name: r.get(4)?,
                title,
                snippet,
            };
            Ok((r.get(0)?, hit))
        })?
        .collect::<Result<_, _>>()?;
    Ok(ranked.iter().filter_map(|rowid| shown.remove(rowid)).collect())
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn typed_text_becomes_quoted_terms() {
        assert_eq!(fts_query("apology letter").as_deref(), Some("\"apology\" \"letter\"*"));
        assert_eq!(fts_query("  ").as_deref(), None);
        assert_eq!(fts_query("* \" AND 🌿").as_deref(), Some("\"AND\"*"));
        assert_eq!(fts_query("say \"sorry\"").as_deref(), Some("\"say\" \"\"\"sorry\"\"\"*"));
        assert_eq!(fts_query("title:x NEAR(ab cd)").as_deref(), Some("\"title:x\" \"NEAR(ab\" \"cd)\"*"));
        assert_eq!(
            fts_query("title:x NEAR(a b)").as_deref(),
            Some("\"title:x\" \"NEAR(a\" \"b)\""),
            "b) is one letter"
        );
    }

    #[test]
    fn a_last_word_of_one_letter_is_a_word_not_a_prefix() {
        assert_eq!(fts_query("a").as_deref(), Some("\"a\""));
        assert_eq!(fts_query("apology l").as_deref(), Some("\"apology\" \"l\""));
        assert_eq!(fts_query("apology le").as_deref(), Some("\"apology\" \"le\"*"));
        assert_eq!(fts_query("é").as_deref(), Some("\"é\""), "one letter, two bytes");
        assert_eq!(fts_query("日本").as_deref(), Some("\"日本\"*"));
    }

    /// Found by the `search_query` fuzz target: FTS5 stops reading a query at a NUL, so a quoted word that held
    /// one was an unterminated string and the search failed with an SQL error.
    #[test]
    fn control_characters_separate_words() {
        assert_eq!(fts_query("bc\u{2}\0\n").as_deref(), Some("\"bc\"*"));
        assert_eq!(fts_query("apology\0letter").as_deref(), Some("\"apology\" \"letter\"*"));
        let conn = rusqlite::Connection::open_in_memory().expect("memory");
        conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(body); INSERT INTO t VALUES ('apology letter');")
            .expect("index");
        let query = fts_query("apology\0lett").expect("a query");
        let found: i64 =
            conn.query_row("SELECT count(*) FROM t WHERE t MATCH ?1", [query], |r| r.get(0)).expect("parses");
        assert_eq!(found, 1);
    }
}
