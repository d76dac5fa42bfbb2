//! Issue 9, the rest of a case's work, driven through the built app over a demo vault: readiness and risk
//! assessments; processes and, per session, attendees, safety plan, private notes apart from the shareable
//! summary, agreements and follow-ups; shuttle messages (write, the author's approval, relay) blocked by consent
//! until it is recorded; editing a participant and a note. Every new screen is checked by axe-core and for CSP
//! violations in English and Spanish, and screenshotted into `<target>/e2e-screenshots/case-work-*/`.
//! Each test adds its own case (with `invoke`, as the UI's bindings do) to a vault of synthetic demo cases.

use circlebook_e2e::demo::DemoApp;
use circlebook_e2e::drive::{
    check_screen, choose, click, invoke, keys, tab_back_to, type_into, wait_focus, wait_ready,
};
use circlebook_e2e::{wait_for, wait_for_text, Error, Screenshots, STEP};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

/// Demo cases in the vault beside the test's own.
const DEMO_CASES: usize = 12;

/// Issue 9, readiness and risk: a demo case's assessments are listed; one is recorded with a checklist answer,
/// a decision to pause and its reasons, and the screen says the stage is the team's to change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_and_risk_assessment_is_recorded() -> Result<(), Error> {
    let app = DemoApp::start(DEMO_CASES).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("case-work-assessments")?;
        app.unlock().await?;

        // A demo case with assessments: they are listed, newest first.
        let demo = demo_case_with(client, "assessments").await?;
        open_tab(client, &demo, "assessments").await?;
        wait_for(client, "assessment").await?;
        check_screen(client, &mut shots, "assessments-demo").await?;

        let case = prepared_case(client, "Kestrel", &[]).await?;
        open_tab(client, &case.id, "assessments").await?;
        wait_for(client, "assessment-form").await?;
        choose(client, "assessment-person", &case.finch).await?;
        choose(client, "assessment-risk", "medium").await?;
        choose(client, "assessment-decision", "pause").await?;
        type_into(client, "check-a-0", "Yes, after a second conversation").await?;
        type_into(client, "check-a-1", "Not yet: wants a supporter present").await?;
        type_into(client, "assessment-reasons", "Finch asked for time to arrange support before meeting.").await?;
        type_into(client, "assessment-by", "Facilitator team").await?;
        type_into(client, "assessment-review", "2030-02-01").await?;
        check_screen(client, &mut shots, "assessment-form").await?;
        click(client, "assessment-submit").await?;
        let recorded = wait_for_text(client, "assessment-list", "Finch").await?;
        assert!(recorded.contains("Pause") && recorded.contains("Medium"), "{recorded}");
        let suggestion = wait_for_text(client, "assessment-suggestion", "stage has not changed").await?;
        assert!(suggestion.contains("pause"), "{suggestion}");
        // The case itself did not move.
        let stage = wait_for(client, "case-stage").await?.text().await?;
        assert!(!stage.contains("Paused"), "the stage changed by itself: {stage}");
        let kept = invoke(client, "list_assessments", json!({"participant_id": case.finch})).await?;
        assert_eq!(kept["ok"][0]["checklist"].as_array().map(Vec::len), Some(2), "two answered questions: {kept}");
        scroll_to(client, "assessment-list").await?;
        check_screen(client, &mut shots, "assessments").await?;

        in_spanish(client, &case.id, "assessments").await?;
        wait_for_text(client, "assessment-list", "Pausar").await?;
        scroll_to(client, "assessment-list").await?;
        check_screen(client, &mut shots, "assessments-es").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}

