import { describe, expect, it } from 'vitest';
import { nextColor, paletteColor, RUN_COLORS } from './colors';

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const dist = (a: string, b: string) => Math.hypot(...rgb(a).map((x, i) => x - rgb(b)[i]!));

describe('run palette', () => {
  it('starts with the fixed colour-blind-friendly colours', () => {
    RUN_COLORS.forEach((c, i) => expect(paletteColor(i)).toBe(c));
  });
  it('gives 40 distinct, well separated colours (no repeat after 10 runs)', () => {
    const cs = Array.from({ length: 40 }, (_, i) => paletteColor(i));
    expect(new Set(cs).size).toBe(40);
    for (const c of cs) expect(c).toMatch(/^#[0-9A-F]{6}$/);
    // Each generated colour is visibly apart from every earlier one, and not near-white.
    for (let i = 10; i < 30; i++) {
      for (let j = 0; j < i; j++) expect(dist(cs[i]!, cs[j]!)).toBeGreaterThan(20);
      expect(Math.max(...rgb(cs[i]!))).toBeLessThan(250);
    }
  });
  it('nextColor takes the first colour not in use, past the first ten', () => {
    const used: string[] = [];
    for (let i = 0; i < 25; i++) used.push(nextColor(used));
    expect(new Set(used).size).toBe(25);
    expect(nextColor([RUN_COLORS[0], RUN_COLORS[2]])).toBe(RUN_COLORS[1]);
  });
});
