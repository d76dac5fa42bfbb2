// One busy/error helper for every write a screen makes: `busy` while it runs, `error` when it was refused, the
// value when it succeeded. A second press while busy is ignored, so nothing is sent twice.
import type { CallResult, CommandError } from '../ipc';

export class Action<A extends unknown[], T> {
  busy = $state(false);
  error = $state<CommandError | null>(null);
  readonly #run: (...args: A) => Promise<CallResult<T>>;

  constructor(run: (...args: A) => Promise<CallResult<T>>) {
    this.#run = run;
  }

  /** Runs the step; the value on success, `undefined` when busy already or refused (see `error`). */
  async run(...args: A): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.error = null;
    try {
      const outcome = await this.#run(...args);
      if (outcome.ok) return outcome.value;
      this.error = outcome.error;
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  /** Forgets the last error (for example when a dialog is closed). */
  reset(): void {
    this.error = null;
  }
}