/// Issue 9, processes and sessions: a process opened and paused with a note; a session scheduled within it;
/// opened in place, an attendee taken off and added back, a safety plan, private notes kept apart from the
/// shareable summary; once held, an agreement with who agreed and a follow-up that becomes a task.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_and_session_details() -> Result<(), Error> {
    let app = DemoApp::start(DEMO_CASES).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("case-work-sessions")?;
        app.unlock().await?;
        let case = prepared_case(client, "Plover", &["direct_dialogue"]).await?;

        open_tab(client, &case.id, "processes").await?;
        wait_for(client, "process-form").await?;
        choose(client, "process-kind", "direct_dialogue").await?;
        type_into(client, "process-note", "Both asked to meet, with supporters nearby.").await?;
        click(client, "process-open").await?;
        wait_for_text(client, "process-row", "Direct dialogue").await?;
        click(client, "process-status").await?;
        wait_for(client, "process-dialog").await?;
        choose(client, "process-new-status", "paused").await?;
        type_into(client, "process-status-note", "Paused while Finch arranges support; decided by the team.").await?;
        check_screen(client, &mut shots, "process-dialog").await?;
        click(client, "process-status-submit").await?;
        let row = wait_for_text(client, "process-row", "Paused").await?;
        assert!(row.contains("arranges support"), "{row}");
        scroll_to(client, "process-list").await?;
        check_screen(client, &mut shots, "processes").await?;
        let processes = invoke(client, "list_processes", json!({"case_id": case.id})).await?;
        let process = processes["ok"][0]["id"].as_str().ok_or(format!("no process: {processes}"))?.to_owned();

        // A session within the process.
        click(client, "tab-sessions").await?;
        choose(client, "session-kind", "direct_dialogue").await?;
        type_into(client, "session-day", "2030-05-01").await?;
        type_into(client, "session-time", "10:00").await?;
        click(client, "attendee-Wren").await?;
        click(client, "attendee-Finch").await?;
        choose(client, "session-process", &process).await?;
        click(client, "schedule-submit").await?;
        wait_for_text(client, "session-row", "Scheduled").await?;
        let sessions = invoke(client, "list_sessions", json!({"case_id": case.id})).await?;
        assert_eq!(sessions["ok"][0]["process_id"].as_str(), Some(process.as_str()), "{sessions}");

        // Opened in place: attendees, safety plan, notes.
        click(client, "session-open").await?;
        wait_ready(client, "session-detail").await?;
        click(client, "attendee-remove-Finch").await?;
        wait_gone_from(client, "attendee-list", "Finch").await?;
        choose(client, "attendee-new", &case.finch).await?;
        click(client, "attendee-add").await?;
        wait_for_text(client, "attendee-list", "Finch").await?;
        type_into(client, "safety-venue", "Community library, room 2").await?;
        click(client, "safety-arrival").await?;
        click(client, "safety-departure").await?;
        type_into(client, "safety-supports", "Wren's sister; Finch's mentor").await?;
        type_into(client, "safety-pause", "A raised hand").await?;
        type_into(client, "safety-stop", "Saying \"stop\"").await?;
        click(client, "safety-save").await?;
        wait_for(client, "safety-saved").await?;
        type_into(client, "session-private", "Wren would like to speak first.").await?;
        type_into(client, "session-summary", "A meeting to hear each other.").await?;
        click(client, "session-notes-save").await?;
        wait_for(client, "session-notes-saved").await?;
        let plan = invoke(client, "get_safety_plan", json!({"session_id": sessions["ok"][0]["id"]})).await?;
        assert_eq!(plan["ok"]["venue"], json!("Community library, room 2"), "{plan}");
        assert_eq!(plan["ok"]["separate_arrival"], json!(true), "{plan}");
        scroll_to(client, "session-row").await?;
        check_screen(client, &mut shots, "session-detail-scheduled").await?;

        // Held: an agreement with who agreed, and a follow-up that is also a task of the case.
        click(client, "session-record").await?;
        wait_for(client, "record-dialog").await?;
        click(client, "record-submit").await?;
        wait_for_text(client, "session-row", "Held").await?;
        wait_for(client, "agreement-form").await?;
        type_into(client, "agreement-text", "Letters go through the facilitator first.").await?;
        click(client, "agreed-Wren").await?;
        click(client, "agreed-Finch").await?;
        click(client, "agreement-add").await?;
        let agreed = wait_for_text(client, "agreement-list", "Letters go through").await?;
        assert!(agreed.contains("Wren") && agreed.contains("Finch"), "{agreed}");
        type_into(client, "follow-up-title", "Send both the shareable summary").await?;
        type_into(client, "follow-up-due", "2030-05-08").await?;
        click(client, "follow-up-add").await?;
        wait_for_text(client, "follow-up-list", "shareable summary").await?;
        let session = invoke(client, "get_session", json!({"session_id": sessions["ok"][0]["id"]})).await?;
        assert_eq!(session["ok"]["session"]["private_notes"], json!("Wren would like to speak first."), "{session}");
        assert_eq!(session["ok"]["session"]["shareable_summary"], json!("A meeting to hear each other."), "{session}");
        assert_eq!(session["ok"]["agreements"].as_array().map(Vec::len), Some(1), "{session}");
        scroll_to(client, "agreement-list").await?;
        check_screen(client, &mut shots, "session-detail-held").await?;
        click(client, "tab-tasks").await?;
        wait_for_text(client, "task-list", "Send both the shareable summary").await?;

        in_spanish(client, &case.id, "processes").await?;
        wait_for_text(client, "process-row", "Diálogo directo").await?;
        check_screen(client, &mut shots, "processes-es").await?;
        click(client, "tab-sessions").await?;
        click(client, "session-open").await?;
        wait_ready(client, "session-detail").await?;
        wait_for_text(client, "session-detail", "Acuerdos").await?;
        scroll_to(client, "session-row").await?;
        check_screen(client, &mut shots, "session-detail-es").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}

