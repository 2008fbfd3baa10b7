/**
 * What a lesson promises, as data, and the one function that checks a promise against runs.
 *
 * A lesson's promise names its arms (the runs it asks for: the lesson's config, or that config
 * with a step's knob changed) and its claims (which metric moves which way, by how much, by
 * which iteration, for which arm). The same `measureClaim` is used by `npm run lessons --
 * --check` (src/cli/lessons.ts, which trains every arm on 3 seeds in Node and writes
 * reference.json) and by the page's takeaway (the student's own run, measured the same way).
 * Plain data and arithmetic: no React, no DOM, no tfjs, so Node imports it.
 */

/** One run a lesson asks for: the lesson's own config, plus these settings (dotted paths). */
export interface LessonArm {
  id: string;
  /** How the takeaway and the reference curves name it ("β = 0"). */
  label: string;
  /** On top of the lesson's preset and settings; empty for the lesson's own config. */
  settings: Record<string, string | number | boolean>;
  /** A preset other than the lesson's (a step's "Switch to Dr. GRPO"). */
  preset?: string;
}

/** Iterations [from, to], both included: the claim reads the mean of the metric's values there. */
export type IterationWindow = readonly [number, number];

/**
 * One claim: mean(metric of `arm` over `at`) compared with a base, per seed.
 *  - base `{ arm?, at }`: the same metric of another arm (default: the same arm) over `at`;
 *  - base `{ value }`: a constant.
 * `expect`: 'above' holds when x − base ≥ by; 'below' when base − x ≥ by; 'within' when
 * |x − base| ≤ by (a promise that nothing differs, for an honest negative result).
 */
export interface LessonClaim {
  id: string;
  /** One sentence, the promise in words, with its numbers ("KL with β = 0 ends above ..."). */
  text: string;
  metric: string;
  arm: string;
  at: IterationWindow;
  base: { arm?: string; at: IterationWindow } | { value: number };
  expect: 'above' | 'below' | 'within';
  by: number;
}

export interface LessonPromise {
  arms: LessonArm[];
  claims: LessonClaim[];
  /** The takeaway's one sentence: what the numbers mean. */
  meaning: string;
}

/** Enough of a MetricsRecord for the arithmetic (the page's stored records and the trainer's). */
export interface RecordLike {
  iteration: number;
  values: Readonly<Record<string, number>>;
}

/** Mean of a metric's finite values over a window of iterations; NaN when it has none there. */
export function windowMean(records: readonly RecordLike[], metric: string, [from, to]: IterationWindow): number {
  let sum = 0;
  let n = 0;
  for (const r of records) {
    if (r.iteration < from || r.iteration > to) continue;
    const v = r.values[metric];
    if (v === undefined || !Number.isFinite(v)) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : NaN;
}

export interface ClaimMeasure {
  /** The claimed arm's window mean. */
  value: number;
  /** The base: the other window's mean, or the constant. */
  base: number;
  /** value − base (what `by` is compared with). */
  diff: number;
  held: boolean;
}

/** The arms a claim reads (its own, and the base's when that is another arm). */
export function claimArms(claim: LessonClaim): string[] {
  const baseArm = 'value' in claim.base ? claim.arm : (claim.base.arm ?? claim.arm);
  return baseArm === claim.arm ? [claim.arm] : [claim.arm, baseArm];
}

/** One seed's measurement of a claim; null when an arm it reads has no records (not run yet). */
export function measureClaim(claim: LessonClaim, runs: Readonly<Record<string, readonly RecordLike[] | undefined>>): ClaimMeasure | null {
  const own = runs[claim.arm];
  if (!own || own.length === 0) return null;
  const value = windowMean(own, claim.metric, claim.at);
  let base: number;
  if ('value' in claim.base) base = claim.base.value;
  else {
    const other = runs[claim.base.arm ?? claim.arm];
    if (!other || other.length === 0) return null;
    base = windowMean(other, claim.metric, claim.base.at);
  }
  const diff = value - base;
  const held = Number.isFinite(diff) && (claim.expect === 'above' ? diff >= claim.by : claim.expect === 'below' ? -diff >= claim.by : Math.abs(diff) <= claim.by);
  return { value, base, diff, held };
}

/** Mean and range over seeds. */
export interface Spread {
  mean: number;
  min: number;
  max: number;
}

export function spread(xs: readonly number[]): Spread {
  const finite = xs.filter(Number.isFinite);
  if (finite.length === 0) return { mean: NaN, min: NaN, max: NaN };
  return { mean: finite.reduce((a, b) => a + b, 0) / finite.length, min: Math.min(...finite), max: Math.max(...finite) };
}

/** A claim measured on every seed: held only if it held on each. */
export interface ClaimResult {
  id: string;
  seeds: number[];
  value: Spread;
  base: Spread;
  diff: Spread;
  heldPerSeed: boolean[];
  held: boolean;
}

export function claimResult(claim: LessonClaim, seeds: readonly number[], perSeed: readonly (ClaimMeasure | null)[]): ClaimResult {
  const ok = perSeed.map((m) => m?.held ?? false);
  const pick = (f: (m: ClaimMeasure) => number) => spread(perSeed.map((m) => (m ? f(m) : NaN)));
  return { id: claim.id, seeds: [...seeds], value: pick((m) => m.value), base: pick((m) => m.base), diff: pick((m) => m.diff), heldPerSeed: ok, held: ok.length > 0 && ok.every(Boolean) };
}

/** The highest iteration any claim of the promise reads: the lesson's runs need be no longer. */
export function promiseLastIteration(promise: LessonPromise): number {
  return Math.max(...promise.claims.flatMap((c) => [c.at[1], 'value' in c.base ? 0 : c.base.at[1]]));
}

/**
 * The settings of an arm, as the lesson's hash would set them: the lesson's settings, then the
 * arm's (and the arm's preset, if any, in place of the lesson's).
 */
export function armSettings(lesson: { preset: string; settings: Record<string, string | number | boolean> }, arm: LessonArm): { preset: string; settings: Record<string, string | number | boolean> } {
  return { preset: arm.preset ?? lesson.preset, settings: { ...lesson.settings, ...arm.settings } };
}

/** The committed reference: what `npm run lessons -- --check --write` measured. */
export interface ReferenceArm {
  label: string;
  /** Mean over seeds of each charted metric, thinned: [iteration, value] pairs. */
  series: Record<string, [number, number][]>;
}

export interface ReferenceLesson {
  seeds: number[];
  backend: string;
  /** Seconds the check of this lesson took (all arms and seeds, one after another). */
  seconds: number;
  arms: Record<string, ReferenceArm>;
  claims: Record<string, ClaimResult>;
}

export interface ReferenceFile {
  version: 1;
  lessons: Record<string, ReferenceLesson>;
}

/** Significant digits kept in the committed curves and numbers. */
export const round4 = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);

