//! Search through the registry: ranking, snippets, filters, closed cases and odd input.

use circlebook_core::model::{ops, Ctx};
use circlebook_core::{ErrorKind, UnlockedVault};
use serde_json::{json, Value};

use crate::common::*;
use crate::model_cases::ctx;
use crate::model_rows::*;

fn search(vault: &mut UnlockedVault, args: Value) -> Vec<Value> {
    match ops::call("search", vault, &ctx(), args).expect("search") {
        Value::Array(hits) => hits,
        other => panic!("not a list: {other}"),
    }
}

fn ids(hits: &[Value]) -> Vec<String> {
    hits.iter().map(|h| h["record_id"].as_str().expect("id").to_owned()).collect()
}

fn note(vault: &mut UnlockedVault, ctx: &Ctx, case: &str, body: &str) -> String {
    let note = ops::call("add_note", vault, ctx, json!({"case_id": case, "body": body})).expect("note");
    note["id"].as_str().expect("id").to_owned()
}

fn task(vault: &mut UnlockedVault, ctx: &Ctx, case: &str, title: &str) -> String {
    let task = ops::call("add_task", vault, ctx, json!({"case_id": case, "title": title})).expect("task");
    task["id"].as_str().expect("id").to_owned()
}

#[test]
fn a_title_hit_outranks_a_body_hit_and_more_hits_rank_higher() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = case(&mut vault, &ctx, "Heron", json!({}));
    let once =
        note(&mut vault, &ctx, &case, "We spoke about the garden and what happened after, at some length, over tea.");
    let twice = note(
        &mut vault,
        &ctx,
        &case,
        "The garden came up: the garden matters to her, in a note of similar length here.",
    );
    let titled = task(&mut vault, &ctx, &case, "Garden visit");
    let hits = search(&mut vault, json!({"query": "garden"}));
    assert_eq!(ids(&hits), [titled.clone(), twice, once]);
    assert_eq!(hits[0]["kind"], "task");
    assert_eq!(hits[0]["case_code_name"], "Heron");
    assert_eq!(hits[0]["case_id"], json!(case));
    assert_eq!(hits[0]["title"], "Garden visit");
    assert_eq!(hits[0]["snippet"], "«Garden» visit");
    assert_eq!(hits[1]["snippet"], "The «garden» came up: the «garden» matters to her, in a note…");
}

#[test]
fn snippets_are_short_and_marked() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = case(&mut vault, &ctx, "Heron", json!({}));
    let long = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen apology \
                sixteen seventeen eighteen nineteen twenty twentyone twentytwo twentythree twentyfour";
    note(&mut vault, &ctx, &case, long);
    let hits = search(&mut vault, json!({"query": "apology"}));
    let snippet = hits[0]["snippet"].as_str().expect("snippet");
    assert!(snippet.contains("«apology»"), "{snippet}");
    assert!(snippet.starts_with('…') && snippet.ends_with('…'), "{snippet}");
    assert_eq!(snippet.trim_matches('…').split_whitespace().count(), 12, "{snippet}");
    // Prefix on the last word from two letters on (one letter is a word of its own); diacritics fold.
    assert_eq!(search(&mut vault, json!({"query": "apol"})).len(), 1);
    assert_eq!(search(&mut vault, json!({"query": "ap"})).len(), 1);
    assert_eq!(search(&mut vault, json!({"query": "a"})).len(), 0, "no word 'a' here");
    assert_eq!(search(&mut vault, json!({"query": "thirteen a"})).len(), 0);
    assert_eq!(search(&mut vault, json!({"query": "thirteen ap"})).len(), 1);
    note(&mut vault, &ctx, &case, "Plan a visit");
    assert_eq!(search(&mut vault, json!({"query": "a"})).len(), 1, "the word 'a' itself");
    note(&mut vault, &ctx, &case, "Café by the river");
    assert_eq!(search(&mut vault, json!({"query": "cafe"})).len(), 1);
    // Every word must be found (earlier words are whole words).
    assert_eq!(search(&mut vault, json!({"query": "apology river"})).len(), 0);
    assert_eq!(search(&mut vault, json!({"query": "thirteen apology"})).len(), 1);
}

