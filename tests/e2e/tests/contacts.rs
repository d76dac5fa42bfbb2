//! Issue 11 in the app: the Contacts screen and the import preview, driven by keyboard through the built app.
//! My card is shown (and is a valid, self-signed card whose number is the one on screen); a second vault's card
//! (made with the real `circlebook-cli identity --card`) is added, my own card, a duplicate and an altered card
//! are refused in words; the contact is verified through the step that shows the pair's number; a bundle made
//! in-process is previewed from an unknown signer (Apply waits for their number to be confirmed), then from a
//! verified contact, and forged bundles are refused. Applying is driven in `share.rs`.
//! Each screen is checked by axe-core and for CSP violations in English and Spanish and screenshotted into
//! `<target>/e2e-screenshots/contacts/`. The file dialog is replaced by the debug-only
//! `CIRCLEBOOK_TEST_BUNDLE_FILE` (docs/THREAT_MODEL.md).

use std::ffi::OsString;
use std::path::Path;

use circlebook_core::bundle::file::{self, Audience, Contents, Seal};
use circlebook_core::bundle::{payload, ContactCard, SigningIdentity};
use circlebook_e2e::demo::{cli_output, init_vault, DemoApp};
use circlebook_e2e::drive::{check_screen, click, invoke, keys, tab_back_to, tab_to, type_into, wait_ready};
use circlebook_e2e::{wait_for, wait_for_text, Error, Screenshots};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;

/// A bundle of one new case (with a person and two consent entries) from `signer` to `to`.
fn bundle(signer: &SigningIdentity, to: &str) -> Result<Vec<u8>, Error> {
    let mut db = payload::create()?;
    // Ids and times as Circlebook writes them: the import reads every record back through the model's types.
    db.execute_batch(
        "INSERT INTO cases(id, code_name, created_at, updated_at)
           VALUES('0190b000-0000-7000-8000-0000000000c1', 'Willow', '2030-03-01T10:00:00Z', '2030-03-01T10:00:00Z');
         INSERT INTO participants(id, case_id, alias, role, created_at, updated_at)
           VALUES('0190b000-0000-7000-8000-0000000000f1', '0190b000-0000-7000-8000-0000000000c1', 'Finch',
                  'person_harmed', '2030-03-01T10:00:00Z', '2030-03-01T10:00:00Z');
         INSERT INTO consents(id, participant_id, activity, decision, method, decided_at, recorded_at, seq)
           VALUES('0190b000-0000-7000-8000-0000000000a1', '0190b000-0000-7000-8000-0000000000f1', 'keeping_notes',
                  'granted', 'verbal', '2030-01-01T10:00:00Z', '2030-01-01T10:00:00Z', 1),
                 ('0190b000-0000-7000-8000-0000000000a2', '0190b000-0000-7000-8000-0000000000f1', 'keeping_notes',
                  'withdrawn', 'verbal', '2030-01-02T10:00:00Z', '2030-01-02T10:00:00Z', 2);",
    )?;
    let contents = Contents {
        bundle_id: "0190b000-0000-7000-8000-00000000b001".into(),
        created_at: "2030-03-01T10:00:00Z".parse()?,
        audience: Audience::CoFacilitator,
        case_ids: vec!["0190b000-0000-7000-8000-0000000000c1".into()],
    };
    Ok(file::write(signer, &contents, &mut db, &Seal::Recipients(vec![to.to_owned()]))?)
}

/// The groups of a number on screen (`<testid>-group` items), joined by spaces.
async fn number_on_screen(client: &Client, testid: &str) -> Result<String, Error> {
    let css = format!("[data-testid=\"{testid}-group\"]");
    let mut groups = Vec::new();
    for element in client.find_all(Locator::Css(&css)).await? {
        groups.push(element.text().await?);
    }
    Ok(groups.join(" "))
}

/// Chooses a bundle (the test seam hands Rust `path`, holding `bytes`) and waits for the dialog.
async fn preview(client: &Client, path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes)?;
    tab_to(client, "open-bundle", 40).await?;
    keys(client, &Key::Enter).await?;
    wait_for(client, "bundle-dialog").await?;
    Ok(())
}

