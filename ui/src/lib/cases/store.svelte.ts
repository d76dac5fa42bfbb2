// The home screen's state: the list of cases with its filters and sort, and the soonest reminders with how many
// there are. Filters the registry knows (stage, process, tag, closed) go to `list_case_summaries`; sorting happens
// here. The list is held while the vault is unlocked (a lock starts a new page): Home shows what is held at once
// and reads it again behind it (`load`), and writes that return a case put it in place (`upsert`, `remove`).
import { ops, vaultRevision, type Case, type CaseFilter, type CaseId, type CaseSummary, type CommandError, type DueItem, type ProcessKind, type Stage } from '../ipc';
import type { CacheSnapshot } from 'virtua';
import { processWords, stageWords, today } from '../i18n';
import { mark } from '../marks';

export const CASE_SORTS = ['updated', 'code_name', 'stage', 'opened'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

export const STAGES = Object.keys(stageWords) as Stage[];
export const PROCESS_KINDS = Object.keys(processWords) as ProcessKind[];

/** Reminders Home asks for first (crates/cli/src/bench/screens.rs times the same), and how many more each
 *  "show more" adds. */
export const DUE_SHOWN = 30;
export const DUE_MORE = 100;
/** The core's `NEEDS_LINE_CHARS`: the most characters of the needs a summary carries. */
export const NEEDS_LINE_CHARS = 160;

/** Orders ISO 8601 times and dates as text, code unit by code unit: the same order as their times, without the
 *  collation `localeCompare` does (5,000 cases sort in about 60,000 comparisons). */
function byTime(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortCases(cases: readonly CaseSummary[], sort: CaseSort, locale: string): CaseSummary[] {
  const byName = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const sorted = [...cases];
  switch (sort) {
    case 'updated':
      return sorted.sort((a, b) => byTime(b.updated_at, a.updated_at));
    case 'code_name':
      return sorted.sort((a, b) => byName.compare(a.code_name, b.code_name));
    case 'stage':
      return sorted.sort(
        (a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) || byName.compare(a.code_name, b.code_name),
      );
    case 'opened':
      return sorted.sort((a, b) => byTime(a.opened_on ?? a.created_at, b.opened_on ?? b.created_at));
  }
}

/** The core's rule for a summary's line (`cases::first_line`): the first line that is not blank, trimmed, cut to
 *  `max` characters (code points, as Rust's `char`s: never inside a surrogate pair) with the space at the cut
 *  trimmed. Used for a case a write returned, until the next read brings the core's own; JavaScript's `trim` and
 *  Rust's differ only on rare spaces (U+FEFF, U+0085). */
export function firstLine(text: string, max: number = NEEDS_LINE_CHARS): { line: string; cut: boolean } {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? '';
  const chars = Array.from(line);
  if (chars.length <= max) return { line, cut: false };
  return { line: chars.slice(0, max).join('').trimEnd(), cut: true };
}

/** A case a write returned, as the list holds it. */
export function summaryOf(kase: Case): CaseSummary {
  const { line, cut } = firstLine(kase.harmed_needs);
  return {
    id: kase.id,
    code_name: kase.code_name,
    stage: kase.stage,
    needs_first_line: line,
    needs_cut: cut,
    tags: kase.tags,
    opened_on: kase.opened_on,
    created_at: kase.created_at,
    updated_at: kase.updated_at,
  };
}

function sameSummary(a: CaseSummary, b: CaseSummary): boolean {
  return (
    a.id === b.id &&
    a.updated_at === b.updated_at &&
    a.code_name === b.code_name &&
    a.stage === b.stage &&
    a.needs_first_line === b.needs_first_line &&
    a.needs_cut === b.needs_cut &&
    a.opened_on === b.opened_on &&
    a.created_at === b.created_at &&
    a.tags.length === b.tags.length &&
    a.tags.every((t, i) => t === b.tags[i])
  );
}

/** The same fields with the same values (a reminder's detail holds only strings and numbers). */
function sameFields(a: object, b: object): boolean {
  const x = Object.entries(a);
  return x.length === Object.keys(b).length && x.every(([k, v]) => (b as Record<string, unknown>)[k] === v);
}

function sameDue(a: readonly DueItem[], b: readonly DueItem[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i];
      return (
        y !== undefined &&
        x.record_id === y.record_id &&
        x.kind === y.kind &&
        x.due_on === y.due_on &&
        x.status === y.status &&
        sameFields(x.detail, y.detail) &&
        x.case_code_name === y.case_code_name
      );
    })
  );
}

