//! Issue 10 ("Keys and backups") and issue 8 item 12, on the built app under Xvfb: rotate the key in Settings, the
//! new recovery key shown once on its recovery sheet and put away only after "I have stored it"; the old recovery
//! key is then refused and the new one opens the vault. A damaged newest state is opened at an earlier backup
//! after a confirmation; a folder older than this computer has seen gets the rollback screen and is opened only on
//! purpose. Screens are photographed in English and Spanish (`tests/e2e/screenshots/`). Run serially.

use std::path::{Path, PathBuf};

use circlebook_e2e::harness::{AppUnderTest, Options, PASSPHRASE};
use circlebook_e2e::{require_display, wait_for, Error, Screenshots};
use fantoccini::key::Key;
use fantoccini::Locator;

fn options(lang: &'static str) -> Options {
    Options { lang: Some(lang), ..Options::default() }
}

fn enter() -> String {
    char::from(Key::Enter).to_string()
}

async fn lock(app: &AppUnderTest) -> Result<(), Error> {
    wait_for(&app.client, "lock").await?.click().await?;
    wait_for(&app.client, "unlock-screen").await?;
    Ok(())
}

async fn unlock(app: &AppUnderTest) -> Result<(), Error> {
    wait_for(&app.client, "unlock-passphrase").await?.send_keys(&format!("{PASSPHRASE}{}", enter())).await?;
    Ok(())
}

async fn scroll_to(app: &AppUnderTest, id: &str) -> Result<(), Error> {
    let script = "document.querySelector(`[data-testid=\"${arguments[0]}\"]`).scrollIntoView({ block: 'start' });";
    app.client.execute(script, vec![serde_json::json!(id)]).await?;
    Ok(())
}

/// Types `key` on the recovery-key screen (reached from the unlock screen first when `from_unlock`).
async fn open_with_recovery_key(app: &AppUnderTest, key: &str, from_unlock: bool) -> Result<(), Error> {
    if from_unlock {
        wait_for(&app.client, "use-recovery-key").await?.click().await?;
    }
    let area = wait_for(&app.client, "recovery-key-input").await?;
    area.send_keys(&format!("{}a{}", char::from(Key::Control), char::from(Key::Null))).await?;
    area.send_keys(&char::from(Key::Backspace).to_string()).await?;
    area.send_keys(key).await?;
    wait_for(&app.client, "recovery-unlock-submit").await?.click().await?;
    Ok(())
}

