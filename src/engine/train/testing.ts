/**
 * Fixtures for trainer and algorithm tests: a tiny model and batch so an iteration takes
 * well under a second on the cpu backend, and an in-memory checkpoint store. Not part of the
 * public API.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { applyPreset, type PresetId } from '../presets';
import { RunConfigSchema, type RunConfig, type RunConfigInput } from '../config';
import type { TrainerDeps } from './types';

/** 4 visual tokens, width 16, one decoder block, no encoder block. */
export const TINY_MODEL = { imageSize: 16, patchSize: 8, dModel: 16, nHeads: 2, nLayers: 1, encoderLayers: 0, ffnMult: 2, promptLen: 8, maxResponseLen: 12 };

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

function deepMerge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

/**
 * A preset on the tiny model: count level 1, 16x16 images, B=2 prompts x G=4, 12 new tokens,
 * from scratch, seed 1 (whose first batch has reward spread). The rewards include `length` and `hackable`, which a random policy already
 * scores unevenly (some samples stop, some say "because"), so advantages are not all 0.
 */
export function tinyConfig(preset: PresetId, overrides: RunConfigInput = {}): RunConfig {
  const base: RunConfigInput = {
    model: TINY_MODEL,
    task: { task: 'count', imageSize: 16, difficulty: 1 },
    sampling: { promptsPerIter: 2, groupSize: 4, maxNewTokens: 12 },
    rewards: { weights: { accuracy: 1, format: 0.2, length: 1, hackable: 1 } },
    run: { init: 'scratch', iterations: 3, evalEvery: 0, evalN: 4, keepBatches: 2, seed: 1 },
  };
  const withPreset = applyPreset(preset, base);
  // Overrides go on top of the preset (applyPreset would put preset knobs back).
  return RunConfigSchema.parse(deepMerge(withPreset, overrides));
}

/** An IOHandler that keeps one saved model in memory. */
export function memoryHandler(): tf.io.IOHandler & { saved: () => boolean } {
  let artifacts: tf.io.ModelArtifacts | null = null;
  return {
    save(a: tf.io.ModelArtifacts) {
      artifacts = a;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    },
    load() {
      if (!artifacts) return Promise.reject(new Error('memoryHandler: nothing saved'));
      return Promise.resolve(artifacts);
    },
    saved: () => artifacts !== null,
  };
}

/** Deps for a run from scratch (a warm start is an error). */
export const SCRATCH_DEPS: TrainerDeps = {
  loadWarmStart: () => {
    throw new Error('this test runs from scratch');
  },
};