#[test]
fn odd_input_never_reaches_fts5_as_syntax() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let case = case(&mut vault, &ctx, "Heron", json!({}));
    note(&mut vault, &ctx, &case, "She said \"not yet\" AND then OR NOT: near the (old) bridge 🌿 col:umn");
    for query in [
        "\"",
        "\"\"\"",
        "*",
        "**",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "NEAR(a b)",
        "(",
        ")",
        "a:",
        ":",
        "^",
        "-",
        "+",
        "{",
        "}",
        "🌿",
        "🌿🌿 *",
        "' OR 1=1 --",
        "title:bridge",
        "\0",
        "bridge\"",
        "\"bridge",
        "bridge*",
        "*bridge",
        "AND bridge",
        "bridge AND",
        "bridge OR",
        "NOT bridge",
        "ünïcödé",
        "日本語",
    ] {
        let result = ops::call("search", &mut vault, &ctx, json!({ "query": query }));
        assert!(result.is_ok(), "{query:?}: {result:?}");
    }
    assert!(search(&mut vault, json!({"query": ""})).is_empty());
    assert!(search(&mut vault, json!({"query": "   "})).is_empty());
    assert!(search(&mut vault, json!({"query": "* 🌿 \""})).is_empty());
    // Operators are plain words, found as words.
    assert_eq!(search(&mut vault, json!({"query": "AND"})).len(), 1);
    assert_eq!(search(&mut vault, json!({"query": "\"not yet\""})).len(), 1);
    assert_eq!(search(&mut vault, json!({"query": "bridge 🌿"})).len(), 1);
    assert_eq!(search(&mut vault, json!({"query": "(old)"})).len(), 1);
    assert_eq!(search(&mut vault, json!({"query": "col:umn"})).len(), 1);
    let err = ops::call("search", &mut vault, &ctx, json!({"query": "bridge", "limit": 0})).expect_err("limit");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn filters_by_stage_process_tag_and_role_with_closed_cases_included() {
    let (_fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let heron = case(&mut vault, &ctx, "Heron", json!({"tags": ["Family"]}));
    let osprey = case(&mut vault, &ctx, "Osprey", json!({"tags": ["workplace"]}));
    set_stage(&mut vault, &heron, "active");
    process(&mut vault, &heron, "indirect_dialogue", "2026-02-01", None, "active");
    process(&mut vault, &osprey, "conference", "2026-02-01", None, "active");

    let harmed = participant_with(&mut vault, &heron, "Alder", "person_harmed", "needs a quiet room");
    let responsible = participant_with(&mut vault, &heron, "Birch", "person_responsible", "needs a quiet room");
    let supporter = participant_with(&mut vault, &osprey, "Cedar", "supporter", "quiet room please");
    let commitment = commitment(
        &mut vault,
        &heron,
        &responsible,
        "apology_letter",
        "a quiet apology",
        Some("2026-04-01"),
        "in_progress",
    );
    let progress = progress(&mut vault, &commitment, "2026-03-01", "first quiet draft");
    let assessment = assessment(&mut vault, &harmed, "proceed", "2026-02-01", None, "quiet and ready");
    let message =
        message(&mut vault, &heron, &harmed, &responsible, "a quiet question", "2026-02-10T10:00:00Z", None, None);
    let session =
        session_with(&mut vault, &heron, "indirect_dialogue", "held", "2026-02-11", Some("2026-02-11"), "quiet talk");
    attendee(&mut vault, &session, &harmed);

    let all = search(&mut vault, json!({"query": "quiet"}));
    assert_eq!(all.len(), 8);
    let mut by_role = ids(&search(&mut vault, json!({"query": "quiet", "role": "person_harmed"})));
    by_role.sort();
    let mut expected = vec![harmed.clone(), assessment, message, session];
    expected.sort();
    assert_eq!(by_role, expected);
    let mut responsible_hits = ids(&search(&mut vault, json!({"query": "quiet", "role": "person_responsible"})));
    responsible_hits.sort();
    let mut expected = vec![responsible, commitment, progress];
    expected.sort();
    assert_eq!(responsible_hits, expected);

    let cases_of = |hits: Vec<Value>| {
        let mut names: Vec<String> =
            hits.iter().map(|h| h["case_code_name"].as_str().expect("name").to_owned()).collect();
        names.dedup();
        names
    };
    assert_eq!(cases_of(search(&mut vault, json!({"query": "quiet", "stage": "active"}))), ["Heron"]);
    assert_eq!(cases_of(search(&mut vault, json!({"query": "quiet", "stage": "referral"}))), ["Osprey"]);
    assert_eq!(cases_of(search(&mut vault, json!({"query": "quiet", "process": "conference"}))), ["Osprey"]);
    assert_eq!(cases_of(search(&mut vault, json!({"query": "quiet", "tag": " FAMILY "}))), ["Heron"]);
    assert!(search(&mut vault, json!({"query": "quiet", "tag": "none"})).is_empty());
    assert_eq!(ids(&search(&mut vault, json!({"query": "quiet", "role": "supporter"}))), [supporter]);
    assert_eq!(search(&mut vault, json!({"query": "quiet", "limit": 3})).len(), 3);

    // Closed cases are searched too.
    ops::call(
        "close_case",
        &mut vault,
        &ctx,
        json!({"case_id": osprey, "outcome": "other", "outcome_summary": "a quiet ending", "decided_by": "f"}),
    )
    .expect("close");
    let closed = search(&mut vault, json!({"query": "ending", "stage": "closed"}));
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["kind"], "case");
    assert_eq!(closed[0]["snippet"], "a quiet «ending»");
}

