// Generated from circlebook_core::ErrorKind. Do not edit by hand:
// `UPDATE_BINDINGS=1 cargo test -p circlebook-app bindings` rewrites it.

/** Every error code the Rust side sends. */
export const ERROR_KINDS = ['wrong_passphrase', 'wrong_recovery_key', 'weak_passphrase', 'already_open', 'no_vault', 'vault_exists', 'damaged', 'newer_format', 'disk_full', 'invalid_input', 'io', 'not_found', 'consent_required', 'approval_required', 'not_allowed', 'locked', 'rollback'] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/** What some kinds carry besides the code, tagged by `kind` (for example who has not consented to what, as of which day). */
export type { ErrorDetails, ConsentRefusal } from './types';
