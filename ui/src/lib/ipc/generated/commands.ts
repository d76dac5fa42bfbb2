// Generated from the #[tauri::command] functions in src-tauri/src/commands. Do not edit by hand:
// `UPDATE_BINDINGS=1 cargo test -p circlebook-app bindings` rewrites it.
import type { ErrorKind } from './errors';
import type { BundlePreview } from './types';
import type { Attachment } from './types';
import type { Imported } from './types';
import type { Exported } from './types';
import type { ExchangeStatus } from './types';

export type Attached = { "outcome": "added", attachment: Attachment, } | { "outcome": "cancelled" } | { "outcome": "too_large", size: number, limit: number, };

export type BundleApplied = { "status": "applied", file_name: string, imported: Imported, } | { "status": "refused", file_name: string, reason: Refusal, message: string, };

export type BundleChoice = { "status": "cancelled" } | { "status": "preview", file_name: string, preview: BundlePreview, handle: string, } | { "status": "refused", file_name: string, reason: Refusal, message: string, handle: string, };

export type BundleSaved = { "status": "saved", file_name: string, exported: Exported, } | { "status": "cancelled" } | { "status": "exists", file_name: string, };

export type Created = { recovery_key: string, };

export type ExchangeChoice = { "outcome": "chosen", status: ExchangeStatus, } | { "outcome": "cancelled" };

export type Generation = { number: number, bytes: number, written_at: string | null, current: boolean, };

export type IdleSetting = { seconds: number, };

export type Notice = { "kind": "torn_tail", 
/**
 * The journal it was cut from, e.g. `journal/00000007.journal`.
 */
journal: string, 
/**
 * Where its bytes are now, e.g. `journal/00000007.torn-1`.
 */
moved_to: string, 
/**
 * How many bytes were moved.
 */
bytes: number, } | { "kind": "rollback_accepted", 
/**
 * What was older.
 */
detail: string, } | { "kind": "format_upgraded", 
/**
 * The format found.
 */
from: number, 
/**
 * The first format-2 generation.
 */
generation: number, } | { "kind": "rotation_undone", 
/**
 * The generations set aside (none when the rotation stopped before writing one).
 */
generations: Array<number>, 
/**
 * Where they were moved (`snapshots/NNNNNNNN.set-aside-<n>.age`), kept rather than deleted.
 */
moved_to: Array<string>, } | { "kind": "rotation_finished", 
/**
 * The old key's generations removed.
 */
generations: Array<number>, } | { "kind": "left_out_at_lock", 
/**
 * Why they could not be written (e.g. `disk_full`).
 */
cause: ErrorKind, };

export type PassphraseCheck = { ok: boolean, reason: string | null, };

export type Refusal = "not_a_bundle" | "not_for_us" | "not_addressed" | "unsigned" | "bad_signature" | "altered" | "damaged" | "too_large" | "other_version" | "unreadable" | "malformed" | "signer_not_trusted" | "not_for_merging" | "purged_case" | "case_here" | "cannot_apply" | "choose_again";

export type Rotated = { recovery_key: string, };

export type Saved = "saved" | "cancelled";

export type VaultStatus = "no_vault" | "locked" | "unlocked";

