// The import preview (issue 11): the signer first (a verified contact, or an unknown signer with their number
// and a calm warning), consent before the other records; Apply only when the bundle can be applied and the signer
// is trusted or accepted in its own step; then what was added, with a way into each case; refusals in plain words.
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

it('shows an unknown signer with their number, consent first, and Apply disabled for a case already here', async () => {
  render(ImportPreview, { open: true, choice: { status: 'preview', file_name: 'a.cbb', preview, handle: 'h1' } });
  const unknown = await screen.findByTestId('bundle-signer-unknown');
  expect(unknown.textContent).toContain('Unknown signer');
  expect(screen.getAllByTestId('bundle-signer-fingerprint-group').map((g) => g.textContent)).toHaveLength(6);
  const dialog = screen.getByTestId('bundle-dialog');
  const text = dialog.textContent ?? '';
  expect(text.indexOf('Consent ledger entries: 3')).toBeGreaterThan(-1);
  expect(text.indexOf('Consent ledger entries: 3')).toBeLessThan(text.indexOf('Willow'));
  expect(screen.getAllByTestId('bundle-case').map((c) => c.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
    'Willow: new, would be added',
    'Aspen: already in this vault: its changes would be brought in',
  ]);
  expect(screen.getByTestId('bundle-records').textContent).toContain('People: 4');
  expect(screen.getByTestId('bundle-records').textContent).not.toContain('Notes');
  const apply = screen.getByTestId('bundle-apply') as HTMLButtonElement;
  expect(apply.disabled).toBe(true);
  expect(screen.getByTestId('bundle-apply-blocked').textContent).toContain('already in this vault');
  expect(screen.queryByTestId('import-accept-signer')).toBeNull();
});

it('names a verified contact without a warning', async () => {
  const signer = { ...preview.signer, known: true, name: 'Ana', verified: true };
  render(ImportPreview, { open: true, choice: { status: 'preview', file_name: 'a.cbb', preview: { ...preview, signer }, handle: 'h1' } });
  expect((await screen.findByTestId('bundle-signer-verified')).textContent).toContain('Signed by Ana, a verified contact');
  expect(screen.queryByTestId('bundle-signer-unknown')).toBeNull();
});

it('words a refusal and says nothing was changed', async () => {
  render(ImportPreview, {
    open: true,
    choice: { status: 'refused', file_name: 'x.cbb', reason: 'bad_signature', message: 'the signature does not match', handle: 'h1' },
  });
  const refused = await screen.findByTestId('bundle-refused');
  expect(refused.textContent).toContain('does not match its content');
  expect(refused.textContent).toContain('Nothing was changed.');
  expect(screen.queryByTestId('bundle-apply')).toBeNull();
});

it('counts records per table, consent apart, the merge bookkeeping left out and unknown tables never by name', () => {
  expect(recordCounts({ consents: 2, cases: 1, tasks: 3, zebra: 1, yak: 2, notes: 0, sync_fields: 5, sync_rows: 3 })).toEqual({
    consents: 2,
    others: [
      { table: 'tasks', label: 'Tasks', count: 3 },
      { table: 'other', label: 'Other records', count: 3 },
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
  answer = { status: 'preview', file_name: 'a.cbb', preview, handle: 'h1' };
  await fireEvent.click(screen.getByTestId('open-bundle'));
  expect((await screen.findByTestId('bundle-file')).textContent).toContain('a.cbb');
  expect(titles).toEqual(['Choose a bundle to preview', 'Choose a bundle to preview']);
});

const applicable: BundlePreview = {
  ...preview,
  cases: preview.cases.slice(0, 1),
  row_counts: { cases: 1, consents: 2, participants: 2 },
  would_apply: true,
};
const imported = {
  bundle_id: 'b1',
  signer: null,
  signer_fingerprint: preview.signer.fingerprint,
  cases: [{ id: 'c1', code_name: 'Willow' }],
  rows: 5,
  already_applied: false,
  created_at: '2030-03-01T10:00:00Z',
};

it('applies from an unknown signer only after the number was confirmed, by handle, then offers the case', async () => {
  const calls: unknown[] = [];
  mockIPC((cmd, payload) => {
    if (cmd === 'apply_bundle') {
      calls.push(payload);
      return { status: 'applied', file_name: 'a.cbb', imported };
    }
    throw new Error(cmd);
  });
  let appliedWith: unknown = null;
  render(ImportPreview, {
    open: true,
    choice: { status: 'preview', file_name: 'a.cbb', preview: applicable, handle: 'h7' },
    onapplied: (i: unknown) => (appliedWith = i),
  });
  const apply = (await screen.findByTestId('bundle-apply')) as HTMLButtonElement;
  expect(apply.disabled).toBe(true);
  await fireEvent.click(screen.getByTestId('import-accept-signer'));
  expect(apply.disabled).toBe(false);
  await fireEvent.click(apply);
  const summary = await screen.findByTestId('import-applied-summary');
  expect(summary.textContent).toContain('Cases added: 1. Records in all: 5.');
  expect(calls).toEqual([{ handle: 'h7', acceptUnknownSigner: true }]);
  expect(appliedWith).toEqual(imported);
  await fireEvent.click(screen.getByTestId('import-open-case'));
  expect(window.location.hash).toBe('#/case/c1/people');
});

it('applies from a verified contact without the extra step, and words a refusal from its reason', async () => {
  const calls: unknown[] = [];
  mockIPC((cmd, payload) => {
    if (cmd === 'apply_bundle') {
      calls.push(payload);
      return { status: 'refused', file_name: 'a.cbb', reason: 'altered', message: 'changed' };
    }
    throw new Error(cmd);
  });
  const signer = { ...preview.signer, known: true, name: 'Ana', verified: true };
  render(ImportPreview, {
    open: true,
    choice: { status: 'preview', file_name: 'a.cbb', preview: { ...applicable, signer }, handle: 'h2' },
  });
  expect(screen.queryByTestId('import-accept-signer')).toBeNull();
  await fireEvent.click(await screen.findByTestId('bundle-apply'));
  const refused = await screen.findByTestId('import-refused');
  expect(refused.textContent).toContain('changed on the way');
  expect(refused.textContent).toContain('Nothing was changed.');
  expect(calls).toEqual([{ handle: 'h2', acceptUnknownSigner: false }]);
});

it('says so when the bundle had been applied before', async () => {
  mockIPC((cmd) => {
    if (cmd === 'apply_bundle') {
      return { status: 'applied', file_name: 'a.cbb', imported: { ...imported, cases: [], rows: 0, already_applied: true } };
    }
    throw new Error(cmd);
  });
  const signer = { ...preview.signer, known: true, name: 'Ana', verified: true };
  render(ImportPreview, {
    open: true,
    choice: { status: 'preview', file_name: 'a.cbb', preview: { ...applicable, signer, applied_before: true }, handle: 'h3' },
  });
  await fireEvent.click(await screen.findByTestId('bundle-apply'));
  expect((await screen.findByTestId('import-already-applied')).textContent).toContain('already been applied');
});
