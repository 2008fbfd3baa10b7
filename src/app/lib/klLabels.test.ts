import { describe, expect, it } from 'vitest';
import { klLabels } from './klLabels';
import { klSamplingDemo } from './toys';

describe("the KL explainer's labels follow its table", () => {
  it('at a small log-ratio: k1 has the highest variance, and the lowest is whichever the table says', () => {
    const d = klSamplingDemo(0.3, 2000, 1);
    const l = klLabels(d.stats, d.trueKl, 2000);
    expect(l.k1).toContain('the highest variance');
    const low = d.stats.k2.std < d.stats.k3.std ? 'k2' : 'k3';
    expect(l[low]).toContain('the lowest variance');
    expect(l.k1).toMatch(/^unbiased here/);
  });
  it('at a large log-ratio the words change with the numbers (no fixed "low variance")', () => {
    const d = klSamplingDemo(2, 2000, 1);
    const l = klLabels(d.stats, d.trueKl, 2000);
    const order = (['k1', 'k2', 'k3'] as const).slice().sort((a, b) => d.stats[a].std - d.stats[b].std);
    expect(l[order[0]!]).toContain('the lowest variance');
    expect(l[order[2]!]).toContain('the highest variance');
    // k2 = x²/2 overestimates a large KL, and the label says so with the table's number.
    expect(d.stats.k2.mean - d.trueKl).toBeGreaterThan(0);
    expect(l.k2).toMatch(/^biased here \(overestimates/);
    expect(l.k2).not.toContain('the lowest variance');
  });
  it('calls a mean unbiased only within 2 standard errors', () => {
    const stats = { k1: { mean: 1.05, std: 1 }, k2: { mean: 1.5, std: 0.5 }, k3: { mean: 1, std: 0.8 } };
    const l = klLabels(stats, 1, 400); // 2 SE of k1's mean = 0.1
    expect(l.k1).toMatch(/^unbiased/);
    expect(l.k2).toMatch(/^biased here \(overestimates by 0.50\)/);
    expect(l.k3).toContain('middle variance');
  });
});
