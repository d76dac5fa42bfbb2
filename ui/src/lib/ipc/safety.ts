// Typed calls for safety in the window and for keys and backups, over the commands generated from
// src-tauri/src/commands/safety.rs and keys.rs. Only the ipc folder talks to Tauri.
import { invoke } from '@tauri-apps/api/core';
import { command, type CallResult } from './commands';
import type { Generation, IdleSetting } from './generated/commands';

/** Tells the Rust side that the person did something; the idle lock's deadline moves on. Never fails loudly. */
export function reportActivity(): void {
  invoke('activity').catch(() => undefined);
}

export type { IdleSetting };

export function idleSetting(): Promise<CallResult<IdleSetting>> {
  return command('idle_setting', {});
}

export function setIdleSetting(seconds: number): Promise<CallResult<IdleSetting>> {
  return command('set_idle_setting', { seconds });
}

/** Hides the window, locks and quits. Does not come back. */
export function quickExit(): void {
  invoke('quick_exit').catch(() => undefined);
}

/** Copies sensitive text; Circlebook clears the clipboard after 30 seconds if it still holds it. */
export function copySensitive(text: string): Promise<CallResult<null>> {
  return command('copy_sensitive', { text });
}

export function unlockWithRecoveryKey(recoveryKey: string): Promise<CallResult<null>> {
  return command('unlock_with_recovery_key', { recoveryKey });
}

export function changePassphrase(newPassphrase: string): Promise<CallResult<null>> {
  return command('change_passphrase', { newPassphrase });
}

/** One kept generation of the vault (a backup). */
export type Backup = Generation;

/** The kept generations of the unlocked vault. */
export function backups(): Promise<CallResult<Backup[]>> {
  return command('backups', {});
}

/** The kept generations, read from the folder without a key (for a vault that does not open). */
export function keptBackups(): Promise<CallResult<Backup[]>> {
  return command('kept_backups', {});
}

export function restoreBackup(number: number): Promise<CallResult<null>> {
  return command('restore_backup', { number });
}

/** The key given to open a locked vault: the passphrase, or the recovery key. */
export type OpeningKey = { passphrase: string } | { recoveryKey: string };

/** Opens a kept generation of a vault whose newest saved state is damaged; the damaged one stays in the folder. */
export function restoreDamaged(key: OpeningKey, number: number): Promise<CallResult<null>> {
  return command('restore_damaged', { ...key, number });
}

/** Opens the older copy the folder holds, on purpose, after the rollback screen explained what happened. */
export function openOlderCopy(key: OpeningKey): Promise<CallResult<null>> {
  return command('open_older_copy', { ...key });
}

/** Replaces the vault's key; the passphrase stays the same. The new recovery key is shown once. */
export async function rotateKey(passphrase: string): Promise<CallResult<{ recoveryKey: string }>> {
  const outcome = await command('rotate_key', { passphrase });
  return outcome.ok ? { ok: true, value: { recoveryKey: outcome.value.recovery_key } } : outcome;
}