export interface ListView {
  cache: CacheSnapshot;
  offset: number;
  active: number;
}

export class CasesStore {
  cases = $state.raw<CaseSummary[]>([]);
  /** The soonest reminders, at most `dueLimit`; `dueTotal` counts them all. */
  due = $state.raw<DueItem[]>([]);
  dueTotal = $state(0);
  dueLimit = $state(DUE_SHOWN);
  stage = $state<Stage | ''>('');
  process = $state<ProcessKind | ''>('');
  tag = $state('');
  includeClosed = $state(false);
  sort = $state<CaseSort>('updated');
  /** A list has been read (it may be the one held from before while a new read is under way). */
  loaded = $state(false);
  error = $state<CommandError | null>(null);
  /** Where Home's list was left (scroll, measured rows, the row with focus), for going back to it. */
  view: ListView | null = null;
  #listAsked = 0;
  #dueAsked = 0;
  #loadAsked = 0;
  /** What the list and reminders held were read at: the vault's revision, the day (reminders count from today),
   *  the filters and how many reminders were asked for. */
  #readAt: string | null = null;

  filter(): CaseFilter {
    return {
      stage: this.stage || undefined,
      process: this.process || undefined,
      tag: this.tag.trim() || undefined,
      include_closed: this.includeClosed,
    };
  }

  /** Reads the list and the reminders again, unless nothing they depend on has changed since they were read (the
   *  vault's revision, the day, the filters): going back to Home then costs the core nothing, and a case opened at
   *  once does not wait behind a read of every case. What is held stays shown until the answers come; an answer
   *  equal to what is held changes nothing (the list is not drawn again), and a later request's answer wins. */
  async load(): Promise<void> {
    mark('circlebook:home-asked');
    const ticket = ++this.#loadAsked;
    const revision = await vaultRevision();
    const at = revision.ok ? [revision.value, today(), JSON.stringify(this.filter()), this.dueLimit].join('|') : null;
    if (at !== null && at === this.#readAt && this.loaded && this.error === null) {
      mark('circlebook:home-answered');
      return;
    }
    await Promise.all([this.#loadList(), this.#loadDue()]);
    mark('circlebook:home-answered');
    if (ticket === this.#loadAsked) this.#readAt = this.error === null ? at : null;
    this.loaded = true;
  }

  /** Shows [`DUE_MORE`] more reminders (asks for them: the core cuts the list). */
  async showMoreDue(): Promise<void> {
    this.dueLimit += DUE_MORE;
    await this.#loadDue();
  }

  async #loadList(): Promise<void> {
    const ticket = ++this.#listAsked;
    const cases = await ops.listCaseSummaries(this.filter());
    if (ticket !== this.#listAsked) return; // a later filter change answered first
    if (!cases.ok) {
      this.error = cases.error;
      return;
    }
    this.error = null;
    const held = this.cases;
    const same = held.length === cases.value.length && held.every((c, i) => sameSummary(c, cases.value[i]!));
    if (!same) this.cases = cases.value;
  }

  async #loadDue(): Promise<void> {
    const ticket = ++this.#dueAsked;
    const due = await ops.due({ limit: this.dueLimit });
    if (ticket !== this.#dueAsked) return;
    if (!due.ok) {
      this.error = due.error;
      return;
    }
    if (!sameDue(this.due, due.value.items)) this.due = due.value.items;
    this.dueTotal = due.value.total;
  }

  /** Whether a case belongs in the list under the filters, as far as a case tells (the process filter is the
   *  core's to judge: a case it no longer fits leaves at the next read). */
  #fits(row: CaseSummary): boolean {
    const tag = this.tag.trim().toLowerCase();
    return (
      (this.stage === '' || row.stage === this.stage) &&
      (this.includeClosed || this.stage === 'closed' || row.stage !== 'closed') &&
      (tag === '' || row.tags.includes(tag))
    );
  }

  /** Keeps the list in step with a case a write returned (created, renamed, moved to another stage, closed): first,
   *  as the most recently changed, or out of the list when the filters no longer take it. */
  upsert(changed: Case): void {
    const row = summaryOf(changed);
    const rest = this.cases.filter((c) => c.id !== changed.id);
    this.cases = this.#fits(row) ? [row, ...rest] : rest;
  }

  /** A case that is gone (purged). */
  remove(id: CaseId): void {
    this.cases = this.cases.filter((c) => c.id !== id);
    const due = this.due.filter((d) => d.case_id !== id);
    this.dueTotal -= this.due.length - due.length;
    this.due = due;
  }
}

export const casesStore = new CasesStore();
