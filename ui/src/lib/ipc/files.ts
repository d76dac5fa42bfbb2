// Typed calls for files in and out of the vault through native dialogs opened in Rust; the shapes are generated
// from src-tauri/src/commands/files.rs. The page sends what it wants and gets an outcome back: never a path, never
// bytes.
import { command, type CallResult } from './commands';
import type { Attached, Saved } from './generated/commands';
import type { AttachmentId, CaseId } from './generated/types';

/** Opens the system's print dialog for the page as it stands (its print stylesheet applies). */
export function printPage(): Promise<CallResult<null>> {
  return command('print_page', {});
}

/** What became of "attach a file"; of a save dialog. */
export type { Attached, Saved };

/** Opens a file dialog and keeps the chosen file in the case; `title` defaults to the file's own name. */
export function attachFile(caseId: CaseId, title: string, dialogTitle: string): Promise<CallResult<Attached>> {
  return command('attach_file', { caseId, title: title.trim() || null, dialogTitle });
}

/** Opens a save dialog and writes a plain copy of an attachment where the person chose (audited). */
export function saveAttachmentCopy(attachmentId: AttachmentId, dialogTitle: string): Promise<CallResult<Saved>> {
  return command('save_attachment_copy', { attachmentId, dialogTitle });
}

/** Opens a save dialog and writes the programme statistics for the range as CSV (no identities; audited). */
export function exportStatisticsCsv(from: string, to: string, dialogTitle: string): Promise<CallResult<Saved>> {
  return command('export_statistics_csv', { from, to, dialogTitle });
}
