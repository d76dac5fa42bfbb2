// The home list: filters go to `list_cases` as the registry names them; sorting is local and stable.
import { afterEach, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { Case } from '../ipc';
import { CasesStore, sortCases } from './store.svelte';

afterEach(() => clearMocks());

function kase(code_name: string, stage: Case['stage'], updated_at: string): Case {
  return { id: code_name, code_name, stage, updated_at, harmed_needs: '', tags: [], opened_on: null, created_at: updated_at } as unknown as Case;
}

const cases = [kase('Wren', 'active', '2026-01-03'), kase('heron', 'referral', '2026-01-05'), kase('Finch', 'intake', '2026-01-01')];

it('sorts by change, by name (ignoring case), by stage order', () => {
  expect(sortCases(cases, 'updated', 'en').map((c) => c.code_name)).toEqual(['heron', 'Wren', 'Finch']);
  expect(sortCases(cases, 'code_name', 'en').map((c) => c.code_name)).toEqual(['Finch', 'heron', 'Wren']);
  expect(sortCases(cases, 'stage', 'en').map((c) => c.code_name)).toEqual(['heron', 'Finch', 'Wren']);
  // Opened on (or created at) ascending; times as text, with their time of day.
  const opened = [
    { ...kase('Ash', 'active', '2026-02-01T09:00:00Z'), opened_on: '2026-01-02' },
    kase('Bay', 'active', '2026-01-02T08:00:00Z'),
    kase('Elm', 'active', '2026-01-01T23:59:59Z'),
  ] as Case[];
  expect(sortCases(opened, 'opened', 'en').map((c) => c.code_name)).toEqual(['Elm', 'Ash', 'Bay']);
  expect(sortCases(opened, 'updated', 'en').map((c) => c.code_name)).toEqual(['Ash', 'Bay', 'Elm']);
});

it('asks the registry with the chosen filters and keeps the due list', async () => {
  const asked: unknown[] = [];
  mockIPC((_cmd, args) => {
    const { name, args: inner } = args as { name: string; args: unknown };
    asked.push([name, inner]);
    return name === 'list_cases' ? cases : [];
  });
  const store = new CasesStore();
  store.stage = 'active';
  store.tag = ' housing ';
  store.process = 'conference';
  await store.load();
  expect(asked).toContainEqual([
    'list_cases',
    { stage: 'active', process: 'conference', tag: 'housing', include_closed: false },
  ]);
  expect(store.cases).toHaveLength(3);
  expect(store.loaded).toBe(true);
  store.upsert(kase('Finch', 'paused', '2026-02-01'));
  expect(store.cases[0]?.stage).toBe('paused');
  expect(store.cases).toHaveLength(3);
});
