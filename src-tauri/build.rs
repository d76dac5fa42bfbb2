//! Generates the Tauri context and declares the app's own commands, so that Tauri checks their ACL.

/// Every command in `src/commands/`; each must also be granted in `capabilities/default.json`.
const COMMANDS: &[&str] = &[
    "vault_status",
    "create_vault",
    "unlock",
    "lock",
    "check_passphrase",
    "call",
    "activity",
    "idle_setting",
    "set_idle_setting",
    "quick_exit",
    "copy_sensitive",
    "unlock_with_recovery_key",
    "change_passphrase",
    "backups",
    "kept_backups",
    "restore_backup",
    "vault_notices",
    "vault_revision",
    "rotate_key",
    "restore_damaged",
    "open_older_copy",
    "choose_bundle",
    "review_exchange_bundle",
    "choose_exchange_folder",
    "preview_bundle_at",
    "apply_bundle",
    "save_bundle",
    "attach_file",
    "save_attachment_copy",
    "export_statistics_csv",
    "print_page",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(error) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        panic!("tauri-build failed: {error:#}");
    }
}
