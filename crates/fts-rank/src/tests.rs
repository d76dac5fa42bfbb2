//! `circlebook_rank()` against FTS5's own `bm25()`: the same best rows in the same order, and clear errors.

use proptest::prelude::*;
use rusqlite::Connection;

/// Few words, so that they repeat across rows and within a row, as real notes do.
const WORDS: &[&str] = &["consent", "safety", "plan", "letter", "circle", "quiet", "room", "apology", "café"];
const FACETS: &[&str] = &["sactive", "sclosed", "pcircle"];

fn table(rows: &[(String, String, String)]) -> Connection {
    let conn = Connection::open_in_memory().expect("db");
    super::register(&conn).expect("register");
    conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, body, facets)").expect("table");
    for (title, body, facets) in rows {
        conn.execute("INSERT INTO t(id, title, body, facets) VALUES ('x', ?1, ?2, ?3)", [title, body, facets])
            .expect("row");
    }
    conn
}

fn ranked(conn: &Connection, order: &str, query: &str, keep: i64) -> Vec<(i64, f64)> {
    let sql = format!("SELECT rowid, {order} FROM t WHERE t MATCH ?1 ORDER BY 2, rowid LIMIT ?2");
    let mut stmt = conn.prepare(&sql).expect("prepare");
    let rows = stmt.query_map(rusqlite::params![query, keep], |r| Ok((r.get(0)?, r.get(1)?))).expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..max).prop_map(|w| w.join(" "))
}

fn row() -> impl Strategy<Value = (String, String, String)> {
    (text(4), text(30), prop::collection::vec(prop::sample::select(FACETS), 1..3).prop_map(|f| f.join(" ")))
}

fn query() -> impl Strategy<Value = (Vec<&'static str>, bool, Option<&'static str>)> {
    (
        prop::collection::vec(prop::sample::select(WORDS), 1..4),
        any::<bool>(),
        prop::option::of(prop::sample::select(FACETS)),
    )
}

/// The query as Circlebook builds it: the words in title and body (the last one also as a prefix, if chosen), then
/// a filter that is matched but not scored.
fn match_text(words: &[&str], prefix: bool, facet: Option<&str>) -> String {
    let last = words.len() - 1;
    let words: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| if prefix && i == last { format!("\"{w}\"*") } else { format!("\"{w}\"") })
        .collect();
    let mut query = format!("{{title body}} : ({})", words.join(" "));
    if let Some(facet) = facet {
        query += &format!(" AND facets : \"{facet}\"");
    }
    query
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_best_rows_are_bm25s_best_rows_in_bm25s_order(
        rows in prop::collection::vec(row(), 1..120),
        (words, prefix, facet) in query(),
        keep in 1i64..12,
    ) {
        let conn = table(&rows);
        let query = match_text(&words, prefix, facet);
        let n = words.len();
        let rank = format!("circlebook_rank(t, {n}, {keep}, 0.0, 10.0, 1.0, 0.0)");
        let theirs = ranked(&conn, "bm25(t, 0.0, 10.0, 1.0, 0.0)", &query, keep);
        let ids = |v: &[(i64, f64)]| v.iter().map(|(id, _)| *id).collect::<Vec<_>>();
        // Twice: the second time with the lengths the first looked up remembered.
        for _ in 0..2 {
            let ours = ranked(&conn, &rank, &query, keep);
            prop_assert_eq!(ids(&ours), ids(&theirs), "query {}", query);
            if n > 1 {
                // With more than one word the values are bm25()'s own, bit for bit.
                prop_assert_eq!(&ours, &theirs);
            }
        }
    }

    /// After rows change, the ranking uses their new lengths, not those remembered from before.
    #[test]
    fn after_an_edit_the_order_is_bm25s_again(
        rows in prop::collection::vec(row(), 2..60),
        edits in prop::collection::vec((any::<prop::sample::Index>(), row()), 1..4),
        (words, prefix, facet) in query(),
    ) {
        let conn = table(&rows);
        let query = match_text(&words, prefix, facet);
        let n = words.len();
        let rank = format!("circlebook_rank(t, {n}, 1000, 0.0, 10.0, 1.0, 0.0)");
        ranked(&conn, &rank, &query, 1000);
        for (at, (title, body, facets)) in &edits {
            let rowid = at.index(rows.len()) as i64 + 1;
            conn.execute("UPDATE t SET title = ?1, body = ?2, facets = ?3 WHERE rowid = ?4",
                rusqlite::params![title, body, facets, rowid]).expect("edit");
        }
        let ours = ranked(&conn, &rank, &query, 1000);
        let theirs = ranked(&conn, "bm25(t, 0.0, 10.0, 1.0, 0.0)", &query, 1000);
        let ids = |v: &[(i64, f64)]| v.iter().map(|(id, _)| *id).collect::<Vec<_>>();
        prop_assert_eq!(ids(&ours), ids(&theirs), "query {}", query);
    }

    #[test]
    fn with_room_for_every_row_each_value_is_exact(
        rows in prop::collection::vec(row(), 1..60),
        (words, prefix, facet) in query(),
    ) {
        prop_assume!(words.len() > 1);
        let conn = table(&rows);
        let query = match_text(&words, prefix, facet);
        let n = words.len();
        let ours = ranked(&conn, &format!("circlebook_rank(t, {n}, 1000, 0.0, 10.0, 1.0, 0.0)"), &query, 1000);
        let theirs = ranked(&conn, "bm25(t, 0.0, 10.0, 1.0, 0.0)", &query, 1000);
        prop_assert_eq!(ours, theirs);
    }
}

