// Fields changed in two places (`list_conflicts`), for one case or all: read, and resolved one by one
// (`resolve_conflict`), the list read again after each choice so it is always the vault's.
import { ops, type CaseId, type CommandError, type Conflict, type Resolved } from '../ipc';

export class ConflictsStore {
  readonly caseId: CaseId | undefined;
  list = $state.raw<Conflict[]>([]);
  loaded = $state(false);
  error = $state<CommandError | null>(null);
  /** The conflict being resolved, while its choice is sent. */
  busy = $state<string | null>(null);

  constructor(caseId?: CaseId) {
    this.caseId = caseId;
  }

  async load(): Promise<void> {
    const result = await ops.listConflicts(this.caseId ? { case_id: this.caseId } : {});
    if (result.ok) {
      this.list = result.value;
      this.error = null;
    } else this.error = result.error;
    this.loaded = true;
  }

  /** Keeps one value (its index in `values`); the list is read again. `undefined` when refused (see `error`). */
  async resolve(id: string, choice: number): Promise<Resolved | undefined> {
    if (this.busy !== null) return undefined;
    this.busy = id;
    try {
      const result = await ops.resolveConflict({ id, choice });
      if (!result.ok) {
        this.error = result.error;
        return undefined;
      }
      this.error = null;
      await this.load();
      return result.value;
    } finally {
      this.busy = null;
    }
  }
}
