import { RunConfigSchema, type RunConfig } from '../../engine/config';
import { getPath, setPath, type Json } from '../../engine/paths';
import { applyPreset } from '../../engine/presets';
import type { Lesson } from './index';
import { armSettings, type LessonArm } from './promises';

/**
 * The config an arm of a lesson trains: its preset, the lesson's settings, the arm's, the seed,
 * then `overrides` (dotted paths; the smoke test's tiny model), checked by the schema. The
 * lesson's URL gives the same config for the lesson's own arm (lessons.test.ts checks it).
 */
export function armConfig(lesson: Lesson, arm: LessonArm, seed: number, overrides: Record<string, unknown> = {}): RunConfig {
  const { preset, settings } = armSettings(lesson, arm);
  const json = JSON.parse(JSON.stringify(applyPreset(preset))) as Json;
  for (const [path, value] of Object.entries(settings)) setPath(json, path, value);
  setPath(json, 'run.seed', seed);
  for (const [path, value] of Object.entries(overrides)) setPath(json, path, value);
  return RunConfigSchema.parse(json);
}

/**
 * Which arm of a lesson a run is: the arm whose config agrees with the run's on every knob
 * any arm changes (and on the preset). undefined for a run that is none of them (an edited one).
 */
export function armOfRun(lesson: Lesson, config: unknown): LessonArm | undefined {
  const arms = lesson.promise?.arms ?? [];
  const knobs = [...new Set(arms.flatMap((a) => Object.keys(a.settings)))];
  return arms.find((arm) => {
    const want = armConfig(lesson, arm, 1);
    return getPath(config, 'preset') === want.preset && knobs.every((k) => getPath(config, k) === getPath(want, k));
  });
}
