// Every kind of reminder is worded from its detail in both languages, with the vocabulary's own words.
import { afterEach, expect, it } from 'vitest';
import type { DueDetail } from '../ipc';
import { setLanguage } from './locale.svelte';
import { describeReminder } from './reminders';

afterEach(() => setLanguage('en'));

const details: DueDetail[] = [
  { kind: 'consent_expiry', activity: 'direct_dialogue', alias: 'Fern' },
  { kind: 'assessment_review', alias: 'Fern' },
  { kind: 'commitment', commitment_kind: 'apology_letter', alias: 'Ash' },
  { kind: 'supervision', interval_weeks: 12 },
  { kind: 'task', title: 'Call Ash' },
];

it('words every kind in English', () => {
  expect(details.map(describeReminder)).toEqual([
    "Fern's consent to Direct dialogue",
    "Fern's latest assessment",
    "Ash's commitment: Apology letter",
    'Supervision or case consultation, every 12 weeks',
    'Call Ash',
  ]);
});

it('words every kind in Spanish', () => {
  setLanguage('es');
  expect(details.map(describeReminder)).toEqual([
    'Consentimiento de Fern para Diálogo directo',
    'Última valoración de Fern',
    'Compromiso de Ash: Carta de disculpa',
    'Supervisión o consulta del caso, cada 12 semanas',
    'Call Ash',
  ]);
});

it('says a single week in the singular', () => {
  expect(describeReminder({ kind: 'supervision', interval_weeks: 1 })).toBe(
    'Supervision or case consultation, every week',
  );
  setLanguage('es');
  expect(describeReminder({ kind: 'supervision', interval_weeks: 1 })).toBe(
    'Supervisión o consulta del caso, cada semana',
  );
});
