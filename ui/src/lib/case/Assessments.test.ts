// Assessments: recorded with only the answered checklist questions; a decision to stop says the stage is the
// team's to change and leaves it as it was.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseId, ParticipantId } from '../ipc';
import { CaseStore } from './store.svelte';
import Assessments from './Assessments.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const finch = 'p2' as ParticipantId;

async function pick(id: string, value: string) {
  const trigger = screen.getByTestId(id);
  trigger.focus();
  await fireEvent.keyDown(trigger, { key: 'Enter' });
  const option = await screen.findByTestId(`${id}-${value}`);
  await fireEvent.pointerUp(option, { pointerType: 'mouse', button: 0 });
  await fireEvent.click(option);
}

it('records an assessment with its answered questions and says a stop leaves the stage to the team', async () => {
  let sent: Record<string, unknown> = {};
  mockIPC((_cmd, args) => {
    const { name, args: body } = args as { name: string; args: Record<string, unknown> };
    switch (name) {
      case 'record_assessment':
        sent = body;
        return {
          assessment: { id: 'a1', participant_id: finch, case_id: 'c1', stage: 'preparation', checklist: body.checklist,
            risk_level: body.risk_level, decision: body.decision, reasons: body.reasons, assessed_on: '2030-01-01',
            next_review_on: null, assessed_by: body.assessed_by, created_at: '2030-01-01T10:00:00Z' },
          suggestion: 'an English sentence the UI does not show',
        };
      case 'case_timeline':
        return [];
      default:
        throw new Error(name);
    }
  });
  const store = new CaseStore('c1' as CaseId);
  store.file = {
    assessments: [],
    participants: [{ participant: { id: finch, alias: 'Finch', role: 'person_responsible' }, consents: [] }],
    timeline: [],
  } as never;
  render(Assessments, { store });

  await pick('assessment-person', finch);
  await pick('assessment-risk', 'high');
  await pick('assessment-decision', 'stop');
  await fireEvent.input(screen.getByTestId('check-a-1'), { target: { value: 'No, not at present' } });
  await fireEvent.input(screen.getByTestId('assessment-reasons'), { target: { value: 'Safety concerns raised by the supporter.' } });
  await fireEvent.input(screen.getByTestId('assessment-by'), { target: { value: 'Facilitator team' } });
  await fireEvent.click(screen.getByTestId('assessment-submit'));

  await screen.findByTestId('assessment');
  expect(sent).toMatchObject({ participant_id: finch, risk_level: 'high', decision: 'stop', assessed_by: 'Facilitator team' });
  expect(sent.checklist).toEqual([{ question: 'Feels safe enough to take part', answer: 'No, not at present' }]);
  const suggestion = screen.getByTestId('assessment-suggestion').textContent ?? '';
  expect(suggestion).toContain('says to stop');
  expect(suggestion).not.toContain('English sentence');
});
