import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { SCRATCH_DEPS, tinyConfig } from '../train/testing';
import { createTrainer } from '../train/trainer';
import type { Rows, UpdateContext } from './common';
import { fisherVectorProduct, flatten, naturalDirection, unflatten } from './trpo';

/**
 * A one-state softmax policy π = softmax(θ) over K actions. Its Fisher in θ is known in closed
 * form, F = diag(p) - p pᵀ, and equals the Hessian at θ_old of the full KL(π_old || π_θ).
 */
function softmaxPolicy(logits: number[]) {
  const theta = tf.tidy(() => tf.variable(tf.tensor1d(logits)));
  const pOld = tf.softmax(tf.tensor1d(logits));
  const logpOld = tf.logSoftmax(tf.tensor1d(logits));
  const fullKl = () => tf.sum<tf.Scalar>(tf.mul(pOld, tf.sub(logpOld, tf.logSoftmax(theta))));
  const dispose = () => tf.dispose([theta, pOld, logpOld]);
  return { theta, fullKl, dispose };
}

const fv = (fvp: (v: tf.Tensor1D) => tf.Tensor1D, v: number[]): number[] => {
  const vt = tf.tensor1d(v);
  const out = fvp(vt);
  const data = Array.from(out.dataSync());
  tf.dispose([vt, out]);
  return data;
};

describe('TRPO Fisher-vector product (finite differences of the KL gradient)', () => {
  it('matches F v computed by hand for p = (1/6, 2/6, 3/6)', () => {
    // θ = log(1, 2, 3): p = (1, 2, 3) / 6. F = diag(p) - p pᵀ, so for v = e_1:
    //   F e_1 = (p1 - p1², -p1 p2, -p1 p3) = (5/36, -2/36, -3/36).
    const pol = softmaxPolicy([Math.log(1), Math.log(2), Math.log(3)]);
    const fvp = fisherVectorProduct(pol.fullKl, [pol.theta], 0);
    const got = fv(fvp, [1, 0, 0]);
    [5 / 36, -2 / 36, -3 / 36].forEach((want, i) => expect(got[i]).toBeCloseTo(want, 4));
    // The parameters are restored exactly.
    expect(Array.from(pol.theta.dataSync())).toEqual(Array.from(tf.tensor1d([Math.log(1), Math.log(2), Math.log(3)]).dataSync()));
    pol.dispose();
  });

  it('matches (diag(p) - p pᵀ) v + damping · v for a random direction', () => {
    const logits = [0.3, -1.2, 0.8, 0.1, -0.4];
    const pol = softmaxPolicy(logits);
    const z = logits.map(Math.exp);
    const p = z.map((x) => x / z.reduce((a, b) => a + b));
    const v = [0.5, -1, 2, 0.25, -0.75];
    const pv = p.reduce((a, pi, i) => a + pi * v[i]!, 0);
    const damping = 0.1;
    const want = p.map((pi, i) => pi * v[i]! - pi * pv + damping * v[i]!);
    const got = fv(fisherVectorProduct(pol.fullKl, [pol.theta], damping), v);
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 4));
    pol.dispose();
  });

  it('with the k3 estimate on sampled actions, gives the empirical Fisher mean_i g_i g_iᵀ v (g_i = e_{a_i} - p)', () => {
    const logits = [0.2, -0.5, 1.0];
    const actions = [0, 2, 2, 1];
    const pol = softmaxPolicy(logits);
    const oneHot = tf.oneHot(tf.tensor1d(actions, 'int32'), 3);
    const logpOld = tf.tidy(() => tf.sum(tf.mul(oneHot, tf.logSoftmax(tf.tensor1d(logits))), 1));
    // ρ - 1 - log ρ per sampled action, ρ = π_θ(a) / π_old(a): what trpo.ts minimises the KL through.
    const k3 = () =>
      tf.tidy(() => {
        const lr = tf.sub(tf.sum(tf.mul(oneHot, tf.logSoftmax(pol.theta)), 1), logpOld);
        return tf.mean<tf.Scalar>(tf.sub(tf.sub(tf.exp(lr), 1), lr));
      });
    const z = logits.map(Math.exp);
    const p = z.map((x) => x / z.reduce((a, b) => a + b));
    const v = [1, -2, 0.5];
    const want = [0, 0, 0];
    for (const a of actions) {
      const g = p.map((pi, i) => (i === a ? 1 : 0) - pi);
      const gv = g.reduce((s, gi, i) => s + gi * v[i]!, 0);
      g.forEach((gi, i) => (want[i]! += (gi * gv) / actions.length));
    }
    const got = fv(fisherVectorProduct(k3, [pol.theta], 0), v);
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 4));
    tf.dispose([oneHot, logpOld]);
    pol.dispose();
  });

  it('flatten and unflatten are inverses', () => {
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const b = tf.tensor1d([5]);
    const flat = flatten([a, b]);
    expect(Array.from(flat.dataSync())).toEqual([1, 2, 3, 4, 5]);
    const [a2, b2] = unflatten(flat, [a, b]);
    expect(a2!.shape).toEqual([2, 2]);
    expect(Array.from(b2!.dataSync())).toEqual([5]);
    tf.dispose([a, b, flat, a2!, b2!]);
  });
});