/// Every row of the search index, facets as sorted words, next to what the tables say it should hold (the views of
/// migrations 2 and 3 compute it from scratch): the triggers kept it in step.
pub fn assert_index_agrees_with_tables(conn: &rusqlite::Connection) {
    let rows = |sql: &str| -> Vec<[String; 7]> {
        let mut stmt = conn.prepare(sql).expect("prepare");
        let mut rows: Vec<[String; 7]> = stmt
            .query_map([], |r| {
                let words = |i: usize| -> rusqlite::Result<String> {
                    let text: String = r.get(i)?;
                    let mut words: Vec<&str> = text.split([' ', ',']).filter(|w| !w.is_empty()).collect();
                    words.sort_unstable();
                    Ok(words.join(" ").to_lowercase())
                };
                Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, words(5)?, words(6)?])
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        rows.sort();
        rows
    };
    let indexed = rows("SELECT kind, record_id, case_id, title, body, case_facets, record_facets FROM search_index");
    let expected = rows(
        "SELECT r.kind, r.record_id, r.case_id, r.title, r.body, f.facets, r.record_facets
         FROM search_rows r JOIN search_case_facets f ON f.case_id = r.case_id",
    );
    assert_eq!(indexed.len(), expected.len(), "rows in the index");
    for (got, want) in indexed.iter().zip(&expected) {
        assert_eq!(got, want);
    }
}

