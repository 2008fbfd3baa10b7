import type { RunConfig } from '../../engine/config';
import { leaves } from '../../engine/paths';
import { PRESETS, applyPreset, presetDiff } from '../../engine/presets';
import { valueAt } from './fields';

/**
 * The app's view of the engine's presets (src/engine/presets.ts): a list for the
 * selector and the knobs each one sets (marked in the config panel). Switching presets goes
 * through `applyPreset`, which keeps what no preset owns (task, model size, seed, budget).
 */

export interface Knob {
  path: string;
  value: unknown;
  /** The value differs from the default (GRPO's): how this preset differs from GRPO. */
  changed: boolean;
}

export interface PresetInfo {
  id: string;
  title: string;
  summary: string;
  /** Every knob the preset sets. */
  knobs: Knob[];
}

export const DEFAULT_PRESET = 'grpo';

function knobsOf(id: string): Knob[] {
  const config = applyPreset(id);
  const changed = new Set(presetDiff(id).map((d) => d.path));
  return leaves(PRESETS[id as keyof typeof PRESETS].overrides).map(([path]) => ({ path, value: valueAt(config, path), changed: changed.has(path) }));
}

export const PRESET_LIST: readonly PresetInfo[] = Object.values(PRESETS).map((p) => ({
  id: p.id,
  title: p.title,
  summary: p.summary,
  knobs: knobsOf(p.id),
}));

const BY_ID = new Map(PRESET_LIST.map((p) => [p.id, p]));

export const hasPreset = (id: string): boolean => BY_ID.has(id);
export const presetInfo = (id: string): PresetInfo | undefined => BY_ID.get(id);
export const presetTitle = (id: string): string => BY_ID.get(id)?.title ?? id;

/** The preset applied to the defaults, or to `base` (whose non-preset settings are kept). */
export function presetConfig(id: string, base?: RunConfig): RunConfig {
  return applyPreset(id, base);
}

/** Switch presets, keeping everything no preset owns (applyPreset resets every preset knob first). */
export function switchPreset(_from: string, to: string, current: RunConfig): RunConfig {
  return applyPreset(to, { ...current, preset: to });
}

/** Paths the preset sets, for marking fields. */
export function presetPaths(id: string): Set<string> {
  return new Set((presetInfo(id)?.knobs ?? []).map((k) => k.path));
}
