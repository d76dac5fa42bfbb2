// Contacts: this vault's identity (card and fingerprint) and the other vaults added from their cards, through
// the registry's `get_identity`, `list_contacts`, `add_contact` and `verify_contact`. The list is read again
// after each write, because only `list_contacts` carries the pair's number to compare.
import { ops, type CallResult, type CommandError, type Contact, type Identity } from '../ipc';

export class ContactsStore {
  identity = $state.raw<Identity | null>(null);
  contacts = $state.raw<Contact[]>([]);
  loaded = $state(false);
  error = $state<CommandError | null>(null);

  async load(): Promise<void> {
    const [me, list] = await Promise.all([ops.getIdentity({}), ops.listContacts({})]);
    if (me.ok) this.identity = me.value;
    if (list.ok) this.contacts = list.value;
    this.error = !me.ok ? me.error : !list.ok ? list.error : null;
    this.loaded = true;
  }

  private async refresh(): Promise<void> {
    const list = await ops.listContacts({});
    if (list.ok) this.contacts = list.value;
  }

  /** Adds a contact from their card (never marked verified here: that is a step of its own). */
  async add(card: string): Promise<CallResult<Contact>> {
    const outcome = await ops.addContact({ card: card.trim() });
    if (outcome.ok) await this.refresh();
    return outcome;
  }

  /** Marks a contact verified, after the numbers were compared by voice. */
  async verify(contact: Contact): Promise<CallResult<Contact>> {
    const outcome = await ops.verifyContact({ name_or_key: contact.signing_key });
    if (outcome.ok) await this.refresh();
    return outcome;
  }

  /** The contact a bundle's signer is, by signing key. */
  bySigningKey(key: string): Contact | undefined {
    return this.contacts.find((c) => c.signing_key === key);
  }
}
