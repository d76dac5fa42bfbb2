//! Choosing a bundle file, previewing it and applying it (issue 11): the native open dialog runs here, in Rust,
//! so the webview gets no file-system or dialog permission and never sees a path it could reuse. The chosen file
//! is kept in `ChosenFiles` (crate::chosen) and the page names it by a handle: `preview_bundle_at` shows it again,
//! `apply_bundle` verifies it again (the file may have changed) and applies it. A refused bundle comes back as a
//! closed reason the UI words in the person's language.

use std::path::PathBuf;

use circlebook_core::bundle::file::ReadError;
use circlebook_core::bundle::header::HeaderError;
use circlebook_core::bundle::payload::PayloadError;
use circlebook_core::model::{ops, Ctx, ModelError};
use serde::Serialize;
use serde_json::{json, Value};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::chosen::{Chosen, ChosenFiles, Source};
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
    /// The bundle was verified; `preview` is the registry's `BundlePreview`; `handle` names the chosen file.
    Preview {
        file_name: String,
        #[ts(type = "BundlePreview")]
        preview: Value,
        handle: String,
    },
    /// The bundle was refused; nothing was changed. `handle` names the chosen file (to try it again).
    Refused { file_name: String, reason: Refusal, message: String, handle: String },
}

/// What came of applying a chosen bundle.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BundleApplied {
    /// Applied (or applied before, `imported.already_applied`): the registry's `Imported`.
    Applied {
        file_name: String,
        #[ts(type = "Imported")]
        imported: Value,
    },
    /// Refused; nothing was changed.
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
    /// Applying: the signer is not a verified contact and the person did not accept them explicitly.
    SignerNotTrusted,
    /// Applying: a supervisor's or progress bundle is for reading, not for merging.
    NotForMerging,
    /// Applying: a case in it was purged from this vault.
    PurgedCase,
    /// Applying: a case in it is already in this vault (merging is not available yet).
    CaseHere,
    /// Applying: this build cannot apply it for another reason (see the message).
    CannotApply,
    /// The handle names no chosen file (the vault locked meanwhile): choose the file again.
    ChooseAgain,
}

/// A registry operation on the unlocked vault, its own error kept (refusals are classified from it).
fn model(state: &AppState, name: &str, args: Value) -> Result<Result<Value, ModelError>, IpcError> {
    let mut session = state.session();
    let Session::Unlocked(vault) = &mut *session else { return Err(IpcError::locked()) };
    Ok(ops::call(name, vault, &Ctx::new("facilitator"), args))
}

fn unlocked(state: &AppState) -> Result<(), IpcError> {
    match *state.session() {
        Session::Unlocked(_) => Ok(()),
        _ => Err(IpcError::locked()),
    }
}

/// Verifies the chosen file and says what it holds (the registry's `preview_bundle`), applying nothing.
fn preview(state: &AppState, chosen: &Chosen, handle: String) -> Result<BundleChoice, IpcError> {
    let file_name = chosen.file_name();
    let args = json!({ "path": chosen.path.to_string_lossy() });
    match model(state, "preview_bundle", args)? {
        Ok(preview) => Ok(BundleChoice::Preview { file_name, preview, handle }),
        Err(ModelError::Invalid(message)) => {
            Ok(BundleChoice::Refused { file_name, reason: Refusal::of(&message), message, handle })
        }
        Err(other) => Err(other.into()),
    }
}

/// Opens the native dialog (titled in the person's language by the UI), then previews the chosen bundle.
#[tauri::command]
pub async fn choose_bundle(
    app: AppHandle,
    state: State<'_, AppState>,
    chosen: State<'_, ChosenFiles>,
    title: String,
) -> Result<BundleChoice, IpcError> {
    unlocked(&state)?;
    // The dialog blocks until the person chooses; the session is not held meanwhile (the idle lock may run).
    let picked = tauri::async_runtime::spawn_blocking(move || choose(&app, &title))
        .await
        .map_err(|e| IpcError::with_code(circlebook_core::ErrorKind::Io, &format!("the file dialog failed: {e}")))?;
    let Some(path) = picked else { return Ok(BundleChoice::Cancelled) };
    unlocked(&state)?;
    let handle = chosen.keep(path, Source::Dialog);
    let file = chosen.get(&handle).ok_or_else(IpcError::locked)?;
    preview(&state, &file, handle)
}

/// Previews again a bundle chosen before, by its handle (a file may change: it is read and verified again).
#[tauri::command]
pub async fn preview_bundle_at(
    state: State<'_, AppState>,
    chosen: State<'_, ChosenFiles>,
    handle: String,
) -> Result<BundleChoice, IpcError> {
    unlocked(&state)?;
    match chosen.get(&handle) {
        Some(file) => preview(&state, &file, handle),
        None => Ok(BundleChoice::Refused {
            file_name: String::new(),
            reason: Refusal::ChooseAgain,
            message: "this file is no longer chosen; choose it again".into(),
            handle,
        }),
    }
}

