//! Paper: the system's print dialog for the page as it stands, its print stylesheet applied. The page's own
//! `window.print()` does nothing in WebKitGTK under Tauri (no dialog, no `beforeprint`), so a deliberate "Print"
//! button asks for it here; the Ctrl+P shortcut stays off (`prevent_default` in main.rs).

use circlebook_core::ErrorKind;
use tauri::WebviewWindow;

use crate::error::IpcError;

/// Opens the print dialog (GTK's, through WebKit's print operation) for the window's page.
#[tauri::command]
pub fn print_page(window: WebviewWindow) -> Result<(), IpcError> {
    window.print().map_err(|e| IpcError::with_code(ErrorKind::Io, &e))
}
