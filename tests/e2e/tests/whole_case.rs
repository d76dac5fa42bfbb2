//! Issue 9, "done when": a facilitator who has never seen Circlebook takes a case from referral through
//! consent, an assessment, a process, a held session and an accountability plan to closing, in the window
//! alone, in Spanish, by keyboard alone (Tab, Shift+Tab, arrows, Enter, Space, typing; no clicks). Every screen
//! on the way is checked by axe and for CSP violations, and screenshotted.

use circlebook_e2e::demo::DemoApp;
use circlebook_e2e::drive::{
    check_screen, focused, invoke, key_choose, key_fill, key_press, key_section, keys, tab_to, wait_focus, wait_ready,
};
use circlebook_e2e::{wait_for, wait_for_text, Error, Screenshots, STEP};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

/// Far enough for any control on a screen, wrapping around the page if the control comes before the focus.
const FAR: usize = 120;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_referral_to_closing_in_spanish_by_keyboard() -> Result<(), Error> {
    let app = DemoApp::start(0).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("whole-case")?;
        app.unlock().await?;

        // Spanish, chosen in the settings: the radio group moves with the arrow keys.
        key_press(client, "nav-settings", FAR).await?;
        wait_for(client, "settings-screen").await?;
        tab_to(client, "language-en", FAR).await?;
        keys(client, &Key::Right).await?;
        wait_for_text(client, "nav-cases", "Casos").await?;
        let lang = client.execute("return document.documentElement.lang;", Vec::new()).await?;
        assert_eq!(lang, serde_json::json!("es"), "the page says it is in Spanish");
        key_press(client, "nav-cases", FAR).await?;
        wait_ready(client, "home-screen").await?;

        // Referral: a new case, the person harmed's needs first.
        key_press(client, "new-case", FAR).await?;
        wait_for_text(client, "new-case-screen", "Abrir un caso nuevo").await?;
        wait_focus(client, "nc-code").await?;
        keys(client, "Martinete").await?;
        key_fill(client, "nc-needs", "Que se reconozca lo que pasó y poder decidir el ritmo.", FAR).await?;
        check_screen(client, &mut shots, "1-caso-nuevo").await?;
        key_press(client, "nc-submit", FAR).await?;
        wait_ready(client, "case-screen").await?;
        wait_for_text(client, "case-title", "Martinete").await?;
        wait_for_text(client, "case-stage", "Derivación").await?;

        // The people and their roles.
        for (alias, role, word) in [
            ("Lucía", "person_harmed", "Persona que sufrió el daño"),
            ("Tomás", "person_responsible", "Persona responsable"),
        ] {
            key_fill(client, "person-alias", alias, FAR).await?;
            key_choose(client, "person-role", role, FAR).await?;
            key_press(client, "person-add", FAR).await?;
            wait_for_text(client, "people-table", word).await?;
        }
        check_screen(client, &mut shots, "2-personas").await?;

        // Consent, per person and activity, each in the ledger's dialog.
        key_section(client, "consent", FAR).await?;
        wait_for(client, "consent-grid").await?;
        for alias in ["Lucía", "Tomás"] {
            for activity in ["intake", "direct_dialogue"] {
                grant(client, alias, activity).await?;
            }
        }
        wait_for_text(client, "consent-grid", "Concedido").await?;
        check_screen(client, &mut shots, "3-consentimientos").await?;
        change_stage(client, "intake", "Acogida", "Las dos personas aceptaron la acogida.").await?;

        // A readiness assessment of the person responsible.
        key_section(client, "assessments", FAR).await?;
        wait_for(client, "assessment-form").await?;
        let tomas = person_id(client, "Tomás").await?;
        key_choose(client, "assessment-person", &tomas, FAR).await?;
        key_choose(client, "assessment-risk", "low", FAR).await?;
        key_choose(client, "assessment-decision", "proceed", FAR).await?;
        key_fill(client, "check-a-0", "Sí, sin excusas", FAR).await?;
        key_fill(client, "assessment-reasons", "Reconoce el daño y quiere repararlo.", FAR).await?;
        key_fill(client, "assessment-by", "Equipo facilitador", FAR).await?;
        check_screen(client, &mut shots, "4-valoracion").await?;
        key_press(client, "assessment-submit", FAR).await?;
        wait_for_text(client, "assessment-list", "Tomás").await?;
        change_stage(client, "preparation", "Preparación", "La valoración permite seguir.").await?;

        // A direct dialogue process, then the session: scheduled, then recorded as held.
        key_section(client, "processes", FAR).await?;
        wait_for(client, "process-form").await?;
        key_choose(client, "process-kind", "direct_dialogue", FAR).await?;
        key_fill(client, "process-note", "Lucía eligió hablar en persona, con su acompañante.", FAR).await?;
        key_press(client, "process-open", FAR).await?;
        wait_for_text(client, "process-row", "Diálogo directo").await?;
        check_screen(client, &mut shots, "5-procesos").await?;
        change_stage(client, "active", "En curso", "Empieza el diálogo.").await?;

        key_section(client, "sessions", FAR).await?;
        wait_for(client, "schedule-form").await?;
        key_choose(client, "session-kind", "direct_dialogue", FAR).await?;
        key_fill(client, "session-day", "2030-05-01", FAR).await?;
        key_fill(client, "session-time", "10:00", FAR).await?;
        for alias in ["Lucía", "Tomás"] {
            tab_to(client, &format!("attendee-{alias}"), FAR).await?;
            keys(client, " ").await?;
        }
        key_press(client, "schedule-submit", FAR).await?;
        wait_for_text(client, "session-row", "Programada").await?;
        key_press(client, "session-record", FAR).await?;
        wait_for_text(client, "record-dialog", "Registrar la sesión como celebrada").await?;
        key_fill(client, "held-summary", "Hablaron y se escucharon; acordaron un plan.", FAR).await?;
        check_screen(client, &mut shots, "6-sesion-celebrada").await?;
        key_press(client, "record-submit", FAR).await?;
        wait_for_text(client, "session-row", "Celebrada").await?;

        // The accountability plan: a commitment, its progress with who verified it and how, the report.
        key_section(client, "plan", FAR).await?;
        wait_for(client, "commitment-add").await?;
        key_choose(client, "commitment-person", &tomas, FAR).await?;
        key_choose(client, "commitment-kind", "apology_letter", FAR).await?;
        key_fill(client, "commitment-description", "Escribir una carta a Lucía, leída antes con la facilitadora.", FAR)
            .await?;
        key_press(client, "commitment-add", FAR).await?;
        wait_for_text(client, "commitment", "Carta de disculpa").await?;
        key_press(client, "progress-open", FAR).await?;
        wait_for(client, "progress-dialog").await?;
        key_fill(client, "progress-text", "Carta entregada y leída.", FAR).await?;
        key_fill(client, "progress-who", "Facilitadora", FAR).await?;
        key_fill(client, "progress-how", "Leída en la sesión", FAR).await?;
        key_press(client, "progress-submit", FAR).await?;
        wait_for_text(client, "commitment", "Carta entregada y leída.").await?;
        key_choose(client, "commitment-status", "done", FAR).await?;
        wait_for_text(client, "commitment-status", "Cumplido").await?;
        key_press(client, "report-preview", FAR).await?;
        wait_for_text(client, "progress-report", "Carta entregada y leída.").await?;
        check_screen(client, &mut shots, "7-plan").await?;
        change_stage(client, "follow_up", "Seguimiento", "El plan se cumplió.").await?;

        // Closing, with the outcome in neutral words.
        key_press(client, "close-case", FAR).await?;
        wait_for(client, "close-dialog").await?;
        key_choose(client, "close-outcome", "agreement_completed", FAR).await?;
        key_fill(client, "close-summary", "El plan se completó y las dos personas acordaron cerrar.", FAR).await?;
        key_fill(client, "close-who", "Equipo facilitador", FAR).await?;
        check_screen(client, &mut shots, "8-cierre").await?;
        key_press(client, "close-submit", FAR).await?;
        wait_for_text(client, "case-stage", "Cerrado").await?;
        wait_for_text(client, "case-closed", "Acuerdo cumplido").await?;
        check_screen(client, &mut shots, "9-caso-cerrado").await?;

        // What the registry holds: the whole way, in order, with nothing done behind the window's back.
        let case_id = case_id(client).await?;
        let record = invoke(client, "get_case", serde_json::json!({ "case_id": case_id })).await?;
        let stages: Vec<&str> = record["ok"]["stage_history"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["to_stage"].as_str())
            .collect();
        assert_eq!(stages, ["intake", "preparation", "active", "follow_up", "closed"], "{record}");
        let plan = invoke(client, "list_commitments", serde_json::json!({ "case_id": case_id })).await?;
        assert_eq!(plan["ok"][0]["status"], "done", "{plan}");
        Ok(())
    }
    .await;
    app.finish(outcome).await
}

