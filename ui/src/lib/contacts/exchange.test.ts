// The exchange folder (issue 11): the Contacts panel lists what arrived with each state, reviews a new bundle by
// its subfolder and file name (never a path) and opens the preview; Settings chooses the folder through Rust's
// dialog and stops using it.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { BundlePreview, ExchangeStatus, IncomingBundle } from '../ipc';
import Contacts from './Contacts.svelte';
import ExchangeFolderSetting from '../settings/ExchangeFolderSetting.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const item = (file: string, state: IncomingBundle['state'], from: string | null): IncomingBundle => ({
  path: `/sync/aaaa/${file}`,
  file,
  subfolder: 'a'.repeat(32),
  from,
  bundle_id: file.replace('.cbb', ''),
  size: 1000,
  modified: '2030-01-02T10:00:00Z',
  state,
  reason: state === 'refused' ? 'larger than a bundle may be' : null,
});

const status: ExchangeStatus = {
  folder: '/home/me/Sync/circle',
  my_subfolder: '/home/me/Sync/circle/bbbb',
  my_subfolder_name: 'b'.repeat(32),
  problem: null,
  sent: 2,
  incoming: [
    item('1.cbb', 'new', 'Ana'),
    item('2.cbb', 'applied', 'Ana'),
    item('3.cbb', 'still_arriving', null),
    item('4.cbb', 'not_for_us', null),
    item('5.cbb', 'refused', null),
  ],
  skipped: [],
};

const preview = {
  bundle_id: '1',
  created_at: '2030-01-02T10:00:00Z',
  audience: 'co-facilitator',
  signer: { known: true, name: 'Ana', verified: true, fingerprint: '1', signing_key: 'KEYANA' },
  cases: [],
  row_counts: {},
  would_apply: true,
} as unknown as BundlePreview;

function app(current: ExchangeStatus) {
  const sent: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, payload) => {
    sent.push({ cmd, args: payload });
    if (cmd === 'review_exchange_bundle') return { status: 'preview', file_name: '1.cbb', preview };
    if (cmd === 'choose_exchange_folder') return { outcome: 'chosen', status: current };
    const { name } = payload as { name: string };
    if (name === 'get_identity') return { recipient: 'r', signing_key: 'k', fingerprint: '1', card: 'c' };
    if (name === 'list_contacts') return [];
    if (name === 'exchange_status') return current;
    if (name === 'set_exchange_folder') return { ...current, folder: null, my_subfolder: null, incoming: [] };
    throw new Error(name);
  });
  return sent;
}

it('lists what arrived with a calm word for each state, and reviews only a new one, by name', async () => {
  const sent = app(status);
  render(Contacts, { route: { name: 'contacts' } });
  const items = await screen.findAllByTestId('exchange-item');
  expect(items.map((i) => i.dataset.state)).toEqual(['new', 'applied', 'still_arriving', 'not_for_us', 'refused']);
  const words = screen.getAllByTestId('exchange-state').map((s) => s.textContent?.trim());
  expect(words).toEqual(['New', 'Already added', 'Still arriving', 'For someone else', 'Not opened']);
  expect(screen.getAllByTestId('exchange-review')).toHaveLength(1);
  await fireEvent.click(screen.getByTestId('exchange-review'));
  expect((await screen.findByTestId('bundle-file')).textContent).toContain('1.cbb');
  const review = sent.find((s) => s.cmd === 'review_exchange_bundle');
  expect(review?.args).toEqual({ subfolder: 'a'.repeat(32), file: '1.cbb' });
});

it('says when no folder is chosen, and when the folder cannot be reached', async () => {
  app({ ...status, folder: null, incoming: [] });
  render(Contacts, { route: { name: 'contacts' } });
  expect(await screen.findByTestId('exchange-none')).toBeTruthy();
  cleanup();
  app({ ...status, problem: 'the exchange folder /x is not there', incoming: [] });
  render(Contacts, { route: { name: 'contacts' } });
  expect((await screen.findByTestId('exchange-problem')).textContent).toContain('cannot be reached right now');
});

it('chooses the folder through Rust and stops using it', async () => {
  const sent = app(status);
  render(ExchangeFolderSetting);
  expect((await screen.findByTestId('exchange-folder')).textContent).toContain('/home/me/Sync/circle');
  await fireEvent.click(screen.getByTestId('exchange-choose'));
  expect(await screen.findByTestId('exchange-saved')).toBeTruthy();
  expect(sent.find((s) => s.cmd === 'choose_exchange_folder')?.args).toEqual({
    dialogTitle: 'Choose the exchange folder',
  });
  await fireEvent.click(screen.getByTestId('exchange-stop'));
  expect((await screen.findByTestId('exchange-folder-none')).textContent).toContain('No exchange folder');
  const stop = sent.find((s) => s.cmd === 'call' && (s.args as { name: string }).name === 'set_exchange_folder');
  expect((stop?.args as { args: unknown }).args).toEqual({ path: null });
});
