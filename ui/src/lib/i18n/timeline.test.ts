// Every kind of timeline event is worded from its detail in both languages, with the vocabulary's own words; the
// titles, names and reasons typed for it are shown as typed.
import { afterEach, expect, it } from 'vitest';
import type { TimelineDetail } from '../ipc';
import { setLanguage } from './locale.svelte';
import { describeEvent } from './timeline';

afterEach(() => setLanguage('en'));

const events: [TimelineDetail, string | null, string | null][] = [
  [{ kind: 'case_opened' }, null, null],
  [
    { kind: 'stage_changed', from: 'referral', to: 'intake', decided_by: 'Wren', reason: 'ready to talk' },
    'From Referral to Intake, decided by Wren: ready to talk',
    'De Derivación a Acogida, decidido por Wren: ready to talk',
  ],
  [
    { kind: 'stage_changed', from: 'active', to: 'closed', decided_by: 'Wren', reason: '' },
    'From Active to Closed, decided by Wren',
    'De En curso a Cerrado, decidido por Wren',
  ],
  [
    { kind: 'consent_recorded', decision: 'granted', activity: 'indirect_dialogue', alias: 'Alder' },
    'Alder granted consent to Indirect dialogue',
    'Alder dio su consentimiento para Diálogo indirecto',
  ],
  [
    { kind: 'consent_recorded', decision: 'declined', activity: 'conference', alias: 'Alder' },
    'Alder declined consent to Conference',
    'Alder no dio su consentimiento para Conferencia',
  ],
  [
    { kind: 'consent_recorded', decision: 'withdrawn', activity: 'keeping_notes', alias: 'Alder' },
    'Alder withdrew consent to Keeping notes',
    'Alder retiró su consentimiento para Guardar notas',
  ],
  [
    { kind: 'assessment_recorded', stage: 'intake', decision: 'proceed', alias: 'Alder' },
    'Alder: Proceed (stage: Intake)',
    'Alder: Seguir (etapa: Acogida)',
  ],
  [
    { kind: 'process_opened', process_kind: 'indirect_dialogue' },
    'Indirect dialogue',
    'Diálogo indirecto',
  ],
  [
    { kind: 'process_closed', process_kind: 'indirect_dialogue', status: 'closed' },
    'Indirect dialogue',
    'Diálogo indirecto',
  ],
  [
    { kind: 'process_closed', process_kind: 'conference', status: 'withdrawn' },
    'Conference (withdrawn)',
    'Conferencia (proceso retirado)',
  ],
  [
    { kind: 'session_scheduled', session_kind: 'supervision' },
    'Supervision',
    'Supervisión',
  ],
  [
    { kind: 'session_held', session_kind: 'preparation_meeting' },
    'Preparation meeting',
    'Reunión de preparación',
  ],
  [
    { kind: 'session_cancelled', session_kind: 'conference' },
    'Conference',
    'Conferencia',
  ],
  [
    { kind: 'agreement_reached', session_kind: 'blended_circle' },
    'Blended circle',
    'Círculo conjunto',
  ],
  [
    { kind: 'message_written', author: 'Alder', recipient: 'Birch' },
    'From Alder to Birch',
    'De Alder para Birch',
  ],
  [
    { kind: 'message_approved', author: 'Alder' },
    'By its author, Alder',
    'Por quien lo escribió, Alder',
  ],
  [{ kind: 'message_relayed', recipient: 'Birch' }, 'To Birch', 'Para Birch'],
  [
    { kind: 'commitment_added', commitment_kind: 'apology_letter', alias: 'Birch' },
    "Birch's commitment: Apology letter",
    'Compromiso de Birch: Carta de disculpa',
  ],
  [
    { kind: 'commitment_due', commitment_kind: 'apology_letter', alias: 'Birch', status: 'in_progress' },
    "Birch's commitment: Apology letter (In progress)",
    'Compromiso de Birch: Carta de disculpa (En curso)',
  ],
  [
    { kind: 'progress_recorded', commitment_kind: 'restitution', alias: 'Birch' },
    "Birch's commitment: Restitution",
    'Compromiso de Birch: Restitución',
  ],
  [
    { kind: 'note_added', shareable: false, alias: 'Alder', session_kind: null },
    'Private · About Alder',
    'Privada · Sobre Alder',
  ],
  [
    { kind: 'note_added', shareable: true, alias: null, session_kind: 'conference' },
    'Shareable · Session: Conference',
    'Compartible · Sesión: Conferencia',
  ],
  [{ kind: 'attachment_added', title: 'Letter.pdf' }, 'Letter.pdf', 'Letter.pdf'],
  [{ kind: 'task_due', title: 'Book the room' }, 'Book the room', 'Book the room'],
  [{ kind: 'task_done', title: 'Book the room' }, 'Book the room', 'Book the room'],
  [{ kind: 'case_closed', outcome: 'agreement_completed' }, 'Agreement completed', 'Acuerdo cumplido'],
  [{ kind: 'case_closed', outcome: null }, null, null],
];

it('words every kind in English', () => {
  for (const [detail, english] of events) expect(describeEvent(detail), detail.kind).toBe(english);
});

it('words every kind in Spanish', () => {
  setLanguage('es');
  for (const [detail, , spanish] of events) expect(describeEvent(detail), detail.kind).toBe(spanish);
});

it('covers every kind of event', () => {
  const kinds = new Set(events.map(([detail]) => detail.kind));
  expect(kinds.size).toBe(21);
});
