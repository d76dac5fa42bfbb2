// Sharing cases: the export dialog asks the core what would go (contacts as `contact:KEY`, a passphrase bundle's
// person by name, the passphrase itself never with the preview), says whose consent is missing, and saves only
// through Rust's `save_bundle`, with the passphrase only there.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseId, ExportPreview } from '../ipc';
import ExportDialog from './ExportDialog.svelte';
import { ExportStore } from './store.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const bea = {
  name: 'Bea', recipient: 'age1bea', signing_key: 'KEYBEA', fingerprint: '1', pair_fingerprint: '2', verified: true,
  verified_at: '2026-01-01T10:00:00Z', added_at: '2026-01-01T10:00:00Z', shared_cases: [],
};
const cleo = { ...bea, name: 'Cleo', signing_key: 'KEYCLEO', verified: false, verified_at: null };

function previewOf(missing: boolean): ExportPreview {
  return {
    audience: 'co-facilitator',
    recipients: [{ label: 'Bea', shared_with: 'contact:KEYBEA', recipient: 'age1bea' }],
    cases: [{ id: 'c1' as CaseId, code_name: 'Willow', rows: { cases: 1, participants: 2, consents: 3 } }],
    leaves_out: [],
    missing_consent: missing
      ? [{ case_id: 'c1' as CaseId, participant_id: 'p1', alias: 'Finch', activity: 'information_sharing',
           shared_with: 'contact:KEYBEA', state: 'not_asked', channel_refused: false }]
      : [],
  } as unknown as ExportPreview;
}

it('shows whose consent is missing, then what goes, and saves through Rust', async () => {
  let missing = true;
  const previews: unknown[] = [];
  const saves: unknown[] = [];
  mockIPC((cmd, payload) => {
    if (cmd === 'save_bundle') {
      saves.push(payload);
      return { status: 'saved', file_name: 'circlebook-bundle-x.cbb', exported: { rows: 6 } };
    }
    const { name, args } = payload as { name: string; args: unknown };
    if (name === 'list_contacts') return [bea, cleo];
    if (name === 'preview_export') {
      previews.push(args);
      return { ...previewOf(missing), audience: (args as { audience: string }).audience };
    }
    throw new Error(name);
  });
  render(ExportDialog, { open: true, caseIds: ['c1' as CaseId] });
  const boxes = (await screen.findAllByTestId('export-contact')) as HTMLInputElement[];
  expect(boxes.map((b) => [b.dataset.name, b.disabled])).toEqual([
    ['Bea', false],
    ['Cleo', true],
  ]);
  await fireEvent.click(boxes[0]!);
  const gap = await screen.findByTestId('export-missing-item', {}, { timeout: 2000 });
  expect(gap.textContent).toContain('Finch (Willow) has not agreed to share with Bea');
  expect(screen.getByTestId('export-record-consent').getAttribute('href')).toBe('#/case/c1/consent');
  expect((screen.getByTestId('export-save') as HTMLButtonElement).disabled).toBe(true);
  expect(previews[0]).toEqual({ case_ids: ['c1'], audience: 'co-facilitator', to: ['contact:KEYBEA'] });

  missing = false;
  await fireEvent.click(screen.getByTestId('export-audience-supervisor'));
  await screen.findByTestId('export-consent-ok', {}, { timeout: 2000 });
  expect(screen.getByTestId('export-case').textContent).toContain('Consent ledger entries: 3; People: 2');
  expect(screen.getByTestId('export-left-out').textContent).toContain('contact details');
  await fireEvent.click(screen.getByTestId('export-save'));
  expect((await screen.findByTestId('export-saved')).textContent).toContain('circlebook-bundle-x.cbb, with 6 records');
  expect(saves).toEqual([
    { caseIds: ['c1'], audience: 'supervisor', to: ['contact:KEYBEA'], dialogTitle: 'Save the bundle' },
  ]);
});

it('sends a passphrase only with the save, never with the preview', async () => {
  const previews: unknown[] = [];
  mockIPC((cmd, payload) => {
    const { name, args } = payload as { name: string; args: unknown };
    if (name === 'preview_export') {
      previews.push(args);
      return previewOf(false);
    }
    if (cmd === 'check_passphrase') return { ok: true, reason: null };
    return [];
  });
  const store = new ExportStore(['c1' as CaseId]);
  store.audience = 'progress';
  expect(store.effectiveMode).toBe('passphrase');
  store.person = ' Finch ';
  store.passphrase = 'lantern orchard velvet compass drizzle';
  await store.refresh();
  expect(previews).toEqual([{ case_ids: ['c1'], audience: 'progress', to: ['Finch'], passphrase: '' }]);
  expect(store.recipients()).toEqual({ person: 'Finch', passphrase: 'lantern orchard velvet compass drizzle' });
  expect(store.canSave).toBe(true);
  store.passphraseWeak = true;
  expect(store.canSave).toBe(false);
});

