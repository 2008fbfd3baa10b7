import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gatherImageRows, groupedImages, imagesPerRow, pickRows, type SharedImages } from './images';
import { ModelConfigSchema } from './config';
import { Policy, type ForwardOutput } from './index';
import { TINY_CONFIG, biasTowardEos, randomInputs, randomResponses, tileRows } from './testing';

const B = 2;
const G = 3;
const T = 5;

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

function outputs(f: ForwardOutput): tf.Tensor[] {
  return [f.logp, f.entropy, f.values, ...(f.logProbs ? [f.logProbs] : [])];
}

describe('pickRows', () => {
  it('copies image rows to their rows and sums the rows’ gradients per image', () => {
    // x = [[1, 2], [3, 4]], rows see images [1, 1, 0] -> [[3, 4], [3, 4], [1, 2]].
    // Loss = Σ w ⊙ out with w = [[1, 1], [10, 10], [100, 100]]: image 0 is seen by row 2 only,
    // so dL/dx0 = [100, 100]; image 1 by rows 0 and 1, so dL/dx1 = [1 + 10, 1 + 10] = [11, 11].
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const row = tf.tensor1d([1, 1, 0], 'int32');
    const w = tf.tensor2d([[1, 1], [10, 10], [100, 100]]);
    const out = tf.tidy(() => pickRows(x, row));
    expect(out.arraySync()).toEqual([[3, 4], [3, 4], [1, 2]]);
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, pickRows(v, row))))(x);
    expect(grad.arraySync()).toEqual([[100, 100], [11, 11]]);
    tf.dispose([x, row, w, out, grad]);
  });

  it('one distinct image (a batch of one prompt; tf.oneHot refuses depth 1): every row gets it, the gradient sums them', () => {
    // x = [[1, 2]], rows [0, 0, 0]; loss = Σ out with weights 1, 10, 100 per row: dL/dx0 = [111, 111].
    const x = tf.tensor2d([[1, 2]]);
    const row = tf.tensor1d([0, 0, 0], 'int32');
    const w = tf.tensor2d([[1, 1], [10, 10], [100, 100]]);
    const out = tf.tidy(() => pickRows(x, row));
    expect(out.arraySync()).toEqual([[1, 2], [1, 2], [1, 2]]);
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, pickRows(v, row))))(x);
    expect(grad.arraySync()).toEqual([[111, 111]]);
    tf.dispose([x, row, w, out, grad]);
  });
});

