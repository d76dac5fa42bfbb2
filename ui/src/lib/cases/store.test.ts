// The home list: filters go to `list_case_summaries` as the registry names them; sorting is local and stable;
// the list held is kept while a new read is under way, and writes put their case in place (issue 9).
import { afterEach, expect, it } from 'vitest';
import { waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { Case, CaseId, CaseSummary, DueItem, DueList } from '../ipc';
import { CasesStore, DUE_MORE, DUE_SHOWN, firstLine, sortCases, summaryOf } from './store.svelte';

afterEach(() => clearMocks());

function row(code_name: string, stage: CaseSummary['stage'], updated_at: string): CaseSummary {
  return {
    id: code_name as CaseId,
    code_name,
    stage,
    updated_at,
    needs_first_line: '',
    needs_cut: false,
    tags: [],
    opened_on: null,
    created_at: updated_at,
  };
}

function kase(code_name: string, stage: Case['stage'], updated_at: string, harmed_needs = ''): Case {
  return { ...row(code_name, stage, updated_at), harmed_needs, harmed_justice_vision: '' } as unknown as Case;
}

function reminder(n: number): DueItem {
  return {
    case_id: 'Wren' as CaseId,
    case_code_name: 'Wren',
    kind: 'task',
    due_on: '2026-03-01',
    status: 'upcoming',
    record_id: `task-${String(n).padStart(4, '0')}`,
    detail: { kind: 'task', title: `Task ${n}` },
  };
}

const cases = [row('Wren', 'active', '2026-01-03'), row('heron', 'referral', '2026-01-05'), row('Finch', 'intake', '2026-01-01')];

/** Answers the registry's reads from `answer`, noting every call; `due` gives the first `limit` of `reminders`.
 *  The vault's revision is `revision()`: by default a new one at every asking (something may have changed). */
function registry(answer: () => CaseSummary[], reminders: DueItem[] = [], revision?: () => string) {
  const asked: [string, unknown][] = [];
  let revisions = 0;
  mockIPC((cmd, args) => {
    if (cmd === 'vault_revision') return revision ? revision() : String(++revisions);
    const { name, args: inner } = args as { name: string; args: { limit?: number } };
    asked.push([name, inner]);
    if (name === 'list_case_summaries') return answer();
    if (name === 'due') {
      const list: DueList = { items: reminders.slice(0, inner.limit ?? reminders.length), total: reminders.length };
      return list;
    }
    throw new Error(`unexpected ${name}`);
  });
  return asked;
}

it('sorts by change, by name (ignoring case), by stage order', () => {
  expect(sortCases(cases, 'updated', 'en').map((c) => c.code_name)).toEqual(['heron', 'Wren', 'Finch']);
  expect(sortCases(cases, 'code_name', 'en').map((c) => c.code_name)).toEqual(['Finch', 'heron', 'Wren']);
  expect(sortCases(cases, 'stage', 'en').map((c) => c.code_name)).toEqual(['heron', 'Finch', 'Wren']);
  // Opened on (or created at) ascending; times as text, with their time of day.
  const opened = [
    { ...row('Ash', 'active', '2026-02-01T09:00:00Z'), opened_on: '2026-01-02' },
    row('Bay', 'active', '2026-01-02T08:00:00Z'),
    row('Elm', 'active', '2026-01-01T23:59:59Z'),
  ];
  expect(sortCases(opened, 'opened', 'en').map((c) => c.code_name)).toEqual(['Elm', 'Ash', 'Bay']);
  expect(sortCases(opened, 'updated', 'en').map((c) => c.code_name)).toEqual(['Ash', 'Bay', 'Elm']);
});

it('asks for the summaries with the chosen filters and only the reminders it shows', async () => {
  const reminders = Array.from({ length: 412 }, (_, i) => reminder(i));
  const asked = registry(() => cases, reminders);
  const store = new CasesStore();
  store.stage = 'active';
  store.tag = ' housing ';
  store.process = 'conference';
  await store.load();
  expect(asked).toContainEqual([
    'list_case_summaries',
    { stage: 'active', process: 'conference', tag: 'housing', include_closed: false },
  ]);
  expect(asked).toContainEqual(['due', { limit: DUE_SHOWN }]);
  expect(asked.map(([name]) => name)).not.toContain('list_cases');
  expect(store.cases).toHaveLength(3);
  expect(store.loaded).toBe(true);
  expect([store.due.length, store.dueTotal]).toEqual([DUE_SHOWN, 412]);

  // "Show more" asks for more of the same list; a read behind it keeps the larger limit.
  await store.showMoreDue();
  expect(asked.at(-1)).toEqual(['due', { limit: DUE_SHOWN + DUE_MORE }]);
  expect(store.due.map((d) => d.record_id)).toEqual(reminders.slice(0, DUE_SHOWN + DUE_MORE).map((d) => d.record_id));
  await store.load();
  expect(asked.at(-1)).toEqual(['due', { limit: DUE_SHOWN + DUE_MORE }]);
});

it('keeps the list it holds while reading again, and does not replace it when nothing changed', async () => {
  let answer = cases;
  let release: () => void = () => {};
  let waiting: Promise<void> | null = null;
  registry(() => answer);
  const store = new CasesStore();
  await store.load();
  const held = store.cases;

  // Going back to Home: the held list is there before the answer, and an equal answer keeps the same array
  // (the list is not drawn again).
  const reading = store.load();
  expect(store.cases).toBe(held);
  await reading;
  expect(store.cases).toBe(held);

  // A changed answer replaces it once it comes; until then the held list stays.
  answer = [{ ...cases[0]!, stage: 'paused', updated_at: '2026-02-01' }, cases[1]!, cases[2]!];
  clearMocks();
  mockIPC(async (cmd, args) => {
    if (cmd === 'vault_revision') return 'after a write';
    const { name } = args as { name: string };
    if (name === 'due') return { items: [], total: 0 };
    await (waiting ??= new Promise<void>((resolve) => (release = resolve)));
    return answer;
  });
  const later = store.load();
  await waitFor(() => expect(waiting).not.toBeNull());
  expect(store.cases).toBe(held);
  release();
  await later;
  expect(store.cases).not.toBe(held);
  expect(store.cases[0]?.stage).toBe('paused');
});

it('keeps the reminders it holds when nothing changed, and takes a changed detail', async () => {
  const reminders = [reminder(1), reminder(2)];
  registry(() => cases, reminders);
  const store = new CasesStore();
  await store.load();
  const held = store.due;
  await store.load();
  expect(store.due).toBe(held);
  // The same task, renamed: only its detail changed.
  reminders[1] = { ...reminder(2), detail: { kind: 'task', title: 'Call the venue' } };
  await store.load();
  expect(store.due).not.toBe(held);
  expect(store.due[1]?.detail).toEqual({ kind: 'task', title: 'Call the venue' });
});

it('reads nothing again while the vault, the day and the filters are as they were when it read', async () => {
  let revision = '7.100';
  const asked = registry(() => cases, [reminder(1)], () => revision);
  const store = new CasesStore();
  await store.load();
  expect(asked.map(([name]) => name).sort()).toEqual(['due', 'list_case_summaries']);

  // Going back to Home with nothing changed: no read of every case.
  await store.load();
  await store.load();
  expect(asked).toHaveLength(2);

  // A write anywhere (a new revision), or another filter: read again.
  revision = '7.101';
  await store.load();
  expect(asked).toHaveLength(4);
  store.stage = 'active';
  await store.load();
  expect(asked).toHaveLength(6);
  expect(asked.at(-2)?.[1]).toMatchObject({ stage: 'active' });
  await store.load();
  expect(asked).toHaveLength(6);

  // A revision that cannot be read: read again, as before.
  clearMocks();
  const failing = registry(() => cases, [], () => {
    throw new Error('locked');
  });
  await store.load();
  expect(failing.map(([name]) => name).sort()).toEqual(['due', 'list_case_summaries']);
});

it('puts a case a write returned in place, first, or out when the filters no longer take it', async () => {
  registry(() => cases);
  const store = new CasesStore();
  await store.load();
  store.upsert(kase('Finch', 'paused', '2026-02-01', '\n\nTo be heard.\nMore.'));
  expect(store.cases[0]).toMatchObject({ code_name: 'Finch', stage: 'paused', needs_first_line: 'To be heard.' });
  expect(store.cases).toHaveLength(3);
  // Closed, in a list of open cases: it leaves the list.
  store.upsert(kase('Finch', 'closed', '2026-02-02'));
  expect(store.cases.map((c) => c.code_name)).toEqual(['Wren', 'heron']);
  // Filtered to one stage: a case moved elsewhere leaves, a case moved into it arrives.
  store.stage = 'active';
  store.upsert(kase('Wren', 'paused', '2026-02-03'));
  store.upsert(kase('heron', 'active', '2026-02-04'));
  expect(store.cases.map((c) => c.code_name)).toEqual(['heron']);
  store.remove('heron' as CaseId);
  expect(store.cases).toEqual([]);
});

it('cuts the needs to their first line as the core does', () => {
  expect(firstLine('')).toEqual({ line: '', cut: false });
  expect(firstLine(' \n\t\r\n  \n')).toEqual({ line: '', cut: false });
  expect(firstLine('\n\n  To be heard.  \r\nAnd more.')).toEqual({ line: 'To be heard.', cut: false });
  const exact = 'ñ'.repeat(160);
  expect(firstLine(exact)).toEqual({ line: exact, cut: false });
  expect(firstLine(`${exact}x`)).toEqual({ line: exact, cut: true });
  // Characters outside the BMP count once and are never split into half a surrogate pair.
  const doves = '🕊'.repeat(200);
  const { line, cut } = firstLine(doves);
  expect(cut).toBe(true);
  expect(Array.from(line)).toHaveLength(160);
  expect(line).toBe('🕊'.repeat(160));
  expect(firstLine('To be heard and believed', 12)).toEqual({ line: 'To be heard', cut: true });
  expect(summaryOf(kase('Ash', 'active', '2026-01-01', `${'a'.repeat(170)}\nb`))).toMatchObject({
    needs_first_line: 'a'.repeat(160),
    needs_cut: true,
  });
});
