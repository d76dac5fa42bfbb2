//! Issue 11 in the app, from one vault to another: in vault A, a co-facilitator's card (vault B, made with the
//! real `circlebook-cli`) is a verified contact; the person's consent to share with them is recorded in the consent
//! ledger by picking the contact (shown by name, with its verified mark, never as `contact:KEY`); the Share dialog
//! first says whose consent is missing, then what goes and what the audience leaves out, and saves the bundle
//! through the save dialog (debug seam `CIRCLEBOOK_TEST_SAVE_DIR`) under a name with no case data; the Contacts
//! screen then lists the case for that contact, and Home's "Share cases…" lets the cases be chosen in the dialog,
//! where a progress summary is saved with a passphrase (refused while too weak). In vault B (A's card added with the CLI, not verified), in Spanish
//! and by keyboard, the bundle is previewed (debug seam `CIRCLEBOOK_TEST_BUNDLE_FILE`); Apply waits for the step
//! confirming A's number; a file swapped after the preview is refused on Apply; the bundle is applied, the new case
//! opened, and applying it again changes nothing. Each screen is checked
//! by axe-core and for CSP violations and screenshotted into `<target>/e2e-screenshots/share/`.

use std::ffi::OsString;

use circlebook_e2e::demo::{cli_output, init_vault, DemoApp, PASSPHRASE};
use circlebook_e2e::drive::{check_screen, choose, click, invoke, keys, tab_to, type_into, wait_ready};
use circlebook_e2e::{wait_for, wait_for_text, Error, Screenshots};
use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::json;

const A_NAME: &str = "Sam (facilitator)";
const B_NAME: &str = "Rowan (co-facilitator)";

/// Scrolls the element with this `data-testid` into view (inside a dialog too), for the screenshot.
async fn show(client: &fantoccini::Client, id: &str) -> Result<(), Error> {
    let element = wait_for(client, id).await?;
    client
        .execute(
            "arguments[0].scrollIntoView({ block: 'center' }); return true;",
            vec![serde_json::to_value(&element)?],
        )
        .await?;
    Ok(())
}

