// Search everywhere: the words typed, the filters (stage, process, role), and the hits of the latest question
// (stale answers are dropped).
import { ops, type CommandError, type ProcessKind, type Role, type SearchHit, type Stage } from '../ipc';
import { mark } from '../marks';

export class SearchStore {
  query = $state('');
  stage = $state<Stage | ''>('');
  process = $state<ProcessKind | ''>('');
  role = $state<Role | ''>('');
  hits = $state.raw<SearchHit[]>([]);
  asked = $state(false);
  error = $state<CommandError | null>(null);
  /** The words whose answer is on screen (the window benchmark waits for it after each keystroke). */
  answered = $state('');
  #ticket = 0;

  /** Whether any filter narrows the search. */
  get filtered(): boolean {
    return this.stage !== '' || this.process !== '' || this.role !== '';
  }

  async run(query: string = this.query): Promise<void> {
    const ticket = ++this.#ticket;
    if (query.trim() === '') {
      this.hits = [];
      this.asked = false;
      this.answered = query;
      return;
    }
    mark('circlebook:search-asked');
    const outcome = await ops.search({
      query,
      stage: this.stage || undefined,
      process: this.process || undefined,
      role: this.role || undefined,
      limit: 30,
    });
    mark('circlebook:search-answered');
    if (ticket !== this.#ticket) return;
    this.asked = true;
    this.answered = query;
    if (outcome.ok) {
      this.hits = outcome.value;
      this.error = null;
    } else {
      this.error = outcome.error;
    }
  }
}
