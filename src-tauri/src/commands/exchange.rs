//! The exchange folder (issue 11): the folder a sync tool keeps in step is chosen in a native folder dialog
//! opened here, in Rust, and handed straight to the registry's `set_exchange_folder`, which checks it. The page
//! lists what arrived through the registry's `exchange_status` and reviews one through
//! `review_exchange_bundle` (`bundles.rs`).

use circlebook_core::ErrorKind;
use serde::Serialize;
use serde_json::{json, Value};
use tauri::{State, WebviewWindow};

use crate::dialog;
use crate::error::IpcError;
use crate::session::{AppState, VaultStatus};

/// What became of "choose the exchange folder".
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ExchangeChoice {
    /// The folder is now the exchange folder: the registry's `ExchangeStatus`.
    Chosen {
        #[ts(type = "ExchangeStatus")]
        status: Value,
    },
    /// The person closed the dialog without choosing.
    Cancelled,
}

/// Opens the native folder dialog (titled in the person's language) and makes the chosen folder the exchange
/// folder; the core refuses one that is missing, unreadable, inside the vault or holding it.
#[tauri::command]
pub async fn choose_exchange_folder(
    window: WebviewWindow,
    state: State<'_, AppState>,
    dialog_title: String,
) -> Result<ExchangeChoice, IpcError> {
    let Some(path) = dialog::choose_folder(&window, &dialog_title) else { return Ok(ExchangeChoice::Cancelled) };
    // The vault may have locked while the dialog was open (idle time).
    if state.session().status() != VaultStatus::Unlocked {
        return Err(IpcError::locked());
    }
    let path = path
        .to_str()
        .ok_or_else(|| IpcError::with_code(ErrorKind::InvalidInput, &"the folder's name is not UTF-8"))?
        .to_owned();
    let status = state.session().call("set_exchange_folder", json!({ "path": path }))?;
    Ok(ExchangeChoice::Chosen { status })
}
