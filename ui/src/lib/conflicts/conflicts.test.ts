// Conflicts (issue 11): fields changed in two places, worded through a closed mapping (never a raw column name),
// every value side by side as plain text (a hostile value stays text), Keep this one resolving by the value's
// index and reading the list again; the case's notice; the import preview's merge counts, consent first.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { BundlePreview, CaseFile, CaseId, Conflict, ParticipantId } from '../ipc';
import { setLanguage } from '../i18n';
import { ConflictsStore } from './store.svelte';
import { conflictTitle, fieldWords, kindWords, recordName, valueText } from './words';
import ConflictList from './ConflictList.svelte';
import CaseConflicts from './CaseConflicts.svelte';
import { CaseStore } from '../case/store.svelte';
import ImportPreview from '../contacts/ImportPreview.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
const aliasConflict: Conflict = {
  id: 'k1',
  case_id: 'c1',
  code_name: 'Willow',
  record_kind: 'participants',
  record_id: 'p1',
  field: 'alias',
  values: [
    { value: JSON.stringify('Robin'), from: 'this vault', this_vault: true, shown: true },
    { value: JSON.stringify(hostile), from: 'Ana', this_vault: false, shown: false },
  ],
};

function caseFile(): CaseFile {
  return {
    harmed_statement: { needs: '', justice_vision: '' },
    case: { case: { id: 'c1', code_name: 'Willow' }, stage_history: [] },
    participants: [{ participant: { id: 'p1' as ParticipantId, alias: 'Robin', role: 'person_harmed' }, consents: [] }],
    assessments: [], processes: [], sessions: [], messages: [], commitments: [], notes: [], attachments: [],
    tasks: [{ id: 't1', title: 'Call back' }], timeline: [],
  } as unknown as CaseFile;
}

it('words kinds and fields through the mapping, and never shows a column it does not know', () => {
  expect(kindWords('participants')).toBe('a person');
  expect(kindWords('zebra_table')).toBe('a record');
  expect(fieldWords('participants', 'alias')).toBe('Alias');
  expect(fieldWords('session_attendees', 'participant_id')).toBe('Attendee');
  expect(fieldWords('notes', 'participant_id')).toBe('Person');
  expect(fieldWords('participants', 'secret_column_x')).toBe('a field');
  // Not even an inherited property name of a plain object.
  expect(fieldWords('participants', 'constructor')).toBe('a field');
  expect(kindWords('__proto__')).toBe('a record');
  setLanguage('es');
  expect(fieldWords('participants', 'safety_notes')).toBe('Notas de seguridad');
  expect(fieldWords('participants', 'unknown_one')).toBe('un campo');
  expect(kindWords('notes')).toBe('una nota');
});

it('turns JSON values into plain text', () => {
  expect(valueText('"Robin"')).toBe('Robin');
  expect(valueText('null')).toBe('(empty)');
  expect(valueText('""')).toBe('(empty)');
  expect(valueText('true')).toBe('Yes');
  expect(valueText('false')).toBe('No');
  expect(valueText('1234')).toBe('1,234');
  expect(valueText(JSON.stringify(hostile))).toBe(hostile);
  expect(valueText('not json')).toBe('not json');
});

it('names the record by its own name where the case file holds it, else by kind', () => {
  const file = caseFile();
  expect(recordName(file, { record_kind: 'participants', record_id: 'p1' })).toBe('Robin');
  expect(recordName(file, { record_kind: 'tasks', record_id: 't1' })).toBe('Call back');
  expect(recordName(file, { record_kind: 'notes', record_id: 'n1' })).toBeNull();
  expect(conflictTitle(file, aliasConflict)).toBe('Alias of Robin (a person)');
  expect(conflictTitle(null, aliasConflict)).toBe('Alias of a person');
});

it('shows every value side by side as text, keeps one by its index, and reads the list again', async () => {
  let list: Conflict[] = [aliasConflict];
  const resolved: unknown[] = [];
  mockIPC((_cmd, payload) => {
    const { name, args } = payload as { name: string; args: { id: string; choice: number } };
    if (name === 'list_conflicts') return list;
    if (name === 'resolve_conflict') {
      resolved.push(args);
      list = [];
      return { id: args.id, record_kind: 'participants', record_id: 'p1', field: 'alias', value: JSON.stringify(hostile) };
    }
    throw new Error(name);
  });
  const store = new ConflictsStore('c1' as CaseId);
  await store.load();
  const done: string[] = [];
  render(ConflictList, { store, file: caseFile(), onresolved: (id: string) => done.push(id) });

  expect(screen.getByTestId('conflict-title').textContent).toBe('Alias of Robin (a person)');
  const values = screen.getAllByTestId('conflict-value');
  expect(values).toHaveLength(2);
  expect(values.map((v) => v.querySelector('[data-testid="conflict-from"]')?.textContent)).toEqual(['Written here', 'From Ana']);
  const texts = screen.getAllByTestId('conflict-value-text');
  expect(texts[0]!.textContent).toBe('Robin');
  expect(texts[1]!.textContent).toBe(hostile);
  // Text, never markup: no element was made from the value, nothing ran.
  expect(document.querySelector('[data-testid="conflict-list"] img')).toBeNull();
  expect(document.querySelector('[data-testid="conflict-list"] script')).toBeNull();
  expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();

  const keep = screen.getAllByTestId('conflict-keep');
  expect(keep[1]!.getAttribute('aria-label')).toContain('Alias of Robin');
  await fireEvent.click(keep[1]!);
  expect(await screen.findByTestId('conflict-none')).toBeTruthy();
  expect(resolved).toEqual([{ id: 'k1', choice: 1 }]);
  expect(done).toEqual(['c1']);
  expect(screen.queryAllByTestId('conflict')).toHaveLength(0);
});