describe('TRPO natural direction: a failure mid-solve leaves no tensor behind', () => {
  /**
   * A one-state softmax policy over 3 actions read by 4 rows of 2 sampled tokens; its forward
   * throws on call `failAt` (as a lost device would), anywhere in the solve: in either gradient
   * of a Fisher-vector product, in CG's products, in the last product that gives xᵀFx.
   */
  function setup(failAt: number) {
    const theta = tf.variable(tf.tensor1d([0.2, -0.5, 1.0]));
    const tokens = tf.tensor2d([[0, 2], [2, 1], [1, 1], [0, 0]]);
    // log π(token) of each row's tokens, [rows, 2].
    const logpOf = (t: tf.Tensor2D) => tf.tidy(() => tf.reshape<tf.Rank.R2>(tf.gather(tf.logSoftmax(theta), tf.reshape(tf.cast(t, 'int32'), [-1])), t.shape));
    const rows: Rows = { images: tf.zeros([4, 1, 1, 1]), prompts: tf.zeros([4, 1]), tokens, mask: tf.ones([4, 2]), oldLogp: logpOf(tokens), refLogp: null, refLogProbs: null, oldLogProbs: null, advantages: tf.ones<tf.Rank.R1>([4]) };
    let calls = 0;
    const forward = (_images: tf.Tensor, _prompts: tf.Tensor, t: tf.Tensor2D) => {
      if (++calls === failAt) throw new Error('device lost');
      return { logp: logpOf(t) };
    };
    const ctx = {
      batch: { n: 4, T: 2 },
      // Half the rows for the Fisher: the gathered copies are tensors the solve must free too.
      config: { objective: { algorithm: 'trpo', trpoFisherFrac: 0.5, trpoDamping: 0.1, trpoCgIters: 3, policyKl: 'k3' }, sampling: { temperature: 1 } },
      rng: new Rng(1),
      policy: { forward },
    } as unknown as UpdateContext;
    const g = tf.tensor1d([0.3, -0.1, -0.2]);
    const dispose = () => tf.dispose([theta, tokens, rows.images, rows.prompts, rows.mask, rows.oldLogp, rows.advantages, g]);
    return { ctx, rows, vars: [theta], g, dispose, calls: () => calls };
  }

  it('returns x and xᵀFx, and on a throw at any forward pass frees everything it made', () => {
    const ok = setup(0);
    const before = tf.memory().numTensors;
    const { x, xFx } = naturalDirection(ok.ctx, ok.rows, ok.vars, ok.g);
    expect(xFx).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before + 1); // x, the caller's
    x.dispose();
    const total = ok.calls(); // 2 per Fisher-vector product: CG's and the last one
    expect(total).toBeGreaterThanOrEqual(4);
    ok.dispose();
    for (let failAt = 1; failAt <= total; failAt++) {
      const bad = setup(failAt);
      const at = tf.memory().numTensors;
      expect(() => naturalDirection(bad.ctx, bad.rows, bad.vars, bad.g), `failing at forward ${failAt}`).toThrow('device lost');
      expect(tf.memory().numTensors, `failing at forward ${failAt} of ${total}`).toBe(at);
      // The parameters are back where they were.
      expect(Array.from(bad.vars[0]!.dataSync()).map((v) => Number(v.toFixed(6)))).toEqual([0.2, -0.5, 1.0]);
      bad.dispose();
    }
  });
});

/** KL(π_old ‖ π_new) by k3 over every sampled token, from the inspector's per-token log-probs. */
function meanK3(samples: readonly { logp: ArrayLike<number>; oldLogp: ArrayLike<number> }[]): number {
  let sum = 0;
  let count = 0;
  for (const s of samples) {
    for (let t = 0; t < s.logp.length; t++) {
      const x = s.logp[t]! - s.oldLogp[t]!;
      sum += Math.exp(x) - 1 - x;
      count++;
    }
  }
  return sum / count;
}

describe('TRPO step', () => {
  it.each([1e-3, 1e-2])('keeps the mean KL to π_old within δ = %s after the line search (k3 constraint, checked from the tokens)', async (maxKl) => {
    const config = tinyConfig('trpo', { objective: { trpoMaxKl: maxKl, trpoCgIters: 5, policyKl: 'k3' } });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    try {
      const m = await trainer.step();
      expect(m.values['trpo/accepted']).toBe(1);
      expect(m.values['policy/approx_kl']).toBeGreaterThan(0);
      expect(m.values['policy/approx_kl']).toBeLessThanOrEqual(maxKl);
      // Recompute KL(π_old || π_new) from the inspector's per-token log-probs: the same bound holds.
      const k3 = meanK3(trainer.inspectBatches()[0]!.samples);
      expect(k3).toBeLessThanOrEqual(maxKl * 1.001);
      expect(k3).toBeCloseTo(m.values['policy/approx_kl']!, 5);
    } finally {
      trainer.dispose();
    }
  });

  it('with the exact KL (policyKl exact, the default) takes a step whose exact mean KL is within δ = 1e-3, and not the k3 number', async () => {
    const maxKl = 1e-3;
    const config = tinyConfig('trpo', { objective: { trpoMaxKl: maxKl, trpoCgIters: 5 } });
    expect(config.objective.policyKl).toBe('exact');
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    try {
      const m = await trainer.step();
      expect(m.values['trpo/accepted']).toBe(1);
      expect(m.values['policy/approx_kl']).toBeGreaterThan(0);
      expect(m.values['policy/approx_kl']).toBeLessThanOrEqual(maxKl);
      // The sampled k3 of the same step is a different number (its estimate, with sampling noise).
      const k3 = meanK3(trainer.inspectBatches()[0]!.samples);
      expect(Math.abs(k3 - m.values['policy/approx_kl']!)).toBeGreaterThan(1e-6);
    } finally {
      trainer.dispose();
    }
  });
});