async fn go_to(client: &fantoccini::Client, hash: &str) -> Result<(), Error> {
    client.execute("window.location.hash = arguments[0]; return true;", vec![json!(hash)]).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_goes_from_one_vault_to_another_through_the_app() -> Result<(), Error> {
    let scratch = tempfile::tempdir()?;
    let outbox = scratch.path().join("outbox");
    std::fs::create_dir(&outbox)?;
    // Vault B, as the co-facilitator's computer has it.
    let vault_b = scratch.path().join("vault-b");
    init_vault(&vault_b)?;
    let b_card = cli_output(&vault_b, &["identity", "--card", "--name", B_NAME])?.trim().to_owned();

    // Vault A: share a case with B.
    let app = DemoApp::start_with(0, &[("CIRCLEBOOK_TEST_SAVE_DIR", OsString::from(&outbox))]).await?;
    let mut a_card = String::new();
    let mut bundle = std::path::PathBuf::new();
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("share")?;
        app.unlock().await?;
        let me = invoke(client, "get_identity", json!({ "name": A_NAME })).await?;
        a_card = me["ok"]["card"].as_str().ok_or("no card")?.to_owned();
        let added = invoke(client, "add_contact", json!({ "card": b_card, "verified": true })).await?;
        let b_key = added["ok"]["signing_key"].as_str().ok_or("no contact")?.to_owned();
        let case = invoke(
            client,
            "create_case",
            json!({ "code_name": "Willow", "referral_source": "self", "gender_based_violence": true,
                    "harmed_needs": "to be heard", "harmed_justice_vision": "an apology", "tags": [] }),
        )
        .await?;
        let case_id = case["ok"]["id"].as_str().ok_or("no case")?.to_owned();
        let person = invoke(
            client,
            "add_participant",
            json!({ "case_id": case_id, "alias": "Finch", "role": "person_harmed", "contact": "0612 345 678" }),
        )
        .await?;
        assert!(person.get("ok").is_some(), "{person}");
        // The page cannot reach the bundle operations with a path of its own.
        let by_path =
            invoke(client, "export_bundle", json!({ "case_ids": [case_id], "to": [b_key], "out": "/tmp/x" })).await?;
        assert_eq!(by_path["error"]["code"], "not_allowed", "{by_path}");

        // Share before consent: the dialog says whose consent is missing, and Save waits.
        go_to(client, &format!("#/case/{case_id}/people")).await?;
        wait_ready(client, "case-screen").await?;
        click(client, "share-case").await?;
        wait_for(client, "export-dialog").await?;
        click(client, "export-contact").await?;
        wait_for_text(client, "export-missing", &format!("Finch (Willow) has not agreed to share with {B_NAME}"))
            .await?;
        assert!(!wait_for(client, "export-save").await?.is_enabled().await?, "no consent, no saving");
        show(client, "export-missing").await?;
        check_screen(client, &mut shots, "export-consent-missing").await?;
        // The way to record it: the case's consent ledger.
        click(client, "export-record-consent").await?;
        wait_for(client, "consent-grid").await?;

        // Consent to share, with the contact picked from the list.
        click(client, "consent-Finch-information_sharing").await?;
        wait_for(client, "consent-dialog").await?;
        choose(client, "consent-contact", &b_key).await?;
        click(client, "consent-submit").await?;
        wait_for_text(client, "consent-recipients-Finch", B_NAME).await?;
        let shown = wait_for(client, "consent-recipients-Finch").await?.text().await?;
        assert!(!shown.contains("contact:"), "the ledger names the contact: {shown}");
        assert!(shown.contains('✓'), "with its verified mark: {shown}");
        show(client, "consent-recipients-Finch").await?;
        check_screen(client, &mut shots, "consent-ledger-contact").await?;

        // Share again, by keyboard: what goes, what the audience leaves out, then Save.
        click(client, "share-case").await?;
        wait_for(client, "export-dialog").await?;
        tab_to(client, "export-contact", 12).await?;
        keys(client, " ").await?;
        wait_for(client, "export-consent-ok").await?;
        wait_for_text(client, "export-cases", "Willow").await?;
        wait_for_text(client, "export-left-out", "Nothing").await?;
        show(client, "export-cases").await?;
        check_screen(client, &mut shots, "export-ready").await?;
        click(client, "export-audience-supervisor").await?;
        wait_for_text(client, "export-left-out", "contact details").await?;
        click(client, "export-audience-co-facilitator").await?;
        wait_for_text(client, "export-left-out", "Nothing").await?;
        wait_for(client, "export-consent-ok").await?;
        tab_to(client, "export-save", 12).await?;
        keys(client, &Key::Enter).await?;
        wait_for_text(client, "export-saved", "circlebook-bundle-").await?;
        check_screen(client, &mut shots, "export-saved").await?;
        let saved: Vec<_> = std::fs::read_dir(&outbox)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
        assert_eq!(saved.len(), 1, "{saved:?}");
        bundle = saved[0].clone();
        click(client, "export-close").await?;

        // The Contacts screen lists the case for B.
        click(client, "nav-contacts").await?;
        wait_ready(client, "contacts-screen").await?;
        wait_for_text(client, "contact-cases", "Willow").await?;
        show(client, "contact-cases").await?;
        check_screen(client, &mut shots, "contacts-shared-cases").await?;

        // From Home, cases are chosen in the dialog itself (nothing is asked before one is).
        click(client, "nav-cases").await?;
        wait_ready(client, "home-screen").await?;
        click(client, "share-cases").await?;
        wait_for(client, "export-dialog").await?;
        click(client, "export-contact").await?;
        wait_for_text(client, "export-preview", "Choose the cases").await?;
        click(client, "export-choose-case").await?;
        wait_for(client, "export-consent-ok").await?;
        wait_for_text(client, "export-cases", "Willow").await?;
        check_screen(client, &mut shots, "export-from-home").await?;
        // A progress summary for the person harmed goes with a passphrase only (sent as a secret, with the save).
        click(client, "export-audience-progress").await?;
        type_into(client, "export-person", "Finch").await?;
        type_into(client, "export-passphrase", "short").await?;
        wait_for_text(client, "export-passphrase-hint", "too easy to guess").await?;
        assert!(!wait_for(client, "export-save").await?.is_enabled().await?, "not with a weak passphrase");
        type_into(client, "export-passphrase", PASSPHRASE).await?;
        wait_for_text(client, "export-passphrase-hint", "never with the file").await?;
        wait_for(client, "export-consent-ok").await?;
        wait_for_text(client, "export-left-out", "shareable progress entries").await?;
        check_screen(client, &mut shots, "export-progress-passphrase").await?;
        click(client, "export-save").await?;
        wait_for_text(client, "export-saved-how", "passphrase you chose").await?;
        click(client, "export-close").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await?;

    let saved: Vec<_> = std::fs::read_dir(&outbox)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    assert_eq!(saved.len(), 2, "the co-facilitator's bundle and the progress summary: {saved:?}");
    let name = bundle.file_name().and_then(|n| n.to_str()).ok_or("a name")?.to_owned();
    assert!(name.starts_with("circlebook-bundle-") && name.ends_with(".cbb"), "{name}");
    assert!(!name.contains("Willow") && !name.contains("Finch") && !name.contains("Rowan"), "{name}");

    // Vault B: A is a contact (added with the CLI) whose number was not compared yet; the app in Spanish.
    cli_output(&vault_b, &["contact", "add", "--card", &a_card])?;
    let original = std::fs::read(&bundle)?;
    let app = DemoApp::start_with(
        0,
        &[("CIRCLEBOOK_VAULT", OsString::from(&vault_b)), ("CIRCLEBOOK_TEST_BUNDLE_FILE", OsString::from(&bundle))],
    )
    .await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("share")?;
        app.unlock().await?;
        click(client, "nav-settings").await?;
        click(client, "language-es").await?;
        wait_for_text(client, "nav-cases", "Casos").await?;
        click(client, "nav-contacts").await?;
        wait_ready(client, "contacts-screen").await?;
        // By keyboard: Tab to "Preview a bundle", Enter. The signer is a contact not verified yet: Apply waits
        // for the explicit step that confirms their number.
        tab_to(client, "open-bundle", 40).await?;
        keys(client, &Key::Enter).await?;
        wait_for(client, "bundle-dialog").await?;
        wait_for_text(client, "bundle-signer-unverified", A_NAME).await?;
        wait_for_text(client, "bundle-cases", "Willow").await?;
        assert!(!wait_for(client, "bundle-apply").await?.is_enabled().await?, "not before the number is confirmed");
        show(client, "import-accept").await?;
        check_screen(client, &mut shots, "import-preview-es").await?;
        tab_to(client, "import-accept-signer", 20).await?;
        keys(client, " ").await?;
        // The file is read again on Apply: swapped after the preview, it is refused, and nothing changes.
        std::fs::write(&bundle, b"not a bundle any more")?;
        tab_to(client, "bundle-apply", 10).await?;
        keys(client, &Key::Enter).await?;
        wait_for_text(client, "import-refused", "no es un paquete de Circlebook").await?;
        let none = invoke(client, "list_cases", json!({})).await?;
        assert_eq!(none["ok"].as_array().map(Vec::len), Some(0), "{none}");
        std::fs::write(&bundle, &original)?;
        tab_to(client, "bundle-apply", 10).await?;
        keys(client, &Key::Enter).await?;
        wait_for_text(client, "import-applied-summary", "Casos añadidos: 1").await?;
        check_screen(client, &mut shots, "import-applied-es").await?;
        tab_to(client, "import-open-case", 5).await?;
        keys(client, &Key::Enter).await?;
        wait_ready(client, "case-screen").await?;
        wait_for_text(client, "case-title", "Willow").await?;
        let people = client.find(Locator::Css("[data-testid=\"case-screen\"]")).await?.text().await?;
        assert!(people.contains("Finch"), "the person came with the case: {people}");
        show(client, "case-title").await?;
        check_screen(client, &mut shots, "imported-case-es").await?;
        // Applying the same bundle again changes nothing, and says so.
        click(client, "nav-contacts").await?;
        wait_ready(client, "contacts-screen").await?;
        click(client, "open-bundle").await?;
        wait_for(client, "bundle-dialog").await?;
        click(client, "import-accept-signer").await?;
        click(client, "bundle-apply").await?;
        wait_for_text(client, "import-already-applied", "ya se había aplicado").await?;
        let cases = invoke(client, "list_cases", json!({})).await?;
        assert_eq!(cases["ok"].as_array().map(Vec::len), Some(1), "{cases}");
        Ok(())
    }
    .await;
    app.finish(outcome).await
}