/**
 * Thin a curve to at most `max` points: every k-th point, the last one always kept (and every
 * point of a sparse series, such as held-out evaluations every 10 iterations).
 */
export function thin(points: readonly [number, number][], max: number): [number, number][] {
  if (points.length <= max) return points.map(([x, y]) => [x, round4(y)]);
  const k = Math.ceil(points.length / max);
  const out = points.filter((_, i) => i % k === 0);
  const last = points.at(-1)!;
  if (out.at(-1) !== last) out.push(last);
  return out.map(([x, y]) => [x, round4(y)]);
}

/** Mean of a metric over seeds at each iteration where every seed has it. */
export function meanCurve(seedRuns: readonly (readonly RecordLike[])[], metric: string): [number, number][] {
  const byIter = new Map<number, number[]>();
  for (const records of seedRuns) {
    for (const r of records) {
      const v = r.values[metric];
      if (v === undefined || !Number.isFinite(v)) continue;
      const list = byIter.get(r.iteration) ?? [];
      list.push(v);
      byIter.set(r.iteration, list);
    }
  }
  return [...byIter.entries()]
    .filter(([, vs]) => vs.length === seedRuns.length)
    .sort((a, b) => a[0] - b[0])
    .map(([it, vs]) => [it, vs.reduce((a, b) => a + b, 0) / vs.length]);
}

/** A number for a table or the takeaway: 3 significant digits, small ones in plain decimals. */
export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 0.001) return String(Number(x.toPrecision(3)));
  return x.toExponential(1);
}

export const fmtSpread = (s: Spread): string => (Number.isFinite(s.mean) ? `${fmtNum(s.mean)} (${fmtNum(s.min)} to ${fmtNum(s.max)})` : '–');

/** The promise in symbols: "≥ +0.2", "≤ −0.05", "within ±0.5". */
export function promiseBound(claim: LessonClaim): string {
  if (claim.expect === 'within') return `within ±${fmtNum(claim.by)}`;
  return claim.expect === 'above' ? `≥ +${fmtNum(claim.by)}` : `≤ −${fmtNum(claim.by)}`;
}

/** What a claim's difference is taken against, in words. */
export function baseText(claim: LessonClaim, armLabel: (id: string) => string): string {
  if ('value' in claim.base) return `${fmtNum(claim.base.value)}`;
  const arm = claim.base.arm ?? claim.arm;
  return `${arm === claim.arm ? '' : `${armLabel(arm)}, `}iterations ${claim.base.at[0]}-${claim.base.at[1]}`;
}

/**
 * The README's table of lesson promises (also what `npm run lessons -- --check` prints): one
 * row per claim, its measured difference as mean (range) over seeds, and whether it held on each.
 */
export function promiseTable(lessons: readonly { id: string; title: string; promise?: LessonPromise }[], reference: ReferenceFile): string {
  const head = ['Lesson', 'Claim', 'Metric', 'Arm, iterations', 'Against', 'Seeds', 'Arm mean (range)', 'Difference (range)', 'Promise', 'Held'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const lesson of lessons) {
    const ref = reference.lessons[lesson.id];
    if (!lesson.promise) {
      lines.push(`| ${lesson.title} | no promise declared yet | | | | | | | | |`);
      continue;
    }
    const label = (id: string) => lesson.promise!.arms.find((a) => a.id === id)?.label ?? id;
    for (const claim of lesson.promise.claims) {
      const r = ref?.claims[claim.id];
      const held = !r ? 'not checked' : r.held ? `yes (${r.heldPerSeed.length}/${r.heldPerSeed.length})` : `**no** (${r.heldPerSeed.filter(Boolean).length}/${r.heldPerSeed.length})`;
      lines.push(
        `| ${[
          lesson.title,
          claim.text,
          `\`${claim.metric}\``,
          `${label(claim.arm)}, ${claim.at[0]}-${claim.at[1]}`,
          baseText(claim, label),
          r ? r.seeds.join(', ') : '–',
          r ? fmtSpread(r.value) : '–',
          r ? fmtSpread(r.diff) : '–',
          promiseBound(claim),
          held,
        ].join(' | ')} |`,
      );
    }
  }
  return lines.join('\n');
}
