// The timeline words each event from its detail in the person's language, beside the kind's own word; an event
// whose kind says it all shows the kind alone.
import { afterEach, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import type { TimelineItem } from '../ipc';
import { setLanguage } from '../i18n';
import Timeline from './Timeline.svelte';

afterEach(() => {
  cleanup();
  setLanguage('en');
});

const timeline: TimelineItem[] = [
  { at: '2026-01-02T00:00:00Z', all_day: true, kind: 'case_opened', record_id: 'c1', detail: { kind: 'case_opened' } },
  {
    at: '2026-01-07T00:00:00Z',
    all_day: true,
    kind: 'session_held',
    record_id: 's1',
    detail: { kind: 'session_held', session_kind: 'direct_dialogue' },
  },
];

it('words every event in Spanish, and in English', () => {
  setLanguage('es');
  const view = render(Timeline, { props: { store: { file: { timeline } } as never } });
  const rows = [...view.getByTestId('timeline').querySelectorAll('li')].map((li) => li.textContent ?? '');
  expect(rows[0]).toContain('Caso abierto');
  expect(rows[0]?.match(/Caso abierto/g)).toHaveLength(1);
  expect(rows[1]).toContain('Sesión celebrada');
  expect(rows[1]).toContain('Diálogo directo');
  cleanup();
  setLanguage('en');
  const english = render(Timeline, { props: { store: { file: { timeline } } as never } });
  expect(english.getByTestId('timeline').textContent).toContain('Direct dialogue');
});
