//! Issue 11, "Merge", through the real binary: a case changed on two vaults is merged by `import`, which prints
//! what it added, changed and left in conflict; `conflicts` lists the field changed on both sides with both
//! values and where each came from; `resolve ID --take N` keeps one (exit 1 in one line for an unknown id or an
//! index out of range, exit 2 for a missing --take), and the choice clears the conflict on the other vault too.

use super::exchange::{case, grant, Desk};
use super::*;

fn send(from: &Desk, to: &Desk, case_id: &str, to_name: &str, name: &str) -> String {
    let out = from.path(name);
    let out_text = out.to_str().expect("utf8").to_owned();
    from.run(&["export", "--case", case_id, "--to", to_name, "--out", &out_text]).ok();
    let carried = to.path(name);
    std::fs::copy(&out, &carried).expect("carry it over");
    to.run(&["import", carried.to_str().expect("utf8")]).ok().stdout
}

#[test]
fn a_field_changed_on_both_vaults_is_listed_resolved_and_cleared_on_both() {
    let (ana, bea) = (Desk::new(), Desk::new());
    let to_bea = ana.befriend(&bea, "Bea");
    let to_ana = bea.befriend(&ana, "Ana");
    let (case_id, people) = case(&ana);
    for p in &people {
        grant(&ana, p, &to_bea);
    }
    send(&ana, &bea, &case_id, "Bea", "one.cbb");
    for p in &people {
        grant(&bea, p, &to_ana);
    }
    let rowan = &people[0];
    ana.call("update_participant", serde_json::json!({ "participant_id": rowan, "alias": "Rowan A" }));
    bea.call("update_participant", serde_json::json!({ "participant_id": rowan, "pronouns": "she/her" }));
    bea.call("update_participant", serde_json::json!({ "participant_id": rowan, "alias": "Rowan B" }));

    let done = send(&ana, &bea, &case_id, "Bea", "two.cbb");
    assert!(done.contains("Willow") && done.contains("(merged)"), "{done}");
    assert!(done.contains("1 field(s) changed on both sides are now conflicts"), "{done}");
    send(&bea, &ana, &case_id, "Ana", "three.cbb");

    let listed = ana.run(&["--json", "conflicts"]).ok().json();
    let conflict = &listed[0];
    assert_eq!((conflict["record_kind"].as_str(), conflict["field"].as_str()), (Some("participants"), Some("alias")));
    let from: Vec<&str> =
        conflict["values"].as_array().expect("v").iter().map(|v| v["from"].as_str().expect("f")).collect();
    assert!(from.contains(&"this vault") && from.contains(&"Bea"), "{from:?}");
    let id = conflict["id"].as_str().expect("id").to_owned();
    let human = bea.run(&["conflicts"]).ok().stdout;
    assert!(
        human.contains(&id) && human.contains("\"Rowan A\"  from Ana") && human.contains("1 conflict(s)"),
        "{human}"
    );

    let before = files(&ana.vault);
    ana.run(&["resolve", "nope", "--take", "0"]).fails_with("conflict");
    ana.run(&["resolve", &id, "--take", "5"]).fails_with("choose 0 to 1");
    assert_eq!(files(&ana.vault), before, "a refused resolution changes nothing");
    assert_eq!(ana.run(&["resolve", &id]).code, 2, "--take is required");
    let take = conflict["values"].as_array().expect("v").iter().position(|v| v["value"] == "\"Rowan B\"").expect("B");
    let kept = ana.run(&["resolve", &id, "--take", &take.to_string()]).ok().stdout;
    assert!(kept.contains("Kept \"Rowan B\""), "{kept}");
    assert!(ana.run(&["conflicts"]).ok().stdout.contains("No conflicts"));

    send(&ana, &bea, &case_id, "Bea", "four.cbb");
    assert_eq!(bea.run(&["--json", "conflicts"]).ok().json(), serde_json::json!([]), "the choice travels");
    let person = bea.call("get_participant", serde_json::json!({ "participant_id": rowan }));
    assert_eq!(person["participant"]["alias"], "Rowan B");
    assert_eq!(person["participant"]["pronouns"], "she/her");
}
