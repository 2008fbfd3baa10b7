import { describe, expect, it } from 'vitest';
import { formatTick } from './ticks';

const clean = (s: string) => !/0+e|\.0+$|\.\d*0$|e\+|\d{7,}/.test(s);

describe('formatTick', () => {
  it('keeps ordinary ranges as plain numbers', () => {
    expect([0, 0.2, 0.4, 0.6, 0.8, 1].map(formatTick)).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
    expect(formatTick(0.1 + 0.2)).toBe('0.3');
    expect(formatTick(250)).toBe('250');
  });
  it('handles negative ranges', () => {
    expect([-0.04, -0.02, 0, 0.02].map(formatTick)).toEqual(['-0.04', '-0.02', '0', '0.02']);
    expect(formatTick(-1500)).toBe('-1500');
    expect(formatTick(-0)).toBe('0');
  });
  it('writes tiny values as a short exponent, without trailing zeros', () => {
    expect(formatTick(1e-4)).toBe('1e-4');
    expect(formatTick(2.5e-4)).toBe('2.5e-4');
    expect(formatTick(-5e-7)).toBe('-5e-7');
    for (const v of [1e-4, 2e-4, 3e-4, 4e-4]) expect(clean(formatTick(v))).toBe(true);
  });
  it('writes large values as a short exponent', () => {
    expect(formatTick(1e5)).toBe('1e5');
    expect(formatTick(1.25e6)).toBe('1.25e6');
    expect(formatTick(-3e9)).toBe('-3e9');
  });
  it('keeps ticks of a narrow range apart', () => {
    const ticks = [1.0001, 1.0002, 1.0003].map(formatTick);
    expect(new Set(ticks).size).toBe(3);
    expect(ticks.every(clean)).toBe(true);
  });
  it('never shows "00e" or ".0000"', () => {
    for (let e = -9; e <= 9; e++) for (const m of [1, 2, 2.5, 5]) expect(clean(formatTick(m * 10 ** e))).toBe(true);
  });
});
