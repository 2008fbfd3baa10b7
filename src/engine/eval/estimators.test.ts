import { describe, expect, it } from 'vitest';
import { binomialSE, majorityAnswer, passAtK, summarizeSamples } from './estimators';

describe('passAtK (Chen et al. 2021), checked by hand', () => {
  it('is c/n at k = 1', () => {
    expect(passAtK(5, 2, 1)).toBeCloseTo(0.4, 12);
    expect(passAtK(8, 0, 1)).toBe(0);
  });
  it('is 1 - C(n-c,k)/C(n,k)', () => {
    expect(passAtK(5, 2, 2)).toBeCloseTo(1 - 3 / 10, 12); // C(3,2)=3, C(5,2)=10
    expect(passAtK(4, 1, 2)).toBeCloseTo(1 - 3 / 6, 12); // C(3,2)=3, C(4,2)=6
    expect(passAtK(10, 3, 4)).toBeCloseTo(1 - 35 / 210, 12); // C(7,4)=35, C(10,4)=210
  });
  it('is 1 when fewer than k samples are wrong, and 0 with none right', () => {
    expect(passAtK(3, 2, 2)).toBe(1);
    expect(passAtK(3, 0, 2)).toBe(0);
    expect(passAtK(6, 1, 6)).toBe(1); // k = n: best@N
  });
  it('refuses k > n and other nonsense with a sentence', () => {
    expect(() => passAtK(2, 1, 3)).toThrow(/1 <= k <= n/);
    expect(() => passAtK(2, 3, 1)).toThrow(/0 <= c <= n/);
  });
});

describe('binomialSE and majorityAnswer', () => {
  it('binomial SE', () => {
    expect(binomialSE(0.5, 4)).toBeCloseTo(0.25, 12);
    expect(binomialSE(0, 10)).toBe(0);
    expect(binomialSE(0.2, 100)).toBeCloseTo(0.04, 12);
  });
  it('majority: most common parsed answer, ties to the first seen, nulls do not vote', () => {
    expect(majorityAnswer(['3', '4', '4', null, null, null])).toBe('4');
    expect(majorityAnswer(['5', '3', '3', '5'])).toBe('5');
    expect(majorityAnswer([null, null])).toBeNull();
  });
});

describe('summarizeSamples', () => {
  it('combines prompts: two prompts, n = 4, k = 2', () => {
    const s = summarizeSamples(
      [
        { gold: '3', answers: ['3', '4', '4', null] }, // c = 1: pass@2 = 1 - C(3,2)/C(4,2) = 0.5; majority '4' wrong
        { gold: '7', answers: ['7', '7', '1', '7'] }, // c = 3: pass@2 = 1; majority right
      ],
      2,
    );
    expect(s.n).toBe(4);
    expect(s.sampleAccuracy.value).toBeCloseTo(4 / 8, 12);
    expect(s.sampleAccuracy.se).toBeCloseTo(Math.sqrt(0.25 / 8), 12);
    expect(s.passAtK.value).toBeCloseTo(0.75, 12);
    expect(s.passAtK.se).toBeCloseTo(Math.sqrt((0.75 * 0.25) / 2), 12);
    expect(s.bestOfN.value).toBe(1);
    expect(s.bestOfN.se).toBe(0);
    expect(s.majorityOfN.value).toBe(0.5);
  });
  it('refuses ragged sample counts', () => {
    expect(() => summarizeSamples([{ gold: '1', answers: ['1'] }, { gold: '1', answers: ['1', '2'] }], 1)).toThrow(/same number/);
  });
});
