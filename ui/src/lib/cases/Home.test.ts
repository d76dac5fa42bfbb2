// Issue 9: coming back to Home shows the list it holds at once, before the registry answers, and leaving Home
// (with the list in use) throws nothing: a throw while the screen is taken down left the next screen blank. The due
// list words each reminder from its detail in the person's language.
import { afterEach, expect, it } from 'vitest';
import { cleanup, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseId, CaseSummary, DueItem } from '../ipc';
import { setLanguage } from '../i18n';
import Home from './Home.svelte';
import { casesStore } from './store.svelte';

// jsdom measures nothing; the virtual list only needs the observer to exist.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

/** A new revision of the vault at every asking, so each test's Home reads (the store outlives a test). */
let revisions = 0;
const revision = () => `test ${++revisions}`;

const rows: CaseSummary[] = Array.from({ length: 50 }, (_, i) => ({
  id: `case-${i}` as CaseId,
  code_name: `Case ${i}`,
  stage: 'active',
  needs_first_line: i === 0 ? 'To be heard' : '',
  needs_cut: i === 0,
  tags: [],
  opened_on: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: `2026-01-01T00:00:${String(59 - i).padStart(2, '0')}Z`,
}));

it('shows the list it holds at once when Home is shown again, and reads it again behind it', async () => {
  const errors: unknown[] = [];
  const onerror = (e: ErrorEvent) => errors.push(e.error);
  window.addEventListener('error', onerror);
  const asked: string[] = [];
  mockIPC((cmd, args) => {
    if (cmd === 'vault_revision') return revision();
    const { name } = args as { name: string };
    asked.push(name);
    return name === 'due' ? { items: [], total: 0 } : rows;
  });
  const first = render(Home, { props: { route: { name: 'home' } } });
  const row = await first.findAllByTestId('case-row');
  expect(row[0]?.textContent).toContain('To be heard…');
  row[0]?.focus();
  first.unmount();

  // Back on Home after a change (a new revision): the registry has not answered yet (it never does here), and the
  // list is there.
  asked.length = 0;
  mockIPC((cmd, args) => {
    if (cmd === 'vault_revision') return revision();
    asked.push((args as { name: string }).name);
    return new Promise(() => {});
  });
  const again = render(Home, { props: { route: { name: 'home' } } });
  expect(again.getByTestId('home-screen').dataset.ready).toBe('true');
  expect(again.getByTestId('case-count').textContent).toContain('50');
  expect(again.getAllByTestId('case-row').length).toBeGreaterThan(0);
  await waitFor(() => expect(asked.sort()).toEqual(['due', 'list_case_summaries']));
  expect(casesStore.view?.active).toBe(0);
  again.unmount();
  window.removeEventListener('error', onerror);
  expect(errors).toEqual([]);
});

it('words a reminder from its detail, in Spanish too', async () => {
  const reminder: DueItem = {
    case_id: 'case-0' as CaseId,
    case_code_name: 'Case 0',
    kind: 'consent_expiry',
    due_on: '2026-03-10',
    status: 'upcoming',
    record_id: 'consent-1',
    detail: { kind: 'consent_expiry', activity: 'direct_dialogue', alias: 'Fern' },
  };
  mockIPC((cmd, args) => {
    if (cmd === 'vault_revision') return revision();
    return (args as { name: string }).name === 'due' ? { items: [reminder], total: 1 } : rows;
  });
  setLanguage('es');
  const home = render(Home, { props: { route: { name: 'home' } } });
  const label = await home.findByText('Consentimiento de Fern para Diálogo directo');
  expect(label.closest('li')?.textContent).toContain('Caduca un consentimiento');
  setLanguage('en');
  expect(await home.findByText("Fern's consent to Direct dialogue")).toBeTruthy();
});
