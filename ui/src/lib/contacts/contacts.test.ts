// Contacts (issue 11): the card checks the page makes before asking the core, the fingerprint's groups, the
// store over the registry, and the screen: add (with a clear word for each refusal), verify as its own step.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { Contact, Identity } from '../ipc';
import { cardProblem, groups } from './card';
import { ContactsStore } from './store.svelte';
import Contacts from './Contacts.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const me: Identity = {
  recipient: 'age1me',
  signing_key: 'KEYME',
  fingerprint: '12345 67890 11111 22222 33333 44444',
  card: 'circlebook-card-1 age1me KEYME TWU SIGME',
};
const anaCard = 'circlebook-card-1 age1ana KEYANA QW5h SIGANA';
const ana: Contact = {
  name: 'Ana',
  recipient: 'age1ana',
  signing_key: 'KEYANA',
  fingerprint: '99999 88888 77777 66666 55555 44444',
  pair_fingerprint: '123456789012345678901234567890999998888877777666665555544444',
  verified: false,
  verified_at: null,
  shared_cases: [],
  added_at: '2030-01-01T10:00:00Z',
};

describe('cards and numbers', () => {
  it('tells an empty paste, a non-card and my own card apart before asking the core', () => {
    expect(cardProblem('  ', me)).toBe('empty');
    expect(cardProblem('hello there', me)).toBe('not_a_card');
    expect(cardProblem('circlebook-card-1 a b c', me)).toBe('not_a_card');
    expect(cardProblem(`  ${me.card}\n`, me)).toBe('own_card');
    // The same keys under another claimed name are still my own card.
    expect(cardProblem('circlebook-card-1 age1me KEYME QW5h SIGX', me)).toBe('own_card');
    expect(cardProblem(anaCard, me)).toBeNull();
  });

  it('reads a number in groups of five, with or without spaces', () => {
    expect(groups('12345 67890 11111')).toEqual(['12345', '67890', '11111']);
    expect(groups(ana.pair_fingerprint ?? '')).toHaveLength(12);
  });
});

/** A registry in memory: my identity, the contacts, and what each write was sent. */
function registry(start: Contact[] = []) {
  const state = { contacts: [...start], sent: [] as { name: string; args: Record<string, unknown> }[] };
  mockIPC((cmd, payload) => {
    if (cmd === 'copy_sensitive') {
      state.sent.push({ name: cmd, args: payload as Record<string, unknown> });
      return null;
    }
    const { name, args } = payload as { name: string; args: Record<string, unknown> };
    state.sent.push({ name, args });
    switch (name) {
      case 'get_identity':
        return me;
      case 'list_contacts':
        return [...state.contacts]; // a fresh array, as JSON over IPC would be
      case 'add_contact':
        if (args.card === anaCard) {
          if (state.contacts.length) throw { code: 'not_allowed', message: 'already a contact' };
          state.contacts.push(ana);
          return { ...ana, pair_fingerprint: null };
        }
        throw { code: 'invalid_input', message: "the contact card's signature does not match its content" };
      case 'verify_contact':
        state.contacts = state.contacts.map((c) =>
          c.signing_key === args.name_or_key ? { ...c, verified: true, verified_at: '2030-01-02T10:00:00Z' } : c,
        );
        return state.contacts[0];
      default:
        throw new Error(name);
    }
  });
  return state;
}

describe('the store', () => {
  it('loads my identity and the contacts, and reads the list again after a write', async () => {
    const state = registry();
    const store = new ContactsStore();
    await store.load();
    expect(store.identity?.card).toBe(me.card);
    expect(store.contacts).toEqual([]);
    const added = await store.add(`  ${anaCard} `);
    expect(added.ok).toBe(true);
    expect(state.sent.find((s) => s.name === 'add_contact')?.args).toEqual({ card: anaCard });
    // The pair's number comes only from the list.
    const [first] = store.contacts;
    expect(first?.pair_fingerprint).toBe(ana.pair_fingerprint);
    if (first) await store.verify(first);
    expect(state.sent.find((s) => s.name === 'verify_contact')?.args).toEqual({ name_or_key: 'KEYANA' });
    expect(store.contacts[0]?.verified).toBe(true);
  });
});

