// Fields changed in two places (`list_conflicts`), for one case or all: read, and resolved one by one
// (`resolve_conflict`), the list read again after each choice so it is always the vault's.
import { ops, type CaseId, type CommandError, type Conflict, type Resolved } from '../ipc';

export class ConflictsStore {
  readonly caseId: CaseId | undefined;
  list = $state.raw<Conflict[]>([]);
  loaded = $state(false);
  error = $state<CommandError | null>(null);
  /** People's aliases by id, for the list across cases (a case's own screen names records from its file). */
  aliases = $state.raw<Map<string, string>>(new Map());
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

  /** Reads the aliases of the people in conflict, one `list_participants` per case concerned (cheap: no case data). */
  async loadAliases(): Promise<void> {
    const cases = [...new Set(this.list.filter((c) => c.record_kind === 'participants').map((c) => c.case_id))];
    const aliases = new Map<string, string>();
    for (const caseId of cases) {
      const people = await ops.listParticipants({ case_id: caseId as CaseId });
      if (people.ok) for (const p of people.value) aliases.set(p.id, p.alias);
    }
    this.aliases = aliases;
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
