import { getPath } from '../../engine/paths';
import type { Lesson } from '../lessons';

/** The presets a lesson's steps run besides its own: a "Switch to" button's, and a Compare button's arms. */
export function lessonPresets(lesson: Lesson): string[] {
  return lesson.steps.flatMap((s) => (s.action?.kind === 'preset' ? [s.action.preset] : s.action?.kind === 'compare' ? s.action.presets : []));
}

/**
 * Whether a run belongs to a lesson: trained with one of the lesson's presets, and with every
 * lesson setting the learner cannot change from the lesson (not one of its controls, not a
 * step's "set" button) as the lesson sets it. A run from an earlier lesson, or one started
 * outside any lesson, is not the lesson's: the lesson's charts leave it out by default, so a
 * run that collapsed elsewhere does not set their scale.
 */
export function lessonOwnsRun(lesson: Lesson, config: unknown): boolean {
  const presets = new Set([lesson.preset, ...lessonPresets(lesson)]);
  if (!lesson.presetPicker && !presets.has(String(getPath(config, 'preset')))) return false;
  const free = new Set([...lesson.controls, ...lesson.steps.flatMap((s) => (s.action?.kind === 'set' ? [s.action.path, ...Object.keys(s.action.also ?? {})] : []))]);
  return Object.entries(lesson.settings).every(([path, value]) => free.has(path) || getPath(config, path) === value);
}

/**
 * Whether the Train view may offer to resume `runConfig` under the panel's config: only when
 * the panel's config came from that run (same preset, and during a lesson only the lesson's own
 * runs), not when a lesson's config sits in the panel beside an unrelated run.
 */
export function resumeOffered(runConfig: unknown, panelConfig: unknown, lesson: Lesson | undefined): boolean {
  if (getPath(runConfig, 'preset') !== getPath(panelConfig, 'preset')) return false;
  return lesson ? lessonOwnsRun(lesson, runConfig) : true;
}
