import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../../engine/config';
import type { MetricsRecord } from '../../engine/train/metrics';
import type { StoredRun } from '../../worker/client';
import { MAX_RUN_FILE_BYTES, RunFileSchema, parseRunFile, runFileJson, runToFile } from './exportRun';

/**
 * Property tests of the run-import parser: whatever file is dropped on it, parseRunFile returns
 * a schema-valid run or throws an Error whose message says what is wrong (the store shows it as
 * "Import failed: ..."); never another kind of exception, never a half-valid run.
 */

const RUNS = 1000;

/** The parser's whole contract, for one input. */
function answer(text: string): { ok: true } | { ok: false; message: string } {
  try {
    const file = parseRunFile(text);
    expect(RunFileSchema.safeParse(file).success).toBe(true);
    expect(['running', 'paused', 'queued']).not.toContain(file.run.status);
    return { ok: true };
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    const message = (e as Error).message;
    expect(message).toMatch(/^(Not JSON|Truncated file|Not a playground run file|Unsupported run file version|Invalid config|Inconsistent metrics|File too large)/);
    expect(message.length).toBeLessThan(2000);
    return { ok: false, message };
  }
}

const storedRun = fc.record({
  id: fc.constant('x'),
  name: fc.string({ maxLength: 200 }),
  config: fc.constant(DEFAULT_RUN_CONFIG),
  status: fc.constantFrom('done', 'stopped', 'running', 'error', 'paused'),
  color: fc.constantFrom('#0072B2', '#E69F00'),
  visible: fc.constant(true),
  createdAt: fc.nat(),
  iteration: fc.nat({ max: 100_000 }),
  wallMs: fc.nat(),
}) as unknown as fc.Arbitrary<StoredRun>;

const metric: fc.Arbitrary<MetricsRecord> = fc.record({
  iteration: fc.integer({ min: 1, max: 1000 }),
  wallMs: fc.nat(),
  klEstimator: fc.constantFrom('k1', 'k2', 'k3'),
  difficulty: fc.integer({ min: 1, max: 3 }),
  // -0 has no JSON form of its own (it reads back as 0), so it is not generated.
  // Any metric name but the three a run file refuses at every depth (__proto__, constructor, prototype: see paths.forbiddenKeyPath).
  values: fc.dictionary(fc.string({ maxLength: 12 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k)), fc.oneof(fc.double().map((v) => (Object.is(v, -0) ? 0 : v)), fc.constantFrom(NaN, Infinity))),
});
/** Records strictly upward and within the run's iteration, as the app writes them. */
const validFile = fc
  .tuple(storedRun, fc.array(metric, { maxLength: 5 }))
  .map(([run, ms]): [StoredRun, MetricsRecord[]] => {
    const sorted = [...new Map(ms.map((m) => [m.iteration, m])).values()].sort((a, b) => a.iteration - b.iteration);
    return [{ ...run, iteration: Math.max(run.iteration, sorted.at(-1)?.iteration ?? 0) }, sorted];
  });

/** A JSON value at a random place in a parsed run file replaced. */
function mutate(json: unknown, pathSeed: number[], value: unknown): unknown {
  const root = structuredClone(json) as Record<string, unknown>;
  let node: Record<string, unknown> = root;
  for (const s of pathSeed) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = keys[s % keys.length]!;
    const child = node[k];
    if (child && typeof child === 'object' && s % 3 !== 0) node = child as Record<string, unknown>;
    else {
      if (s % 5 === 0) delete node[k];
      else node[k] = value;
      return root;
    }
  }
  return root;
}

describe('parseRunFile under generated input', () => {
  it('answers arbitrary strings and arbitrary JSON', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 500 }), fc.json({ maxDepth: 5 })), (text) => void answer(text)), { numRuns: RUNS });
  });

  it('answers JSON objects shaped like a run file', () => {
    const shaped = fc.record(
      { format: fc.oneof(fc.constant('rft-playground/run'), fc.string()), version: fc.oneof(fc.constant(1), fc.jsonValue()), run: fc.jsonValue(), config: fc.oneof(fc.constant(DEFAULT_RUN_CONFIG), fc.jsonValue()), metrics: fc.oneof(fc.array(fc.jsonValue()), fc.jsonValue()) },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(shaped, (v) => void answer(JSON.stringify(v))), { numRuns: RUNS });
  });

  it('a run file with one value replaced or removed, or cut short, is parsed or refused with a reason', () => {
    fc.assert(
      fc.property(validFile, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue(), fc.double({ min: 0, max: 1, noNaN: true }), ([run, metrics], path, value, cut) => {
        const text = runFileJson(run, metrics);
        answer(JSON.stringify(mutate(JSON.parse(text), path, value)));
        const truncated = text.slice(0, Math.floor(text.length * cut));
        const r = answer(truncated);
        if (truncated.length < text.length) expect(r.ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('valid run files round-trip', () => {
    fc.assert(
      fc.property(validFile, ([run, metrics]) => {
        const file = parseRunFile(runFileJson(run, metrics));
        const expected = runToFile(run, metrics);
        expect(file.config).toEqual(expected.config);
        expect(file.metrics).toEqual(expected.metrics);
        expect(file.run.name).toBe(run.name);
        expect(file.run.iteration).toBe(run.iteration);
        expect(parseRunFile(JSON.stringify(file))).toEqual(file);
      }),
      { numRuns: RUNS },
    );
  });

  it('an oversized file is refused before parsing; deep nesting is refused, not thrown on', () => {
    const big = { length: MAX_RUN_FILE_BYTES + 1 } as unknown as string;
    expect(() => parseRunFile(big)).toThrow(/File too large/);
    expect(answer('['.repeat(100_000) + ']'.repeat(100_000)).ok).toBe(false);
    expect(answer(`{"format":"rft-playground/run","version":1,"run":${'['.repeat(50_000)}${']'.repeat(50_000)}}`).ok).toBe(false);
    expect(answer('"' + 'x'.repeat(5_000_000) + '"').ok).toBe(false);
  });
});
