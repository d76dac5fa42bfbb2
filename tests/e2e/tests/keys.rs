//! Issue 10, keys and backups in the window, on the built app under Xvfb: unlock with the recovery key and choose a
//! new passphrase, change the passphrase, restore a backup after confirmation, and a damaged newest generation
//! gives a clear screen with the way back. Screens are photographed in English and Spanish. Run serially.

use std::path::PathBuf;

use circlebook_e2e::harness::{AppUnderTest, Options, PASSPHRASE};
use circlebook_e2e::{require_display, wait_for, wait_for_text, Error, Screenshots};
use fantoccini::key::Key;

const NEW_PASSPHRASE: &str = "harbour meadow pebble lantern quiver";

fn options(lang: &'static str) -> Options {
    Options { lang: Some(lang), ..Options::default() }
}

/// Scrolls an element into the middle of the window, for a screenshot.
async fn scroll_to(app: &AppUnderTest, id: &str) -> Result<(), Error> {
    let script = "document.querySelector(`[data-testid=\"${arguments[0]}\"]`).scrollIntoView({ block: 'center' });";
    app.client.execute(script, vec![serde_json::json!(id)]).await?;
    Ok(())
}

fn enter() -> String {
    char::from(Key::Enter).to_string()
}

async fn lock(app: &AppUnderTest) -> Result<(), Error> {
    wait_for(&app.client, "lock").await?.click().await?;
    wait_for(&app.client, "unlock-screen").await?;
    Ok(())
}

async fn type_passphrase(app: &AppUnderTest, passphrase: &str) -> Result<(), Error> {
    wait_for(&app.client, "unlock-passphrase").await?.send_keys(&format!("{passphrase}{}", enter())).await?;
    Ok(())
}

async fn recovery_and_passphrase(lang: &'static str, suffix: &str) -> Result<(), Error> {
    let app = AppUnderTest::start(&options(lang)).await?;
    let mut shots = Screenshots::new()?;
    let recovery_key = app.create_vault().await?;
    let case = app.op("create_case", serde_json::json!({ "code_name": "Heron" })).await?;
    assert!(case.get("ok").is_some(), "{case}");
    lock(&app).await?;
    shots.take(&app.client, &format!("lock-{suffix}")).await?;

    // A wrong passphrase: the calm message says what it is and what to do.
    type_passphrase(&app, "lantern orchard velvet").await?;
    wait_for(&app.client, "unlock-error-next").await?;
    shots.take(&app.client, &format!("unlock-wrong-{suffix}")).await?;

    // Forgotten passphrase: the recovery key opens the vault, and a new passphrase is chosen at once.
    wait_for(&app.client, "use-recovery-key").await?.click().await?;
    let area = wait_for(&app.client, "recovery-key-input").await?;
    area.send_keys("AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ").await?;
    wait_for(&app.client, "recovery-unlock-submit").await?.click().await?;
    wait_for(&app.client, "unlock-error").await?;
    let area = wait_for(&app.client, "recovery-key-input").await?;
    area.send_keys(&format!("{}a{}", char::from(Key::Control), char::from(Key::Null))).await?;
    area.send_keys(&char::from(Key::Backspace).to_string()).await?;
    // Grouped with spaces, as it is written on paper.
    let grouped: String = recovery_key
        .as_bytes()
        .chunks(5)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    area.send_keys(&grouped).await?;
    shots.take(&app.client, &format!("recovery-unlock-{suffix}")).await?;
    wait_for(&app.client, "recovery-unlock-submit").await?.click().await?;
    wait_for(&app.client, "recovery-new-passphrase").await?;
    wait_for(&app.client, "new-passphrase").await?.send_keys(NEW_PASSPHRASE).await?;
    wait_for(&app.client, "new-passphrase-again").await?.send_keys(NEW_PASSPHRASE).await?;
    wait_for(&app.client, "new-passphrase-strength").await?;
    shots.take(&app.client, &format!("recovery-new-passphrase-{suffix}")).await?;
    wait_for(&app.client, "change-passphrase-submit").await?.click().await?;
    wait_for(&app.client, "home-screen").await?;
    let listed = app.op("list_cases", serde_json::json!({})).await?;
    assert!(listed.to_string().contains("Heron"), "the recovery key opened the same vault: {listed}");

    // The old passphrase no longer opens it; the new one does.
    lock(&app).await?;
    type_passphrase(&app, PASSPHRASE).await?;
    wait_for(&app.client, "unlock-error").await?;
    let field = wait_for(&app.client, "unlock-passphrase").await?;
    field.send_keys(&format!("{}a{}", char::from(Key::Control), char::from(Key::Null))).await?;
    field.send_keys(&char::from(Key::Backspace).to_string()).await?;
    type_passphrase(&app, NEW_PASSPHRASE).await?;
    wait_for(&app.client, "home-screen").await?;

    // Change it again from the keys panel, in Settings.
    wait_for(&app.client, "nav-settings").await?.click().await?;
    wait_for(&app.client, "keys-passphrase").await?;
    app.client.find(fantoccini::Locator::Css("[data-testid=\"keys-passphrase\"] summary")).await?.click().await?;
    wait_for(&app.client, "new-passphrase").await?.send_keys(PASSPHRASE).await?;
    wait_for(&app.client, "new-passphrase-again").await?.send_keys(PASSPHRASE).await?;
    wait_for(&app.client, "change-passphrase-submit").await?.click().await?;
    wait_for(&app.client, "change-passphrase-done").await?;
    lock(&app).await?;
    type_passphrase(&app, PASSPHRASE).await?;
    wait_for(&app.client, "home-screen").await?;
    app.close().await?;
    Ok(())
}

