//! Files in and out of the vault through native dialogs opened here: the page names what it wants (a case, an
//! attachment, a date range) and gets back an outcome, never a path, and never the bytes of a file.

use base64::Engine;
use chrono::NaiveDate;
use circlebook_core::model::attachments::MAX_ATTACHMENT_BYTES;
use circlebook_core::ErrorKind;
use serde::Serialize;
use serde_json::{json, Value};
use tauri::{State, WebviewWindow};
use zeroize::Zeroizing;

use crate::dialog;
use crate::error::IpcError;
use crate::files::{self, ReadOutcome};
use crate::session::{AppState, VaultStatus};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// What became of "attach a file".
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Attached {
    /// Kept in the vault: the attachment's metadata, as `add_attachment` returns it.
    Added {
        #[ts(type = "Attachment")]
        attachment: Value,
    },
    /// The person closed the dialog without choosing.
    Cancelled,
    /// The file is over the limit; nothing was read into the vault.
    TooLarge { size: u64, limit: u64 },
}

/// What became of "save a copy".
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Saved {
    Saved,
    Cancelled,
}

fn io_error(error: &std::io::Error) -> IpcError {
    IpcError::with_code(ErrorKind::of_io(error), error)
}

/// Opens a file dialog, reads the chosen file and keeps it in the case (audited by the core as `create`).
/// `title` is what the person typed, else the file's own name.
#[tauri::command]
pub async fn attach_file(
    window: WebviewWindow,
    state: State<'_, AppState>,
    case_id: String,
    title: Option<String>,
    dialog_title: String,
) -> Result<Attached, IpcError> {
    let Some(path) = dialog::choose_file_to_open(&window, &dialog_title) else { return Ok(Attached::Cancelled) };
    // The vault may have locked while the dialog was open (idle time): then the file is not even read.
    if state.session().status() != VaultStatus::Unlocked {
        return Err(IpcError::locked());
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let bytes = match files::read_capped(&path).map_err(|e| io_error(&e))? {
        ReadOutcome::Bytes(bytes) => bytes,
        ReadOutcome::TooLarge(size) => return Ok(Attached::TooLarge { size, limit: MAX_ATTACHMENT_BYTES as u64 }),
    };
    let title = title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| name.clone());
    let content = Zeroizing::new(B64.encode(bytes.as_slice()));
    let args =
        json!({"case_id": case_id, "title": title, "media_type": files::media_type_for(&name), "content": *content});
    let attachment = state.session().call("add_attachment", args)?;
    Ok(Attached::Added { attachment })
}

/// Opens a save dialog (proposing a name without case data) and writes a plain copy of an attachment there
/// (audited by the core as `export`). The page has already warned that the copy is readable outside the vault.
#[tauri::command]
pub async fn save_attachment_copy(
    window: WebviewWindow,
    state: State<'_, AppState>,
    attachment_id: String,
    dialog_title: String,
) -> Result<Saved, IpcError> {
    let about = state.session().call("get_attachment", json!({ "attachment_id": attachment_id }))?;
    let text = |key: &str| about[key].as_str().unwrap_or_default().to_owned();
    let name = files::copy_name(&text("title"), &text("media_type"));
    drop(about);
    let Some(path) = dialog::choose_file_to_save(&window, &dialog_title, &name, None) else {
        return Ok(Saved::Cancelled);
    };
    let exported = state.session().call("export_attachment", json!({ "attachment_id": attachment_id }))?;
    let bytes = Zeroizing::new(
        B64.decode(exported["content"].as_str().unwrap_or_default())
            .map_err(|_| IpcError::with_code(ErrorKind::Damaged, &"the attachment's stored content is not valid"))?,
    );
    files::write_copy(&path, &bytes).map_err(|e| io_error(&e))?;
    Ok(Saved::Saved)
}

/// Opens a save dialog proposing `circlebook-statistics-FROM-TO.csv` and writes the programme report there as CSV
/// (aggregate figures, no identities; audited by the core as `export_report`).
#[tauri::command]
pub async fn export_statistics_csv(
    window: WebviewWindow,
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
    dialog_title: String,
) -> Result<Saved, IpcError> {
    let name = files::statistics_name(from, to);
    let Some(path) = dialog::choose_file_to_save(&window, &dialog_title, &name, Some(("CSV", "csv"))) else {
        return Ok(Saved::Cancelled);
    };
    let csv = state.session().call("export_programme_report_csv", json!({ "from": from, "to": to }))?;
    let csv = csv.as_str().unwrap_or_default();
    files::write_copy(&path, csv.as_bytes()).map_err(|e| io_error(&e))?;
    Ok(Saved::Saved)
}
