import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../engine/config';
import { FIELDS, FIELD_BY_PATH, valueAt, withValue } from './fields';
import { MAX_HASH_LENGTH, decodeHash, encodeHash } from './hash';
import { PRESET_LIST, hasPreset, presetConfig } from './presets';

/**
 * Property tests of the URL hash reader: whatever a link holds, decodeHash answers with a valid
 * config and a notice for each part it ignored; a hash it wrote reads back to the same config.
 */

const RUNS = 1000;
const PRESETS = PRESET_LIST.map((p) => p.id);
const EDITABLE = FIELDS.filter((f) => f.kind !== 'fixed');

function checkState(hash: string): ReturnType<typeof decodeHash> {
  const state = decodeHash(hash);
  expect(hasPreset(state.preset)).toBe(true);
  expect(RunConfigSchema.safeParse(state.config).success).toBe(true);
  expect(state.config.preset).toBe(state.preset);
  for (const n of state.notices) expect(typeof n).toBe('string');
  // A notice stays readable: it is shown to the user.
  expect(state.notices.length).toBeLessThanOrEqual(40);
  for (const n of state.notices) expect(n.length).toBeLessThanOrEqual(400);
  return state;
}

/** A raw value for a field: often valid, often not. */
function rawFor(path: string): fc.Arbitrary<string> {
  const f = FIELD_BY_PATH.get(path)!;
  const junk = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', 'NaN', 'Infinity', '-1', '1e999', '0x10', ' 3 ', 'true', '%', '&', '#'));
  if (f.kind === 'enum') return fc.oneof(fc.constantFrom(...f.options!), junk);
  if (f.kind === 'boolean') return fc.oneof(fc.constantFrom('true', 'false', '1', '0'), junk);
  if (f.kind === 'int') return fc.oneof(fc.integer({ min: (f.min ?? 0) - 2, max: (f.max ?? 1000) + 2 }).map(String), junk);
  if (f.kind === 'number') return fc.oneof(fc.double({ min: f.min ?? -10, max: f.max ?? 10, noNaN: true }).map(String), junk);
  return junk;
}

const param = fc.oneof(
  fc.constantFrom(...EDITABLE.map((f) => f.path), 'seed', 'task', 'iterations').chain((k) => fc.tuple(fc.constant(k), rawFor(FIELD_BY_PATH.has(k) ? k : k === 'seed' ? 'run.seed' : k === 'task' ? 'task.task' : 'run.iterations'))),
  fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })),
  fc.tuple(fc.constant('preset'), fc.oneof(fc.constantFrom(...PRESETS), fc.string({ maxLength: 10 }))),
);
const hashOf = (params: [string, string][]) => `#${new URLSearchParams(params).toString()}`;

