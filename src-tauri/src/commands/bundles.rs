//! Choosing a bundle file to preview (issue 11): the native open dialog runs here, in Rust, so the webview gets
//! no file-system or dialog permission and never sees a path it could reuse; the chosen file goes straight to
//! the registry's `preview_bundle`, which applies nothing. A refused bundle comes back as a closed reason the UI
//! words in the person's language.

use std::path::PathBuf;

use circlebook_core::bundle::file::ReadError;
use circlebook_core::bundle::header::HeaderError;
use circlebook_core::bundle::payload::PayloadError;
use circlebook_core::model::{ops, Ctx, ModelError};
use serde::Serialize;
use serde_json::{json, Value};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::IpcError;
use crate::session::{AppState, Session};

/// Debug builds only: a file to take instead of opening the dialog, for the end-to-end suite (WebDriver cannot
/// drive a native GTK dialog). Release builds do not read it (docs/THREAT_MODEL.md).
#[cfg(debug_assertions)]
const TEST_FILE_VAR: &str = "CIRCLEBOOK_TEST_BUNDLE_FILE";

/// What came of choosing a bundle.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BundleChoice {
    /// The person closed the dialog without choosing.
    Cancelled,
    /// The bundle was verified; `preview` is the registry's `BundlePreview`.
    Preview {
        file_name: String,
        #[ts(type = "BundlePreview")]
        preview: Value,
    },
    /// The bundle was refused; nothing was changed.
    Refused { file_name: String, reason: Refusal, message: String },
}

/// Why a bundle was refused, from a closed set the UI words (see `ui/src/lib/ipc/bundles.ts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not an age-encrypted file at all.
    NotABundle,
    /// Encrypted to someone else.
    NotForUs,
    /// Encrypted to this vault, but its signed manifest names other recipients (forwarded or re-encrypted).
    NotAddressed,
    /// No signature.
    Unsigned,
    /// The signature does not match: forged or altered.
    BadSignature,
    /// The content does not match what was signed.
    Altered,
    /// Truncated or damaged.
    Damaged,
    /// Over the size limits.
    TooLarge,
    /// Written by another version of Circlebook.
    OtherVersion,
    /// The file could not be read (gone, not a plain file, no permission).
    Unreadable,
    /// Anything else the format forbids.
    Malformed,
}

/// Opens the native dialog (titled in the person's language by the UI), then previews the chosen bundle.
#[tauri::command]
pub async fn choose_bundle(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
) -> Result<BundleChoice, IpcError> {
    if !matches!(*state.session(), Session::Unlocked(_)) {
        return Err(IpcError::locked());
    }
    // The dialog blocks until the person chooses; the session is not held meanwhile (the idle lock may run).
    let chosen = tauri::async_runtime::spawn_blocking(move || choose(&app, &title))
        .await
        .map_err(|e| IpcError::with_code(circlebook_core::ErrorKind::Io, &format!("the file dialog failed: {e}")))?;
    let Some(path) = chosen else { return Ok(BundleChoice::Cancelled) };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut session = state.session();
    let Session::Unlocked(vault) = &mut *session else { return Err(IpcError::locked()) };
    let args = json!({ "path": path.to_string_lossy() });
    match ops::call("preview_bundle", vault, &Ctx::new("facilitator"), args) {
        Ok(preview) => Ok(BundleChoice::Preview { file_name, preview }),
        Err(ModelError::Invalid(message)) => {
            Ok(BundleChoice::Refused { file_name, reason: Refusal::of(&message), message })
        }
        Err(other) => Err(other.into()),
    }
}

/// Previews a bundle listed in the exchange folder, named by its sender's subfolder and its file name as
/// `exchange_status` lists them: the path is found again here, so the page cannot name any other file.
#[tauri::command]
pub async fn review_exchange_bundle(
    state: State<'_, AppState>,
    subfolder: String,
    file: String,
) -> Result<BundleChoice, IpcError> {
    use circlebook_core::bundle::exchange::{ExchangeStatus, IncomingState};
    let mut session = state.session();
    let Session::Unlocked(vault) = &mut *session else { return Err(IpcError::locked()) };
    let ctx = Ctx::new("facilitator");
    let status: ExchangeStatus = serde_json::from_value(ops::call("exchange_status", vault, &ctx, json!({}))?)
        .map_err(|e| IpcError::with_code(circlebook_core::ErrorKind::Io, &e))?;
    let listed = status.incoming.into_iter().find(|b| b.subfolder == subfolder && b.file == file);
    let Some(listed) = listed.filter(|b| matches!(b.state, IncomingState::New | IncomingState::Applied)) else {
        return Err(IpcError::with_code(
            circlebook_core::ErrorKind::NotFound,
            &"that bundle is no longer in the exchange folder, or is not ready",
        ));
    };
    match ops::call("preview_bundle", vault, &ctx, json!({ "path": listed.path })) {
        Ok(preview) => Ok(BundleChoice::Preview { file_name: file, preview }),
        Err(ModelError::Invalid(message)) => {
            Ok(BundleChoice::Refused { file_name: file, reason: Refusal::of(&message), message })
        }
        Err(other) => Err(other.into()),
    }
}

/// No filter by extension: the format names none, and a bundle may arrive under any name.
fn choose(app: &AppHandle, title: &str) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os(TEST_FILE_VAR) {
        return Some(PathBuf::from(path));
    }
    app.dialog().file().set_title(title).blocking_pick_file()?.into_path().ok()
}

