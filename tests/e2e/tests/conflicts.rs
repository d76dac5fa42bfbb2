//! Issue 11's merge in the app: vault A (the real `circlebook-cli`) shares a case with vault B, both change the
//! same person's alias, and A sends a second bundle. In vault B's app, by keyboard: the preview says what merging
//! would do (consent first, the field both changed, by record and field in words); Apply; the way to the conflicts
//! leads to the case, whose notice says one thing was changed in two places; its dialog shows both values side by
//! side with where each came from. In Spanish, the list across cases on Contacts, then the case's dialog, where
//! the value from A is kept by keyboard: the list empties, the case shows the kept alias, and
//! `circlebook-cli conflicts --json` on B is empty. Each screen is checked by axe-core and for CSP violations and
//! screenshotted into `<target>/e2e-screenshots/conflicts/`.

use std::ffi::OsString;
use std::path::Path;

use circlebook_e2e::demo::{cli_output, init_vault, DemoApp};
use circlebook_e2e::drive::{check_screen, click, invoke, keys, tab_to, wait_ready};
use circlebook_e2e::{wait_for, wait_for_text, Error, Screenshots};
use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::{json, Value};

/// `circlebook-cli --json call NAME` with these arguments (from a file, as case data should be).
fn call(vault: &Path, name: &str, args: Value) -> Result<Value, Error> {
    let file = vault.with_extension(format!("{name}.json"));
    std::fs::write(&file, args.to_string())?;
    let out = cli_output(vault, &["--json", "call", name, "--args-file", &file.to_string_lossy()]);
    std::fs::remove_file(&file)?;
    Ok(serde_json::from_str(&out?)?)
}

/// Adds `other`'s card to `vault` as a verified contact named `name`; its consent scope.
fn befriend(vault: &Path, other: &Path, name: &str) -> Result<String, Error> {
    let card = cli_output(other, &["identity", "--card", "--name", name])?;
    let added: Value =
        serde_json::from_str(&cli_output(vault, &["--json", "contact", "add", "--card", card.trim(), "--verified"])?)?;
    Ok(format!("contact:{}", added["signing_key"].as_str().ok_or("no key")?))
}

/// Brings an element into view (inside a dialog too) for its screenshot.
async fn show(client: &fantoccini::Client, id: &str) -> Result<(), Error> {
    let element = wait_for(client, id).await?;
    client
        .execute("arguments[0].scrollIntoView({ block: 'start' }); return true;", vec![serde_json::to_value(&element)?])
        .await?;
    Ok(())
}

