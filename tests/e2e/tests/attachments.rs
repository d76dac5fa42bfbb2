//! Issue 9, files in a case and the statistics CSV, driven through the built app over a demo vault. Native
//! dialogs cannot be driven by WebDriver, so the app (a debug build) answers them through its test seam
//! (`src-tauri/src/dialog.rs`): the open dialog with the file `CIRCLEBOOK_TEST_OPEN_PATH` points at (a symbolic
//! link the test re-points), a save dialog with the proposed name inside `CIRCLEBOOK_TEST_SAVE_DIR`, which also
//! shows which name was proposed. Screens are checked by axe-core and for CSP violations in English and Spanish,
//! and screenshotted into `<target>/e2e-screenshots/attachments/`.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use circlebook_e2e::demo::DemoApp;
use circlebook_e2e::drive::{check_screen, click, invoke, keys, tab_to, type_into, wait_focus, wait_ready};
use circlebook_e2e::{wait_for, wait_for_text, Error, Screenshots};
use fantoccini::key::Key;
use fantoccini::Client;
use serde_json::{json, Value};

/// The bytes of the file the test attaches: not a real PDF, but with a word to look for in the copy.
const LETTER: &[u8] = b"%PDF-1.4\nA letter, kept in the vault: lapwing-canary\n";

fn point(link: &Path, target: &Path) -> Result<(), Error> {
    let _ = std::fs::remove_file(link);
    std::os::unix::fs::symlink(target, link)?;
    Ok(())
}

