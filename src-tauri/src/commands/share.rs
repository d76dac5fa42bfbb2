//! Saving a bundle of cases for someone (issue 11): the page names the cases, the audience and the recipients
//! (contacts by signing key, or the named person a passphrase bundle is for, with the passphrase as a `Secret`);
//! the save dialog is opened here, proposing a name with no case data, and the core's `export_bundle` (the
//! registry's operation, called directly so that the passphrase stays a `SecretString`) writes the file there after
//! checking consent (and audits it). The page never sees or sends a path.

use circlebook_core::bundle::export::ExportArgs;
use circlebook_core::model::ModelError;
use serde::Serialize;
use serde_json::{json, Value};
use tauri::{State, WebviewWindow};

use crate::dialog;
use crate::error::IpcError;
use crate::files;
use crate::secret::Secret;
use crate::session::AppState;

/// What became of "save the bundle".
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BundleSaved {
    /// Written: the registry's `Exported` (its `path` is not for the page to use), and the file's name.
    Saved {
        file_name: String,
        #[ts(type = "Exported")]
        exported: Value,
    },
    /// The person closed the dialog without choosing.
    Cancelled,
    /// A file of that name is already there; nothing was written (a bundle never replaces a file).
    Exists { file_name: String },
}

/// Opens a save dialog and writes a signed bundle of `case_ids` for `audience` (`co-facilitator`, `supervisor`,
/// `progress`), encrypted to the contacts in `to`, or to `passphrase` for the person or role named in `to`.
#[tauri::command]
pub async fn save_bundle(
    window: WebviewWindow,
    state: State<'_, AppState>,
    case_ids: Vec<String>,
    audience: String,
    to: Vec<String>,
    passphrase: Option<Secret>,
    dialog_title: String,
) -> Result<BundleSaved, IpcError> {
    let name = files::bundle_name(chrono::Local::now().naive_local());
    let Some(path) = dialog::choose_file_to_save(&window, &dialog_title, &name, Some(("Circlebook", "cbb"))) else {
        return Ok(BundleSaved::Cancelled);
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if std::fs::symlink_metadata(&path).is_ok() {
        return Ok(BundleSaved::Exists { file_name });
    }
    // The plan is read from JSON without the passphrase, which then goes in as the `SecretString` it arrived as:
    // no plain copy of it is made on the way (docs/THREAT_MODEL.md).
    let mut args: ExportArgs = serde_json::from_value(json!({
        "case_ids": case_ids,
        "audience": audience,
        "to": to,
        "out": path.to_string_lossy(),
    }))
    .map_err(|e| IpcError::from(ModelError::Invalid(e.to_string())))?;
    args.plan.passphrase = passphrase.map(Secret::into_inner);
    let exported = state.session().export_bundle(args)?;
    Ok(BundleSaved::Saved { file_name, exported })
}
