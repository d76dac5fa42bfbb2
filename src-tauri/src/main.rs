//! Circlebook's desktop shell: hardens the process, finds the vault folder and serves the UI's commands.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod chosen;
mod commands;
mod dialog;
mod error;
mod files;
mod safety;
mod secret;
mod session;

use std::path::PathBuf;
use std::process::ExitCode;

use safety::clipboard::Copies;
use safety::idle::IdleClock;
use session::AppState;
use tauri::Manager;

/// Set by the end-to-end tests to a fresh folder; otherwise the platform's data directory is used.
const VAULT_DIR_VAR: &str = "CIRCLEBOOK_VAULT";

fn main() -> ExitCode {
    if let Err(error) = circlebook_core::hardening::disable_core_dumps() {
        eprintln!(
            "circlebook: could not switch off crash dumps ({error}); not starting, so no case data can reach one"
        );
        return ExitCode::FAILURE;
    }
    let Some(dir) = vault_dir() else {
        eprintln!("circlebook: no vault folder: set {VAULT_DIR_VAR} or HOME");
        return ExitCode::FAILURE;
    };
    // Mesa's shader cache (~/.cache/mesa_shader_cache) holds no case data, but nothing of the window belongs on disk.
    std::env::set_var("MESA_SHADER_CACHE_DISABLE", "true");
    safety::window::choose_rendering();
    let state = AppState::open(dir);
    let app = tauri::Builder::default()
        .plugin(prevent_default())
        .plugin(tauri_plugin_clipboard_manager::init())
        // Used from Rust only (`dialog.rs`); the page is granted none of its commands.
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(chosen::ChosenFiles::default())
        .manage(IdleClock::new(safety::settings::default_path()))
        .manage(Copies::default())
        .setup(|app| {
            safety::window::create(app)?;
            safety::idle::watch(app.handle().clone());
            safety::logind::watch(app.handle().clone());
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window locks before anything else happens (RunEvent::Exit locks again, harmlessly).
            if let tauri::WindowEvent::CloseRequested { .. } = event {
                session::lock_on_exit(window.app_handle());
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::vault::vault_status,
            commands::vault::create_vault,
            commands::vault::unlock,
            commands::vault::lock,
            commands::passphrase::check_passphrase,
            commands::registry::call,
            commands::safety::activity,
            commands::safety::idle_setting,
            commands::safety::set_idle_setting,
            commands::safety::quick_exit,
            commands::safety::copy_sensitive,
            commands::keys::unlock_with_recovery_key,
            commands::keys::change_passphrase,
            commands::keys::backups,
            commands::keys::kept_backups,
            commands::keys::restore_backup,
            commands::keys::rotate_key,
            commands::keys::restore_damaged,
            commands::keys::open_older_copy,
            commands::vault::vault_notices,
            commands::vault::vault_revision,
            commands::bundles::choose_bundle,
            commands::bundles::review_exchange_bundle,
            commands::exchange::choose_exchange_folder,
            commands::bundles::preview_bundle_at,
            commands::bundles::apply_bundle,
            commands::share::save_bundle,
            commands::files::attach_file,
            commands::files::save_attachment_copy,
            commands::files::export_statistics_csv,
            commands::print::print_page,
        ])
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            app.run(|handle, event| {
                if let tauri::RunEvent::Exit = event {
                    session::lock_on_exit(handle);
                    safety::window::remove_automation_data(handle);
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

/// Browser shortcuts that could reveal or reload the page (view source, reload, print, find, downloads, the
/// context menu, devtools) do nothing. Shift+Tab and caret browsing stay: people move through the window with them.
fn prevent_default<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_prevent_default::Flags;
    let flags = Flags::all().difference(Flags::FOCUS_MOVE | Flags::CARET_BROWSING);
    tauri_plugin_prevent_default::Builder::new().with_flags(flags).build()
}

fn vault_dir() -> Option<PathBuf> {
    match std::env::var_os(VAULT_DIR_VAR) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => circlebook_core::vault::default_dir(),
    }
}
