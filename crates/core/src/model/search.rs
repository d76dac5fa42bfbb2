//! Full-text search over every case (closed ones included): one FTS5 query, ranked by bm25 with titles
//! weighted above bodies, filtered by the case's stage, processes and tags or by a participant's role.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ops::Op;
use super::{CaseId, Ctx, ModelError, ProcessKind, Role, Stage};

/// Results when no limit is given.
pub const DEFAULT_LIMIT: u32 = 50;
/// The most results one search returns.
pub const MAX_LIMIT: u32 = 500;
/// Words beyond this many are ignored.
const MAX_TERMS: usize = 32;
/// How much more a hit in a title counts than a hit in a body.
const TITLE_WEIGHT: f64 = 10.0;

pub fn ops() -> Vec<Op> {
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
            other => return Err(rusqlite::types::FromSqlError::Other(format!("unknown record kind `{other}`").into())),
        })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SearchArgs {
    /// The words to find, as typed: no query syntax; the last word also matches as a prefix.
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
    /// Only participants with this role and their records (assessments, notes about them, their commitments and
    /// progress, messages they wrote) and sessions they attended.
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

/// Turns typed text into an FTS5 query that cannot be a syntax error: each word is a quoted string (FTS5
/// operators, column filters and quotes become plain text), and the last word also matches as a prefix.
/// Words with no letter or digit (punctuation, emoji) are dropped. `None` when nothing is left to find.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<&str> =
        text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).take(MAX_TERMS).collect();
    let last = words.len().checked_sub(1)?;
    let quoted = words.iter().enumerate().map(|(i, word)| {
        let phrase = format!("\"{}\"", word.replace('"', "\"\""));
        if i == last {
            phrase + "*"
        } else {
            phrase
        }
    });
    Some(quoted.collect::<Vec<_>>().join(" "))
}

const SEARCH_SQL: &str = "
SELECT search_index.kind, search_index.record_id, search_index.case_id, cases.code_name, search_index.title,
       snippet(search_index, -1, '«', '»', '…', 12)
FROM search_index JOIN cases ON cases.id = search_index.case_id
WHERE search_index MATCH ?1
  AND (?2 IS NULL OR cases.stage = ?2)
  AND (?3 IS NULL OR EXISTS (SELECT 1 FROM processes p WHERE p.case_id = cases.id AND p.kind = ?3))
  AND (?4 IS NULL OR EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = cases.id AND t.tag = ?4))
  AND (?5 IS NULL
       OR EXISTS (SELECT 1 FROM participants p WHERE p.role = ?5 AND p.id = CASE search_index.kind
            WHEN 'participant' THEN search_index.record_id
            WHEN 'assessment' THEN (SELECT participant_id FROM assessments WHERE id = search_index.record_id)
            WHEN 'note' THEN (SELECT participant_id FROM notes WHERE id = search_index.record_id)
            WHEN 'commitment' THEN (SELECT participant_id FROM commitments WHERE id = search_index.record_id)
            WHEN 'progress' THEN (SELECT c.participant_id FROM progress_entries e JOIN commitments c
                                  ON c.id = e.commitment_id WHERE e.id = search_index.record_id)
            WHEN 'message' THEN (SELECT author_id FROM shuttle_messages WHERE id = search_index.record_id)
          END)
       OR (search_index.kind = 'session' AND EXISTS (
            SELECT 1 FROM session_attendees a JOIN participants p ON p.id = a.participant_id
            WHERE a.session_id = search_index.record_id AND p.role = ?5)))
ORDER BY bm25(search_index, 0.0, 0.0, 0.0, ?6, 1.0), search_index.kind, search_index.record_id
LIMIT ?7";

pub fn search(conn: &Connection, _ctx: &Ctx, args: SearchArgs) -> Result<Vec<SearchHit>, ModelError> {
    let limit = args.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ModelError::Invalid(format!("the number of results should be between 1 and {MAX_LIMIT}")));
    }
    let Some(query) = fts_query(&args.query) else { return Ok(Vec::new()) };
    let tag = args.tag.map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty());
    let mut stmt = conn.prepare_cached(SEARCH_SQL)?;
    let rows = stmt.query_map(params![query, args.stage, args.process, tag, args.role, TITLE_WEIGHT, limit], |r| {
        Ok(SearchHit {
            kind: r.get(0)?,
            record_id: r.get(1)?,
            case_id: r.get(2)?,
            case_code_name: r.get(3)?,
            title: r.get(4)?,
            snippet: r.get::<_, String>(5)?.trim().to_owned(),
        })
    })?;
    rows.collect::<Result<_, _>>().map_err(|e| match e {
        // The query is built so that FTS5 cannot reject it; should it still, say so plainly.
        rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("fts5") => {
            ModelError::Invalid("those words could not be searched for; try plain words".into())
        }
        e => e.into(),
    })
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
        assert_eq!(fts_query("title:x NEAR(a b)").as_deref(), Some("\"title:x\" \"NEAR(a\" \"b)\"*"));
    }
}
