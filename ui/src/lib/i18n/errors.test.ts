import type { ParticipantId } from '../ipc';
// Every error code is worded in both languages, and a consent error names who and which activity.
import { afterEach, expect, it } from 'vitest';
import { ERROR_CODES, type CommandError } from '../ipc';
import { describeCardError, describeError } from './errors';
import { setLanguage } from './locale.svelte';
import { m } from './paraglide/messages.js';

afterEach(() => setLanguage('en'));

it('words every code, differently in Spanish', () => {
  for (const code of ERROR_CODES) {
    const error: CommandError = { code, message: 'core words' };
    setLanguage('en');
    const en = describeError(error);
    setLanguage('es');
    const es = describeError(error);
    expect(en).not.toBe('');
    expect(es).not.toBe(en);
    expect(en).not.toContain('core words');
  }
});

it('names the participant, activity and state of a consent error', () => {
  const error: CommandError = {
    code: 'consent_required',
    message: 'Wren has no current consent to direct_dialogue (withdrawn)',
    details: {
      kind: 'consent_required',
      participant_id: 'p1' as ParticipantId,
      alias: 'Wren',
      activity: 'direct_dialogue',
      shared_with: '',
      state: 'withdrawn',
      on: '2026-12-04',
      needs_grant: true,
    },
  };
  expect(describeError(error)).toBe(
    'Wren has not consented to Direct dialogue (the ledger says: Withdrawn). Record their consent first.',
  );
  setLanguage('es');
  expect(describeError(error)).toContain('Diálogo directo');
  expect(m.home_count({ count: 1 })).toBe('1 caso');
  expect(m.home_count({ count: 5000 })).toBe('5000 casos');
});

it('words a refused contact card by its code in both languages, and other codes as usual', () => {
  for (const [code, en, es] of [
    ['invalid_input', 'signature does not match', 'su firma no coincide'],
    ['not_allowed', 'already one of your contacts', 'ya es uno de tus contactos'],
  ] as const) {
    setLanguage('en');
    expect(describeCardError({ code, message: 'core words' })).toContain(en);
    setLanguage('es');
    expect(describeCardError({ code, message: 'core words' })).toContain(es);
  }
  setLanguage('en');
  expect(describeCardError({ code: 'locked', message: '' })).toBe(describeError({ code: 'locked', message: '' }));
});