async fn close_dialog(client: &Client) -> Result<(), Error> {
    keys(client, &Key::Escape).await?;
    let start = std::time::Instant::now();
    while client.find(Locator::Css("[data-testid=\"bundle-dialog\"]")).await.is_ok() {
        if start.elapsed() > circlebook_e2e::STEP {
            return Err("the bundle dialog did not close".into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_cards_verification_and_bundle_preview() -> Result<(), Error> {
    let scratch = tempfile::tempdir()?;
    let incoming = scratch.path().join("incoming.cbb");
    // A second vault, as a co-facilitator's computer would have it: its card from the real CLI.
    let other = scratch.path().join("other-vault");
    init_vault(&other)?;
    let other_card = cli_output(&other, &["identity", "--card", "--name", "Rowan (co-facilitator)"])?.trim().to_owned();

    let app = DemoApp::start_with(0, &[("CIRCLEBOOK_TEST_BUNDLE_FILE", OsString::from(&incoming))]).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("contacts")?;
        app.unlock().await?;

        // To Contacts from the navigation, by keyboard.
        tab_to(client, "nav-contacts", 20).await?;
        keys(client, &Key::Enter).await?;
        wait_ready(client, "contacts-screen").await?;

        // My card is one line, self-signed, and my number on screen is the card's.
        let mine = wait_for(client, "my-card-text").await?.text().await?;
        let card = ContactCard::parse(&mine).map_err(|e| format!("my card on screen does not parse: {e}: {mine}"))?;
        assert!(!mine.contains('\n'), "{mine}");
        assert_eq!(number_on_screen(client, "my-fingerprint").await?, card.fingerprint().to_string());
        wait_for(client, "contacts-empty").await?;
        check_screen(client, &mut shots, "contacts-empty").await?;

        // Copy my card (through Rust's clipboard command).
        tab_to(client, "copy-card", 20).await?;
        keys(client, &Key::Enter).await?;
        wait_for(client, "card-copied").await?;

        // Add the second vault's card by keyboard: Tab to the field, type, Tab to the button, Enter.
        tab_to(client, "contact-card", 20).await?;
        wait_for(client, "contact-card").await?.send_keys(&other_card).await?;
        tab_to(client, "add-contact-submit", 5).await?;
        keys(client, &Key::Enter).await?;
        wait_for_text(client, "contact-added", "Rowan (co-facilitator) was added").await?;
        wait_for(client, "contact-unverified").await?;

        // Refusals in words: my own card, the same card again, an altered card, and something that is no card.
        let altered = {
            let mut fields: Vec<String> = other_card.split(' ').map(str::to_owned).collect();
            fields[3] = "QW5h".into(); // another claimed name under the same signature
            fields.join(" ")
        };
        for (text, words) in [
            (mine.as_str(), "your own contact card"),
            (other_card.as_str(), "already one of your contacts"),
            (altered.as_str(), "signature does not match"),
            ("hello, this is my card", "not a Circlebook contact card"),
        ] {
            type_into(client, "contact-card", text).await?;
            keys(client, &Key::Tab).await?;
            keys(client, &Key::Enter).await?;
            wait_for_text(client, "add-contact-problem", words).await?;
        }
        check_screen(client, &mut shots, "contacts-card-refused").await?;
        type_into(client, "contact-card", "").await?;

        // Verify: a deliberate step whose dialog shows the pair's number, the same one the registry gives.
        let listed = invoke(client, "list_contacts", json!({})).await?;
        let pair = listed["ok"][0]["pair_fingerprint"].as_str().ok_or("no pair number")?.to_owned();
        // The verify step sits just before the card field.
        click(client, "contact-card").await?;
        tab_back_to(client, "contact-verify", 3).await?;
        keys(client, &Key::Enter).await?;
        wait_for(client, "verify-dialog").await?;
        assert_eq!(number_on_screen(client, "pair-fingerprint").await?, pair);
        assert_eq!(pair.split(' ').count(), 12, "{pair}");
        check_screen(client, &mut shots, "verify-dialog").await?;
        tab_to(client, "verify-dialog-confirm", 10).await?;
        keys(client, &Key::Enter).await?;
        wait_for(client, "contact-verified").await?;
        let listed = invoke(client, "list_contacts", json!({})).await?;
        assert_eq!(listed["ok"][0]["verified"], true, "{listed}");
        check_screen(client, &mut shots, "contacts").await?;

        // A bundle from someone who is not a contact: unknown signer, their number, a calm warning.
        let ana = SigningIdentity::derive(&age::x25519::Identity::generate());
        let from_ana = bundle(&ana, &card.recipient)?;
        preview(client, &incoming, &from_ana).await?;
        wait_for_text(client, "bundle-signer-unknown", "Unknown signer").await?;
        assert_eq!(number_on_screen(client, "bundle-signer-fingerprint").await?, ana.fingerprint().to_string());
        wait_for_text(client, "bundle-consent", "Consent ledger entries: 2").await?;
        wait_for_text(client, "bundle-cases", "Willow: new, would be added").await?;
        let apply = wait_for(client, "bundle-apply").await?;
        assert!(!apply.is_enabled().await?, "Apply waits until the unknown signer's number is confirmed");
        wait_for_text(client, "import-accept", "Apply only if every digit matches").await?;
        check_screen(client, &mut shots, "bundle-unknown-signer").await?;
        close_dialog(client).await?;

        // Once Ana is a verified contact, the same bundle names her.
        let added = invoke(
            client,
            "add_contact",
            json!({ "card": ContactCard::write(&ana, "Ana (specialist)")?, "verified": true }),
        )
        .await?;
        assert!(added.get("ok").is_some(), "{added}");
        preview(client, &incoming, &from_ana).await?;
        wait_for_text(client, "bundle-signer-verified", "Signed by Ana (specialist), a verified contact").await?;
        check_screen(client, &mut shots, "bundle-verified-signer").await?;
        close_dialog(client).await?;

        // Forgeries and strangers' bundles are refused in words, and nothing is changed.
        let mut flipped = from_ana.clone();
        let middle = flipped.len() - 40;
        flipped[middle] ^= 0x01;
        preview(client, &incoming, &flipped).await?;
        wait_for_text(client, "bundle-refused", "damaged or incomplete").await?;
        wait_for_text(client, "bundle-refused", "Nothing was changed.").await?;
        check_screen(client, &mut shots, "bundle-refused").await?;
        close_dialog(client).await?;
        let stranger = age::x25519::Identity::generate().to_public().to_string();
        preview(client, &incoming, &bundle(&ana, &stranger)?).await?;
        wait_for_text(client, "bundle-refused", "encrypted for someone else").await?;
        close_dialog(client).await?;
        preview(client, &incoming, b"not a bundle at all").await?;
        wait_for_text(client, "bundle-refused", "not a Circlebook bundle").await?;
        close_dialog(client).await?;
        let cases = invoke(client, "list_cases", json!({})).await?;
        assert_eq!(cases["ok"].as_array().map(Vec::len), Some(0), "a preview applies nothing: {cases}");

        // The same screens in Spanish.
        click(client, "nav-settings").await?;
        wait_for(client, "settings-screen").await?;
        click(client, "language-es").await?;
        wait_for_text(client, "nav-contacts", "Contactos").await?;
        click(client, "nav-contacts").await?;
        wait_ready(client, "contacts-screen").await?;
        wait_for_text(client, "contact-verified", "Verificado").await?;
        check_screen(client, &mut shots, "contacts-es").await?;
        type_into(client, "contact-card", &mine).await?;
        click(client, "add-contact-submit").await?;
        wait_for_text(client, "add-contact-problem", "tu propia tarjeta").await?;
        type_into(client, "contact-card", "").await?;
        assert!(
            client.find(Locator::Css("[data-testid=\"contact-verify\"]")).await.is_err(),
            "a verified contact offers no verify step"
        );
        preview(
            client,
            &incoming,
            &bundle(&SigningIdentity::derive(&age::x25519::Identity::generate()), &card.recipient)?,
        )
        .await?;
        wait_for_text(client, "bundle-signer-unknown", "Firma desconocida").await?;
        wait_for_text(client, "import-accept", "coinciden todas las cifras").await?;
        check_screen(client, &mut shots, "bundle-unknown-signer-es").await?;
        close_dialog(client).await?;
        preview(client, &incoming, &flipped).await?;
        wait_for_text(client, "bundle-refused", "No se cambió nada.").await?;
        check_screen(client, &mut shots, "bundle-refused-es").await?;
        close_dialog(client).await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}
