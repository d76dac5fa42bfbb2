// Issue 9: coming back to Home shows the list it holds at once, before the registry answers, and leaving Home
// (with the list in use) throws nothing: a throw while the screen is taken down left the next screen blank.
import { afterEach, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseId, CaseSummary } from '../ipc';
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
});

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
  mockIPC((_cmd, args) => {
    const { name } = args as { name: string };
    asked.push(name);
    return name === 'due' ? { items: [], total: 0 } : rows;
  });
  const first = render(Home, { props: { route: { name: 'home' } } });
  const row = await first.findAllByTestId('case-row');
  expect(row[0]?.textContent).toContain('To be heard…');
  row[0]?.focus();
  first.unmount();

  // Back on Home: the registry has not answered yet (it never does here), and the list is there.
  asked.length = 0;
  mockIPC((_cmd, args) => {
    asked.push((args as { name: string }).name);
    return new Promise(() => {});
  });
  const again = render(Home, { props: { route: { name: 'home' } } });
  expect(again.getByTestId('home-screen').dataset.ready).toBe('true');
  expect(again.getByTestId('case-count').textContent).toContain('50');
  expect(again.getAllByTestId('case-row').length).toBeGreaterThan(0);
  expect(asked.sort()).toEqual(['due', 'list_case_summaries']);
  expect(casesStore.view?.active).toBe(0);
  again.unmount();
  window.removeEventListener('error', onerror);
  expect(errors).toEqual([]);
});