/// Issue 9, attachments: a file is kept in a case through the open dialog (the page sends no path), a file over
/// 10 MiB is refused in plain words, a copy is saved only after the warning (with a name that carries no case
/// data, readable by its owner only, audited as an export), by keyboard too, in Spanish, and a file is removed.
/// Then the programme statistics are saved as CSV under a neutral name, with no alias in them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_kept_saved_out_after_a_warning_and_removed() -> Result<(), Error> {
    let files = tempfile::tempdir()?;
    let letter = files.path().join("Letter from Lapwing to Plover.pdf");
    std::fs::write(&letter, LETTER)?;
    let big = files.path().join("big.bin");
    std::fs::File::create(&big)?.set_len(10 * 1024 * 1024 + 1)?;
    let chosen = files.path().join("chosen.pdf");
    point(&chosen, &letter)?;
    let saved = files.path().join("saved");
    std::fs::create_dir(&saved)?;
    let env =
        [("CIRCLEBOOK_TEST_OPEN_PATH", OsString::from(&chosen)), ("CIRCLEBOOK_TEST_SAVE_DIR", OsString::from(&saved))];
    let app = DemoApp::start_with(6, &env).await?;
    let outcome = async {
        let client = &app.client;
        let mut shots = Screenshots::in_target("attachments")?;
        app.unlock().await?;
        let created =
            invoke(client, "create_case", json!({"code_name": "Plover", "harmed_needs": "To be heard."})).await?;
        let case = created["ok"]["id"].as_str().ok_or(format!("no case: {created}"))?.to_owned();
        invoke(client, "add_participant", json!({"case_id": case, "alias": "Lapwing", "role": "person_harmed"}))
            .await?;
        open_files(client, &case).await?;
        wait_for(client, "no-attachments").await?;
        check_screen(client, &mut shots, "files-empty").await?;

        // Keep a file with a title typed by the person.
        type_into(client, "attachment-title-input", "Letter draft").await?;
        click(client, "attachment-add").await?;
        wait_for_text(client, "attachment-list", "Letter draft").await?;
        let status = wait_for_text(client, "attachment-status", "Letter draft").await?;
        assert!(status.contains("is now kept"), "{status}");
        let listed = invoke(client, "list_attachments", json!({"case_id": case})).await?;
        let id = listed["ok"][0]["id"].as_str().ok_or(format!("no attachment: {listed}"))?.to_owned();
        assert_eq!(listed["ok"][0]["media_type"], "application/pdf", "{listed}");
        assert_eq!(listed["ok"][0]["size"], LETTER.len(), "{listed}");
        let kept = invoke(client, "get_attachment", json!({"attachment_id": id})).await?;
        assert_eq!(kept["ok"]["content"], b64(LETTER), "the bytes kept are the file's");
        // The page never held the file's path.
        let page: Value = client.execute("return document.documentElement.outerHTML;", Vec::new()).await?;
        let page = page.as_str().unwrap_or_default();
        assert!(!page.contains(&files.path().to_string_lossy().into_owned()), "a path reached the page");
        check_screen(client, &mut shots, "files-kept").await?;

        // A file over the limit: said plainly, nothing added.
        point(&chosen, &big)?;
        click(client, "attachment-add").await?;
        let refused = wait_for_text(client, "attachment-too-large", "10 MB").await?;
        assert!(refused.contains("nothing was added"), "{refused}");
        let listed = invoke(client, "list_attachments", json!({"case_id": case})).await?;
        assert_eq!(listed["ok"].as_array().map(Vec::len), Some(1), "{listed}");
        check_screen(client, &mut shots, "files-too-large").await?;

        // Saving a copy, by keyboard: the warning first; Escape leaves without writing anything.
        client
            .execute("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);", Vec::new())
            .await?;
        click(client, "tab-attachments").await?;
        tab_to(client, "attachment-save", 40).await?;
        keys(client, &Key::Enter).await?;
        let warning = wait_for_text(client, "attachment-save-confirm", "will not be encrypted").await?;
        assert!(warning.contains("circlebook-attachment"), "{warning}");
        check_screen(client, &mut shots, "files-save-warning").await?;
        keys(client, &Key::Escape).await?;
        wait_focus(client, "attachment-save").await?;
        assert_eq!(std::fs::read_dir(&saved)?.count(), 0, "nothing saved before the person went on");

        // Again, and on: Tab to the confirm button, Enter.
        keys(client, &Key::Enter).await?;
        wait_for(client, "attachment-save-confirm").await?;
        tab_to(client, "attachment-save-confirm-confirm", 5).await?;
        keys(client, &Key::Enter).await?;
        wait_for_text(client, "attachment-status", "The copy was saved.").await?;
        let copy = saved.join("circlebook-attachment.pdf");
        assert_eq!(std::fs::read(&copy)?, LETTER, "the copy is the file");
        assert_eq!(std::fs::metadata(&copy)?.permissions().mode() & 0o777, 0o600, "readable by its owner only");
        let names: Vec<String> = std::fs::read_dir(&saved)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()?;
        assert_eq!(names, ["circlebook-attachment.pdf"], "the proposed name carries no case data");
        let audit = invoke(client, "list_audit", json!({"record_id": id})).await?;
        let actions: Vec<&str> =
            audit["ok"].as_array().into_iter().flatten().filter_map(|e| e["action"].as_str()).collect();
        assert!(actions.contains(&"export") && actions.contains(&"create"), "{audit}");

        // In Spanish: the list and the warning.
        click(client, "nav-settings").await?;
        wait_for(client, "settings-screen").await?;
        click(client, "language-es").await?;
        wait_for_text(client, "nav-cases", "Casos").await?;
        open_files(client, &case).await?;
        wait_for_text(client, "tab-attachments", "Archivos").await?;
        check_screen(client, &mut shots, "files-es").await?;
        click(client, "attachment-save").await?;
        wait_for_text(client, "attachment-save-confirm", "no estará cifrada").await?;
        check_screen(client, &mut shots, "files-save-warning-es").await?;
        keys(client, &Key::Escape).await?;
        click(client, "nav-settings").await?;
        click(client, "language-en").await?;
        wait_for_text(client, "nav-cases", "Cases").await?;

        // Removed after confirming.
        open_files(client, &case).await?;
        click(client, "attachment-remove").await?;
        wait_for_text(client, "attachment-remove-confirm", "Letter draft").await?;
        check_screen(client, &mut shots, "files-remove").await?;
        click(client, "attachment-remove-confirm-confirm").await?;
        wait_for(client, "no-attachments").await?;
        let gone = invoke(client, "get_attachment", json!({"attachment_id": id})).await?;
        assert_eq!(gone["error"]["code"], "not_found", "{gone}");

        // Paper: the case summary and the progress report alone, as the print stylesheet lays them out (its
        // `@media print` rules applied to the screen, since WebDriver cannot see the print dialog's pages).
        let finch = invoke(client, "add_participant", json!({"case_id": case, "alias": "Finch", "role": "person_responsible"})).await?;
        let commitment = json!({"case_id": case, "participant_id": finch["ok"]["id"], "kind": "apology_letter",
            "description": "A letter, read with the facilitator first."});
        assert!(invoke(client, "add_commitment", commitment).await?.get("ok").is_some(), "commitment");
        open_files(client, &case).await?;
        as_on_paper(client, true).await?;
        let hidden = client.execute(
            "return [...document.querySelectorAll('button, nav, .tab-list, form')].every((e) => getComputedStyle(e).display === 'none');",
            Vec::new(),
        ).await?;
        assert_eq!(hidden, Value::Bool(true), "buttons, navigation, tabs and forms stay off paper");
        shots.take(client, "paper-summary").await?;
        as_on_paper(client, false).await?;
        click(client, "tab-plan").await?;
        click(client, "report-preview").await?;
        wait_for(client, "progress-report").await?;
        client.execute("document.body.dataset.print = 'report';", Vec::new()).await?;
        as_on_paper(client, true).await?;
        let shown = client.execute(
            "return [...document.querySelectorAll('body *')].filter((e) => getComputedStyle(e).visibility === 'visible' && e.textContent.trim()).map((e) => e.textContent).join(' ');",
            Vec::new(),
        ).await?;
        let shown = shown.as_str().unwrap_or_default();
        assert!(shown.contains("A letter, read with the facilitator first."), "the report is on paper: {shown}");
        assert!(!shown.contains("Accountability plan") && !shown.contains("Hide"), "only the report: {shown}");
        shots.take(client, "paper-report").await?;
        as_on_paper(client, false).await?;
        client.execute("delete document.body.dataset.print;", Vec::new()).await?;

        // The programme statistics as CSV: the range in the name, no alias or code name in the file.
        click(client, "nav-statistics").await?;
        wait_ready(client, "statistics-screen").await?;
        click(client, "stats-export").await?;
        wait_for_text(client, "stats-export-status", "were saved").await?;
        check_screen(client, &mut shots, "statistics-saved").await?;
        let csv_name = std::fs::read_dir(&saved)?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .find(|n| n.starts_with("circlebook-statistics-"))
            .ok_or("no statistics file")?;
        let shape = csv_name.trim_start_matches("circlebook-statistics-").trim_end_matches(".csv");
        assert!(csv_name.ends_with(".csv") && shape.len() == 21, "{csv_name}");
        let csv = std::fs::read_to_string(saved.join(&csv_name))?;
        assert!(csv.starts_with("section,key,value"), "{csv}");
        for identity in ["Plover", "Lapwing", "lapwing-canary"] {
            assert!(!csv.contains(identity), "{identity} in the CSV");
        }
        Ok(())
    }
    .await;
    app.finish(outcome).await
}

/// Opens the case's Files section by its address and waits for it.
async fn open_files(client: &Client, case: &str) -> Result<(), Error> {
    click(client, "nav-cases").await?;
    wait_ready(client, "home-screen").await?;
    client
        .execute("window.location.hash = arguments[0];", vec![Value::from(format!("#/case/{case}/attachments"))])
        .await?;
    wait_ready(client, "case-screen").await?;
    wait_for(client, "attachment-form").await?;
    Ok(())
}

/// Applies the page's `@media print` rules to the screen (`on`), or puts them back to print only.
async fn as_on_paper(client: &Client, on: bool) -> Result<(), Error> {
    let script =
        "const [on] = arguments; for (const sheet of document.styleSheets) { for (const rule of sheet.cssRules) { \
        if (rule instanceof CSSMediaRule && rule.media.mediaText === (on ? 'print' : 'all')) { \
          rule.media.mediaText = on ? 'all' : 'print'; } } } window.scrollTo(0, 0); return true;";
    client.execute(script, vec![Value::Bool(on)]).await?;
    Ok(())
}

/// Standard base64 with padding, as the core stores and returns content.
fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
