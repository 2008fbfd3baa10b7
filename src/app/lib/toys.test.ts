import { describe, expect, it } from 'vitest';
import { klSamplingDemo, trustRegionStep } from './toys';

describe('toys', () => {
  it('the KL sampling demo: k1 and k3 unbiased, k3 with less variance, k2 biased', () => {
    const { trueKl, stats } = klSamplingDemo(1, 20_000, 3);
    expect(trueKl).toBe(0.5);
    expect(stats.k1.mean).toBeCloseTo(0.5, 1);
    expect(stats.k3.mean).toBeCloseTo(0.5, 1);
    expect(stats.k3.std).toBeLessThan(stats.k1.std);
    expect(stats.k2.mean).toBeCloseTo(0.625, 1); // biased: E[x^2/2] = (mu^4/4 + mu^2)/2
  });

  it('the trust-region step sits on the KL ellipse and gains more than the gradient step', () => {
    const F = [4, 1, 0.5] as const;
    const { natural, gradient, ellipse, gain } = trustRegionStep([1, 1], F, 0.02);
    const kl = (d: readonly number[]) => 0.5 * (F[0] * d[0]! ** 2 + 2 * F[1] * d[0]! * d[1]! + F[2] * d[1]! ** 2);
    expect(kl(natural)).toBeCloseTo(0.02, 8);
    expect(kl(gradient)).toBeCloseTo(0.02, 8);
    for (const p of ellipse) expect(kl(p)).toBeCloseTo(0.02, 8);
    expect(gain.natural).toBeGreaterThan(gain.gradient);
    expect(() => trustRegionStep([1, 1], [1, 2, 1], 0.1)).toThrow(/positive definite/);
  });
});