it('opened from Home, lets several cases be chosen and asks nothing until one is', async () => {
  const previews: { case_ids: string[] }[] = [];
  mockIPC((_cmd, payload) => {
    const { name, args } = payload as { name: string; args: { case_ids: string[] } };
    if (name === 'list_contacts') return [bea];
    if (name === 'preview_export') {
      previews.push(args);
      return previewOf(false);
    }
    throw new Error(name);
  });
  render(ExportDialog, {
    open: true,
    caseIds: [],
    choices: [
      { id: 'c1' as CaseId, code_name: 'Willow' },
      { id: 'c2' as CaseId, code_name: 'Aspen' },
    ],
  });
  await fireEvent.click((await screen.findAllByTestId('export-contact'))[0]!);
  await new Promise((r) => setTimeout(r, 300));
  expect(previews).toEqual([]);
  for (const box of screen.getAllByTestId('export-choose-case')) await fireEvent.click(box);
  await screen.findByTestId('export-consent-ok', {}, { timeout: 2000 });
  expect(previews.at(-1)?.case_ids).toEqual(['c1', 'c2']);
});

it('puts a contacts bundle in the exchange folder when one is set, naming only the folder, never for a passphrase', async () => {
  const exports: unknown[] = [];
  mockIPC((cmd, payload) => {
    const { name, args } = payload as { name: string; args: unknown };
    if (name === 'list_contacts') return [bea];
    if (name === 'exchange_status') {
      return { folder: '/home/sam/Sync/circle-exchange', my_subfolder: null, my_subfolder_name: 'from-1a2b', problem: null, incoming: [] };
    }
    if (name === 'preview_export') return previewOf(false);
    if (name === 'export_to_exchange') {
      exports.push(args);
      return { bundle_id: 'b1', path: '/home/sam/Sync/circle-exchange/from-1a2b/b1.cbb', audience: 'co-facilitator', recipients: [], case_ids: ['c1'], rows: 6, size: 100 };
    }
    if (cmd === 'check_passphrase') return { ok: true, reason: null };
    throw new Error(name);
  });
  render(ExportDialog, { open: true, caseIds: ['c1' as CaseId] });
  await fireEvent.click((await screen.findAllByTestId('export-contact'))[0]!);
  await screen.findByTestId('export-consent-ok', {}, { timeout: 2000 });
  await fireEvent.click(screen.getByTestId('export-mode-passphrase'));
  expect(screen.queryByTestId('export-to-exchange')).toBeNull();
  await fireEvent.click(screen.getByTestId('export-mode-contacts'));
  await screen.findByTestId('export-consent-ok', {}, { timeout: 2000 });
  await fireEvent.click(screen.getByTestId('export-to-exchange'));
  const done = await screen.findByTestId('export-exchanged');
  expect(done.textContent).toContain('Put in the exchange folder circle-exchange, in your subfolder from-1a2b.');
  expect(done.textContent).toContain('6 records');
  expect(document.body.textContent).not.toContain('/home/sam');
  expect(exports).toEqual([{ case_ids: ['c1'], audience: 'co-facilitator', to: ['contact:KEYBEA'] }]);
});

it('offers no exchange folder when none is set', async () => {
  mockIPC((_cmd, payload) => {
    const { name } = payload as { name: string };
    if (name === 'list_contacts') return [bea];
    if (name === 'exchange_status') return { folder: null, my_subfolder: null, my_subfolder_name: 'from-1a2b', problem: null, incoming: [] };
    if (name === 'preview_export') return previewOf(false);
    throw new Error(name);
  });
  render(ExportDialog, { open: true, caseIds: ['c1' as CaseId] });
  await fireEvent.click((await screen.findAllByTestId('export-contact'))[0]!);
  await screen.findByTestId('export-consent-ok', {}, { timeout: 2000 });
  expect(screen.getByTestId('export-save')).toBeTruthy();
  expect(screen.queryByTestId('export-to-exchange')).toBeNull();
});
