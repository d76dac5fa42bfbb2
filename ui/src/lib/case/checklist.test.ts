// The assessment checklist: the usual questions come worded, and only answered questions are recorded.
import { expect, it } from 'vitest';
import { checklistFrom, usualQuestions } from './checklist';

it('offers the usual readiness questions, unanswered', () => {
  const rows = usualQuestions();
  expect(rows.length).toBe(3);
  expect(rows.every((row) => row.question.length > 0 && row.answer === '')).toBe(true);
});

it('records only questions with an answer, trimmed', () => {
  const items = checklistFrom([
    { question: ' Feels safe ', answer: ' Yes, with a supporter present ' },
    { question: 'Has support', answer: '   ' },
    { question: '', answer: 'an answer without a question' },
  ]);
  expect(items).toEqual([{ question: 'Feels safe', answer: 'Yes, with a supporter present' }]);
});