#[test]
fn a_title_match_outranks_a_body_match_and_a_short_row_a_long_one() {
    let filler = "quiet ".repeat(40);
    let conn = table(&[
        ("".into(), format!("consent {filler}"), "sactive".into()),
        ("".into(), "consent".into(), "sactive".into()),
        ("consent".into(), filler.clone(), "sactive".into()),
        ("".into(), format!("{filler} plan"), "sactive".into()),
    ]);
    let ours = ranked(&conn, "circlebook_rank(t, 1, 3, 0.0, 10.0, 1.0, 0.0)", "{title body} : (\"consent\")", 3);
    assert_eq!(ours.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [3, 2, 1]);
}

/// Two rows trade lengths: the table's row and token counts stay the same, and only the connection's count of rows
/// written tells that the lengths remembered from the first query are out of date.
#[test]
fn rows_that_trade_lengths_are_ranked_by_their_new_lengths() {
    let filler = "quiet ".repeat(40);
    let conn = table(&[
        ("".into(), "consent".into(), "sactive".into()),
        ("".into(), format!("consent {filler}"), "sactive".into()),
    ]);
    let order = "circlebook_rank(t, 1, 5, 0.0, 10.0, 1.0, 0.0)";
    let query = "{title body} : (\"consent\")";
    let ids = |v: Vec<(i64, f64)>| v.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
    assert_eq!(ids(ranked(&conn, order, query, 5)), [1, 2], "the short row first");
    let totals = "SELECT count(*), sum(length(body)) FROM t";
    let before: (i64, i64) = conn.query_row(totals, [], |r| Ok((r.get(0)?, r.get(1)?))).expect("totals");
    conn.execute("UPDATE t SET body = CASE rowid WHEN 1 THEN ?1 ELSE 'consent' END", [format!("consent {filler}")])
        .expect("trade");
    let after: (i64, i64) = conn.query_row(totals, [], |r| Ok((r.get(0)?, r.get(1)?))).expect("totals");
    assert_eq!(before, after, "the same rows and tokens in all");
    assert_eq!(ids(ranked(&conn, order, query, 5)), [2, 1], "the row now short first");
}

#[test]
fn wrong_calls_are_refused_with_a_message() {
    let conn = table(&[("consent".into(), "plan".into(), "sactive".into())]);
    let query = "{title body} : (\"consent\") AND facets : \"sactive\"";
    for call in ["circlebook_rank(t)", "circlebook_rank(t, 1)", "circlebook_rank(t, -1, 5)", "circlebook_rank(t, 1, 0)"]
    {
        let sql = format!("SELECT {call} FROM t WHERE t MATCH ?1");
        let error = conn.query_row(&sql, [query], |r| r.get::<_, f64>(0)).expect_err(call);
        assert!(error.to_string().contains("use circlebook_rank(table, words, keep"), "{call}: {error}");
    }
    // Two phrases (the word and the filter) may both be scored; more than there are means all of them.
    for words in [0, 2, 7] {
        let sql = format!("SELECT circlebook_rank(t, {words}, 5) FROM t WHERE t MATCH ?1");
        assert!(conn.query_row(&sql, [query], |r| r.get::<_, f64>(0)).is_ok(), "{words}");
    }
}

#[test]
fn a_typed_word_without_a_token_changes_nothing() {
    let conn =
        table(&[("consent".into(), "plan".into(), "sactive".into()), ("".into(), "consent".into(), "sactive".into())]);
    let with_emoji = "{title body} : (\"consent\" \"🌿\"*) AND facets : \"sactive\"";
    let plain = "{title body} : (\"consent\") AND facets : \"sactive\"";
    let ours = ranked(&conn, "circlebook_rank(t, 2, 5, 0.0, 10.0, 1.0, 0.0)", with_emoji, 5);
    let theirs = ranked(&conn, "circlebook_rank(t, 1, 5, 0.0, 10.0, 1.0, 0.0)", plain, 5);
    let ids = |v: &[(i64, f64)]| v.iter().map(|(id, _)| *id).collect::<Vec<_>>();
    assert_eq!(ids(&ours), [1, 2]);
    assert_eq!(ids(&ours), ids(&theirs));
}

#[test]
fn without_registration_the_function_does_not_exist() {
    let conn = Connection::open_in_memory().expect("db");
    conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(body); INSERT INTO t VALUES ('consent');").expect("table");
    let error = conn
        .query_row("SELECT circlebook_rank(t, 1, 1) FROM t WHERE t MATCH 'consent'", [], |r| r.get::<_, f64>(0))
        .expect_err("unknown");
    assert!(error.to_string().contains("no such function"), "{error}");
}
