//! `call`: every registered operation by name, with JSON in and out, and its failures.

use std::io::Write;

use circlebook_core::model::ops;
use serde_json::{json, Value};

use super::*;

/// `call NAME --args JSON --json`, expected to succeed; its result.
fn call(vault: &Path, name: &str, args: Value) -> Value {
    run(vault, Some(PASS), &["call", name, "--args", &args.to_string(), "--json"]).ok().json()
}

#[test]
fn call_list_names_every_operation_of_the_registry() {
    let temp = tempfile::tempdir().expect("temp");
    // No vault and no passphrase are needed to describe the operations.
    let human = finish(cli(temp.path()).args(["call", "--list"])).ok().stdout;
    let listed: Vec<&str> = human.lines().filter_map(|l| l.split_whitespace().next()).collect();
    for op in ops::all() {
        assert!(listed.contains(&op.name), "{} is not listed", op.name);
    }
    let list = finish(cli(temp.path()).args(["call", "--list", "--json"])).ok().json();
    let names: Vec<&str> =
        list["ops"].as_array().expect("ops").iter().map(|o| o["name"].as_str().expect("name")).collect();
    assert_eq!(names, ops::all().iter().map(|op| op.name).collect::<Vec<_>>());
    let cfg = ops::config();
    for (op, listed) in ops::all().iter().zip(list["ops"].as_array().expect("ops")) {
        let args = (op.args)(&cfg);
        assert_eq!(listed["args"], args.as_str());
        assert_eq!(listed["returns"], (op.returns)(&cfg).as_str());
        assert!(["read", "write", "vault"].contains(&listed["access"].as_str().expect("access")));
        let declared = list["types"][&args].as_str().unwrap_or_else(|| panic!("no declaration of {args}"));
        assert!(declared.contains(&args), "{declared}");
    }
    assert!(list["types"]["NewCase"].as_str().expect("NewCase").contains("code_name: string"));
}

#[test]
fn call_runs_operations_and_reports_their_failures() {
    let temp = tempfile::tempdir().expect("temp");
    let (vault, _) = quick_vault(temp.path());
    let case = call(&vault, "create_case", json!({"code_name": "Heron"}));
    let case_id = case["id"].as_str().expect("id").to_owned();
    let listed = call(&vault, "list_cases", json!({}));
    assert_eq!(listed.as_array().expect("list").len(), 1);
    assert_eq!(listed[0]["code_name"], "Heron");
    // Without --json the result is indented JSON for people.
    let pretty =
        run(&vault, Some(PASS), &["call", "get_case", "--args", &json!({"case_id": case_id}).to_string()]).ok();
    assert!(pretty.stdout.lines().count() > 5, "{}", pretty.stdout);
    assert_eq!(serde_json::from_str::<Value>(&pretty.stdout).expect("JSON")["case"]["code_name"], "Heron");

    // Arguments from a file and from stdin.
    let args_file = temp.path().join("args.json");
    std::fs::write(&args_file, json!({"case_id": case_id, "alias": "Fern", "role": "person_harmed"}).to_string())
        .expect("write");
    let person = run(
        &vault,
        Some(PASS),
        &["call", "add_participant", "--args-file", args_file.to_str().expect("utf-8"), "--json"],
    )
    .ok()
    .json();
    let mut cmd = cli(temp.path());
    cmd.arg("--vault").arg(&vault).args(["call", "list_participants", "--args", "-", "--json"]);
    cmd.env("CIRCLEBOOK_PASSPHRASE", PASS).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(json!({"case_id": case_id}).to_string().as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let people: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(people[0]["id"], person["id"]);

    // Rule 1 through `call`: nobody is scheduled without current consent; one clear line, exit 1.
    let schedule = json!({
        "case_id": case_id, "kind": "preparation_meeting", "scheduled_for": "2030-01-07T10:00:00Z",
        "attendees": [person["id"]],
    })
    .to_string();
    run(&vault, Some(PASS), &["call", "schedule_session", "--args", &schedule])
        .fails_with("Fern has no current consent");
    let refused = run(&vault, Some(PASS), &["call", "schedule_session", "--args", &schedule, "--json"])
        .fails_with("consent")
        .json();
    assert_eq!(refused["error"]["code"], "consent_required");
    assert!(call(&vault, "list_sessions", json!({"case_id": case_id})).as_array().expect("list").is_empty());

    // The name and the JSON are checked before any passphrase is asked for (none is given here).
    let before = files(&vault);
    run(&vault, None, &["call", "frobnicate", "--args", "{}"])
        .fails_with("there is no operation called frobnicate; `call --list` shows them");
    let invalid = run(&vault, None, &["call", "list_cases", "--args", "{\"stage\": "]);
    assert_eq!(invalid.code, 2, "{invalid:?}");
    assert_eq!(invalid.stderr.lines().count(), 1, "{invalid:?}");
    assert!(invalid.stderr.contains("not valid JSON"), "{invalid:?}");
    let unfit = run(&vault, Some(PASS), &["call", "list_cases", "--args", "{\"stage\": \"someday\"}"]);
    unfit.fails_with("the arguments do not fit");
    assert_eq!(files(&vault), before, "failed calls and reads change no file");
}
