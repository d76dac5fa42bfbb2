//! Native open and save dialogs, opened from Rust: the page asks for a file to be chosen and never learns where
//! it is. Debug builds only: the end-to-end tests answer a dialog through an environment variable, since
//! WebDriver cannot reach a native window; a release build never reads these variables (docs/THREAT_MODEL.md).

use std::path::PathBuf;

use tauri::{Runtime, WebviewWindow};
use tauri_plugin_dialog::DialogExt;

/// Debug builds: the file an open dialog answers with (empty: the person cancelled).
#[cfg(debug_assertions)]
pub const TEST_OPEN_PATH_VAR: &str = "CIRCLEBOOK_TEST_OPEN_PATH";
/// Debug builds: the folder a save dialog answers with, the proposed name kept (empty: the person cancelled).
#[cfg(debug_assertions)]
pub const TEST_SAVE_DIR_VAR: &str = "CIRCLEBOOK_TEST_SAVE_DIR";

/// Debug builds: the folder a folder dialog answers with (empty: the person cancelled).
#[cfg(debug_assertions)]
pub const TEST_FOLDER_VAR: &str = "CIRCLEBOOK_TEST_FOLDER";

/// Asks the person for a folder; `None` when they cancelled.
pub fn choose_folder<R: Runtime>(window: &WebviewWindow<R>, title: &str) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(answer) = std::env::var_os(TEST_FOLDER_VAR) {
        return (!answer.is_empty()).then(|| PathBuf::from(answer));
    }
    let path = window.dialog().file().set_parent(window).set_title(title).set_can_create_directories(true);
    path.blocking_pick_folder()?.into_path().ok()
}

/// Asks the person for a file to read; `None` when they cancelled.
pub fn choose_file_to_open<R: Runtime>(window: &WebviewWindow<R>, title: &str) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(answer) = std::env::var_os(TEST_OPEN_PATH_VAR) {
        return (!answer.is_empty()).then(|| PathBuf::from(answer));
    }
    let path = window.dialog().file().set_parent(window).set_title(title).blocking_pick_file()?;
    path.into_path().ok()
}

/// Asks the person where to save a file, proposing `file_name`; `None` when they cancelled.
pub fn choose_file_to_save<R: Runtime>(
    window: &WebviewWindow<R>,
    title: &str,
    file_name: &str,
    filter: Option<(&str, &str)>,
) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(dir) = std::env::var_os(TEST_SAVE_DIR_VAR) {
        return (!dir.is_empty()).then(|| PathBuf::from(dir).join(file_name));
    }
    let mut dialog = window
        .dialog()
        .file()
        .set_parent(window)
        .set_title(title)
        .set_file_name(file_name)
        .set_can_create_directories(true);
    if let Some((name, extension)) = filter {
        dialog = dialog.add_filter(name, &[extension]);
    }
    dialog.blocking_save_file()?.into_path().ok()
}