/// Issue 9, shuttle messages: written in the author's words and approved by them; relaying is blocked while the
/// recipient has not consented to indirect dialogue, and the screen says whose consent and which activity, with
/// the link to record it; recorded, the message is relayed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shuttle_message_waits_for_approval_and_consent() -> Result<(), Error> {
    let app = DemoApp::start(DEMO_CASES).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("case-work-messages")?;
        app.unlock().await?;
        let case = prepared_case(client, "Curlew", &[]).await?;
        // Only the author (Finch) consents to indirect dialogue; Wren was not asked yet.
        grant(client, &case.finch, "indirect_dialogue").await?;

        open_tab(client, &case.id, "messages").await?;
        wait_for(client, "message-form").await?;
        choose(client, "message-author", &case.finch).await?;
        choose(client, "message-recipient", &case.wren).await?;
        type_into(client, "message-content", "I have thought about what you said, and I am listening.").await?;
        click(client, "message-write").await?;
        wait_for_text(client, "message-step", "Waiting for the author's approval").await?;
        check_screen(client, &mut shots, "message-written").await?;

        // The approval by keyboard alone: Shift+Tab back from the form to the message's button (its focus ring
        // visible), Enter opens the dialog with the focus in the note, Enter records it.
        tab_back_to(client, "message-approve", 30).await?;
        let outline =
            client.execute("return getComputedStyle(document.activeElement).outlineStyle;", Vec::new()).await?;
        assert_ne!(outline, json!("none"), "the focused button shows its focus");
        keys(client, &Key::Enter).await?;
        wait_for(client, "approve-dialog").await?;
        wait_focus(client, "approval-note").await?;
        keys(client, "Read back by phone; approved as written.").await?;
        check_screen(client, &mut shots, "approve-dialog").await?;
        keys(client, &Key::Enter).await?;
        wait_for_text(client, "message-step", "Approved").await?;

        // Relaying: the screen says whose consent and which activity before anything is sent…
        let gaps = wait_for_text(client, "message-gaps", "Wren").await?;
        assert!(gaps.contains("Indirect dialogue") && gaps.contains("Not asked") && !gaps.contains("Finch"), "{gaps}");
        // …and the core refuses it too, worded from the error's code.
        click(client, "message-relay").await?;
        wait_for_text(client, "relay-error", "Wren").await?;
        let code = client.find(Locator::Css("[data-testid=\"relay-error\"] [data-error-code]")).await?;
        assert_eq!(code.attr("data-error-code").await?.as_deref(), Some("consent_required"));
        scroll_to(client, "message-list").await?;
        check_screen(client, &mut shots, "relay-blocked").await?;

        // The way to record it is one link away; recorded, the message is relayed.
        click(client, "message-gaps-link").await?;
        wait_for(client, "consent-grid").await?;
        click(client, "consent-Wren-indirect_dialogue").await?;
        wait_for(client, "consent-dialog").await?;
        click(client, "decision-granted").await?;
        click(client, "consent-submit").await?;
        client
            .wait()
            .at_most(STEP)
            .for_element(Locator::Css("[data-testid=\"consent-Wren-indirect_dialogue\"][data-state=\"granted\"]"))
            .await
            .map_err(|e| format!("Wren's consent was not recorded: {e}"))?;
        click(client, "tab-messages").await?;
        assert!(client.find(Locator::Css("[data-testid=\"message-gaps\"]")).await.is_err(), "no gap once consented");
        click(client, "message-relay").await?;
        wait_for_text(client, "message-step", "Relayed").await?;
        let messages = invoke(client, "list_messages", json!({"case_id": case.id})).await?;
        assert!(messages["ok"][0]["relayed_at"].is_string(), "{messages}");
        scroll_to(client, "message-list").await?;
        check_screen(client, &mut shots, "messages").await?;

        in_spanish(client, &case.id, "messages").await?;
        wait_for_text(client, "message-step", "Transmitido").await?;
        check_screen(client, &mut shots, "messages-es").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}