#[test]
fn filters_follow_later_changes_of_stage_tags_processes_roles_and_attendance() {
    let (fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let heron = case(&mut vault, &ctx, "Heron", json!({"tags": ["family"]}));
    let alder = participant_with(&mut vault, &heron, "Alder", "supporter", "a quiet room");
    let birch = participant_with(&mut vault, &heron, "Birch", "person_harmed", "quiet mornings");
    let noted = note(&mut vault, &ctx, &heron, "quiet walk by the river");
    let session = session_with(
        &mut vault,
        &heron,
        "preparation_meeting",
        "held",
        "2026-02-11",
        Some("2026-02-11"),
        "quiet start",
    );
    attendee(&mut vault, &session, &alder);
    let process = process(&mut vault, &heron, "direct_dialogue", "2026-02-01", None, "active");
    let found = |vault: &mut UnlockedVault, filter: Value| {
        let mut args = json!({"query": "quiet"});
        args.as_object_mut().expect("object").extend(filter.as_object().expect("object").clone());
        let mut found = ids(&search(vault, args));
        found.sort();
        found
    };
    let all = found(&mut vault, json!({}));
    assert_eq!(all.len(), 4);
    assert_eq!(found(&mut vault, json!({"process": "direct_dialogue"})), all, "a process added after the records");
    assert_eq!(found(&mut vault, json!({"stage": "referral"})), all);

    ops::call(
        "change_stage",
        &mut vault,
        &ctx,
        json!({"case_id": heron, "stage": "intake", "decided_by": "facilitator", "reason": "ready"}),
    )
    .expect("stage");
    assert!(found(&mut vault, json!({"stage": "referral"})).is_empty());
    assert_eq!(found(&mut vault, json!({"stage": "intake"})), all);

    ops::call("set_case_tags", &mut vault, &ctx, json!({"case_id": heron, "tags": ["Workplace", "école"]}))
        .expect("tags");
    assert!(found(&mut vault, json!({"tag": "family"})).is_empty());
    assert_eq!(found(&mut vault, json!({"tag": "workplace"})), all);
    assert_eq!(found(&mut vault, json!({"tag": "École"})), all, "a tag with a letter outside ASCII");

    vault.edit(|tx| tx.execute("DELETE FROM processes WHERE id = ?1", [&process])).expect("remove process");
    assert!(found(&mut vault, json!({"process": "direct_dialogue"})).is_empty());

    // Alder attended the session; Birch did not. Then Alder's role is corrected, and Birch joins.
    let mut expected = vec![alder.clone(), session.clone()];
    expected.sort();
    assert_eq!(found(&mut vault, json!({"role": "supporter"})), expected);
    ops::call("update_participant", &mut vault, &ctx, json!({"participant_id": alder, "role": "community_member"}))
        .expect("role");
    assert!(found(&mut vault, json!({"role": "supporter"})).is_empty());
    assert_eq!(found(&mut vault, json!({"role": "community_member"})), expected);
    attendee(&mut vault, &session, &birch);
    let mut expected = vec![birch.clone(), session.clone()];
    expected.sort();
    assert_eq!(found(&mut vault, json!({"role": "person_harmed"})), expected);
    vault.edit(|tx| tx.execute("DELETE FROM session_attendees WHERE participant_id = ?1", [&birch])).expect("leave");
    assert_eq!(found(&mut vault, json!({"role": "person_harmed"})), [birch]);
    assert!(found(&mut vault, json!({})).contains(&noted), "a note about nobody has no role");
    assert_index_agrees_with_tables(vault.conn());

    // The journal replays through the same triggers: after a crash the index is the same.
    drop(vault);
    let vault = fx.unlock();
    assert_index_agrees_with_tables(vault.conn());
}

#[test]
fn every_text_a_facilitator_writes_is_found_but_not_private_contact_details() {
    let (fx, mut vault) = Fixture::new();
    let ctx = ctx();
    let heron = case(&mut vault, &ctx, "Heron", json!({}));
    let alder = participant(&mut vault, &heron, "Alder", "person_harmed");
    let birch = participant(&mut vault, &heron, "Birch", "person_responsible");
    let session = session(&mut vault, &heron, "preparation_meeting", "scheduled", "2026-03-01 10:00:00+00:00", None);
    let commitment = commitment(&mut vault, &heron, &birch, "apology_letter", "a letter", None, "in_progress");
    let progress = progress(&mut vault, &commitment, "2026-03-02", "a first draft");
    let message = message(&mut vault, &heron, &birch, &alder, "a question", "2026-03-03T10:00:00Z", None, None);
    let process = process(&mut vault, &heron, "indirect_dialogue", "2026-02-01", None, "active");
    let sql = |vault: &mut UnlockedVault, sql: &str, values: &[&str]| {
        vault.edit(|tx| tx.execute(sql, rusqlite::params_from_iter(values))).expect(sql);
    };
    sql(
        &mut vault,
        "UPDATE participants SET pronouns = 'zirpronoun', contact = 'phonesecret 0123' WHERE id = ?1",
        &[&alder],
    );
    sql(
        &mut vault,
        "INSERT INTO safety_plans(session_id, venue, supports_present, pause_signals, stop_signals, notes, updated_at)
         VALUES(?1, 'lanternhall', 'auntsupport', 'raisedhand', 'redcard', 'backdoor', '2026-02-01T10:00:00Z')",
        &[&session],
    );
    sql(&mut vault, "UPDATE shuttle_messages SET approval_note = 'okayedwording' WHERE id = ?1", &[&message]);
    sql(
        &mut vault,
        "UPDATE progress_entries SET verified_by = 'counsellorkim', verification = 'signedletter' WHERE id = ?1",
        &[&progress],
    );
    sql(&mut vault, "UPDATE processes SET note = 'chosenindirect' WHERE id = ?1", &[&process]);
    let assessment = {
        let id = id();
        sql(
            &mut vault,
            "INSERT INTO assessments(id, participant_id, stage, checklist, risk_level, decision, reasons, assessed_on, assessed_by, created_at)
             VALUES(?1, ?2, 'intake', '[{\"question\":\"Support between meetings\",\"answer\":\"weeklycalls\"}]', 'low', 'proceed',
                    'ready', '2026-02-01', 'f', '2026-02-01T10:00:00Z')",
            &[&id, &alder],
        );
        id
    };
    let consent = {
        let id = id();
        sql(
            &mut vault,
            "INSERT INTO consents(id, participant_id, activity, decision, method, decided_at, note, recorded_at, seq)
             VALUES(?1, ?2, 'direct_dialogue', 'granted', 'in_person', '2026-02-02T10:00:00Z', 'withsisterpresent', '2026-02-02T10:00:00Z', 99)",
            &[&id, &alder],
        );
        id
    };
    ops::call(
        "change_stage",
        &mut vault,
        &ctx,
        json!({"case_id": heron, "stage": "intake", "decided_by": "facilitatorjo", "reason": "bothwilling"}),
    )
    .expect("stage");
    let attachment = ops::call(
        "add_attachment",
        &mut vault,
        &ctx,
        json!({"case_id": heron, "title": "signedagreement.pdf", "media_type": "application/pdf", "content": "JVBERi0="}),
    )
    .expect("attachment")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    ops::call("cancel_session", &mut vault, &ctx, json!({"session_id": session, "reason": "stormwarning"}))
        .expect("cancel");

    let only = |vault: &mut UnlockedVault, word: &str| -> (String, String) {
        let hits = search(vault, json!({ "query": word }));
        assert_eq!(hits.len(), 1, "{word}: {hits:?}");
        (hits[0]["kind"].as_str().expect("kind").to_owned(), hits[0]["record_id"].as_str().expect("id").to_owned())
    };
    let is = |kind: &str, id: &str| (kind.to_owned(), id.to_owned());
    assert_eq!(only(&mut vault, "zirpronoun"), is("participant", &alder));
    for word in ["lanternhall", "auntsupport", "raisedhand", "redcard", "backdoor", "stormwarning"] {
        assert_eq!(only(&mut vault, word), is("session", &session));
    }
    assert_eq!(only(&mut vault, "okayedwording"), is("message", &message));
    assert_eq!(only(&mut vault, "counsellorkim"), is("progress", &progress));
    assert_eq!(only(&mut vault, "signedletter"), is("progress", &progress));
    assert_eq!(only(&mut vault, "chosenindirect"), is("process", &process));
    assert_eq!(only(&mut vault, "weeklycalls"), is("assessment", &assessment));
    assert_eq!(only(&mut vault, "withsisterpresent"), is("consent", &consent));
    assert_eq!(only(&mut vault, "facilitatorjo").0, "stage_change");
    assert_eq!(only(&mut vault, "bothwilling").0, "stage_change");
    assert_eq!(only(&mut vault, "signedagreement"), is("attachment", &attachment));
    // A checklist's questions are the form, not what was written.
    assert!(search(&mut vault, json!({"query": "between meetings"})).is_empty());
    // A consent entry goes with its participant's role.
    assert_eq!(ids(&search(&mut vault, json!({"query": "withsisterpresent", "role": "person_harmed"}))), [consent]);
    assert!(search(&mut vault, json!({"query": "withsisterpresent", "role": "supporter"})).is_empty());
    // Private contact details are never searched, so never shown in a result.
    assert!(search(&mut vault, json!({"query": "phonesecret"})).is_empty());
    assert!(search(&mut vault, json!({"query": "0123"})).is_empty());
    // A safety plan removed leaves its session's row.
    sql(&mut vault, "DELETE FROM safety_plans WHERE session_id = ?1", &[&session]);
    assert!(search(&mut vault, json!({"query": "lanternhall"})).is_empty());
    assert_eq!(only(&mut vault, "stormwarning"), is("session", &session));
    assert_index_agrees_with_tables(vault.conn());
    drop(vault);
    assert_index_agrees_with_tables(fx.unlock().conn());
}

/// The ranking is FTS5's `bm25()` order (titles weighted 10, bodies 1, facets 0) on demo data, with and without
/// filters: `circlebook_rank()` skips work, never a row that belongs in the results.
#[test]
fn results_come_in_bm25_order() {
    use circlebook_core::model::search::fts_query;
    let (_fx, mut vault) = Fixture::new();
    circlebook_demo::add_cases(&mut vault, 12, 3, "2026-06-15".parse().expect("date")).expect("demo");
    let cases = [
        (json!({"query": "consent"}), ""),
        (json!({"query": "safety plan"}), ""),
        (json!({"query": "apol"}), ""),
        (json!({"query": "quiet room", "limit": 7}), ""),
        (json!({"query": "consent", "stage": "active"}), " AND case_facets : \"sactive\""),
        (json!({"query": "a", "role": "person_responsible"}), " AND record_facets : \"rpersonresponsible\""),
        (
            json!({"query": "apology letter", "role": "person_responsible"}),
            " AND record_facets : \"rpersonresponsible\"",
        ),
        (
            json!({"query": "circle", "process": "indirect_dialogue", "limit": 3}),
            " AND case_facets : \"pindirectdialogue\"",
        ),
    ];
    for (args, filters) in cases {
        let words = fts_query(args["query"].as_str().expect("query")).expect("words");
        let limit = args["limit"].as_i64().unwrap_or(50);
        let hits = ids(&search(&mut vault, args.clone()));
        let expected: Vec<String> = {
            let mut stmt = vault
                .conn()
                .prepare(
                    "SELECT record_id FROM search_index WHERE search_index MATCH ?1
                     ORDER BY bm25(search_index, 0.0, 0.0, 0.0, 10.0, 1.0, 0.0, 0.0), rowid LIMIT ?2",
                )
                .expect("prepare");
            let rows =
                stmt.query_map(rusqlite::params![format!("{{title body}} : ({words}){filters}"), limit], |r| r.get(0));
            rows.expect("query").collect::<Result<_, _>>().expect("rows")
        };
        assert!(expected.len() as i64 >= limit.min(3), "{args}: too few matches for a meaningful check");
        assert_eq!(hits, expected, "{args}");
    }
}
