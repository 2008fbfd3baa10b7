// What the tricks summaries (scripts/tricks-summary.mjs, scripts/stepgrpo-summary.mjs) share:
// the runs of a directory of <label>-s<seed>.jsonl metrics files, and small statistics on them.
import { readFileSync, readdirSync } from 'node:fs';

/** label -> seed -> metrics records, from every <label>-s<seed>.jsonl in `dir`. */
export function loadRuns(dir) {
  const runs = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    const m = /^(.+)-s(\d+)\.jsonl$/.exec(f);
    if (!m) continue;
    const records = readFileSync(`${dir}/${f}`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    (runs[m[1]] ??= {})[m[2]] = records;
  }
  return runs;
}

export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** A metric's values over a run's records (iterations that did not log it left out). */
export const col = (recs, key) => recs.map((r) => r.values[key]).filter((v) => v !== undefined);
export const fmt = (x) => (x === 0 ? '0' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));