async fn rotate(lang: &'static str, suffix: &str) -> Result<(), Error> {
    let app = AppUnderTest::start(&options(lang)).await?;
    let mut shots = Screenshots::new()?;
    let old_key = app.create_vault().await?;
    app.op("create_case", serde_json::json!({ "code_name": "Heron" })).await?;

    wait_for(&app.client, "nav-settings").await?.click().await?;
    wait_for(&app.client, "keys-rotation").await?;
    app.client.find(Locator::Css("[data-testid=\"keys-rotation\"] summary")).await?.click().await?;
    wait_for(&app.client, "rotate-passphrase").await?.send_keys(PASSPHRASE).await?;
    scroll_to(&app, "keys-rotation").await?;
    shots.take(&app.client, &format!("rotate-key-{suffix}")).await?;
    wait_for(&app.client, "rotate-passphrase").await?.send_keys(&enter()).await?;
    wait_for(&app.client, "rotate-done").await?;
    let new_key = wait_for(&app.client, "recovery-sheet-key").await?.text().await?;
    assert!(new_key.starts_with("AGE-SECRET-KEY-1") && new_key != old_key, "a new key: {new_key}");
    scroll_to(&app, "rotate-done").await?;
    shots.take(&app.client, &format!("rotate-recovery-sheet-{suffix}")).await?;
    // Put away only after "I have stored it", by keyboard: the box, then Done.
    let done = wait_for(&app.client, "rotate-dismiss").await?;
    assert!(!done.is_enabled().await?, "Done waits for the confirmation");
    wait_for(&app.client, "rotate-stored").await?.send_keys(" ").await?;
    wait_for(&app.client, "rotate-dismiss").await?.click().await?;
    wait_for(&app.client, "rotate-form").await?;
    let page = app.client.source().await?;
    assert!(!page.contains(&new_key), "the new key has left the page");

    // The old recovery key is refused; the new one opens the same vault.
    lock(&app).await?;
    open_with_recovery_key(&app, &old_key, true).await?;
    wait_for(&app.client, "unlock-error").await?;
    open_with_recovery_key(&app, &new_key, false).await?;
    wait_for(&app.client, "recovery-new-passphrase").await?;
    wait_for(&app.client, "recovery-later").await?.click().await?;
    wait_for(&app.client, "home-screen").await?;
    let listed = app.op("list_cases", serde_json::json!({})).await?;
    assert!(listed.to_string().contains("Heron"), "{listed}");
    // And the passphrase is unchanged.
    lock(&app).await?;
    unlock(&app).await?;
    wait_for(&app.client, "home-screen").await?;
    app.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_then_the_new_recovery_key_opens_and_the_old_one_is_refused_en() -> Result<(), Error> {
    require_display();
    rotate("en_GB.UTF-8", "en").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_then_the_new_recovery_key_opens_and_the_old_one_is_refused_es() -> Result<(), Error> {
    require_display();
    rotate("es_ES.UTF-8", "es").await
}

fn newest_snapshot(vault: &Path) -> Result<PathBuf, Error> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(vault.join("snapshots"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "age"))
        .collect();
    names.sort();
    Ok(names.last().ok_or("a snapshot")?.clone())
}

async fn damaged_restore(lang: &'static str, suffix: &str) -> Result<(), Error> {
    let app = AppUnderTest::start(&options(lang)).await?;
    let mut shots = Screenshots::new()?;
    app.create_vault().await?;
    app.op("create_case", serde_json::json!({ "code_name": "Heron" })).await?;
    lock(&app).await?;
    unlock(&app).await?;
    wait_for(&app.client, "home-screen").await?;
    app.op("create_case", serde_json::json!({ "code_name": "Ibis" })).await?;
    lock(&app).await?;
    let vault = app.vault.clone();
    let home = app.close().await?;

    let newest = newest_snapshot(&vault)?;
    let mut bytes = std::fs::read(&newest)?;
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 16] {
        *byte ^= 0x5a;
    }
    std::fs::write(&newest, &bytes)?;

    let app = AppUnderTest::start_in(home, &options(lang)).await?;
    unlock(&app).await?;
    wait_for(&app.client, "damaged-screen").await?;
    // The earlier backups, newest first: the first is the one just before the damaged state.
    let first = app.client.wait().for_element(Locator::Css("[data-testid^=\"damaged-restore-\"]")).await?;
    first.click().await?;
    wait_for(&app.client, "damaged-confirm").await?;
    wait_for(&app.client, "damaged-passphrase").await?.send_keys(PASSPHRASE).await?;
    scroll_to(&app, "damaged-confirm").await?;
    shots.take(&app.client, &format!("damaged-restore-confirm-{suffix}")).await?;
    wait_for(&app.client, "damaged-passphrase").await?.send_keys(&enter()).await?;
    wait_for(&app.client, "home-screen").await?;
    let listed = app.op("list_cases", serde_json::json!({})).await?.to_string();
    assert!(listed.contains("Heron"), "{listed}");
    assert_eq!(std::fs::read(&newest)?, bytes, "the damaged state is kept as it was");
    app.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_newest_state_is_opened_at_an_earlier_backup_after_confirmation_en() -> Result<(), Error> {
    require_display();
    damaged_restore("en_GB.UTF-8", "en").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_newest_state_is_opened_at_an_earlier_backup_after_confirmation_es() -> Result<(), Error> {
    require_display();
    damaged_restore("es_ES.UTF-8", "es").await
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if entry.file_name() != ".lock" {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

async fn rollback(lang: &'static str, suffix: &str) -> Result<(), Error> {
    let app = AppUnderTest::start(&options(lang)).await?;
    let mut shots = Screenshots::new()?;
    app.create_vault().await?;
    app.op("create_case", serde_json::json!({ "code_name": "Heron" })).await?;
    lock(&app).await?;
    let vault = app.vault.clone();
    let old_copy = app.home.path().join("old-copy");
    copy_dir(&vault, &old_copy)?;
    unlock(&app).await?;
    wait_for(&app.client, "home-screen").await?;
    app.op("create_case", serde_json::json!({ "code_name": "Ibis" })).await?;
    lock(&app).await?;
    let home = app.close().await?;
    // The older copy put back over the folder.
    for sub in ["snapshots", "journal"] {
        std::fs::remove_dir_all(vault.join(sub))?;
    }
    copy_dir(&old_copy, &vault)?;

    let app = AppUnderTest::start_in(home, &options(lang)).await?;
    unlock(&app).await?;
    wait_for(&app.client, "rollback-screen").await?;
    shots.take(&app.client, &format!("rollback-{suffix}")).await?;
    wait_for(&app.client, "rollback-open").await?.click().await?;
    wait_for(&app.client, "home-screen").await?;
    let listed = app.op("list_cases", serde_json::json!({})).await?.to_string();
    assert!(listed.contains("Heron") && !listed.contains("Ibis"), "the older copy: {listed}");
    app.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_copy_gets_the_rollback_screen_and_opens_on_purpose_en() -> Result<(), Error> {
    require_display();
    rollback("en_GB.UTF-8", "en").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_copy_gets_the_rollback_screen_and_opens_on_purpose_es() -> Result<(), Error> {
    require_display();
    rollback("es_ES.UTF-8", "es").await
}