/// Issue 9, editing: a participant's pronouns and private access needs, and a note's text and sharing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participant_and_note_are_edited() -> Result<(), Error> {
    let app = DemoApp::start(DEMO_CASES).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("case-work-edits")?;
        app.unlock().await?;
        let case = prepared_case(client, "Avocet", &[]).await?;
        let note = invoke(
            client,
            "add_note",
            json!({"case_id": case.id, "body": "First call with Wren.", "shareable": false}),
        )
        .await?;
        assert!(note.get("ok").is_some(), "{note}");

        open_tab(client, &case.id, "people").await?;
        click(client, "person-edit-Wren").await?;
        wait_for(client, "person-dialog").await?;
        type_into(client, "edit-pronouns", "they/them").await?;
        type_into(client, "edit-access", "A step-free room").await?;
        choose(client, "edit-updates", "directly").await?;
        check_screen(client, &mut shots, "person-edit-dialog").await?;
        click(client, "edit-person-save").await?;
        wait_for_text(client, "people-table", "they/them").await?;
        let wren = invoke(client, "get_participant", json!({"participant_id": case.wren})).await?;
        assert_eq!(wren["ok"]["participant"]["access_needs"], json!("A step-free room"), "{wren}");
        assert_eq!(wren["ok"]["participant"]["progress_updates"], json!("directly"), "{wren}");
        assert_eq!(wren["ok"]["participant"]["role"], json!("person_harmed"), "unchanged fields stay: {wren}");

        click(client, "tab-notes").await?;
        click(client, "note-edit").await?;
        wait_for(client, "note-dialog").await?;
        type_into(client, "note-edit-body", "First call with Wren: **wants** to hear from Finch in writing.").await?;
        click(client, "note-edit-shareable").await?;
        check_screen(client, &mut shots, "note-edit-dialog").await?;
        click(client, "note-edit-save").await?;
        let shown = wait_for_text(client, "note", "in writing").await?;
        assert!(shown.contains("Shareable") || shown.contains("shared") || shown.contains("Shared"), "{shown}");
        let emphasis = client.find(Locator::Css("[data-testid=\"note\"] strong")).await?.text().await?;
        assert_eq!(emphasis, "wants");
        scroll_to(client, "note-list").await?;
        check_screen(client, &mut shots, "notes-edited").await?;

        in_spanish(client, &case.id, "people").await?;
        click(client, "person-edit-Wren").await?;
        wait_for_text(client, "person-dialog", "Editar").await?;
        check_screen(client, &mut shots, "person-edit-dialog-es").await?;
        click(client, "edit-person-save").await?;
        click(client, "tab-notes").await?;
        click(client, "note-edit").await?;
        wait_for_text(client, "note-dialog", "Editar nota").await?;
        check_screen(client, &mut shots, "note-edit-dialog-es").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}