/// The longest common beginning of two texts: the fixed words of an error whose value varies.
fn common_prefix(a: &str, b: &str) -> String {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).map(|(x, _)| x).collect()
}

fn varying(a: ReadError, b: ReadError) -> String {
    common_prefix(&a.to_string(), &b.to_string())
}

impl Refusal {
    /// Classifies the core's refusal by the wording of the core's own `ReadError` and `PayloadError` values
    /// (built here, so a change of wording in the core cannot silently break it; tested below). The core reports
    /// every refusal as `invalid_input` with a message; a typed reason in its details would make this go away.
    pub fn of(message: &str) -> Refusal {
        let exact = |e: ReadError| message == e.to_string();
        let starts = |prefix: String| !prefix.is_empty() && message.starts_with(&prefix);
        let header = |h: HeaderError| ReadError::Header(h);
        let payload = |p: PayloadError| ReadError::Payload(p);
        let text = |s: &str| s.to_owned();
        if exact(header(HeaderError::NotAge)) {
            Refusal::NotABundle
        } else if exact(ReadError::NotForUs) {
            Refusal::NotForUs
        } else if exact(ReadError::NotAddressed) {
            Refusal::NotAddressed
        } else if exact(ReadError::Unsigned) {
            Refusal::Unsigned
        } else if exact(ReadError::BadSignature) {
            Refusal::BadSignature
        } else if exact(ReadError::PayloadMismatch) {
            Refusal::Altered
        } else if starts(varying(
            ReadError::TooLarge { what: "a", limit: 1 },
            ReadError::TooLarge { what: "b", limit: 2 },
        )) || starts(varying(header(HeaderError::TooLarge(1)), header(HeaderError::TooLarge(2))))
            || starts(varying(header(HeaderError::TooManyStanzas(1)), header(HeaderError::TooManyStanzas(2))))
            || starts(varying(
                header(HeaderError::ExcessiveWork { found: 30, max: 22 }),
                header(HeaderError::ExcessiveWork { found: 40, max: 11 }),
            ))
        {
            Refusal::TooLarge
        } else if starts(varying(ReadError::Damaged(text("a")), ReadError::Damaged(text("b"))))
            || starts(varying(payload(PayloadError::Damaged(text("a"))), payload(PayloadError::Damaged(text("b")))))
            || starts(varying(payload(PayloadError::NotSqlite(text("a"))), payload(PayloadError::NotSqlite(text("b")))))
        {
            Refusal::Damaged
        } else if starts(varying(ReadError::Version(text("a")), ReadError::Version(text("b"))))
            || starts(varying(payload(PayloadError::Version(text("a"))), payload(PayloadError::Version(text("b")))))
        {
            Refusal::OtherVersion
        } else if message.contains("cannot be read") || message.contains("is not a plain file") {
            // `preview_bundle`'s own file checks, before any bundle reading.
            Refusal::Unreadable
        } else {
            Refusal::Malformed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_of_the_core_is_classified() {
        let cases: Vec<(ReadError, Refusal)> = vec![
            (ReadError::Header(HeaderError::NotAge), Refusal::NotABundle),
            (ReadError::NotForUs, Refusal::NotForUs),
            (ReadError::NotAddressed, Refusal::NotAddressed),
            (ReadError::Unsigned, Refusal::Unsigned),
            (ReadError::BadSignature, Refusal::BadSignature),
            (ReadError::PayloadMismatch, Refusal::Altered),
            (ReadError::TooLarge { what: "the file", limit: 536_870_912 }, Refusal::TooLarge),
            (ReadError::Header(HeaderError::TooManyStanzas(32)), Refusal::TooLarge),
            (ReadError::Header(HeaderError::ExcessiveWork { found: 40, max: 22 }), Refusal::TooLarge),
            (ReadError::Header(HeaderError::TooLarge(16_384)), Refusal::TooLarge),
            (ReadError::Damaged("stream ended early".into()), Refusal::Damaged),
            (ReadError::Payload(PayloadError::NotSqlite("file is not a database".into())), Refusal::Damaged),
            (ReadError::Payload(PayloadError::Damaged("integrity".into())), Refusal::Damaged),
            (ReadError::Version("bundle format 9".into()), Refusal::OtherVersion),
            (ReadError::Payload(PayloadError::Version("schema 99".into())), Refusal::OtherVersion),
            (ReadError::Malformed("manifest.json does not fit".into()), Refusal::Malformed),
            (ReadError::Header(HeaderError::Malformed), Refusal::Malformed),
            (ReadError::Payload(PayloadError::Schema("extra table".into())), Refusal::Malformed),
        ];
        for (error, expected) in cases {
            // As `preview_bundle` reports it: `ModelError::Invalid` with the error's own text.
            let message = ModelError::Invalid(error.to_string()).to_string();
            assert_eq!(Refusal::of(&message), expected, "{message}");
        }
        assert_eq!(Refusal::of("the bundle /tmp/x cannot be read: No such file or directory"), Refusal::Unreadable);
        assert_eq!(Refusal::of("the bundle /tmp/x is not a plain file"), Refusal::Unreadable);
    }

    #[test]
    fn a_refusal_crosses_with_its_reason() {
        let choice = BundleChoice::Refused {
            file_name: "b.cbb".into(),
            reason: Refusal::of(&ReadError::BadSignature.to_string()),
            message: "m".into(),
        };
        let json = serde_json::to_value(choice).expect("serialises");
        assert_eq!(
            json,
            json!({ "status": "refused", "file_name": "b.cbb", "reason": "bad_signature", "message": "m" })
        );
    }
}