/// Grants `alias`'s consent to `activity` in the ledger's dialog, by keyboard, and waits for the cell to say so.
async fn grant(client: &Client, alias: &str, activity: &str) -> Result<(), Error> {
    let cell = format!("consent-{alias}-{activity}");
    key_press(client, &cell, FAR).await?;
    wait_for(client, "consent-dialog").await?;
    tab_to(client, "consent-submit", FAR).await?;
    keys(client, &Key::Enter).await?;
    let css = format!("[data-testid=\"{cell}\"][data-state=\"granted\"]");
    client.wait().at_most(STEP).for_element(Locator::Css(&css)).await?;
    assert_eq!(focused(client).await?, cell, "focus returns to the cell after the dialog");
    Ok(())
}

/// Moves the case to `stage` with who and why, by keyboard, and waits for the header to show `word`.
async fn change_stage(client: &Client, stage: &str, word: &str, why: &str) -> Result<(), Error> {
    key_press(client, "change-stage", FAR).await?;
    wait_for(client, "stage-dialog").await?;
    key_choose(client, "new-stage", stage, FAR).await?;
    key_fill(client, "stage-who", "Equipo facilitador", FAR).await?;
    key_fill(client, "stage-why", why, FAR).await?;
    key_press(client, "stage-submit", FAR).await?;
    wait_for_text(client, "case-stage", word).await?;
    Ok(())
}

async fn case_id(client: &Client) -> Result<String, Error> {
    let hash = client.execute("return window.location.hash;", Vec::new()).await?;
    Ok(hash.as_str().unwrap_or_default().split('/').nth(2).unwrap_or_default().to_owned())
}

async fn person_id(client: &Client, alias: &str) -> Result<String, Error> {
    let people = invoke(client, "list_participants", serde_json::json!({ "case_id": case_id(client).await? })).await?;
    let found = people["ok"].as_array().and_then(|list| list.iter().find(|p| p["alias"] == alias).cloned());
    Ok(found.and_then(|p| p["id"].as_str().map(str::to_owned)).ok_or(format!("no participant {alias}: {people}"))?)
}