/// A case the test owns: Wren (person harmed) and Finch (person responsible), each granted `activities`.
struct Prepared {
    id: String,
    wren: String,
    finch: String,
}

async fn prepared_case(client: &Client, code: &str, activities: &[&str]) -> Result<Prepared, Error> {
    let case = invoke(client, "create_case", json!({"code_name": code, "harmed_needs": "To be heard."})).await?;
    let id = case["ok"]["id"].as_str().ok_or(format!("no case: {case}"))?.to_owned();
    let mut ids = Vec::new();
    for (alias, role) in [("Wren", "person_harmed"), ("Finch", "person_responsible")] {
        let added = invoke(client, "add_participant", json!({"case_id": id, "alias": alias, "role": role})).await?;
        let person = added["ok"]["id"].as_str().ok_or(format!("no participant: {added}"))?.to_owned();
        for activity in activities {
            grant(client, &person, activity).await?;
        }
        ids.push(person);
    }
    let finch = ids.pop().unwrap_or_default();
    let wren = ids.pop().unwrap_or_default();
    Ok(Prepared { id, wren, finch })
}

async fn grant(client: &Client, participant: &str, activity: &str) -> Result<(), Error> {
    let granted = invoke(
        client,
        "record_consent",
        json!({"participant_id": participant, "activity": activity, "decision": "granted", "method": "written"}),
    )
    .await?;
    assert!(granted.get("ok").is_some(), "{granted}");
    Ok(())
}

/// The first open demo case whose case file holds some `records` (for example "assessments").
async fn demo_case_with(client: &Client, records: &str) -> Result<String, Error> {
    let cases = invoke(client, "list_cases", json!({})).await?;
    for case in cases["ok"].as_array().cloned().unwrap_or_default() {
        let id = case["id"].clone();
        let file = invoke(client, "case_file", json!({"case_id": id})).await?;
        if file["ok"][records].as_array().is_some_and(|list| !list.is_empty()) {
            return Ok(id.as_str().unwrap_or_default().to_owned());
        }
    }
    Err(format!("no demo case with {records}").into())
}

/// Goes to one section of a case by its address (as a link would) and waits for the case to load.
async fn open_tab(client: &Client, case: &str, tab: &str) -> Result<(), Error> {
    // Through Home first, so that the case screen is built afresh and reads what the test added.
    click(client, "nav-cases").await?;
    wait_ready(client, "home-screen").await?;
    let hash = format!("#/case/{case}/{tab}");
    client.execute("window.location.hash = arguments[0];", vec![Value::from(hash)]).await?;
    wait_ready(client, "case-screen").await?;
    let selected = wait_for(client, &format!("tab-{tab}")).await?.attr("aria-selected").await?;
    assert_eq!(selected.as_deref(), Some("true"), "tab {tab} selected");
    Ok(())
}

/// Switches the app to Spanish in Settings, then comes back to the same section of the case.
async fn in_spanish(client: &Client, case: &str, tab: &str) -> Result<(), Error> {
    click(client, "nav-settings").await?;
    wait_for(client, "settings-screen").await?;
    click(client, "language-es").await?;
    wait_for_text(client, "nav-cases", "Casos").await?;
    open_tab(client, case, tab).await
}

/// Waits until the element with this `data-testid` no longer shows `needle`.
async fn wait_gone_from(client: &Client, id: &str, needle: &str) -> Result<(), Error> {
    let start = std::time::Instant::now();
    loop {
        let text = wait_for(client, id).await?.text().await?;
        if !text.contains(needle) {
            return Ok(());
        }
        if start.elapsed() > STEP {
            return Err(format!("{id} still shows {needle:?}: {text}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Scrolls so that the element with this `data-testid` is near the top of the window, its heading above it in
/// view (for the screenshot).
async fn scroll_to(client: &Client, id: &str) -> Result<(), Error> {
    let element = wait_for(client, id).await?;
    let script = "arguments[0].scrollIntoView({ block: 'start' }); window.scrollBy(0, -90); return true;";
    client.execute(script, vec![serde_json::to_value(&element)?]).await?;
    Ok(())
}