/// The focused element's accessible name.
async fn focused_label(client: &fantoccini::Client) -> Result<String, Error> {
    let v = client.execute("return document.activeElement?.getAttribute('aria-label') ?? '';", vec![]).await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

/// Each value of the conflicts on screen: (where it came from, the value).
async fn values(client: &fantoccini::Client) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    for item in client.find_all(Locator::Css("[data-testid=\"conflict-value\"]")).await? {
        let from = item.find(Locator::Css("[data-testid=\"conflict-from\"]")).await?.text().await?;
        let text = item.find(Locator::Css("[data-testid=\"conflict-value-text\"]")).await?.text().await?;
        out.push((from, text));
    }
    out.sort();
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_changed_in_two_vaults_is_resolved_in_the_app() -> Result<(), Error> {
    let scratch = tempfile::tempdir()?;
    let (a, b) = (scratch.path().join("vault-a"), scratch.path().join("vault-b"));
    init_vault(&a)?;
    init_vault(&b)?;
    let to_b = befriend(&a, &b, "Bea")?;
    befriend(&b, &a, "Ana")?;

    // A's case, shared with B once (through the CLI: the Share dialog has its own suite).
    let case = call(
        &a,
        "create_case",
        json!({ "code_name": "Willow", "referral_source": "self", "gender_based_violence": true,
                "harmed_needs": "to be heard", "harmed_justice_vision": "an apology", "tags": [] }),
    )?;
    let case_id = case["id"].as_str().ok_or("no case")?.to_owned();
    let person = call(&a, "add_participant", json!({ "case_id": case_id, "alias": "Rowan", "role": "person_harmed" }))?;
    let rowan = person["id"].as_str().ok_or("no person")?.to_owned();
    call(
        &a,
        "record_consent",
        json!({ "participant_id": rowan, "activity": "information_sharing", "decision": "granted",
                "method": "written", "shared_with": to_b }),
    )?;
    let one = scratch.path().join("one.cbb");
    cli_output(&a, &["export", "--case", &case_id, "--to", "Bea", "--out", &one.to_string_lossy()])?;
    cli_output(&b, &["import", &one.to_string_lossy()])?;

    // Both change Rowan's alias; A sends the case again.
    call(&a, "update_participant", json!({ "participant_id": rowan, "alias": "Rowan A" }))?;
    call(&b, "update_participant", json!({ "participant_id": rowan, "alias": "Rowan B" }))?;
    let two = scratch.path().join("two.cbb");
    cli_output(&a, &["export", "--case", &case_id, "--to", "Bea", "--out", &two.to_string_lossy()])?;

    let app = DemoApp::start_with(
        0,
        &[("CIRCLEBOOK_VAULT", OsString::from(&b)), ("CIRCLEBOOK_TEST_BUNDLE_FILE", OsString::from(&two))],
    )
    .await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("conflicts")?;
        app.unlock().await?;

        // The preview of A's second bundle: a merge, the field both changed named in words.
        tab_to(client, "nav-contacts", 40).await?;
        keys(client, &Key::Enter).await?;
        wait_ready(client, "contacts-screen").await?;
        tab_to(client, "open-bundle", 40).await?;
        keys(client, &Key::Enter).await?;
        wait_for(client, "bundle-dialog").await?;
        wait_for_text(client, "bundle-signer-verified", "Signed by Ana").await?;
        wait_for_text(client, "bundle-cases", "Willow: already in this vault").await?;
        wait_for_text(client, "merge-conflicts", "Fields changed in both places, for you to choose: 1").await?;
        wait_for_text(client, "bundle-merge-conflict", "Alias of a person, in Willow").await?;
        let merge = wait_for(client, "bundle-dialog").await?.text().await?;
        assert!(!merge.contains("participants") && !merge.contains("sync_"), "words, not tables: {merge}");
        wait_for_text(client, "bundle-apply-note", "A field changed in both places keeps both values").await?;
        show(client, "bundle-merge").await?;
        check_screen(client, &mut shots, "merge-preview").await?;
        tab_to(client, "bundle-apply", 20).await?;
        keys(client, &Key::Enter).await?;
        wait_for_text(client, "import-applied-merge", "Fields changed in both places, for you to choose: 1").await?;
        wait_for_text(client, "import-merged-cases", "Willow").await?;
        check_screen(client, &mut shots, "merge-applied").await?;

        // The way to the conflicts: the case, with its notice, and the dialog with both values side by side.
        tab_to(client, "import-see-conflicts", 10).await?;
        keys(client, &Key::Enter).await?;
        wait_ready(client, "case-screen").await?;
        wait_for_text(client, "case-conflicts", "One thing was changed in two places: choose which to keep.").await?;
        show(client, "case-conflicts").await?;
        check_screen(client, &mut shots, "case-notice").await?;
        tab_to(client, "case-conflicts-open", 20).await?;
        keys(client, &Key::Enter).await?;
        wait_for(client, "conflicts-dialog").await?;
        wait_for_text(client, "conflict-title", "Alias of Rowan").await?;
        assert_eq!(
            values(client).await?,
            [("From Ana".to_owned(), "Rowan A".to_owned()), ("Written here".to_owned(), "Rowan B".to_owned())]
        );
        check_screen(client, &mut shots, "conflict-dialog").await?;
        keys(client, &Key::Escape).await?;

        // In Spanish: the list across cases on Contacts, then the case's dialog, resolved by keyboard.
        click(client, "nav-settings").await?;
        wait_for(client, "settings-screen").await?;
        click(client, "language-es").await?;
        wait_for_text(client, "nav-cases", "Casos").await?;
        click(client, "nav-contacts").await?;
        wait_ready(client, "contacts-screen").await?;
        wait_for_text(client, "conflicts-all", "Cambiado en dos lugares").await?;
        wait_for_text(client, "conflicts-all", "En Willow").await?;
        wait_for_text(client, "conflicts-all", "Alias de Rowan").await?;
        assert_eq!(
            values(client).await?,
            [("De Ana".to_owned(), "Rowan A".to_owned()), ("Escrito aquí".to_owned(), "Rowan B".to_owned())]
        );
        show(client, "conflicts-all").await?;
        check_screen(client, &mut shots, "conflicts-contacts-es").await?;
        tab_to(client, "conflict-open-case", 60).await?;
        keys(client, &Key::Enter).await?;
        wait_ready(client, "case-screen").await?;
        wait_for_text(client, "case-conflicts", "Una cosa se cambió en dos lugares").await?;
        tab_to(client, "case-conflicts-open", 20).await?;
        keys(client, &Key::Enter).await?;
        wait_for(client, "conflicts-dialog").await?;
        wait_for_text(client, "conflict-title", "Alias de Rowan").await?;
        check_screen(client, &mut shots, "conflict-dialog-es").await?;
        // Keep the value from A: Tab to its "Keep this one" (named with its value), Enter.
        tab_to(client, "conflict-keep", 20).await?;
        if !focused_label(client).await?.contains("Rowan A") {
            keys(client, &Key::Tab).await?;
        }
        let label = focused_label(client).await?;
        assert!(label.starts_with("Conservar este") && label.contains("Rowan A"), "{label}");
        keys(client, &Key::Enter).await?;
        wait_for_text(client, "conflict-none", "No hay nada pendiente").await?;
        check_screen(client, &mut shots, "conflict-resolved-es").await?;
        keys(client, &Key::Escape).await?;
        let people = wait_for(client, "case-screen").await?.text().await?;
        assert!(people.contains("Rowan A"), "the case shows the kept alias: {people}");
        assert!(client.find_all(Locator::Css("[data-testid=\"case-conflicts\"]")).await?.is_empty(), "no notice left");
        let left = invoke(client, "list_conflicts", json!({})).await?;
        assert_eq!(left["ok"], json!([]), "{left}");
        Ok(())
    }
    .await;
    app.finish(outcome).await?;

    let listed: Value = serde_json::from_str(&cli_output(&b, &["--json", "conflicts"])?)?;
    assert_eq!(listed, json!([]), "no conflict left in B");
    let kept = call(&b, "get_participant", json!({ "participant_id": rowan }))?;
    assert_eq!(kept["participant"]["alias"], "Rowan A");
    Ok(())
}

