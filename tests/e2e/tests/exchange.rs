//! Issue 11's exchange folder in the app, by keyboard: Settings chooses the folder (the folder dialog is answered
//! by the debug-only `CIRCLEBOOK_TEST_FOLDER`, docs/THREAT_MODEL.md); the Contacts screen's panel lists what a
//! contact left in their subfolder (new), a file still arriving and one for someone else, each with its state;
//! Review opens the import preview of the new one, named by its verified signer. English and Spanish, each
//! screen checked by axe-core and for CSP violations and screenshotted into `<target>/e2e-screenshots/exchange/`.

use std::ffi::OsString;

use circlebook_core::bundle::exchange::subfolder_name;
use circlebook_core::bundle::file::{self, Audience, Contents, Seal};
use circlebook_core::bundle::{payload, ContactCard, SigningIdentity};
use circlebook_e2e::demo::DemoApp;
use circlebook_e2e::drive::{check_screen, click, invoke, keys, tab_to, wait_ready};
use circlebook_e2e::{wait_for, wait_for_text, Error, Screenshots};
use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::json;

/// A bundle of one new case from `signer` to `to`, with this id.
fn bundle(signer: &SigningIdentity, to: &str, id: &str) -> Result<Vec<u8>, Error> {
    let mut db = payload::create()?;
    // Ids and times as Circlebook writes them, so that the preview's dry run can apply it.
    db.execute_batch(
        "INSERT INTO cases(id, code_name, created_at, updated_at)
           VALUES('0190b000-0000-7000-8000-0000000000c2', 'Aspen', '2030-03-01T10:00:00Z', '2030-03-01T10:00:00Z');
         INSERT INTO participants(id, case_id, alias, role, created_at, updated_at)
           VALUES('0190b000-0000-7000-8000-0000000000f2', '0190b000-0000-7000-8000-0000000000c2', 'Wren',
                  'person_harmed', '2030-03-01T10:00:00Z', '2030-03-01T10:00:00Z');",
    )?;
    let contents = Contents {
        bundle_id: id.into(),
        created_at: "2030-03-01T10:00:00Z".parse()?,
        audience: Audience::CoFacilitator,
        case_ids: vec!["0190b000-0000-7000-8000-0000000000c2".into()],
    };
    Ok(file::write(signer, &contents, &mut db, &Seal::Recipients(vec![to.to_owned()]))?)
}

/// Brings a section into view for its screenshot.
async fn scroll_to(client: &fantoccini::Client, testid: &str) -> Result<(), Error> {
    wait_for(client, testid).await?;
    let script = format!("document.querySelector('[data-testid=\"{testid}\"]').scrollIntoView({{block: 'start'}})");
    client.execute(&script, vec![]).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exchange_folder_in_settings_and_on_contacts() -> Result<(), Error> {
    let scratch = tempfile::tempdir()?;
    let folder = scratch.path().join("Sync");
    std::fs::create_dir(&folder)?;
    let app = DemoApp::start_with(0, &[("CIRCLEBOOK_TEST_FOLDER", OsString::from(&folder))]).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("exchange")?;
        app.unlock().await?;

        // Ana, a verified contact, left a bundle for this vault in her subfolder; beside it, one still arriving
        // and one for someone else.
        let me = invoke(client, "get_identity", json!({})).await?;
        let my_recipient = me["ok"]["recipient"].as_str().ok_or("no recipient")?.to_owned();
        let ana = SigningIdentity::derive(&age::x25519::Identity::generate());
        let added =
            invoke(client, "add_contact", json!({ "card": ContactCard::write(&ana, "Ana")?, "verified": true }))
                .await?;
        assert!(added.get("ok").is_some(), "{added}");
        let sub = folder.join(subfolder_name(&ana.public()));
        std::fs::create_dir(&sub)?;
        let new_id = "0190b000-0000-7000-8000-00000000e001";
        std::fs::write(sub.join(format!("{new_id}.cbb")), bundle(&ana, &my_recipient, new_id)?)?;
        let partial = bundle(&ana, &my_recipient, "0190b000-0000-7000-8000-00000000e002")?;
        std::fs::write(sub.join("0190b000-0000-7000-8000-00000000e002.cbb"), &partial[..partial.len() / 2])?;
        let stranger = age::x25519::Identity::generate().to_public().to_string();
        let other_id = "0190b000-0000-7000-8000-00000000e003";
        std::fs::write(sub.join(format!("{other_id}.cbb")), bundle(&ana, &stranger, other_id)?)?;
        std::fs::write(sub.join(format!(".{new_id}.tmp")), b"half")?;

        // Settings: no folder yet; choose one by keyboard (Rust's dialog, answered by the seam).
        tab_to(client, "nav-settings", 20).await?;
        keys(client, &Key::Enter).await?;
        wait_for(client, "settings-screen").await?;
        wait_for(client, "exchange-folder-none").await?;
        tab_to(client, "exchange-choose", 40).await?;
        keys(client, &Key::Enter).await?;
        wait_for_text(client, "exchange-saved", "The exchange folder is set.").await?;
        let shown = wait_for(client, "exchange-folder").await?.text().await?;
        assert!(shown.contains("Sync"), "{shown}");
        scroll_to(client, "exchange-setting").await?;
        check_screen(client, &mut shots, "settings-exchange").await?;

        // Contacts: the panel lists each file with its state; Review opens the preview of the new one.
        tab_to(client, "nav-contacts", 40).await?;
        keys(client, &Key::Enter).await?;
        wait_ready(client, "contacts-screen").await?;
        wait_for(client, "exchange-list").await?;
        let mut states = Vec::new();
        for item in client.find_all(Locator::Css("[data-testid=\"exchange-item\"]")).await? {
            states.push(item.attr("data-state").await?.unwrap_or_default());
        }
        states.sort();
        assert_eq!(states, ["new", "not_for_us", "still_arriving"], "the temp file is not listed");
        scroll_to(client, "exchange-panel").await?;
        check_screen(client, &mut shots, "contacts-exchange").await?;
        tab_to(client, "exchange-review", 60).await?;
        keys(client, &Key::Enter).await?;
        wait_for(client, "bundle-dialog").await?;
        wait_for_text(client, "bundle-signer-verified", "Signed by Ana, a verified contact").await?;
        wait_for_text(client, "bundle-cases", "Aspen: new, would be added").await?;
        check_screen(client, &mut shots, "exchange-review").await?;
        keys(client, &Key::Escape).await?;
        let cases = invoke(client, "list_cases", json!({})).await?;
        assert_eq!(cases["ok"].as_array().map(Vec::len), Some(0), "reviewing applies nothing: {cases}");

        // The same in Spanish.
        click(client, "nav-settings").await?;
        wait_for(client, "settings-screen").await?;
        click(client, "language-es").await?;
        wait_for_text(client, "exchange-setting", "Carpeta de intercambio").await?;
        scroll_to(client, "exchange-setting").await?;
        check_screen(client, &mut shots, "settings-exchange-es").await?;
        click(client, "nav-contacts").await?;
        wait_ready(client, "contacts-screen").await?;
        wait_for_text(client, "exchange-panel", "Todavía llegando").await?;
        wait_for_text(client, "exchange-panel", "Para otra persona").await?;
        scroll_to(client, "exchange-panel").await?;
        check_screen(client, &mut shots, "contacts-exchange-es").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}
