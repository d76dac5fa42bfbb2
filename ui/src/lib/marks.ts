// Performance marks the window benchmark reads (tests/e2e/tests/window_bench.rs): where the time between a
// person's action and the painted screen goes. Each name holds only its latest mark; no case data is ever in one.
export type MarkName =
  | 'circlebook:unlock-interactive'
  | 'circlebook:unlock-asked'
  | 'circlebook:unlock-answered'
  | 'circlebook:home-asked'
  | 'circlebook:home-answered'
  | 'circlebook:case-asked'
  | 'circlebook:case-answered'
  | 'circlebook:search-asked'
  | 'circlebook:search-answered';

export function mark(name: MarkName): void {
  performance.clearMarks(name);
  performance.mark(name);
}
