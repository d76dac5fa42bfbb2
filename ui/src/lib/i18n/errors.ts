// Every error the Rust side can send, worded in the person's language from its code and details. The switch is
// exhaustive over the generated codes: a new code fails the type check here until somebody words it.
import type { CommandError } from '../ipc';
import { m } from './paraglide/messages.js';
import { activityWords, consentStateWords } from './vocab';

export function describeError(error: CommandError): string {
  const code = error.code;
  switch (code) {
    case 'wrong_passphrase':
      return m.err_wrong_passphrase();
    case 'wrong_recovery_key':
      return m.err_wrong_recovery_key();
    case 'weak_passphrase':
      return m.err_weak_passphrase();
    case 'already_open':
      return m.err_already_open();
    case 'no_vault':
      return m.err_no_vault();
    case 'vault_exists':
      return m.err_vault_exists();
    case 'damaged':
      return m.err_damaged();
    case 'newer_format':
      return m.err_newer_format();
    case 'disk_full':
      return m.err_disk_full();
    case 'invalid_input':
      return m.err_invalid_input();
    case 'io':
      return m.err_io();
    case 'not_found':
      return m.err_not_found();
    case 'consent_required':
      return consentRequired(error);
    case 'approval_required':
      return m.err_approval_required();
    case 'not_allowed':
      return m.err_not_allowed();
    case 'locked':
      return m.err_locked();
    case 'rollback':
      return m.err_rollback();
    case 'internal':
      return m.err_internal();
    default: {
      const unworded: never = code;
      return unworded;
    }
  }
}

/** A refusal of `add_contact`, in the words of the Contacts screen where the code is specific enough there: the
 * core refuses a card it cannot verify as `invalid_input` and a card already added as `not_allowed`. */
export function describeCardError(error: CommandError): string {
  switch (error.code) {
    case 'invalid_input':
      return m.contacts_card_damaged();
    case 'not_allowed':
      return m.contacts_card_duplicate();
    default:
      return describeError(error);
  }
}

/** The core's own English wording, worth showing as a detail when the code alone says less (for example which
 * field was refused), never for codes whose meaning is complete. */
export function errorDetail(error: CommandError): string | null {
  switch (error.code) {
    case 'invalid_input':
    case 'not_allowed':
    case 'io':
    case 'damaged':
      return error.message;
    default:
      return null;
  }
}

function consentRequired(error: CommandError): string {
  const details = error.details;
  if (details?.kind === 'consent_required') {
    const { alias, activity, state } = details;
    return m.err_consent_required_who({
      alias,
      activity: activityWords[activity](),
      state: consentStateWords[state](),
    });
  }
  return m.err_consent_required();
}
