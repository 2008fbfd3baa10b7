import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Recorder } from './recorder';

describe('Recorder', () => {
  it('averages scalars over updates, keeps host numbers, returns the Inspect arrays by name, and frees everything', async () => {
    const before = tf.memory().numTensors;
    const rec = new Recorder();
    rec.mean('loss/policy', tf.scalar(1));
    rec.mean('loss/policy', tf.scalar(2));
    rec.set('value/mean', tf.scalar(7));
    rec.set('value/mean', tf.scalar(8)); // replaces, and frees the 7
    rec.setHost('policy/epochs', 3);
    const adv = tf.tensor1d([1, 3]);
    rec.stats('adv', adv); // mean 2, population std 1; x stays the caller's
    adv.dispose();
    rec.tokens('ratio', tf.tensor2d([[1, 1.5]]));
    rec.advantages(tf.tensor1d([0.5]));
    rec.rolloutImages(tf.zeros([1, 1, 1, 3]));
    const out = await rec.read();
    expect(out.values).toEqual({ 'loss/policy': 1.5, 'value/mean': 8, 'adv/mean': 2, 'adv/std': 1, 'policy/epochs': 3 });
    expect(Array.from(out.inspector.tokens.ratio!)).toEqual([1, 1.5]);
    expect(out.inspector.tokens).not.toHaveProperty('kl');
    expect(Array.from(out.inspector.advantage!)).toEqual([0.5]);
    expect(out.inspector.rolloutImages).toHaveLength(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the running min or max of a scalar beside its mean (TRL clip_ratio/low_min, high_max)', async () => {
    const before = tf.memory().numTensors;
    const rec = new Recorder();
    // Three minibatch steps with lower-clip fractions 0.2, 0.05, 0.1: mean 0.35 / 3, min 0.05;
    // upper-clip fractions 0, 0.3, 0.1: mean 0.4 / 3, max 0.3.
    for (const [low, high] of [[0.2, 0], [0.05, 0.3], [0.1, 0.1]] as const) {
      const l = tf.scalar(low);
      const h = tf.scalar(high);
      rec.extreme('clip/low_min', l, 'min');
      rec.extreme('clip/high_max', h, 'max');
      rec.mean('clip/low', l);
      rec.mean('clip/high', h);
    }
    const out = await rec.read();
    expect(out.values['clip/low_min']).toBeCloseTo(0.05, 6);
    expect(out.values['clip/high_max']).toBeCloseTo(0.3, 6);
    expect(out.values['clip/low']).toBeCloseTo(0.35 / 3, 6);
    expect(out.values['clip/high']).toBeCloseTo(0.4 / 3, 6);
    expect(tf.memory().numTensors).toBe(before);
  });
});
