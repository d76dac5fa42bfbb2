// The search store keeps only the latest question's answer.
import { afterEach, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '../ipc/mocks';
import { SearchStore } from './store.svelte';

afterEach(() => clearMocks());

it('drops an answer that arrives after a newer question', async () => {
  const answers: Record<string, () => Promise<unknown>> = {
    slow: () => new Promise((resolve) => setTimeout(() => resolve([{ record_id: 'old' }]), 30)),
    fast: () => Promise.resolve([{ record_id: 'new' }]),
  };
  mockIPC((_cmd, args) => {
    const { args: inner } = args as { args: { query: string } };
    return answers[inner.query]!();
  });
  const store = new SearchStore();
  const first = store.run('slow');
  await store.run('fast');
  await first;
  expect(store.hits.map((h) => h.record_id)).toEqual(['new']);
});

it('says which words its answer is for, and a stale answer does not change that', async () => {
  mockIPC((_cmd, args) => {
    const { args: inner } = args as { args: { query: string } };
    const delay = inner.query === 'apo' ? 30 : 0;
    return new Promise((resolve) => setTimeout(() => resolve([{ record_id: inner.query }]), delay));
  });
  const store = new SearchStore();
  const first = store.run('apo');
  await store.run('apol');
  await first;
  expect(store.answered).toBe('apol');
  await store.run('  ');
  expect(store.answered).toBe('  ');
  expect(store.hits).toEqual([]);
});

it('sends the chosen filters with the words, and leaves out the ones set to "any"', async () => {
  const asked: unknown[] = [];
  mockIPC((_cmd, args) => {
    asked.push((args as { args: unknown }).args);
    return Promise.resolve([]);
  });
  const store = new SearchStore();
  expect(store.filtered).toBe(false);
  store.stage = 'active';
  store.role = 'person_responsible';
  expect(store.filtered).toBe(true);
  await store.run('letter');
  store.stage = '';
  store.role = '';
  store.process = 'conference';
  await store.run('letter');
  expect(asked).toEqual([
    { query: 'letter', stage: 'active', role: 'person_responsible', limit: 30 },
    { query: 'letter', process: 'conference', limit: 30 },
  ]);
});