/** Every command of the app: the arguments the page sends (camelCase, as Tauri expects) and what it answers. */
export interface Commands {
  /** The person did something in the window: the idle lock's deadline moves on. */
  activity: { args: Record<string, never>; returns: null };
  /** Applies a chosen bundle, all or nothing (the registry's `import_bundle`, which verifies it again). A signer who is not a verified contact is accepted only with `accept_unknown_signer`, which the page sends after the person confirmed the signer's number in an explicit step. */
  apply_bundle: { args: { handle: string; acceptUnknownSigner: boolean }; returns: BundleApplied };
  /** Opens a file dialog, reads the chosen file and keeps it in the case (audited by the core as `create`). `title` is what the person typed, else the file's own name. */
  attach_file: { args: { caseId: string; title?: string | null; dialogTitle: string }; returns: Attached };
  /** The kept generations (backups), oldest first, with their dates and sizes. */
  backups: { args: Record<string, never>; returns: Generation[] };
  /** Performs the registry operation `name` with `args` on the unlocked vault. */
  call: { args: { name: string; args: unknown }; returns: unknown };
  /** Sets a new passphrase on the unlocked vault; the data is not re-encrypted and the recovery key stays the same. */
  change_passphrase: { args: { newPassphrase: string }; returns: null };
  /** Checks a passphrase without storing it anywhere. */
  check_passphrase: { args: { passphrase: string }; returns: PassphraseCheck };
  /** Opens the native dialog (titled in the person's language by the UI), then previews the chosen bundle. */
  choose_bundle: { args: { title: string }; returns: BundleChoice };
  /** Opens the native folder dialog (titled in the person's language) and makes the chosen folder the exchange folder; the core refuses one that is missing, unreadable, inside the vault or holding it. */
  choose_exchange_folder: { args: { dialogTitle: string }; returns: ExchangeChoice };
  /** Copies sensitive text; the clipboard is cleared after 30 seconds if it still holds it. */
  copy_sensitive: { args: { text: string }; returns: null };
  /** Creates the vault, leaves it unlocked and returns its recovery key; the idle lock's deadline starts afresh, so time spent on the creation screen never locks the vault while its recovery key is being shown. */
  create_vault: { args: { passphrase: string }; returns: Created };
  /** Opens a save dialog proposing `circlebook-statistics-FROM-TO.csv` and writes the programme report there as CSV (aggregate figures, no identities; audited by the core as `export_report`). */
  export_statistics_csv: { args: { from: string; to: string; dialogTitle: string }; returns: Saved };
  /** How long the window may stay idle before the vault locks itself. */
  idle_setting: { args: Record<string, never>; returns: IdleSetting };
  /** The generations kept in a locked vault's folder, read from the file system only (no key needed): what the damaged-vault screen lists. */
  kept_backups: { args: Record<string, never>; returns: Generation[] };
  /** Saves what is unsaved, drops the keys from memory and resets the page (the Lock button and Ctrl+L). */
  lock: { args: Record<string, never>; returns: null };
  /** Opens the older copy of the vault that the folder holds, on purpose, after the rollback screen explained it. */
  open_older_copy: { args: { passphrase?: string | null; recoveryKey?: string | null }; returns: null };
  /** Previews again a bundle chosen before, by its handle (a file may change: it is read and verified again). */
  preview_bundle_at: { args: { handle: string }; returns: BundleChoice };
  /** Opens the print dialog (GTK's, through WebKit's print operation) for the window's page. */
  print_page: { args: Record<string, never>; returns: null };
  /** Hides the window, locks and quits, with no question asked. */
  quick_exit: { args: Record<string, never>; returns: null };
  /** Replaces the current state with a kept generation's; the current state is kept as a generation first. The UI then starts again from its first page, so no screen shows data from before the restore. */
  restore_backup: { args: { number: number }; returns: null };
  /** Opens a kept generation of a locked vault whose newest saved state is damaged (the way back): the damaged state stays in the folder, the restored one becomes the newest. */
  restore_damaged: { args: { passphrase?: string | null; recoveryKey?: string | null; number: number }; returns: null };
  /** Previews a bundle listed in the exchange folder, named by its sender's subfolder and its file name as `exchange_status` lists them: the path is found again here, so the page cannot name any other file. */
  review_exchange_bundle: { args: { subfolder: string; file: string }; returns: BundleChoice };
  /** Replaces the vault's key (issue 8 item 12), given the passphrase, which stays the same; returns the new recovery key, to be shown once. The old recovery key then opens nothing written from now on. */
  rotate_key: { args: { passphrase: string }; returns: Rotated };
  /** Opens a save dialog (proposing a name without case data) and writes a plain copy of an attachment there (audited by the core as `export`). The page has already warned that the copy is readable outside the vault. */
  save_attachment_copy: { args: { attachmentId: string; dialogTitle: string }; returns: Saved };
  /** Opens a save dialog and writes a signed bundle of `case_ids` for `audience` (`co-facilitator`, `supervisor`, `progress`), encrypted to the contacts in `to`, or to `passphrase` for the person or role named in `to`. */
  save_bundle: { args: { caseIds: string[]; audience: string; to: string[]; passphrase?: string | null; dialogTitle: string }; returns: BundleSaved };
  /** Sets (and saves) the idle time. */
  set_idle_setting: { args: { seconds: number }; returns: IdleSetting };
  /** Unlocks with the passphrase; the idle lock's deadline starts afresh (under the session's lock). */
  unlock: { args: { passphrase: string }; returns: null };
  /** Unlocks with the recovery key (`AGE-SECRET-KEY-1…`), for a forgotten passphrase. */
  unlock_with_recovery_key: { args: { recoveryKey: string }; returns: null };
  /** What the unlock found and repaired or accepted, for the workspace to tell the person (issue 8 items 1, 3). */
  vault_notices: { args: Record<string, never>; returns: Notice[] };
  /** A word that changes whenever the unlocked vault's data may have changed (its generation and the count of rows SQLite has written since it was opened), so that a screen can keep what it read while nothing has: Home, going back to its list, reads it again only then (at 5,000 cases that read is about 150 ms of the core's time, in which a case opened at once waited behind it). */
  vault_revision: { args: Record<string, never>; returns: string };
  /** Which screen the UI should show. */
  vault_status: { args: Record<string, never>; returns: VaultStatus };
}
