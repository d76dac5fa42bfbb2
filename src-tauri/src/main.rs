//! Circlebook's desktop shell: hardens the process, finds the vault folder and serves the UI's commands.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
mod session;

use std::path::PathBuf;
use std::process::ExitCode;

use session::AppState;

/// Set by the end-to-end tests to a fresh folder; otherwise the platform's data directory is used.
const VAULT_DIR_VAR: &str = "CIRCLEBOOK_VAULT";

fn main() -> ExitCode {
    if let Err(error) = circlebook_core::hardening::disable_core_dumps() {
        eprintln!("circlebook: could not switch off crash dumps ({error}); not starting, so no case data can reach one");
        return ExitCode::FAILURE;
    }
    let Some(dir) = vault_dir() else {
        eprintln!("circlebook: no vault folder: set {VAULT_DIR_VAR} or HOME");
        return ExitCode::FAILURE;
    };
    let state = AppState::open(dir);
    let app = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::vault::vault_status,
            commands::vault::create_vault,
            commands::vault::unlock,
            commands::vault::lock,
            commands::passphrase::check_passphrase,
            commands::registry::call,
        ])
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            app.run(|handle, event| {
                if let tauri::RunEvent::Exit = event {
                    session::lock_on_exit(handle);
                }
            });
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("circlebook: the window could not be started: {error}");
            ExitCode::FAILURE
        }
    }
}

fn vault_dir() -> Option<PathBuf> {
    match std::env::var_os(VAULT_DIR_VAR) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => circlebook_core::vault::default_dir(),
    }
}