describe('the screen', () => {
  it('lists the cases whose consent ledger names each contact, linked to their ledger', async () => {
    const state = registry();
    state.contacts = [
      { ...ana, verified: true, shared_cases: [{ id: 'c1', code_name: 'Willow' }] } as Contact,
      { ...ana, name: 'Bo', signing_key: 'KEYBO' },
    ];
    render(Contacts, { route: { name: 'contacts' } });
    const shared = await screen.findByTestId('contact-cases');
    expect(shared.textContent).toContain('Named in the consent ledger of:');
    expect(shared.querySelector('a')?.getAttribute('href')).toBe('#/case/c1/consent');
    expect(shared.textContent).toContain('Willow');
    expect(screen.getByTestId('contact-no-cases').textContent).toContain('Not named in any');
  });

  it('shows my card and number, and copies the card through Rust', async () => {
    const state = registry();
    render(Contacts, { route: { name: 'contacts' } });
    await expect.poll(() => screen.queryByTestId('my-card-text')?.textContent).toBe(me.card);
    expect(screen.getAllByTestId('my-fingerprint-group').map((g) => g.textContent)).toEqual(me.fingerprint.split(' '));
    await fireEvent.click(screen.getByTestId('copy-card'));
    await screen.findByTestId('card-copied');
    expect(state.sent.find((s) => s.name === 'copy_sensitive')?.args).toEqual({ text: me.card });
  });

  it('words each refusal of a pasted card, then adds a good one', async () => {
    const state = registry();
    render(Contacts, { route: { name: 'contacts' } });
    await screen.findByTestId('my-card-text');
    const field = screen.getByTestId('contact-card');
    const submit = screen.getByTestId('add-contact-submit');

    await fireEvent.input(field, { target: { value: 'not a card' } });
    await fireEvent.click(submit);
    expect((await screen.findByTestId('add-contact-problem')).textContent).toContain('not a Circlebook contact card');

    await fireEvent.input(field, { target: { value: me.card } });
    await fireEvent.click(submit);
    await expect.poll(() => screen.getByTestId('add-contact-problem').textContent).toContain('your own contact card');

    await fireEvent.input(field, { target: { value: 'circlebook-card-1 age1x KEYX TWU SIGBAD' } });
    await fireEvent.click(submit);
    await expect.poll(() => screen.getByTestId('add-contact-problem').textContent).toContain('signature does not match');
    expect(field.getAttribute('aria-invalid')).toBe('true');

    await fireEvent.input(field, { target: { value: anaCard } });
    await fireEvent.click(submit);
    await expect.poll(() => screen.queryByTestId('contact-added')?.textContent).toContain('Ana was added');
    await screen.findByTestId('contact-unverified');

    await fireEvent.input(field, { target: { value: anaCard } });
    await fireEvent.click(submit);
    await expect.poll(() => screen.queryByTestId('add-contact-problem')?.textContent).toContain('already one of your contacts');
    // My own card and the malformed ones never reached the core.
    expect(state.sent.filter((s) => s.name === 'add_contact').map((s) => s.args.card)).toEqual([
      'circlebook-card-1 age1x KEYX TWU SIGBAD',
      anaCard,
      anaCard,
    ]);
  });

  it('marks a contact verified only through the step that shows the numbers to read', async () => {
    const state = registry([ana]);
    render(Contacts, { route: { name: 'contacts' } });
    await fireEvent.click(await screen.findByTestId('contact-verify'));
    const dialog = await screen.findByTestId('verify-dialog');
    expect(dialog.textContent).toContain('Compare numbers with Ana');
    const read = screen.getAllByTestId('pair-fingerprint-group').map((g) => g.textContent);
    expect(read.join('')).toBe(ana.pair_fingerprint);
    expect(state.sent.some((s) => s.name === 'verify_contact')).toBe(false);
    await fireEvent.click(screen.getByTestId('verify-dialog-confirm'));
    await screen.findByTestId('contact-verified');
    expect(screen.queryByTestId('contact-verify')).toBeNull();
  });
});
