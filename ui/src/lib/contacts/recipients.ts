// Who a consent to share names: a contact (`contact:` and their signing key, docs/FORMAT.md), shown by the name
// their card claims and whether their number was compared; or a named person or role, shown as written.
import type { Contact } from '../ipc';

export const CONTACT_SCOPE = 'contact:';

export interface Recipient {
  /** The contact's name, the named person as written, or `null` for a contact this vault no longer lists. */
  name: string | null;
  /** A contact (as opposed to a named person or role). */
  contact: boolean;
  verified: boolean;
}

export function recipientOf(sharedWith: string, contacts: readonly Contact[]): Recipient {
  if (!sharedWith.startsWith(CONTACT_SCOPE)) return { name: sharedWith, contact: false, verified: false };
  const key = sharedWith.slice(CONTACT_SCOPE.length);
  const found = contacts.find((c) => c.signing_key === key);
  return { name: found?.name ?? null, contact: true, verified: found?.verified ?? false };
}

/** The `shared_with` of consent to share with a contact. */
export function contactScope(contact: Contact): string {
  return `${CONTACT_SCOPE}${contact.signing_key}`;
}
