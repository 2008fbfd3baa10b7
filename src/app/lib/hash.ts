import { RunConfigSchema, type RunConfig } from '../../engine/config';
import { FIELD_BY_PATH, FIELDS, coerce, setPath, valueAt, withValue } from './fields';
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
}

const SHORTHAND: Record<string, string> = { seed: 'run.seed', task: 'task.task', iterations: 'run.iterations' };

function same(a: unknown, b: unknown): boolean {
  return typeof a === 'number' && typeof b === 'number' ? Object.is(a, b) || Math.abs(a - b) < 1e-12 : a === b;
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

export function decodeHash(hash: string): HashState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const notices: string[] = [];
  let preset = params.get('preset') ?? DEFAULT_PRESET;
  if (!hasPreset(preset)) {
    notices.push(`Unknown preset "${preset}": using ${DEFAULT_PRESET}.`);
    preset = DEFAULT_PRESET;
  }
  const base = presetConfig(preset);
  const wanted = new Map<string, { rawKey: string; raw: string; value: unknown }>();
  for (const [rawKey, raw] of params) {
    if (rawKey === 'preset') continue;
    const path = SHORTHAND[rawKey] ?? rawKey;
    const spec = FIELD_BY_PATH.get(path);
    if (!spec || spec.kind === 'fixed') {
      notices.push(`Ignored unknown setting "${rawKey}".`);
      continue;
    }
    const c = coerce(spec, raw);
    if ('error' in c) notices.push(`Ignored ${rawKey}="${raw}": ${c.error} Kept ${String(valueAt(base, path))}.`);
    else wanted.set(path, { rawKey, raw, value: c.value });
  }
  // Apply everything, then drop whatever the schema rejects (fields can constrain each other).
  let config = base;
  for (let attempt = 0; attempt <= wanted.size; attempt++) {
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
      notices.push(`Ignored ${w.rawKey}="${w.raw}": ${issue.message}. Kept ${String(valueAt(base, path))}.`);
      wanted.delete(path);
      dropped = true;
    }
    if (!dropped) {
      notices.push('The link\'s settings did not fit together: using the preset\'s defaults.');
      break;
    }
  }
  return { preset, config: { ...config, preset }, notices };
}

/** Convenience for tests and links: a hash from a preset plus a few dotted overrides. */
export function hashFor(preset: string, overrides: Record<string, string | number | boolean>): string {
  let config = presetConfig(preset);
  for (const [path, value] of Object.entries(overrides)) config = withValue(config, SHORTHAND[path] ?? path, value);
  return encodeHash(preset, config);
}
