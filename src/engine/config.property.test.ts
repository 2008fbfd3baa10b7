import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, RunConfigSchema } from './config';

/**
 * Property tests of the config schema, the gate for every config that crosses a boundary (URL,
 * import, the worker's re-validation). Whatever comes in, safeParse answers (never throws); a
 * rejection names the fields; an accepted config is a fixed point and survives JSON.
 */

const RUNS = 1000;
const GROUPS = Object.keys(DEFAULT_RUN_CONFIG).filter((k) => typeof (DEFAULT_RUN_CONFIG as Record<string, unknown>)[k] === 'object');
const LEAVES: string[][] = GROUPS.flatMap((g) => Object.keys((DEFAULT_RUN_CONFIG as unknown as Record<string, Record<string, unknown>>)[g]!).map((k) => [g, k]));
const TOP: string[][] = Object.keys(DEFAULT_RUN_CONFIG).filter((k) => !GROUPS.includes(k)).map((k) => [k]);
const PATHS = [...LEAVES, ...TOP];

/** Values a hostile or careless source might put anywhere. */
const anyValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, -1, 2 ** 53, 0.5, '', '1', 'true', null, undefined, [], {}),
  fc.string({ maxLength: 2000 }),
  fc.double(),
  fc.integer(),
);

/** The default config with 1-4 fields (or whole groups) replaced. */
const mutatedConfig = fc
  .array(fc.tuple(fc.constantFrom(...PATHS, ...GROUPS.map((g) => [g])), anyValue), { minLength: 1, maxLength: 4 })
  .map((edits) => {
    const c = structuredClone(DEFAULT_RUN_CONFIG) as unknown as Record<string, unknown>;
    for (const [path, v] of edits) {
      if (path.length === 1) c[path[0]!] = v;
      else {
        const g = c[path[0]!];
        if (g && typeof g === 'object') (g as Record<string, unknown>)[path[1]!] = v;
      }
    }
    return { config: c, edits };
  });

function checkAnswer(input: unknown): void {
  const r = RunConfigSchema.safeParse(input);
  if (r.success) {
    // A fixed point, and JSON-safe (it goes into URLs, files and IndexedDB).
    expect(RunConfigSchema.parse(r.data)).toEqual(r.data);
    // (Compared as JSON: -0 has no JSON form of its own and reads back as 0.)
    const json = JSON.stringify(r.data);
    expect(JSON.stringify(RunConfigSchema.parse(JSON.parse(json)))).toBe(json);
  } else {
    expect(r.error.issues.length).toBeGreaterThan(0);
    for (const i of r.error.issues) expect(typeof i.message).toBe('string');
  }
}

describe('RunConfigSchema under generated input', () => {
  it('answers arbitrary JSON without throwing', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => checkAnswer(v)), { numRuns: RUNS });
  });

  it('answers arbitrary objects shaped like a config without throwing', () => {
    const groupish = fc.dictionary(fc.constantFrom(...LEAVES.map((p) => p[1]!), 'x', '__proto__', 'constructor'), anyValue);
    const configish = fc.dictionary(fc.constantFrom(...GROUPS, 'name', 'preset', '__proto__'), fc.oneof(groupish, anyValue));
    fc.assert(fc.property(configish, (v) => checkAnswer(v)), { numRuns: RUNS });
  });

  it('a mutated valid config is accepted or rejected with issues that name a field', () => {
    fc.assert(
      fc.property(mutatedConfig, ({ config }) => {
        const r = RunConfigSchema.safeParse(config);
        checkAnswer(config);
        if (!r.success) for (const i of r.error.issues) expect(i.path.length, i.message).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('oversized strings and deep nesting are refused, not thrown on', () => {
    checkAnswer({ name: 'x'.repeat(1_000_000) });
    expect(RunConfigSchema.safeParse({ name: 'x'.repeat(1_000_000) }).success).toBe(false);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { task: deep };
    checkAnswer(deep);
    checkAnswer({ run: Array.from({ length: 100_000 }, (_, i) => i) });
  });

  it('valid configs round-trip through JSON unchanged', () => {
    const validEdits = fc.record({
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      iterations: fc.integer({ min: 1, max: 100_000 }),
      lr: fc.double({ min: 1e-8, max: 1, noNaN: true }),
      name: fc.string({ maxLength: 80 }),
      temperature: fc.double({ min: 0.1, max: 2, noNaN: true }),
    });
    fc.assert(
      fc.property(validEdits, (e) => {
        const c = structuredClone(DEFAULT_RUN_CONFIG);
        c.run.seed = e.seed;
        c.run.iterations = e.iterations;
        c.optim.lr = e.lr;
        c.name = e.name;
        c.sampling.temperature = e.temperature;
        const r = RunConfigSchema.safeParse(JSON.parse(JSON.stringify(c)));
        if (!r.success) return; // a bound tighter than the generator: still answered
        expect(r.data).toEqual(c);
      }),
      { numRuns: RUNS },
    );
  });
});
