// The only module that talks to the Rust side. Components call these typed functions, never `invoke`.
// Every command's arguments and answer come from ./generated/commands.ts (generated from the Rust functions);
// the error's shape mirrors src-tauri/src/error.rs.
import { invoke } from '@tauri-apps/api/core';
import type { Commands, Notice, PassphraseCheck, VaultStatus } from './generated/commands';
import { ERROR_KINDS } from './generated/errors';
import type { ErrorDetails } from './generated/types';

/** Every `code` the Rust side sends (generated from circlebook_core::ErrorKind), plus `internal` for a failed call. */
export const ERROR_CODES = [...ERROR_KINDS, 'internal'] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Structured details some errors carry (for `consent_required`: who, which activity, which state, as of which day),
 * generated from the core's `ErrorDetails`. The UI words the error from `code` and these; `message` is the core's
 * English wording, kept as a detail.
 */
export type { ErrorDetails };

/** An error across the boundary: a closed code to branch on, optional details, and the core's own wording. */
export interface CommandError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/** What a command gives back: its value, or an error that never needs parsing. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: CommandError };

/** Which screen to show; live feedback on a passphrase being chosen. */
export type { VaultStatus, PassphraseCheck };

/** Shown once, right after creation. */
export interface CreatedVault {
  recoveryKey: string;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Turns whatever a rejected `invoke` carried into a `CommandError`. */
export function toCommandError(raw: unknown): CommandError {
  if (typeof raw === 'object' && raw !== null) {
    const { code, message, details } = raw as Record<string, unknown>;
    if (isErrorCode(code) && typeof message === 'string') {
      return typeof details === 'object' && details !== null
        ? { code, message, details: details as ErrorDetails }
        : { code, message };
    }
  }
  // Not from Circlebook's own commands (a refused or broken call): say so plainly, without details.
  return {
    code: 'internal',
    message: 'Circlebook could not complete that step. Please try again, or restart Circlebook.',
  };
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<CallResult<T>> {
  try {
    return { ok: true, value: await invoke<T>(command, args) };
  } catch (raw) {
    return { ok: false, error: toCommandError(raw) };
  }
}

/** One of the app's commands, with the arguments and the answer its Rust function declares. */
export function command<K extends keyof Commands & string>(
  name: K,
  args: Commands[K]['args'],
): Promise<CallResult<Commands[K]['returns']>> {
  return call<Commands[K]['returns']>(name, args);
}

export function vaultStatus(): Promise<CallResult<VaultStatus>> {
  return command('vault_status', {});
}

/** Changes whenever the vault's data may have changed, so that a screen can keep what it read while nothing has. */
export function vaultRevision(): Promise<CallResult<string>> {
  return command('vault_revision', {});
}

export async function createVault(passphrase: string): Promise<CallResult<CreatedVault>> {
  const outcome = await command('create_vault', { passphrase });
  return outcome.ok ? { ok: true, value: { recoveryKey: outcome.value.recovery_key } } : outcome;
}

export function unlock(passphrase: string): Promise<CallResult<null>> {
  return command('unlock', { passphrase });
}

export function lock(): Promise<CallResult<null>> {
  return command('lock', {});
}

export function checkPassphrase(passphrase: string): Promise<CallResult<PassphraseCheck>> {
  return command('check_passphrase', { passphrase });
}

/** What the last unlock found and repaired or accepted (circlebook_core::vault::Notice; no case data). */
export type VaultNotice = Notice;

export function vaultNotices(): Promise<CallResult<VaultNotice[]>> {
  return command('vault_notices', {});
}