it('says at the top of a case how many things changed in two places, and reads the case again after a choice', async () => {
  let list: Conflict[] = [aliasConflict, { ...aliasConflict, id: 'k2', record_kind: 'tasks', record_id: 't1', field: 'title' }];
  const calls: string[] = [];
  mockIPC((_cmd, payload) => {
    const { name, args } = payload as { name: string; args: { case_id?: string; id?: string } };
    calls.push(name);
    if (name === 'list_conflicts') {
      expect(args.case_id).toBe('c1');
      return list;
    }
    if (name === 'case_file') return caseFile();
    if (name === 'sessions_needing_attention') return [];
    if (name === 'resolve_conflict') {
      list = list.filter((c) => c.id !== args.id);
      return { id: args.id, record_kind: 'tasks', record_id: 't1', field: 'title', value: '"x"' };
    }
    throw new Error(name);
  });
  const store = new CaseStore('c1' as CaseId);
  await store.load();
  render(CaseConflicts, { store });
  const notice = await screen.findByTestId('case-conflicts');
  expect(notice.textContent).toContain('2 things were changed in two places: choose which to keep.');
  await fireEvent.click(screen.getByTestId('case-conflicts-open'));
  const titles = (await screen.findAllByTestId('conflict-title')).map((t) => t.textContent);
  expect(titles).toEqual(['Alias of Robin (a person)', 'Title of Call back (a task)']);
  const before = calls.filter((c) => c === 'case_file').length;
  await fireEvent.click(screen.getAllByTestId('conflict-keep')[0]!);
  await screen.findByText('One thing was changed in two places: choose which to keep.');
  expect(calls.filter((c) => c === 'case_file').length).toBe(before + 1);
});

it('previews a merge: consent changes first, then records, the conflicts it would create by record and field', async () => {
  const preview: BundlePreview = {
    bundle_id: 'b2',
    created_at: '2030-03-01T10:00:00Z',
    audience: 'co-facilitator',
    signer: { known: true, name: 'Ana', verified: true, signing_key: 'K', fingerprint: '1' },
    cases: [{ id: 'c1', code_name: 'Willow', new: false, purged: false, consent_entries: 1 }],
    row_counts: { cases: 1, consents: 1, participants: 1 },
    applied_before: false,
    would_apply: true,
    consent_changes: 1,
    new_records: 2,
    updated_records: 3,
    conflicts: 1,
    kept_deleted: 1,
    new_conflicts: [{ id: 'k1', case_id: 'c1', record_kind: 'participants', record_id: 'p1', field: 'alias' }],
  } as unknown as BundlePreview;
  mockIPC((cmd) => {
    if (cmd === 'apply_bundle') {
      return {
        status: 'applied',
        imported: {
          bundle_id: 'b2', signer: 'Ana', signer_fingerprint: '1', cases: [], rows: 6, already_applied: false,
          created_at: '2030-03-01T10:00:00Z', merged: [{ id: 'c1', code_name: 'Willow' }], consent_changes: 1,
          new_records: 2, updated_records: 3, conflicts: 1, kept_deleted: 1,
        },
      };
    }
    throw new Error(cmd);
  });
  render(ImportPreview, { open: true, choice: { status: 'preview', file_name: 'b.cbb', preview, handle: 'h1' } });
  const merge = await screen.findByTestId('bundle-merge-counts');
  expect([...merge.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
    'Consent ledger entries: 1',
    'New records: 2',
    'Records changed: 3',
    'Fields changed in both places, for you to choose: 1',
    'Records deleted in one place that stay deleted: 1',
  ]);
  expect(screen.getByTestId('bundle-merge-conflict').textContent?.trim()).toBe('Alias of a person, in Willow');
  await fireEvent.click(screen.getByTestId('bundle-apply'));
  const applied = await screen.findByTestId('import-applied-merge');
  expect(applied.querySelector('[data-testid="merge-conflicts"]')?.textContent).toContain('1');
  expect(screen.getByTestId('import-see-conflicts').getAttribute('aria-label')).toBe('Choose which to keep in Willow');
});

it('names people in the list across cases from list_participants, with the case they are in', async () => {
  const asked: unknown[] = [];
  mockIPC((_cmd, payload) => {
    const { name, args } = payload as { name: string; args: unknown };
    if (name === 'list_conflicts') return [aliasConflict, { ...aliasConflict, id: 'k3', record_kind: 'notes', record_id: 'n1', field: 'body' }];
    if (name === 'list_participants') {
      asked.push(args);
      return [{ id: 'p1', alias: 'Robin' }];
    }
    throw new Error(name);
  });
  const store = new ConflictsStore();
  await store.load();
  await store.loadAliases();
  expect(asked).toEqual([{ case_id: 'c1' }]);
  render(ConflictList, { store, showCase: true });
  expect(screen.getAllByTestId('conflict-title').map((t) => t.textContent)).toEqual([
    'Alias of Robin (a person)',
    'Text of a note',
  ]);
  expect(screen.getAllByText('In Willow')).toHaveLength(2);
});
