import { RunConfigSchema, type RunConfig } from '../../engine/config';
import { setPath } from '../../engine/paths';
import { FIELD_BY_PATH, FIELDS, coerce, valueAt, withValue } from './fields';
import { DEFAULT_PRESET, hasPreset, presetConfig } from './presets';

/**
 * The whole experiment lives in the URL hash, TensorFlow-Playground style:
 *   #preset=grpo&seed=7&sampling.groupSize=4&run.init=scratch
 * Only what differs from the preset is written. Reading is forgiving: each bad part is
 * dropped (its default kept) and named in a notice; the result always parses.
 */

export interface HashState {
  preset: string;
  config: RunConfig;
  notices: string[];
  /**
   * False when the link had something wrong and nothing in it applies (too long, or no valid
   * preset and no setting kept): a page already open keeps its config rather than resetting.
   */
  usable: boolean;
}

const SHORTHAND: Record<string, string> = { seed: 'run.seed', task: 'task.task', iterations: 'run.iterations' };

function same(a: unknown, b: unknown): boolean {
  // Exact: String(n) reads back to n, so any difference is worth writing (a tolerance lost tiny values).
  return a === b;
}

export function encodeHash(preset: string, config: RunConfig): string {
  const base = presetConfig(preset);
  const params = new URLSearchParams();
  params.set('preset', preset);
  params.set('seed', String(config.run.seed));
  for (const f of FIELDS) {
    if (f.kind === 'fixed' || f.path === 'run.seed') continue;
    const v = valueAt(config, f.path);
    if (!same(v, valueAt(base, f.path))) params.set(f.path, String(v));
  }
  return `#${params.toString()}`;
}

/** Longer than any hash encodeHash writes (every field changed is ~2,500 characters). */
export const MAX_HASH_LENGTH = 8192;
/** Notices one link can raise; the rest are counted in one last notice. */
export const MAX_HASH_NOTICES = 20;

/** A key or value from the link, cut short for a notice. */
const shown = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

export function decodeHash(hash: string): HashState {
  if (hash.length > MAX_HASH_LENGTH) {
    const preset = DEFAULT_PRESET;
    return { preset, config: { ...presetConfig(preset), preset }, notices: [`Ignored the link: it is too long (${hash.length} characters, at most ${MAX_HASH_LENGTH}).`], usable: false };
  }
  const state = decodeParams(new URLSearchParams(hash.replace(/^#/, '')));
  if (state.notices.length > MAX_HASH_NOTICES) {
    const more = state.notices.length - (MAX_HASH_NOTICES - 1);
    state.notices = [...state.notices.slice(0, MAX_HASH_NOTICES - 1), `…and ${more} more ignored settings.`];
  }
  return state;
}

function decodeParams(params: URLSearchParams): HashState {
  const notices: string[] = [];
  let preset = params.get('preset') ?? DEFAULT_PRESET;
  const presetNamed = params.has('preset') && hasPreset(preset);
  if (!hasPreset(preset)) {
    notices.push(`Unknown preset "${shown(preset)}": using ${DEFAULT_PRESET}.`);
    preset = DEFAULT_PRESET;
  }
  const base = presetConfig(preset);
  const wanted = new Map<string, { rawKey: string; raw: string; value: unknown }>();
  for (const [rawKey, raw] of params) {
    if (rawKey === 'preset') continue;
    const path = SHORTHAND[rawKey] ?? rawKey;
    const spec = FIELD_BY_PATH.get(path);
    if (!spec || spec.kind === 'fixed') {
      notices.push(`Ignored unknown setting "${shown(rawKey)}".`);
      continue;
    }
    const c = coerce(spec, raw);
    if ('error' in c) notices.push(`Ignored ${rawKey}="${shown(raw)}": ${shown(c.error)} Kept ${String(valueAt(base, path))}.`);
    else wanted.set(path, { rawKey, raw, value: c.value });
  }
  // Apply everything, then drop whatever the schema rejects (fields can constrain each other).
  let config: RunConfig;
  // Each pass either parses or drops at least one setting, so this ends. (Bounding it by
  // wanted.size, which shrinks as settings drop, gave up early and lost the good ones.)
  for (;;) {
    const candidate = structuredClone(base) as unknown as Record<string, unknown>;
    for (const [path, w] of wanted) setPath(candidate, path, w.value);
    const parsed = RunConfigSchema.safeParse(candidate);
    if (parsed.success) {
      config = parsed.data;
      break;
    }
    let dropped = false;
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      const w = wanted.get(path);
      if (!w) continue;
      notices.push(`Ignored ${w.rawKey}="${shown(w.raw)}": ${issue.message}. Kept ${String(valueAt(base, path))}.`);
      wanted.delete(path);
      dropped = true;
    }
    // A rule between fields can blame one the link did not set (dModel=25 fails on nHeads):
    // add the link's settings one at a time and keep each one that still fits, naming the rest.
    if (!dropped) {
      let fitted = base;
      for (const [path, w] of wanted) {
        const candidate = structuredClone(fitted) as unknown as Record<string, unknown>;
        setPath(candidate, path, w.value);
        const one = RunConfigSchema.safeParse(candidate);
        if (one.success) fitted = one.data;
        else {
          const issue = one.error.issues[0];
          const blamed = issue ? `${issue.path.map(String).join('.')}: ${issue.message}` : 'does not fit';
          notices.push(`Ignored ${w.rawKey}="${shown(w.raw)}": ${blamed}. Kept ${String(valueAt(base, path))}.`);
        }
      }
      config = fitted;
      break;
    }
  }
  const applied = [...wanted].some(([path, w]) => valueAt(config, path) === w.value);
  return { preset, config: { ...config, preset }, notices, usable: notices.length === 0 || presetNamed || applied };
}

/** Convenience for tests and links: a hash from a preset plus a few dotted overrides. */
export function hashFor(preset: string, overrides: Record<string, string | number | boolean>): string {
  let config = presetConfig(preset);
  for (const [path, value] of Object.entries(overrides)) config = withValue(config, SHORTHAND[path] ?? path, value);
  return encodeHash(preset, config);
}
