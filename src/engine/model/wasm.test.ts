// The CLIs run the engine on the wasm backend with IS_TEST set. This file (its own process
// under vitest's forks pool) checks the model there against the cpu backend: every kernel and
// gradient exists, none trips wasm's per-kernel leak check (tf.logSoftmax and tf.fused.matMul
// did), and the numbers agree (wasm's OneHot once wrote int32 bits into float32 embeddings).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { Policy, type SampleOptions } from './index';
import { TINY_CONFIG, randomInputs, randomResponses, tileRows } from './testing';

const G = 3;
const SAMPLE: SampleOptions = { groupSize: G, temperature: 0.8, topK: 5, maxNewTokens: 6, seed: 1, returnLogits: true };

interface Snapshot {
  logits: number[][][];
  logp: number[][];
  values: number[][];
  greedy: number[];
  sampled: number[];
}

/** Everything worth comparing, computed on the current backend from seed-3 weights. */
async function snapshot(): Promise<Snapshot & { kvVsFull: number }> {
  const p = Policy.create(TINY_CONFIG, 3);
  const { images, prompts } = randomInputs(TINY_CONFIG, 2, 4);
  const responses = randomResponses(2, 6, 5);
  const logits = p.responseLogits(images, prompts, responses);
  const out = p.forward(images, prompts, responses, { temperature: 0.9 });
  const greedy = await p.sample(images, prompts, { ...SAMPLE, greedy: true });
  const sampled = await p.sample(images, prompts, SAMPLE);
  const [im, pr] = [tileRows(images, G), tileRows(prompts, G)];
  const full = p.responseLogits(im, pr, sampled.tokens);
  const kvVsFull = tf.tidy(() => tf.max(tf.abs(tf.sub(full, sampled.logits!))).dataSync()[0]!);
  const snap = {
    logits: logits.arraySync(),
    logp: out.logp.arraySync(),
    values: out.values.arraySync(),
    greedy: Array.from(greedy.tokenIds),
    sampled: Array.from(sampled.tokenIds),
    kvVsFull,
  };
  for (const s of [greedy, sampled]) tf.dispose([s.tokens, s.logp, s.mask, s.logits!]);
  tf.dispose([images, prompts, responses, logits, out.logp, out.entropy, out.values, im, pr, full]);
  p.dispose();
  return snap;
}

const maxDiff = (a: unknown, b: unknown): number => {
  const fa = [a].flat(3) as number[];
  const fb = [b].flat(3) as number[];
  expect(fa.length).toBe(fb.length);
  return Math.max(...fa.map((x, i) => Math.abs(x - fb[i]!)));
};

describe('Policy on the wasm backend', () => {
  it('computes what the cpu backend computes, and its KV cache matches recomputation', async () => {
    const cpu = await snapshot();
    tf.env().set('IS_TEST', true); // the per-kernel leak check, as in the CLIs
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      const wasm = await snapshot();
      expect(maxDiff(wasm.logits, cpu.logits)).toBeLessThan(1e-4);
      expect(maxDiff(wasm.logp, cpu.logp)).toBeLessThan(1e-4);
      expect(maxDiff(wasm.values, cpu.values)).toBeLessThan(1e-5);
      expect(wasm.greedy).toEqual(cpu.greedy);
      expect(wasm.sampled).toEqual(cpu.sampled); // the sampling noise is seeded in JS, not by the backend
      expect(wasm.kvVsFull).toBeLessThan(1e-4);
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('trains: Adam steps through forward lower the loss', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      const p = Policy.create(TINY_CONFIG, 3);
      const { images, prompts } = randomInputs(TINY_CONFIG, 2, 4);
      const responses = randomResponses(2, 6, 5);
      const opt = tf.train.adam(1e-2);
      const loss = () =>
        tf.tidy(() => {
          const out = p.forward(images, prompts, responses, { temperature: 0.9 });
          return tf.add<tf.Scalar>(tf.neg(tf.mean(out.logp)), tf.mean(tf.square(tf.sub(out.values, 1))));
        });
      const costs: number[] = [];
      for (let i = 0; i < 4; i++) {
        const c = opt.minimize(loss, true, p.trainableVariables)!;
        costs.push(c.dataSync()[0]!);
        c.dispose();
      }
      expect(costs[0]).toBeGreaterThan(3); // ~log V + 1: real numbers, not garbage bits
      expect(costs[3]).toBeLessThan(costs[0]! - 0.3);
      tf.dispose([images, prompts, responses]);
      opt.dispose();
      p.dispose();
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
