import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveKLController,
  FixedKLController,
  HalveDoubleKLController,
  backtrackingLineSearch,
  conjugateGradient,
  trustRegionStepScale,
} from './trustRegion';
import { close } from './testing.test-utils';

describe('conjugateGradient', () => {
  it('frees its vectors when fvp throws mid-solve (a lost device): nothing outlives the failure', () => {
    const A = tf.tensor2d([[4, 1], [1, 3]]);
    const b = tf.tensor1d([1, 2]);
    let calls = 0;
    const fvp = (v: tf.Tensor1D): tf.Tensor1D => {
      if (++calls === 2) throw new Error('device lost');
      return tf.tidy(() => tf.squeeze<tf.Tensor1D>(tf.matMul(A, tf.reshape(v, [2, 1]))));
    };
    const before = tf.memory().numTensors;
    expect(() => conjugateGradient(fvp, b, 10)).toThrow('device lost');
    expect(calls).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([A, b]);
  });
  // A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]] (SPD), b = [1, 2, 3].
  // det A = 4·(3·2 - 1·1) - 1·(1·2 - 1·0) = 18; Cramer's rule:
  //   x1 = det[[1,1,0],[2,3,1],[3,1,2]] / 18 = (1·5 - 1·1) / 18 = 4/18  = 2/9
  //   x2 = det[[4,1,0],[1,2,1],[0,3,2]] / 18 = (4·1 - 1·2) / 18 = 2/18  = 1/9
  //   x3 = det[[4,1,1],[1,3,2],[0,1,3]] / 18 = (4·7 - 1·3 + 1·1) / 18 = 26/18 = 13/9
  // Check: 4·2/9 + 1/9 = 1;  2/9 + 3/9 + 13/9 = 2;  1/9 + 26/9 = 3.
  const A = tf.tensor2d([
    [4, 1, 0],
    [1, 3, 1],
    [0, 1, 2],
  ]);
  const fvp = (v: tf.Tensor1D): tf.Tensor1D => tf.tidy(() => tf.reshape(tf.matMul(A, tf.reshape(v, [3, 1])), [3]));
  const b = tf.tensor1d([1, 2, 3]);

  it('solves a 3x3 SPD system in 3 iterations', () => {
    const { x, iterations, residualNorm2 } = conjugateGradient(fvp, b);
    close(x, [2 / 9, 1 / 9, 13 / 9]);
    expect(iterations).toBe(3);
    expect(residualNorm2).toBeLessThan(1e-10);
  });

  it('one iteration is a steepest-descent step with the exact line minimiser', () => {
    // α = bᵀb / bᵀAb = 14 / (1·6 + 2·10 + 3·8) = 14 / 50 = 0.28;  x = 0.28 · b
    close(conjugateGradient(fvp, b, 1).x, [0.28, 0.56, 0.84]);
  });

  it('b = 0 returns 0 without calling fvp; a non-PD operator stops at once', () => {
    const zero = conjugateGradient(fvp, tf.zeros<tf.Rank.R1>([3]));
    expect(zero.iterations).toBe(0);
    close(zero.x, [0, 0, 0]);
    const negDef = conjugateGradient((v) => tf.neg(v), b);
    expect(negDef.iterations).toBe(0);
    close(negDef.x, [0, 0, 0]);
  });

  it('does not leak: only x survives', () => {
    const before = tf.memory().numTensors;
    const { x } = conjugateGradient(fvp, b);
    expect(tf.memory().numTensors - before).toBe(1);
    x.dispose();
    tf.tidy(() => {
      conjugateGradient(fvp, b);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trustRegionStepScale', () => {
  it('β = sqrt(2δ / sᵀFs)', () => {
    expect(trustRegionStepScale(8, 0.01)).toBeCloseTo(0.05, 10); // sqrt(0.02 / 8) = sqrt(0.0025)
    expect(trustRegionStepScale(0, 0.01)).toBe(0);
  });
});

describe('backtrackingLineSearch', () => {
  // Minimise (θ - 1)² from θ = 0 along a full step of 4 (an overshoot). Loss before = 1;
  // g = -2, so the expected first-order improvement of the full step is -g · 4 = 8.
  const loss = (theta: number): number => (theta - 1) ** 2;
  const base = { lossBefore: 1, expectedImprove: 8, maxKl: Infinity };

  it('halves until the loss improves enough', () => {
    // frac 1: θ = 4, loss 9 (worse);  frac 0.5: θ = 2, loss 1 (no gain);
    // frac 0.25: θ = 1, loss 0, gain 1 vs expected 0.25 · 8 = 2: ratio 0.5 > 0.1 -> accept.
    const r = backtrackingLineSearch({ ...base, evaluate: (f) => ({ loss: loss(4 * f), kl: 0 }) });
    expect(r).toEqual({ accepted: true, stepFrac: 0.25, backtracks: 2, loss: 0, kl: 0 });
  });

  it('keeps backtracking while KL exceeds the trust region', () => {
    // With kl = θ²/2 and δ = 0.1: θ = 1 (kl 0.5) and θ = 0.5 (kl 0.125) are rejected;
    // θ = 0.25: kl 0.03125, loss 0.5625, gain 0.4375 vs expected 0.5 -> accept after 4 backtracks.
    const r = backtrackingLineSearch({ ...base, maxKl: 0.1, evaluate: (f) => ({ loss: loss(4 * f), kl: (4 * f) ** 2 / 2 }) });
    expect(r).toEqual({ accepted: true, stepFrac: 0.0625, backtracks: 4, loss: 0.5625, kl: 0.03125 });
  });

  it('a stricter accept ratio asks for a gain closer to the linear prediction', () => {
    // acceptRatio 0.9: ratios 0.5, 0.75, 0.875 fail; frac 1/32: θ = 0.125, gain 0.234375 / 0.25 = 0.9375 passes.
    const r = backtrackingLineSearch({ ...base, acceptRatio: 0.9, evaluate: (f) => ({ loss: loss(4 * f), kl: 0 }) });
    expect(r.stepFrac).toBe(1 / 32);
    expect(r.backtracks).toBe(5);
  });

  it('reports failure when no step is acceptable', () => {
    const r = backtrackingLineSearch({ ...base, maxBacktracks: 2, evaluate: (f) => ({ loss: loss(4 * f), kl: 0 }) });
    expect(r).toEqual({ accepted: false, stepFrac: 0, backtracks: 2, loss: 1, kl: 0 });
  });
});

describe('KL controllers', () => {
  it('AdaptiveKLController: β *= 1 + clip(KL/target - 1, ±0.2) · nSteps / horizon', () => {
    const c = new AdaptiveKLController(0.2, 6, 10000);
    // KL 9: error 0.5 -> clipped to 0.2; β = 0.2 · (1 + 0.2 · 256/10000) = 0.2 · 1.00512 = 0.201024
    c.update(9, 256);
    expect(c.value).toBeCloseTo(0.201024, 10);
    // KL 3: error -0.5 -> -0.2; β = 0.201024 · 0.99488 = 0.19999476...
    c.update(3, 256);
    expect(c.value).toBeCloseTo(0.201024 * 0.99488, 10);
    // KL 6.6: error 0.1 (inside the clip); β *= 1.00256
    c.update(6.6, 256);
    expect(c.value).toBeCloseTo(0.201024 * 0.99488 * 1.00256, 10);
    // A NaN KL leaves β alone.
    const before = c.value;
    c.update(NaN, 256);
    expect(c.value).toBe(before);
  });

  it('HalveDoubleKLController: Schulman et al. 2017 sec. 4, β / 2 below target / 1.5, β · 2 above 1.5 · target', () => {
    // target 0.01: the band where β stays is [0.01 / 1.5, 0.01 · 1.5] = [0.0066667, 0.015].
    const c = new HalveDoubleKLController(1, 0.01);
    c.update(0.02, 256); // 0.02 > 0.015: doubles, 1 -> 2
    expect(c.value).toBe(2);
    c.update(0.012, 256); // inside the band: stays 2 (the proportional rule would move it by +4%/horizon)
    expect(c.value).toBe(2);
    c.update(0.015, 256); // exactly 1.5 · target is not above it: stays
    expect(c.value).toBe(2);
    c.update(0.005, 256); // 0.005 < 0.0066667: halves, 2 -> 1
    expect(c.value).toBe(1);
    c.update(0.0001, 256); // far below: halves once, not by the size of the miss, 1 -> 0.5
    expect(c.value).toBe(0.5);
    c.update(NaN, 256); // a NaN KL leaves β alone
    expect(c.value).toBe(0.5);
    expect(() => new HalveDoubleKLController(1, 0)).toThrow(/target KL must be positive/);
  });

  it('FixedKLController never moves', () => {
    const c = new FixedKLController(0.04);
    c.update(100, 256);
    expect(c.value).toBe(0.04);
  });

  it('rejects nonsense settings', () => {
    expect(() => new AdaptiveKLController(0.1, 0, 10000)).toThrow(/target KL must be positive/);
    expect(() => new FixedKLController(-1)).toThrow(/beta must be >= 0/);
  });
});
