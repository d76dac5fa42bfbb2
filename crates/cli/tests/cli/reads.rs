//! `cases`, `show`, `search`, `due` and `report` on one small demo vault (the checks run in turn: two processes
//! cannot hold the vault at once).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::*;

fn json_of(vault: &Path, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    run(vault, Some(PASS), &args).ok().json()
}

fn human(vault: &Path, args: &[&str]) -> String {
    run(vault, Some(PASS), args).ok().stdout
}

#[test]
fn friendly_reads_on_a_demo_vault() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path());
    run(&vault, Some(PASS), &["demo", "--cases", "12", "--today", "2026-06-15"]).ok();

    // cases: open ones by default, every one with --all; the statement's first line in the table.
    let open = json_of(&vault, &["cases"]);
    let all = json_of(&vault, &["cases", "--all"]);
    let all = all.as_array().expect("cases");
    assert_eq!(all.len(), 12);
    assert!(open.as_array().expect("cases").iter().all(|c| c["stage"] != "closed"));
    let table = human(&vault, &["cases", "--all"]);
    let first = &all[0];
    let needs = first["harmed_needs"].as_str().expect("needs").lines().next().unwrap_or("").to_owned();
    let row =
        table.lines().find(|l| l.starts_with(first["code_name"].as_str().expect("name"))).expect("a row per case");
    assert!(needs.is_empty() || row.contains(&needs.chars().take(30).collect::<String>()), "{row:?} lacks {needs:?}");
    let stage = first["stage"].as_str().expect("stage").to_owned();
    let at_stage = json_of(&vault, &["cases", "--all", "--stage", &stage]);
    assert!(at_stage.as_array().expect("cases").iter().all(|c| c["stage"] == stage.as_str()));
    assert_eq!(run(&vault, Some(PASS), &["cases", "--stage", "someday"]).code, 2);

    // show: the person harmed's statement first, then people, processes, sessions, notes, tasks, timeline.
    // A case past its referral (so it has an intake note) whose statement has several lines.
    let with_needs = all
        .iter()
        .find(|c| c["stage"] != "referral" && c["harmed_needs"].as_str().is_some_and(|n| n.contains('\n')))
        .expect("a statement");
    let name = with_needs["code_name"].as_str().expect("name");
    let page = human(&vault, &["show", name]);
    let headings: Vec<&str> = page.lines().filter(|l| !l.is_empty() && !l.starts_with(' ')).skip(1).collect();
    let statement = headings.iter().position(|h| h.starts_with("What the person harmed needs")).expect("statement");
    let before: Vec<&&str> = headings[..statement].iter().collect();
    assert!(
        before.iter().all(|h| h.starts_with("Referral") || h.starts_with("Tags") || h.starts_with("Note")),
        "{before:?}"
    );
    let order = [
        "What the person harmed needs",
        "What justice",
        "Participants",
        "Processes",
        "Sessions",
        "Notes",
        "Tasks",
        "Timeline",
    ];
    let at: Vec<usize> =
        order.iter().map(|o| headings.iter().position(|h| h.starts_with(o)).unwrap_or(usize::MAX)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "sections out of order: {headings:?}");
    let first_need = with_needs["harmed_needs"].as_str().expect("needs").lines().next().expect("a line");
    let after_heading =
        page.lines().skip_while(|l| !l.starts_with("What the person harmed needs")).nth(1).expect("a line");
    assert_eq!(after_heading.trim(), first_need);
    let mut timeline = page.lines().skip_while(|l| *l != "Timeline");
    assert!(timeline.any(|l| l.ends_with("  Case opened")), "the timeline in English, from each event's detail");
    let file = json_of(&vault, &["show", with_needs["id"].as_str().expect("id")]);
    assert_eq!(file["harmed_statement"]["needs"], with_needs["harmed_needs"]);
    run(&vault, Some(PASS), &["show", "Nobody-000"]).fails_with("there is no case with the id or code name Nobody-000");

    // search: a word of one of the case's notes finds that note.
    let note = file["notes"].as_array().and_then(|n| n.first()).expect("the case has a note");
    let word = note["body"]
        .as_str()
        .expect("body")
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() >= 8)
        .nth(2)
        .expect("a long word")
        .to_lowercase();
    let hits = json_of(&vault, &["search", &word, "--limit", "500"]);
    let hits = hits.as_array().expect("hits");
    assert!(hits.iter().any(|h| h["record_id"] == note["id"] && h["kind"] == "note"), "{word} did not find its note");
    assert!(hits.iter().all(|h| h["snippet"].as_str().is_some_and(|s| s.to_lowercase().contains(&format!("«{word}")))));
    let lines = human(&vault, &["search", &word, "--limit", "3"]);
    assert!(lines.lines().next().is_some_and(|l| l.contains('«')), "{lines}");
    let filtered = json_of(&vault, &["search", &word, "--stage", &stage, "--limit", "500"]);
    let at_stage: Vec<&Value> = all.iter().filter(|c| c["stage"] == stage.as_str()).collect();
    for hit in filtered.as_array().expect("hits") {
        assert!(at_stage.iter().any(|c| c["id"] == hit["case_id"]), "{hit} is not at stage {stage}");
    }

    // due: reminders from the records of open cases.
    let due = json_of(&vault, &["due", "--within", "3000"]);
    let every = due["items"].as_array().expect("due");
    assert!(every.len() > 3, "open demo cases have something due: {due}");
    assert_eq!(due["total"].as_u64(), Some(every.len() as u64));
    let table = human(&vault, &["due", "--within", "3000"]);
    assert!(table.contains("reminders"));
    // The JSON carries what each reminder is about as data; the table words it in English.
    for item in every {
        let detail = &item["detail"];
        let word = |key: &str| detail[key].as_str().expect(key).replace('_', " ");
        let words = match detail["kind"].as_str().expect("kind") {
            "consent_expiry" => format!("Consent to {} expires ({})", word("activity"), word("alias")),
            "assessment_review" => format!("Assessment review ({})", word("alias")),
            "commitment" => format!("Commitment due: {} ({})", word("commitment_kind"), word("alias")),
            "supervision" => "Supervision or case consultation (every 12 weeks)".to_owned(),
            "task" => format!("Task: {}", detail["title"].as_str().expect("title")),
            other => panic!("a reminder of an unknown kind: {other}"),
        };
        let day = item["due_on"].as_str().expect("due_on");
        assert!(table.lines().any(|l| l.starts_with(day) && l.ends_with(&words)), "{words:?} on {day}: {table}");
    }
    // Issue 9: with a limit, the soonest that many of the same list, and the total of them all.
    for limit in [0, 1, 3, every.len() - 1, every.len() + 5] {
        let cut = json_of(&vault, &["due", "--within", "3000", "--limit", &limit.to_string()]);
        assert_eq!(cut["total"], due["total"], "limit {limit}");
        assert_eq!(cut["items"].as_array().expect("items")[..], every[..limit.min(every.len())], "limit {limit}");
    }
    let three = human(&vault, &["due", "--within", "3000", "--limit", "3"]);
    assert!(three.contains(&format!("The soonest 3 of {} reminders", every.len())), "{three}");

    // report: the audited CSV export says what the JSON report says.
    let range = ["--from", "2024-01-01", "--to", "2026-12-31"];
    let report = json_of(&vault, &[&["report"][..], &range].concat());
    let csv = human(&vault, &[&["report"][..], &range, &["--csv"]].concat());
    let rows: BTreeMap<(String, String), String> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), 3, "{l}");
            ((cells[0].to_owned(), cells[1].to_owned()), cells[2].to_owned())
        })
        .collect();
    assert_eq!(csv.lines().next(), Some("section,key,value"));
    let mut compared = 0;
    for section in ["cases_by_stage", "processes_opened_by_kind", "cases_closed_by_outcome", "sessions_held_by_kind"] {
        for count in report[section].as_array().expect("counts") {
            let key = (section.to_owned(), count["key"].as_str().expect("key").to_owned());
            assert_eq!(rows.get(&key).map(String::as_str), Some(count["value"].to_string().as_str()), "{key:?}");
            compared += 1;
        }
    }
    let total: i64 =
        report["cases_by_stage"].as_array().expect("counts").iter().map(|c| c["value"].as_i64().expect("n")).sum();
    assert_eq!(total, 12);
    let single = |s: &str, k: &str| rows.get(&(s.to_owned(), k.to_owned())).cloned().unwrap_or_default();
    assert_eq!(single("consent", "withdrawals"), report["consent_withdrawals"].to_string());
    assert_eq!(single("commitments_due_in_range", "done"), report["commitments_done"].to_string());
    assert_eq!(single("commitments_due_in_range", "missed"), report["commitments_missed"].to_string());
    assert_eq!(rows.len(), compared + 6, "every CSV row was compared");
    assert!(human(&vault, &[&["report"][..], &range].concat()).contains("Cases by current stage"));
    let audit = json_of(&vault, &["call", "list_audit", "--args", &json!({}).to_string()]);
    assert!(audit.to_string().contains("export_report"), "the CSV export is audited");
}