/// The Share dialog beside the exchange folder: for a contact, "Put it in the exchange folder" writes the bundle
/// into this vault's subfolder there and says so by the folder's and subfolder's names only; the co-facilitator's
/// vault applies it (with the CLI).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_share_dialog_puts_a_bundle_in_the_exchange_folder() -> Result<(), Error> {
    let scratch = tempfile::tempdir()?;
    let folder = scratch.path().join("Sync");
    std::fs::create_dir(&folder)?;
    let (a, b) = (scratch.path().join("vault-a"), scratch.path().join("vault-b"));
    init_vault(&a)?;
    init_vault(&b)?;
    let to_b = befriend(&a, &b, "Bea")?;
    befriend(&b, &a, "Ana")?;
    cli_output(&a, &["exchange", "set", &folder.to_string_lossy()])?;
    let case = call(
        &a,
        "create_case",
        json!({ "code_name": "Willow", "referral_source": "self", "gender_based_violence": true,
                "harmed_needs": "to be heard", "harmed_justice_vision": "an apology", "tags": [] }),
    )?;
    let case_id = case["id"].as_str().ok_or("no case")?.to_owned();
    let person = call(&a, "add_participant", json!({ "case_id": case_id, "alias": "Rowan", "role": "person_harmed" }))?;
    call(
        &a,
        "record_consent",
        json!({ "participant_id": person["id"], "activity": "information_sharing", "decision": "granted",
                "method": "written", "shared_with": to_b }),
    )?;

    let app = DemoApp::start_with(0, &[("CIRCLEBOOK_VAULT", OsString::from(&a))]).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("share-exchange")?;
        app.unlock().await?;
        client
            .execute(
                "window.location.hash = arguments[0]; return true;",
                vec![json!(format!("#/case/{case_id}/people"))],
            )
            .await?;
        wait_ready(client, "case-screen").await?;
        click(client, "share-case").await?;
        wait_for(client, "export-dialog").await?;
        tab_to(client, "export-contact", 12).await?;
        keys(client, " ").await?;
        wait_for(client, "export-consent-ok").await?;
        // Not for a passphrase bundle.
        click(client, "export-mode-passphrase").await?;
        assert!(client.find_all(Locator::Css("[data-testid=\"export-to-exchange\"]")).await?.is_empty());
        click(client, "export-mode-contacts").await?;
        wait_for(client, "export-consent-ok").await?;
        show(client, "export-to-exchange").await?;
        check_screen(client, &mut shots, "share-exchange").await?;
        tab_to(client, "export-to-exchange", 20).await?;
        keys(client, &Key::Enter).await?;
        let said =
            wait_for_text(client, "export-exchanged", "Put in the exchange folder Sync, in your subfolder").await?;
        assert!(!said.contains(&*scratch.path().to_string_lossy()), "no path beyond the folder's name: {said}");
        check_screen(client, &mut shots, "share-exchange-done").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await?;

    let bundles: Vec<_> = walk(&folder)?.into_iter().filter(|p| p.extension().is_some_and(|e| e == "cbb")).collect();
    assert_eq!(bundles.len(), 1, "{bundles:?}");
    let applied = cli_output(&b, &["import", &bundles[0].to_string_lossy()])?;
    assert!(applied.contains("Willow"), "{applied}");
    Ok(())
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Result<Vec<std::path::PathBuf>, Error> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}
