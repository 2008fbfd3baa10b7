import type { AppState } from './types';

/** `rec` without key `id` (the same object when it has none, so selectors see no change). */
export function without<T>(rec: Record<string, T>, id: string): Record<string, T> {
  if (!(id in rec)) return rec;
  const { [id]: _gone, ...rest } = rec;
  return rest;
}

/** The state without run `id`: everything the page keeps per run, and its place in the list. */
export function forgetRun(s: AppState, id: string): Pick<AppState, 'runs' | 'metrics' | 'inspect' | 'foreignRuns' | 'order' | 'activeRunId'> {
  return {
    runs: without(s.runs, id),
    metrics: without(s.metrics, id),
    inspect: without(s.inspect, id),
    foreignRuns: without(s.foreignRuns, id),
    order: s.order.filter((o) => o !== id),
    activeRunId: s.activeRunId === id ? null : s.activeRunId,
  };
}
