//! The one command that reaches the case model: any operation of the core's registry, by name, with the same
//! names and JSON shapes as `circlebook-cli call`. The UI calls it through the generated `ipc/generated/ops.ts` (its types in `types.ts`).

use serde_json::Value;
use tauri::State;

use crate::error::IpcError;
use crate::session::AppState;

/// Operations that read or write a file named by a path: the page reaches them only through the commands that
/// have the file chosen in a dialog opened from Rust (`commands::bundles`, `commands::share`), never with a path
/// of its own.
const BY_CHOSEN_FILE_ONLY: &[&str] = &["preview_bundle", "import_bundle", "export_bundle"];

/// Performs the registry operation `name` with `args` on the unlocked vault.
#[tauri::command]
pub async fn call(state: State<'_, AppState>, name: String, args: Value) -> Result<Value, IpcError> {
    if BY_CHOSEN_FILE_ONLY.contains(&name.as_str()) {
        return Err(IpcError::with_code(
            circlebook_core::ErrorKind::NotAllowed,
            &format!("{name} is reached through choosing the file, not by a path"),
        ));
    }
    state.session().call(&name, args)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use circlebook_core::model::bindings;

    /// Every id type (`export type CaseId = string;`) becomes a branded string, so that a `SessionId` cannot be
    /// passed where a `CaseId` is wanted; the JSON stays a plain string.
    fn branded(ts: &str) -> String {
        ts.lines()
            .map(|line| {
                let name = line.strip_prefix("export type ").and_then(|rest| rest.strip_suffix(" = string;"));
                match name {
                    Some(name) if name.ends_with("Id") => {
                        format!("export type {name} = string & {{ readonly __brand: '{name}' }};")
                    }
                    _ => line.to_owned(),
                }
            })
            .map(|line| line + "\n")
            .collect()
    }

    #[test]
    fn id_types_are_branded() {
        let ts = branded("export type CaseId = string;\nexport type Stage = \"referral\";\n");
        assert_eq!(
            ts,
            "export type CaseId = string & { readonly __brand: 'CaseId' };\nexport type Stage = \"referral\";\n"
        );
    }

    /// The committed TypeScript bindings are what the registry generates now.
    #[test]
    fn bindings_are_fresh() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/generated");
        for (file, fresh) in [
            ("types.ts", branded(&bindings::typescript_types())),
            ("ops.ts", bindings::typescript()),
            ("errors.ts", bindings::typescript_errors()),
        ] {
            let path = dir.join(file);
            if std::env::var_os("UPDATE_BINDINGS").is_some() {
                std::fs::create_dir_all(&dir).expect("mkdir");
                std::fs::write(&path, &fresh).expect("write bindings");
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == fresh,
                "ui/src/lib/ipc/generated/{file} is stale: run `UPDATE_BINDINGS=1 cargo test -p circlebook-app bindings`"
            );
        }
    }
}
