// Window-wide keys and activity: Ctrl+L locks, Shift pressed three times is the quick exit, and what the person
// does in the window keeps the idle lock away (reported to the Rust side, which holds the deadline).
import { lock, quickExit, reportActivity } from '../ipc';

/** Shift presses with nothing else between, within this long, make a quick exit. */
export const SHIFT_WINDOW_MS = 5000;
/** At most one activity report per this long. */
const ACTIVITY_EVERY_MS = 1000;

/** Counts Shift presses; any other key starts again. Pure, for unit tests. */
export class ShiftCounter {
  private presses: number[] = [];

  /** Returns true on the third Shift press in a row within the window. */
  press(key: string, repeat: boolean, at: number): boolean {
    if (key !== 'Shift') {
      this.presses = [];
      return false;
    }
    if (repeat) return false;
    this.presses = [...this.presses.filter((t) => at - t <= SHIFT_WINDOW_MS), at];
    if (this.presses.length >= 3) {
      this.presses = [];
      return true;
    }
    return false;
  }
}

/** Installs the listeners on `target` (the window); returns the function that removes them. */
export function installSafetyListeners(target: Window, options: { unlocked: () => boolean }): () => void {
  const shifts = new ShiftCounter();
  let lastReport = 0;

  const activity = () => {
    const now = Date.now();
    if (now - lastReport >= ACTIVITY_EVERY_MS) {
      lastReport = now;
      reportActivity();
    }
  };

  const keydown = (event: KeyboardEvent) => {
    activity();
    if (shifts.press(event.key, event.repeat, event.timeStamp || performance.now())) {
      quickExit();
      return;
    }
    if (event.ctrlKey && !event.altKey && !event.metaKey && event.key.toLowerCase() === 'l' && options.unlocked()) {
      event.preventDefault();
      void lock();
    }
  };

  const events = ['pointerdown', 'pointermove', 'wheel', 'touchstart', 'focusin', 'input'] as const;
  target.addEventListener('keydown', keydown, true);
  for (const name of events) target.addEventListener(name, activity, { capture: true, passive: true });
  return () => {
    target.removeEventListener('keydown', keydown, true);
    for (const name of events) target.removeEventListener(name, activity, { capture: true });
  };
}
