import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { imagesPerRow } from '../model';
import type { TaskInstance } from '../tasks/types';
import { assembleBatch, disposeAssembled, type HostSample, type RolloutRound } from './rollout';

/** A round of B = 2 one-pixel images (values v, v+1) with G = 2 rows each; token of row i = 10·v + i. */
function round(v: number): RolloutRound {
  const g = 2;
  const samples = Array.from({ length: 4 }, () => ({ scored: { total: 0, byFn: { accuracy: 0 } } }) as unknown as HostSample);
  return {
    instances: [{ seed: v }, { seed: v + 1 }] as unknown as TaskInstance[],
    images: tf.tensor4d([v, v, v, v + 1, v + 1, v + 1], [2, 1, 1, 3]),
    rolloutImages: null,
    prompts: tf.tensor2d([[v], [v + 1]], [2, 1], 'int32'),
    tokens: tf.tensor2d(Array.from({ length: 2 * g }, (_, i) => [10 * v + i]), [4, 1], 'int32'),
    logp: tf.zeros([4, 1]),
    mask: tf.ones([4, 1]),
    samples,
    rewardMs: 0,
    temporal: null,
  };
}

describe('assembleBatch', () => {
  it('keeps one image per kept group, shared by its G rows, in the order of the rows', () => {
    // Round 0 has images 1, 2; round 1 has images 5, 6. Keep group 1 of round 0 and groups 0, 1 of round 1:
    // distinct images [2, 5, 6], rows (G = 2) see [2, 2, 5, 5, 6, 6]; tokens [12, 13, 50, 51, 52, 53] follow the same order.
    const rounds = [round(1), round(5)];
    const batch = assembleBatch(rounds, [{ round: 0, group: 1 }, { round: 1, group: 0 }, { round: 1, group: 1 }], 2);
    expect(batch.images.distinct.shape).toEqual([3, 1, 1, 3]);
    expect(Array.from(batch.images.row.dataSync())).toEqual([0, 0, 1, 1, 2, 2]);
    const perRow = imagesPerRow(batch.images);
    expect(Array.from(tf.tidy(() => tf.reshape(tf.slice(perRow, [0, 0, 0, 0], [6, 1, 1, 1]), [6])).dataSync())).toEqual([2, 2, 5, 5, 6, 6]);
    expect(Array.from(batch.prompts.dataSync())).toEqual([2, 2, 5, 5, 6, 6]);
    expect(Array.from(batch.tokens.dataSync())).toEqual([12, 13, 50, 51, 52, 53]);
    perRow.dispose();
    disposeAssembled(batch);
    for (const r of rounds) tf.dispose([r.images, r.prompts, r.tokens, r.logp, r.mask]);
  });
});
