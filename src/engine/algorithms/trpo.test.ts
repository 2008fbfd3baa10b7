import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SCRATCH_DEPS, tinyConfig } from '../train/testing';
import { createTrainer } from '../train/trainer';
import { fisherVectorProduct, flatten, unflatten } from './trpo';

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
      let sum = 0;
      let count = 0;
      for (const s of trainer.inspectBatches()[0]!.samples) {
        s.logp.forEach((lp, t) => {
          const x = lp - s.oldLogp[t]!;
          sum += Math.exp(x) - 1 - x;
          count++;
        });
      }
      expect(sum / count).toBeLessThanOrEqual(maxKl * 1.001);
      expect(sum / count).toBeCloseTo(m.values['policy/approx_kl']!, 5);
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
      let sum = 0;
      let count = 0;
      for (const s of trainer.inspectBatches()[0]!.samples) {
        s.logp.forEach((lp, t) => {
          const x = lp - s.oldLogp[t]!;
          sum += Math.exp(x) - 1 - x;
          count++;
        });
      }
      expect(Math.abs(sum / count - m.values['policy/approx_kl']!)).toBeGreaterThan(1e-6);
    } finally {
      trainer.dispose();
    }
  });
});