describe('shared images: each distinct image encoded once', () => {
  let policy: Policy;
  let images: tf.Tensor4D; // [B, ...] clean
  let noisy: tf.Tensor4D; // [B, ...] another image per prompt (NoisyRollout's perturbed copy)
  let prompts: tf.Tensor2D; // [B·G, P]
  let responses: tf.Tensor2D; // [B·G, T]

  beforeAll(() => {
    policy = Policy.create(TINY_CONFIG, 5);
    biasTowardEos(policy, 2);
    const a = randomInputs(TINY_CONFIG, B, 21);
    const b = randomInputs(TINY_CONFIG, B, 22);
    images = a.images;
    noisy = b.images;
    prompts = tileRows(a.prompts, G);
    tf.dispose([a.prompts, b.prompts]);
    responses = randomResponses(B * G, T, 23);
  });
  afterAll(() => {
    tf.dispose([images, noisy, prompts, responses]);
    policy.dispose();
  });

  /** Group-by-group rows (row i sees image ⌊i/G⌋), or hybrid groups (the last `perturbed` rows of each group see the noisy image). */
  function shared(perturbed: number): SharedImages {
    if (perturbed === 0) return groupedImages(images.clone(), G);
    const row = Array.from({ length: B * G }, (_, i) => (i % G >= G - perturbed ? B : 0) + Math.floor(i / G));
    return { distinct: tf.concat([images, noisy]), row: tf.tensor1d(row, 'int32') };
  }

  /** The weighted loss whose gradient both layouts must agree on: log-probs, entropies and values all reach it. */
  function loss(p: Policy, imgs: tf.Tensor4D | SharedImages, pr = prompts, re = responses): tf.Scalar {
    const f = p.forward(imgs, pr, re, { temperature: 0.9 });
    const w = tf.reshape(tf.linspace(-1, 2, re.shape[0] * re.shape[1]), re.shape);
    return tf.sum(tf.add(tf.add(tf.mul(w, f.logp), tf.mul(0.1, f.entropy)), tf.mul(0.5, f.values)));
  }

  it.each([
    ['G identical rows per group', 0],
    ['hybrid groups (clean and noisy rows in one group)', 2],
  ])('%s: forward and every gradient equal the per-row pass to 1e-5', (_name, perturbed) => {
    const s = shared(perturbed);
    const perRow = imagesPerRow(s); // [B·G, H, W, 3]: what the passes used to see
    const a = policy.forward(perRow, prompts, responses, { temperature: 0.9, full: true });
    const b = policy.forward(s, prompts, responses, { temperature: 0.9, full: true });
    for (const k of ['logp', 'entropy', 'values', 'logProbs'] as const) expect(maxAbsDiff(a[k]!, b[k]!)).toBeLessThan(1e-5);
    const ga = tf.variableGrads(() => loss(policy, perRow), policy.trainableVariables);
    const gb = tf.variableGrads(() => loss(policy, s), policy.trainableVariables);
    expect(Math.abs(ga.value.dataSync()[0]! - gb.value.dataSync()[0]!)).toBeLessThan(1e-4);
    let encoderGrads = 0;
    for (const [name, v] of policy.net.store.byName) {
      const scale = Math.max(1, tf.tidy(() => tf.max(tf.abs(ga.grads[v.name]!)).dataSync()[0]!));
      expect(maxAbsDiff(ga.grads[v.name]!, gb.grads[v.name]!) / scale, name).toBeLessThan(1e-5);
      if (name.startsWith('enc.')) encoderGrads += tf.tidy(() => tf.sum(tf.abs(gb.grads[v.name]!)).dataSync()[0]!);
    }
    expect(encoderGrads).toBeGreaterThan(0); // the gradient does reach the encoder through the copy
    tf.dispose([s.distinct, s.row, perRow, ...outputs(a), ...outputs(b), ga.value, gb.value, ga.grads, gb.grads]);
  });

  it.each([1, 2, 5])('two decoder layers, T = %i: forward and every gradient equal the per-row pass to 1e-5', (t) => {
    // The shared pass runs the decoder's visual positions once per image and the text as a
    // continuation over their keys and values: checked with a second layer and every T, T = 1 included.
    const deep = Policy.create(ModelConfigSchema.parse({ ...TINY_CONFIG, nLayers: 2, encoderLayers: 0 }), 6);
    const s = shared(2);
    const perRow = imagesPerRow(s);
    const re = tf.slice(responses, [0, 0], [B * G, t]);
    const a = deep.forward(perRow, prompts, re);
    const b = deep.forward(s, prompts, re);
    for (const k of ['logp', 'entropy', 'values'] as const) expect(maxAbsDiff(a[k], b[k])).toBeLessThan(1e-5);
    const ga = tf.variableGrads(() => loss(deep, perRow, prompts, re), deep.trainableVariables);
    const gb = tf.variableGrads(() => loss(deep, s, prompts, re), deep.trainableVariables);
    for (const [name, v] of deep.net.store.byName) {
      const scale = Math.max(1, tf.tidy(() => tf.max(tf.abs(ga.grads[v.name]!)).dataSync()[0]!));
      expect(maxAbsDiff(ga.grads[v.name]!, gb.grads[v.name]!) / scale, name).toBeLessThan(1e-5);
    }
    tf.dispose([s.distinct, s.row, perRow, re, ...outputs(a), ...outputs(b), ga.value, gb.value, ga.grads, gb.grads]);
    deep.dispose();
  });

  it('runs the encoder on the K distinct images, not the N rows', () => {
    const spy = vi.spyOn(policy.net, 'encodeImages');
    const s = shared(2);
    tf.dispose(outputs(policy.forward(s, prompts, responses)));
    expect(spy.mock.calls.map((c) => c[0].shape[0])).toEqual([2 * B]); // 4 images for 6 rows
    spy.mockRestore();
    tf.dispose([s.distinct, s.row]);
  });

  it('a minibatch of shared rows (gatherImageRows) equals the same rows per image', () => {
    const s = shared(2);
    const idx = tf.tensor1d([5, 0, 4, 2, 3], 'int32');
    const rows = gatherImageRows(s, idx);
    const perRow = tf.tidy(() => tf.gather(imagesPerRow(s), idx));
    const pr = tf.gather(prompts, idx);
    const re = tf.gather(responses, idx);
    const a = policy.forward(perRow, pr, re);
    const b = policy.forward(rows, pr, re);
    expect(maxAbsDiff(a.logp, b.logp)).toBeLessThan(1e-5);
    expect(maxAbsDiff(a.values, b.values)).toBeLessThan(1e-5);
    tf.dispose([s.distinct, s.row, idx, rows, perRow, pr, re, ...outputs(a), ...outputs(b)]);
  });

  it('hybrid generation (groupSize 1 over shared rows) samples the same tokens as per-row images', async () => {
    const s = shared(2);
    const perRow = imagesPerRow(s);
    const opts = { groupSize: 1, temperature: 1, topK: 0, maxNewTokens: T, seed: 9 };
    const spy = vi.spyOn(policy.net, 'encodeImages');
    const a = await policy.sample(perRow, prompts, opts);
    const b = await policy.sample(s, prompts, opts);
    expect(spy.mock.calls.map((c) => c[0].shape[0])).toEqual([B * G, 2 * B]);
    spy.mockRestore();
    expect(Array.from(b.tokenIds)).toEqual(Array.from(a.tokenIds));
    expect(maxAbsDiff(a.logp, b.logp)).toBeLessThan(1e-5);
    const c = await policy.sample(s, prompts, { ...opts, useKvCache: false }); // the recompute baseline takes shared images too
    expect(Array.from(c.tokenIds)).toEqual(Array.from(a.tokenIds));
    tf.dispose([s.distinct, s.row, perRow, a.tokens, a.logp, a.mask, b.tokens, b.logp, b.mask, c.tokens, c.logp, c.mask]);
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const s = shared(2);
    const g = tf.variableGrads(() => loss(policy, s), policy.trainableVariables);
    tf.dispose([s.distinct, s.row, g.value, g.grads]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
