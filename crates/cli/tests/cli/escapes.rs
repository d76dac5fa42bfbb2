//! Issue 8 item 10: stored text never reaches the terminal raw, and case data can come from a file or stdin.
//! Also issue 8 item 8 through the real binary: the CLI's "today" is the machine's local date (TZ), not UTC.

use std::io::Write;

use chrono::{Days, Timelike, Utc};
use serde_json::{json, Value};

use super::*;

/// A code name that sets the terminal title, clears the screen with a C1 CSI, rings the bell, returns the
/// carriage and reverses the rest of the line.
const HOSTILE: &str = "Heron\u{1b}]0;pwned\u{7}\r\u{9b}2J\u{202e}gnp.exe\u{2066}";

fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// `call NAME --args-file FILE [extra…]` with `args` written to a file first.
fn call_file(vault: &Path, name: &str, args: &Value, extra: &[&str]) -> Run {
    let file = vault.parent().expect("parent").join(format!("{name}.json"));
    std::fs::write(&file, args.to_string()).expect("write args");
    let mut all = vec!["call", name, "--args-file", file.to_str().expect("utf-8")];
    all.extend_from_slice(extra);
    run(vault, Some(PASS), &all)
}

#[test]
fn issue_8_item_10_stored_control_characters_are_shown_not_obeyed() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path());
    let case = call_file(&vault, "create_case", &json!({"code_name": HOSTILE}), &["--json"]).ok().json();
    let case_id = case["id"].as_str().expect("id").to_owned();
    assert_eq!(case["code_name"], HOSTILE, "the text is stored as given");

    for args in [vec!["cases"], vec!["show", case_id.as_str()], vec!["search", "Heron"]] {
        let out = run(&vault, Some(PASS), &args).ok();
        assert_eq!(raw_controls(&out.stdout), Vec::<char>::new(), "{args:?} printed raw controls: {:?}", out.stdout);
        assert!(
            out.stdout.contains("Heron\\x1b]0;pwned\\x07\\x0d\\x9b2J\\u{202e}gnp.exe\\u{2066}"),
            "{args:?}: {}",
            out.stdout
        );
    }
    // `call` prints JSON for people and for scripts: controls become \u escapes and the value reads back exactly.
    for extra in [&[][..], &["--json"]] {
        let out = call_file(&vault, "get_case", &json!({"case_id": case_id}), extra).ok();
        assert_eq!(raw_controls(&out.stdout), Vec::<char>::new(), "{extra:?}: {:?}", out.stdout);
        let value: Value = serde_json::from_str(&out.stdout).expect("JSON");
        assert_eq!(value["case"]["code_name"], HOSTILE);
    }
    // An error that names stored text: one line on stderr, neutralised; --json gives the exact details.
    let person = call_file(
        &vault,
        "add_participant",
        &json!({"case_id": case_id, "alias": "Fern\u{1b}[2J", "role": "person_harmed"}),
        &["--json"],
    )
    .ok()
    .json();
    let note = json!({"case_id": case_id, "participant_id": person["id"], "body": "private"});
    let refused = call_file(&vault, "add_note", &note, &[]).fails_with("Fern\\x1b[2J has no consent to keeping_notes");
    assert_eq!(raw_controls(&refused.stderr), Vec::<char>::new(), "{:?}", refused.stderr);
    let refused = call_file(&vault, "add_note", &note, &["--json"]).fails_with("keeping_notes").json();
    assert_eq!(refused["error"]["code"], "consent_required");
    assert_eq!(refused["error"]["details"]["alias"], "Fern\u{1b}[2J");
    assert_eq!(refused["error"]["details"]["state"], "not_asked");
}

#[test]
fn issue_8_item_10_args_file_dash_reads_stdin_and_the_help_shows_it() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path());
    let mut cmd = cli(temp.path());
    cmd.arg("--vault").arg(&vault).args(["call", "create_case", "--args-file", "-", "--json"]);
    cmd.env("CIRCLEBOOK_PASSPHRASE", PASS).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    child.stdin.take().expect("stdin").write_all(br#"{"code_name": "Wren"}"#).expect("write stdin");
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let case: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(case["code_name"], "Wren");

    let help = finish(cli(temp.path()).args(["call", "--help"])).ok().stdout;
    assert!(help.contains("--args-file new-case.json") && help.contains("--args-file - <"), "{help}");
    assert!(!help.contains("--args '{"), "no example puts case data on the command line: {help}");
}

#[test]
fn issue_8_item_8_the_cli_judges_expiry_by_the_machines_local_date() {
    // Whatever the hour, one of these zones is on another calendar day than UTC: Kiritimati (UTC+14) is a day
    // ahead from 10:00 UTC, Pago Pago (UTC-11) a day behind until 11:00 UTC.
    let now = Utc::now();
    let utc_today = now.date_naive();
    let (tz, local_today) = if now.hour() >= 10 {
        ("Pacific/Kiritimati", utc_today + Days::new(1))
    } else {
        ("Pacific/Pago_Pago", utc_today - Days::new(1))
    };
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path());
    let zoned = |args: &[&str]| {
        let mut cmd = cli(temp.path());
        cmd.env("TZ", tz).env("CIRCLEBOOK_PASSPHRASE", PASS).arg("--vault").arg(&vault).args(args);
        finish(&mut cmd).ok().json()
    };
    let case = zoned(&["call", "create_case", "--args", r#"{"code_name":"Heron"}"#, "--json"]);
    let person = zoned(&[
        "call",
        "add_participant",
        "--args",
        &json!({"case_id": case["id"], "alias": "Robin", "role": "person_harmed"}).to_string(),
        "--json",
    ]);
    // A grant given last month whose last day is the day before the local today: expired (in Kiritimati the
    // UTC date would still call it current).
    let grant = json!({
        "participant_id": person["id"], "activity": "conference", "decision": "granted", "method": "written",
        "decided_at": "2025-12-01T12:00:00Z", "expires_on": local_today - Days::new(1)
    });
    zoned(&["call", "record_consent", "--args", &grant.to_string(), "--json"]);
    let current =
        zoned(&["call", "current_consents", "--args", &json!({"participant_id": person["id"]}).to_string(), "--json"]);
    assert_eq!(current[0]["state"], "expired", "TZ={tz}, local today {local_today}");
    let renew = json!({
        "participant_id": person["id"], "activity": "conference", "decision": "granted", "method": "written",
        "expires_on": local_today
    });
    let refused = {
        let mut cmd = cli(temp.path());
        cmd.env("TZ", tz).env("CIRCLEBOOK_PASSPHRASE", PASS).arg("--vault").arg(&vault);
        cmd.args(["call", "record_consent", "--args", &renew.to_string(), "--json"]);
        finish(&mut cmd)
    };
    // A grant made today that ends today is refused (its expiry must follow the local day it was given); one
    // that ends tomorrow is taken (in Pago Pago the UTC date would call tomorrow today and refuse it).
    assert_eq!(refused.code, 1, "TZ={tz}: {refused:?}");
    let renew = json!({
        "participant_id": person["id"], "activity": "conference", "decision": "granted", "method": "written",
        "expires_on": local_today + Days::new(1)
    });
    zoned(&["call", "record_consent", "--args", &renew.to_string(), "--json"]);
    let current =
        zoned(&["call", "current_consents", "--args", &json!({"participant_id": person["id"]}).to_string(), "--json"]);
    assert_eq!(current[0]["state"], "granted", "TZ={tz}");
}
