//! `bench`, at a tiny size and one sample: the figures themselves live in docs/PERFORMANCE.md.

use super::*;

#[test]
fn bench_runs_on_a_temporary_vault_and_reports_json() {
    let temp = tempfile::tempdir().expect("temp");
    let dir = temp.path().join("bench");
    let report =
        finish(cli(temp.path()).args(["bench", "--cases", "10", "--samples", "1", "--json", "--vault-dir"]).arg(&dir))
            .ok()
            .json();
    assert_eq!(report["cases"], 10);
    assert_eq!(report["unlock"]["vault"]["n"], 1);
    assert!(report["unlock"]["age_cli"]["median_ms"].as_f64().is_some(), "age -d ran: {report}");
    let sizes: Vec<u64> =
        report["edits"].as_array().expect("edits").iter().map(|e| e["cases"].as_u64().expect("n")).collect();
    assert_eq!(sizes, [10, 50]);
    assert_eq!(report["replay"]["records"], 200);
    assert!(report["peak_rss_bytes"].as_u64().is_some_and(|b| b > 0));
    let queries = report["search"]["queries"].as_array().expect("search queries");
    assert!(queries.len() >= 20);
    assert_eq!(report["search"]["all"]["n"].as_u64(), Some(queries.len() as u64));
    assert!(queries.iter().any(|q| q["hits"].as_u64().is_some_and(|h| h > 0)), "searches find demo text");
    let typed = report["search"]["typed"].as_array().expect("keystrokes");
    assert_eq!(typed.len(), 43, "every letter of the window benchmark's four phrases");
    assert_eq!(report["search"]["typed_all"]["n"].as_u64(), Some(43));
    assert!(typed.iter().all(|q| q["hits"].as_u64().is_some_and(|h| h <= 30)), "the palette's limit");
    let screens = &report["screens"];
    assert_eq!(screens["open_cases"].as_u64().map(|n| n > 0 && n <= 10), Some(true), "{screens}");
    let ops: Vec<&str> = ["home", "whole", "case"]
        .iter()
        .flat_map(|s| screens[s].as_array().expect("reads").iter().map(|r| r["op"].as_str().expect("op")))
        .collect();
    assert_eq!(ops, ["list_case_summaries", "due", "list_cases", "due", "case_file", "sessions_needing_attention"]);
    assert_eq!(screens["home"][1]["args"], serde_json::json!({ "limit": 30 }), "the home's limit");
    assert!(screens["case"][0]["json_bytes"].as_u64().is_some_and(|b| b > 100), "{screens}");
    finish(cli(temp.path()).args(["bench", "--vault-dir"]).arg(&dir)).fails_with("not empty");
}
