import { RunConfigSchema, type RunConfig } from '../../engine/config';
import { getPath, setPath } from '../../engine/paths';
import { FIELDS, FIELD_BY_PATH, coerce, toDraftValue, type FieldSpec } from './fields';

/**
 * Forking a run: which knobs branch B may change, and B's config from one knob's raw input,
 * checked by the config schema (an error is one sentence naming the knob).
 *
 * A fork starts from the run's newest checkpoint (a run keeps one: its latest, saved every 10
 * iterations, on pause and at the end), so the knobs the weights fix (the task, its image
 * size, the model) and the run length (set by the fork's own "iterations after the fork") are
 * not offered.
 */

const FIXED_BY_WEIGHTS = (path: string): boolean => path.startsWith('model.') || path === 'task.task' || path === 'task.imageSize' || path === 'run.iterations' || path === 'name';

/** The knobs a fork may change, in the config panel's order, each with its help text. */
export const FORK_KNOBS: readonly FieldSpec[] = FIELDS.filter((f) => f.kind !== 'fixed' && !FIXED_BY_WEIGHTS(f.path));

export type ForkConfig = { config: RunConfig; change: string } | { error: string };

const show = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));

/** B's config: `config` with `path` set from the raw input, validated by RunConfigSchema. */
export function forkConfig(config: RunConfig, path: string, raw: string | boolean): ForkConfig {
  const spec = FIELD_BY_PATH.get(path);
  if (!spec || !FORK_KNOBS.includes(spec)) return { error: `"${path}" is not a knob a fork can change (the checkpoint's weights fix the task, the image size and the model).` };
  const c = coerce(spec, raw);
  if ('error' in c) return { error: `${path}: ${c.error}` };
  const before = getPath(config, path);
  if (c.value === before) return { error: `${path} is already ${show(before)}: pick another value, or branch B would be branch A.` };
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  setPath(copy, path, c.value);
  const parsed = RunConfigSchema.safeParse(copy);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || path;
    return { error: `${path} = ${show(c.value)} is refused by the config: ${where}: ${issue?.message ?? 'invalid'}.` };
  }
  return { config: parsed.data, change: `${path}: ${show(before)} → ${show(c.value)}` };
}

/** The knob's current value as an input holds it. */
export function knobDraft(config: RunConfig, path: string): string | boolean {
  const spec = FIELD_BY_PATH.get(path);
  return spec ? toDraftValue(spec, getPath(config, path)) : '';
}

export type Determinism = { identical: boolean; text: string };

/** What the backend promises about two branches on the same seed and weights. */
export function forkDeterminism(backend: string | undefined): Determinism {
  switch (backend) {
    case 'cpu':
      return { identical: true, text: 'cpu backend: deterministic. A and B compute the same numbers until the knob first acts.' };
    case 'wasm':
      return {
        identical: true,
        text: 'wasm backend: deterministic for a fixed thread count, and this page runs wasm on one thread (it is not cross-origin isolated). A and B agree until the knob first acts.',
      };
    default:
      return {
        identical: false,
        text: `${backend ?? 'This'} backend: GPU kernels may sum in a different order from one call to the next, so A and B can drift apart by rounding even before the knob acts. Use ?backend=cpu or wasm for an exact A/B.`,
      };
  }
}
