// The import preview (issue 11): the signer first (a verified contact, or an unknown signer with their number
// and a calm warning), consent before the other records, Apply present but disabled; a refusal in plain words.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { BundleChoice, BundlePreview } from '../ipc';
import { recordCounts } from './bundleWords';
import ImportPreview from './ImportPreview.svelte';
import Contacts from './Contacts.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const preview: BundlePreview = {
  bundle_id: 'b1',
  created_at: '2030-03-01T10:00:00Z',
  audience: 'co-facilitator',
  signer: { known: false, name: null, verified: false, signing_key: 'K', fingerprint: '11111 22222 33333 44444 55555 66666' },
  cases: [
    { id: 'c1', code_name: 'Willow', new: true, purged: false, consent_entries: 2 },
    { id: 'c2', code_name: 'Aspen', new: false, purged: false, consent_entries: 1 },
  ],
  row_counts: { cases: 2, consents: 3, sessions: 1, notes: 0, participants: 4 },
  applied_before: false,
  would_apply: false,
};

it('shows an unknown signer with their number, consent first, and Apply disabled', async () => {
  render(ImportPreview, { open: true, choice: { status: 'preview', file_name: 'a.cbb', preview } });
  const unknown = await screen.findByTestId('bundle-signer-unknown');
  expect(unknown.textContent).toContain('Unknown signer');
  expect(screen.getAllByTestId('bundle-signer-fingerprint-group').map((g) => g.textContent)).toHaveLength(6);
  const dialog = screen.getByTestId('bundle-dialog');
  const text = dialog.textContent ?? '';
  expect(text.indexOf('Consent ledger entries: 3')).toBeGreaterThan(-1);
  expect(text.indexOf('Consent ledger entries: 3')).toBeLessThan(text.indexOf('Willow'));
  expect(screen.getAllByTestId('bundle-case').map((c) => c.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
    'Willow: new, would be added',
    'Aspen: already in this vault: bringing changes into a case you already hold comes in a later version, so this bundle cannot be applied yet',
  ]);
  expect(screen.getByTestId('bundle-records').textContent).toContain('People: 4');
  expect(screen.getByTestId('bundle-records').textContent).not.toContain('Notes');
  const apply = screen.getByTestId('bundle-apply') as HTMLButtonElement;
  expect(apply.disabled).toBe(true);
  expect(screen.getByTestId('bundle-apply-note').textContent).toContain('next version');
});

it('names a verified contact without a warning', async () => {
  const signer = { ...preview.signer, known: true, name: 'Ana', verified: true };
  render(ImportPreview, { open: true, choice: { status: 'preview', file_name: 'a.cbb', preview: { ...preview, signer } } });
  expect((await screen.findByTestId('bundle-signer-verified')).textContent).toContain('Signed by Ana, a verified contact');
  expect(screen.queryByTestId('bundle-signer-unknown')).toBeNull();
});

it('words a refusal and says nothing was changed', async () => {
  render(ImportPreview, {
    open: true,
    choice: { status: 'refused', file_name: 'x.cbb', reason: 'bad_signature', message: 'the signature does not match' },
  });
  const refused = await screen.findByTestId('bundle-refused');
  expect(refused.textContent).toContain('does not match its content');
  expect(refused.textContent).toContain('Nothing was changed.');
  expect(screen.queryByTestId('bundle-apply')).toBeNull();
});

it('counts records per table, consent apart and unknown tables by name', () => {
  expect(recordCounts({ consents: 2, cases: 1, tasks: 3, zebra: 1, notes: 0 })).toEqual({
    consents: 2,
    others: [
      { table: 'tasks', label: 'Tasks', count: 3 },
      { table: 'zebra', label: 'zebra', count: 1 },
    ],
  });
});

it('opens the preview from the screen after Rust chose the file, and not when the choice was cancelled', async () => {
  let answer: BundleChoice = { status: 'cancelled' };
  const titles: unknown[] = [];
  mockIPC((cmd, payload) => {
    if (cmd === 'choose_bundle') {
      titles.push((payload as { title: string }).title);
      return answer;
    }
    const { name } = payload as { name: string };
    if (name === 'get_identity') return { recipient: 'r', signing_key: 'k', fingerprint: '1', card: 'c' };
    if (name === 'list_contacts') return [];
    throw new Error(name);
  });
  render(Contacts, { route: { name: 'contacts' } });
  await fireEvent.click(await screen.findByTestId('open-bundle'));
  await new Promise((r) => setTimeout(r, 20));
  expect(screen.queryByTestId('bundle-dialog')).toBeNull();
  answer = { status: 'preview', file_name: 'a.cbb', preview };
  await fireEvent.click(screen.getByTestId('open-bundle'));
  expect((await screen.findByTestId('bundle-file')).textContent).toContain('a.cbb');
  expect(titles).toEqual(['Choose a bundle to preview', 'Choose a bundle to preview']);
});