/// Applies a chosen bundle, all or nothing (the registry's `import_bundle`, which verifies it again). A signer
/// who is not a verified contact is accepted only with `accept_unknown_signer`, which the page sends after the
/// person confirmed the signer's number in an explicit step.
#[tauri::command]
pub async fn apply_bundle(
    state: State<'_, AppState>,
    chosen: State<'_, ChosenFiles>,
    handle: String,
    accept_unknown_signer: bool,
) -> Result<BundleApplied, IpcError> {
    unlocked(&state)?;
    let Some(file) = chosen.get(&handle) else {
        return Ok(BundleApplied::Refused {
            file_name: String::new(),
            reason: Refusal::ChooseAgain,
            message: "this file is no longer chosen; choose it again".into(),
        });
    };
    let file_name = file.file_name();
    let refused =
        |reason: Refusal, message: String| Ok(BundleApplied::Refused { file_name: file_name.clone(), reason, message });
    // What the bundle is now, to name a refusal in words of its own (the core's refusals of a whole bundle are
    // sentences; these come from the preview's fields instead).
    let seen = match preview(&state, &file, handle)? {
        BundleChoice::Preview { preview, .. } => preview,
        BundleChoice::Refused { reason, message, .. } => return refused(reason, message),
        BundleChoice::Cancelled => return refused(Refusal::CannotApply, String::new()),
    };
    if let Some(reason) = Refusal::before_applying(&seen, accept_unknown_signer) {
        return refused(reason, String::new());
    }
    let args = json!({ "path": file.path.to_string_lossy(), "accept_unknown_signer": accept_unknown_signer });
    match model(&state, "import_bundle", args)? {
        Ok(imported) => Ok(BundleApplied::Applied { file_name, imported }),
        Err(ModelError::Invalid(message)) => refused(Refusal::of(&message), message),
        Err(ModelError::NotAllowed(message)) => refused(Refusal::CannotApply, message),
        Err(other) => Err(other.into()),
    }
}

/// Previews a bundle listed in the exchange folder, named by its sender's subfolder and its file name as
/// `exchange_status` lists them: the path is found again here, so the page cannot name any other file.
#[tauri::command]
pub async fn review_exchange_bundle(
    state: State<'_, AppState>,
    chosen: State<'_, ChosenFiles>,
    subfolder: String,
    file: String,
) -> Result<BundleChoice, IpcError> {
    use circlebook_core::bundle::exchange::{ExchangeStatus, IncomingState};
    let status: ExchangeStatus = serde_json::from_value(model(&state, "exchange_status", json!({}))??)
        .map_err(|e| IpcError::with_code(circlebook_core::ErrorKind::Io, &e))?;
    let listed = status.incoming.into_iter().find(|b| b.subfolder == subfolder && b.file == file);
    let Some(listed) = listed.filter(|b| matches!(b.state, IncomingState::New | IncomingState::Applied)) else {
        return Err(IpcError::with_code(
            circlebook_core::ErrorKind::NotFound,
            &"that bundle is no longer in the exchange folder, or is not ready",
        ));
    };
    let path = PathBuf::from(listed.path);
    let handle = chosen.keep(path.clone(), Source::Exchange);
    preview(&state, &Chosen { path, source: Source::Exchange }, handle)
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
    /// What keeps a previewed bundle (`BundlePreview` as JSON) from being applied, before trying: a signer not
    /// trusted, an audience that is not merged, a purged case, a case already here. `None` when it may be tried
    /// (fields a newer core adds are ignored; `would_apply` decides, the reasons only word it).
    pub fn before_applying(preview: &Value, accept_unknown_signer: bool) -> Option<Refusal> {
        let signer = &preview["signer"];
        let trusted = signer["known"].as_bool() == Some(true) && signer["verified"].as_bool() == Some(true);
        if !trusted && !accept_unknown_signer {
            return Some(Refusal::SignerNotTrusted);
        }
        if preview["applied_before"].as_bool() == Some(true) || preview["would_apply"].as_bool() == Some(true) {
            return None;
        }
        let cases = preview["cases"].as_array().cloned().unwrap_or_default();
        Some(if preview["audience"].as_str() != Some("co-facilitator") {
            Refusal::NotForMerging
        } else if cases.iter().any(|c| c["purged"].as_bool() == Some(true)) {
            Refusal::PurgedCase
        } else if cases.iter().any(|c| c["new"].as_bool() == Some(false)) {
            Refusal::CaseHere
        } else {
            Refusal::CannotApply
        })
    }

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

    fn previewed(known: bool, verified: bool, audience: &str, new: bool, purged: bool, would: bool) -> Value {
        json!({ "signer": { "known": known, "verified": verified }, "audience": audience, "applied_before": false,
                "would_apply": would, "cases": [{ "new": new, "purged": purged }], "a_field_from_later": 1 })
    }

    #[test]
    fn what_keeps_a_bundle_from_being_applied_is_named_before_trying() {
        let ok = previewed(true, true, "co-facilitator", true, false, true);
        assert_eq!(Refusal::before_applying(&ok, false), None);
        let unknown = previewed(false, false, "co-facilitator", true, false, true);
        assert_eq!(Refusal::before_applying(&unknown, false), Some(Refusal::SignerNotTrusted));
        assert_eq!(Refusal::before_applying(&unknown, true), None, "accepted after comparing the number");
        let unverified = previewed(true, false, "co-facilitator", true, false, true);
        assert_eq!(Refusal::before_applying(&unverified, false), Some(Refusal::SignerNotTrusted));
        let supervisor = previewed(true, true, "supervisor", true, false, false);
        assert_eq!(Refusal::before_applying(&supervisor, false), Some(Refusal::NotForMerging));
        let purged = previewed(true, true, "co-facilitator", false, true, false);
        assert_eq!(Refusal::before_applying(&purged, false), Some(Refusal::PurgedCase));
        let here = previewed(true, true, "co-facilitator", false, false, false);
        assert_eq!(Refusal::before_applying(&here, false), Some(Refusal::CaseHere));
        // A later core that merges a case already here says so through `would_apply`.
        let merged = previewed(true, true, "co-facilitator", false, false, true);
        assert_eq!(Refusal::before_applying(&merged, false), None);
    }

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
            handle: "bundle-1".into(),
        };
        let json = serde_json::to_value(choice).expect("serialises");
        assert_eq!(
            json,
            json!({ "status": "refused", "file_name": "b.cbb", "reason": "bad_signature", "message": "m",
                    "handle": "bundle-1" })
        );
    }
}