/// Issue 10, "Unlock with the recovery key as well as the passphrase; change the passphrase" (English).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_key_unlock_and_passphrase_change_en() -> Result<(), Error> {
    require_display();
    recovery_and_passphrase("en_GB.UTF-8", "en").await
}

/// The same in Spanish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_key_unlock_and_passphrase_change_es() -> Result<(), Error> {
    require_display();
    recovery_and_passphrase("es_ES.UTF-8", "es").await
}

async fn backups_and_restore(lang: &'static str, suffix: &str) -> Result<(), Error> {
    let app = AppUnderTest::start(&options(lang)).await?;
    let mut shots = Screenshots::new()?;
    app.create_vault().await?;
    // Each lock folds into a new generation: Heron alone, then Heron and Ibis.
    app.op("create_case", serde_json::json!({ "code_name": "Heron" })).await?;
    lock(&app).await?;
    type_passphrase(&app, PASSPHRASE).await?;
    wait_for(&app.client, "home-screen").await?;
    app.op("create_case", serde_json::json!({ "code_name": "Ibis" })).await?;
    lock(&app).await?;
    type_passphrase(&app, PASSPHRASE).await?;
    wait_for(&app.client, "home-screen").await?;

    wait_for(&app.client, "nav-settings").await?.click().await?;
    wait_for(&app.client, "keys-backups").await?;
    app.client.find(fantoccini::Locator::Css("[data-testid=\"keys-backups\"] summary")).await?.click().await?;
    wait_for(&app.client, "backup-list").await?;
    let rows = app.client.find_all(fantoccini::Locator::Css("[data-testid=\"backup-row\"]")).await?;
    assert!(rows.len() >= 3, "the backups are listed with dates and sizes: {} rows", rows.len());
    shots.take(&app.client, &format!("backups-{suffix}")).await?;

    // The backup from before Ibis: the second newest that is not current.
    let generations = app.invoke("backups", serde_json::json!({})).await?;
    let list = generations["ok"].as_array().ok_or("backups")?.clone();
    let target = list.iter().rev().find(|g| g["current"] == false).ok_or("a restorable backup")?["number"].clone();
    let css = format!("[data-generation=\"{target}\"] [data-testid=\"backup-restore\"]");
    app.client.find(fantoccini::Locator::Css(&css)).await?.click().await?;
    wait_for(&app.client, "restore-confirm").await?;
    scroll_to(&app, "restore-confirm").await?;
    shots.take(&app.client, &format!("restore-confirm-{suffix}")).await?;
    wait_for(&app.client, "restore-yes").await?.click().await?;
    wait_for(&app.client, "restore-done").await?;
    scroll_to(&app, "restore-done").await?;
    shots.take(&app.client, &format!("restore-done-{suffix}")).await?;
    let listed = app.op("list_cases", serde_json::json!({})).await?;
    let text = listed.to_string();
    assert!(text.contains("Heron") && !text.contains("Ibis"), "the restored state has Heron only: {text}");
    wait_for(&app.client, "restore-continue").await?.click().await?;
    wait_for(&app.client, "home-screen").await?;
    app.close().await?;
    Ok(())
}

/// Issue 10, "Backups: list the generations with dates and sizes and restore one after confirmation" (English).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_are_listed_and_one_is_restored_after_confirmation_en() -> Result<(), Error> {
    require_display();
    backups_and_restore("en_GB.UTF-8", "en").await
}

/// The same in Spanish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_are_listed_and_one_is_restored_after_confirmation_es() -> Result<(), Error> {
    require_display();
    backups_and_restore("es_ES.UTF-8", "es").await
}

async fn damaged_newest(lang: &'static str, suffix: &str) -> Result<(), Error> {
    let app = AppUnderTest::start(&options(lang)).await?;
    let mut shots = Screenshots::new()?;
    app.create_vault().await?;
    app.op("create_case", serde_json::json!({ "code_name": "Heron" })).await?;
    lock(&app).await?;
    let vault = app.vault.clone();
    let home = app.close().await?;

    // Damage the newest snapshot in its middle (its age payload).
    let snapshots = vault.join("snapshots");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&snapshots)?.flatten().map(|e| e.path()).collect();
    names.sort();
    let newest = names.last().ok_or("a snapshot")?.clone();
    let mut bytes = std::fs::read(&newest)?;
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 16] {
        *byte ^= 0x5a;
    }
    std::fs::write(&newest, &bytes)?;

    let app = AppUnderTest::start_in(home, &options(lang)).await?;
    type_passphrase(&app, PASSPHRASE).await?;
    wait_for(&app.client, "damaged-screen").await?;
    wait_for(&app.client, "backup-list").await?;
    shots.take(&app.client, &format!("damaged-{suffix}")).await?;
    // The way back: to the unlock screen, and to the recovery key.
    wait_for(&app.client, "damaged-recovery").await?.click().await?;
    wait_for(&app.client, "recovery-unlock-screen").await?;
    wait_for(&app.client, "recovery-back").await?.click().await?;
    wait_for(&app.client, "unlock-screen").await?;
    type_passphrase(&app, PASSPHRASE).await?;
    wait_for(&app.client, "damaged-screen").await?;
    wait_for(&app.client, "damaged-back").await?.click().await?;
    wait_for_text(&app.client, "unlock-screen", "").await?;
    assert_eq!(std::fs::read(&newest)?, bytes, "nothing on disk was changed");
    app.close().await?;
    Ok(())
}

/// Issue 10, "a damaged newest generation gives a clear screen with the way back, not a dead end" (English).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_newest_generation_shows_the_way_back_en() -> Result<(), Error> {
    require_display();
    damaged_newest("en_GB.UTF-8", "en").await
}

/// The same in Spanish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_newest_generation_shows_the_way_back_es() -> Result<(), Error> {
    require_display();
    damaged_newest("es_ES.UTF-8", "es").await
}
