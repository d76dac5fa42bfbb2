// The only module that talks to the Rust side. Components call these typed functions, never `invoke`.
// The shapes mirror src-tauri/src/commands/*.rs and src-tauri/src/error.rs; keep them in step.
import { invoke } from '@tauri-apps/api/core';
import { ERROR_KINDS } from './generated/errors';
import type { ErrorDetails } from './generated/ops';

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

/** Which screen to show. */
export type VaultStatus = 'no_vault' | 'locked' | 'unlocked';

/** Live feedback on a passphrase being chosen. */
export interface PassphraseCheck {
  ok: boolean;
  reason: string | null;
}

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

export function vaultStatus(): Promise<CallResult<VaultStatus>> {
  return call<VaultStatus>('vault_status');
}

export async function createVault(passphrase: string): Promise<CallResult<CreatedVault>> {
  const outcome = await call<{ recovery_key: string }>('create_vault', { passphrase });
  return outcome.ok ? { ok: true, value: { recoveryKey: outcome.value.recovery_key } } : outcome;
}

export function unlock(passphrase: string): Promise<CallResult<null>> {
  return call<null>('unlock', { passphrase });
}

export function lock(): Promise<CallResult<null>> {
  return call<null>('lock');
}

export function checkPassphrase(passphrase: string): Promise<CallResult<PassphraseCheck>> {
  return call<PassphraseCheck>('check_passphrase', { passphrase });
}

/** What the last unlock found and repaired or accepted (mirrors circlebook_core::vault::Notice; no case data). */
export type VaultNotice =
  | { kind: 'torn_tail'; journal: string; moved_to: string; bytes: number }
  | { kind: 'rollback_accepted'; detail: string }
  | { kind: 'format_upgraded'; from: number; generation: number }
  | { kind: 'left_out_at_lock'; cause: ErrorCode }
  | { kind: 'rotation_undone'; generations: number[]; moved_to: string[] }
  | { kind: 'rotation_finished'; generations: number[] };

export function vaultNotices(): Promise<CallResult<VaultNotice[]>> {
  return call<VaultNotice[]>('vault_notices');
}