describe('decodeHash under generated input', () => {
  it('answers any string with a valid config', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.webUrl().map((u) => `#${u}`)), (s) => void checkState(s)), { numRuns: RUNS });
  });

  it('keeps each setting it can use and names each one it ignores', () => {
    fc.assert(
      fc.property(fc.array(param, { maxLength: 12 }), (params) => {
        const hash = hashOf(params);
        const state = checkState(hash);
        const all = state.notices.join('\n');
        // The first preset counts; for settings, the last of duplicates does.
        const firstPreset = params.find(([k]) => k === 'preset');
        if (firstPreset && !hasPreset(firstPreset[1])) expect(all).toContain('Unknown preset');
        const seen = new Set<string>(['preset']);
        for (const [k, raw] of [...params].reverse()) {
          // A shorthand (seed, task, iterations) and its full path are one setting: the last counts.
          const path = k === 'seed' ? 'run.seed' : k === 'task' ? 'task.task' : k === 'iterations' ? 'run.iterations' : k;
          if (seen.has(path)) continue;
          seen.add(path);
          const f = FIELD_BY_PATH.get(path);
          if (!f || f.kind === 'fixed') {
            expect(all, `unknown key ${k}`).toContain(`"${k.length > 40 ? k.slice(0, 40) : k}`);
            continue;
          }
          // Either the setting took effect, or a notice names it.
          const v = valueAt(state.config, path);
          const took = String(v) === raw || String(v) === raw.trim() || Number(raw) === v || (f.kind === 'boolean' && String(v) === String(raw === 'true' || raw === '1'));
          if (!took) expect(all, `${k}=${raw} neither applied nor named`).toContain(k);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('one notice per bad part at most: never more notices than parts, each answering one part', () => {
    fc.assert(
      fc.property(fc.array(param, { maxLength: 12 }), (params) => {
        const state = checkState(hashOf(params));
        // Never more notices than parts (a part that broke two rules used to get two).
        expect(state.notices.length).toBeLessThanOrEqual(params.length);
        // Each "Ignored k=v" notice answers one occurrence of k in the link.
        // The keys as the reader sees them (a lone surrogate is encoded as U+FFFD).
        const counts = new Map<string, number>();
        for (const [k] of new URLSearchParams(hashOf(params).slice(1))) counts.set(k, (counts.get(k) ?? 0) + 1);
        for (const n of state.notices) {
          const m = n.startsWith('Ignored unknown setting') ? null : /^Ignored (.*?)="/.exec(n);
          if (!m) continue;
          // A key longer than 40 characters is shown cut, ending in …
          const cut = m[1]!.endsWith('…');
          const k = m[1]!.replace(/…$/, '');
          const left = [...counts.keys()].find((key) => (cut ? key.startsWith(k) : key === k) && (counts.get(key) ?? 0) > 0);
          expect(left, `notice without a part: ${n}`).toBeDefined();
          counts.set(left!, counts.get(left!)! - 1);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('mutated valid hashes (characters dropped, doubled, swapped) still answer', () => {
    const valid = fc.tuple(fc.constantFrom(...PRESETS), fc.array(param, { maxLength: 6 })).map(([p, params]) => hashOf([['preset', p], ...params]));
    const mutated = fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'dup', 'insert'), fc.string({ maxLength: 3 })), { maxLength: 5 })).map(([h, ops]) => {
      let s = h;
      for (const [i, op, ch] of ops) {
        const at = s.length ? i % s.length : 0;
        if (op === 'drop') s = s.slice(0, at) + s.slice(at + 1);
        else if (op === 'dup') s = s.slice(0, at) + s.charAt(at) + s.slice(at);
        else s = s.slice(0, at) + ch + s.slice(at);
      }
      return s;
    });
    fc.assert(fc.property(mutated, (s) => void checkState(s)), { numRuns: RUNS });
  });

  it('a hash it wrote reads back to the same config with no notice', () => {
    const edit = fc.constantFrom(...EDITABLE).chain((f) => fc.tuple(fc.constant(f.path), rawFor(f.path)));
    fc.assert(
      fc.property(fc.constantFrom(...PRESETS), fc.array(edit, { maxLength: 6 }), (preset, edits) => {
        let config = presetConfig(preset);
        for (const [path, raw] of edits) {
          const f = FIELD_BY_PATH.get(path)!;
          const value = f.kind === 'int' || f.kind === 'number' ? Number(raw) : f.kind === 'boolean' ? raw === 'true' || raw === '1' : raw;
          try {
            config = withValue(config, path, value);
          } catch {
            // not a valid edit: skip it
          }
        }
        const hash = encodeHash(preset, config);
        const state = checkState(hash);
        expect(state.notices).toEqual([]);
        expect(state.preset).toBe(preset);
        expect(state.config).toEqual({ ...config, preset });
      }),
      { numRuns: RUNS },
    );
  });

  it('an oversized link is refused as a whole with a notice, quickly', () => {
    const many = Array.from({ length: 50_000 }, (_, i) => `junk${i}=${i}`).join('&');
    const t0 = Date.now();
    const state = checkState(`#preset=dapo&seed=5&${many}`);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(state.notices.join(' ')).toMatch(/too long/i);
    expect(state.config).toEqual(presetConfig(state.preset));
    expect(`#preset=dapo&seed=5&${many}`.length).toBeGreaterThan(MAX_HASH_LENGTH);
  });
});
