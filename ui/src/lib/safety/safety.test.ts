// Issue 10: the quick exit's Shift counting and the failed-unlock wording.
import { describe, expect, it } from 'vitest';
import { ShiftCounter, SHIFT_WINDOW_MS } from './listeners';
import { unlockMessage } from '../keys/unlockMessages';
import { ERROR_CODES } from '../ipc';

describe('ShiftCounter (issue 10, quick exit)', () => {
  it('fires on the third Shift press in a row', () => {
    const c = new ShiftCounter();
    expect(c.press('Shift', false, 0)).toBe(false);
    expect(c.press('Shift', false, 100)).toBe(false);
    expect(c.press('Shift', false, 200)).toBe(true);
  });

  it('starts again after any other key, so typed capitals never trigger it', () => {
    const c = new ShiftCounter();
    for (const [key, at] of [['Shift', 0], ['A', 10], ['Shift', 20], ['B', 30], ['Shift', 40], ['C', 50]] as const) {
      expect(c.press(key, false, at)).toBe(false);
    }
  });

  it('ignores a held Shift and presses older than the window', () => {
    const c = new ShiftCounter();
    expect(c.press('Shift', false, 0)).toBe(false);
    expect(c.press('Shift', true, 10)).toBe(false);
    expect(c.press('Shift', true, 20)).toBe(false);
    // The press at 0 has expired: two more are needed.
    expect(c.press('Shift', false, SHIFT_WINDOW_MS + 100)).toBe(false);
    expect(c.press('Shift', false, SHIFT_WINDOW_MS + 200)).toBe(false);
    expect(c.press('Shift', false, SHIFT_WINDOW_MS + 300)).toBe(true);
  });
});

describe('unlockMessage (issue 10, failed unlock)', () => {
  it('tells the four situations apart in both languages', () => {
    const cases = [
      ['wrong_passphrase', 'wrong_key'],
      ['wrong_recovery_key', 'wrong_key'],
      ['damaged', 'damaged'],
      ['already_open', 'in_use'],
      ['newer_format', 'newer_format'],
    ] as const;
    for (const lang of ['en', 'es'] as const) {
      const texts = new Set<string>();
      for (const [code, situation] of cases) {
        const message = unlockMessage({ code, message: '' }, lang);
        expect(message.situation).toBe(situation);
        expect(message.next.length).toBeGreaterThan(10);
        texts.add(message.text);
      }
      expect(texts.size).toBe(cases.length);
    }
    expect(unlockMessage({ code: 'wrong_passphrase', message: '' }, 'en').text).toBe(
      'That passphrase does not open this vault.',
    );
  });

  it('words every code', () => {
    for (const code of ERROR_CODES) {
      for (const lang of ['en', 'es'] as const) expect(unlockMessage({ code, message: '' }, lang).text).not.toBe('');
    }
  });
});
