import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphInk } from './font';
import { BACKGROUND, PALETTE, createRaster, drawDigit, drawShape, fillCircle, fillRect, getPixel, jitterColor } from './raster';

const RED = PALETTE.red;

/** "x,y" of every pixel that is not background. */
function painted(r: ReturnType<typeof createRaster>): Set<string> {
  const out = new Set<string>();
  for (let y = 0; y < r.size; y++) for (let x = 0; x < r.size; x++) if (getPixel(r, x, y)[0] !== Math.fround(BACKGROUND[0])) out.add(`${x},${y}`);
  return out;
}

describe('raster', () => {
  it('starts as a uniform light background of [size, size, 3]', () => {
    const r = createRaster(4);
    expect(r.data.length).toBe(48);
    expect(Array.from(getPixel(r, 3, 3))).toEqual(Array.from(new Float32Array(BACKGROUND)));
    expect(Math.min(...BACKGROUND)).toBeGreaterThan(0.8);
  });

  it('fills a radius-3 circle at (16,16) with exactly the pixels whose centres are inside', () => {
    const r = createRaster(32);
    fillCircle(r, 16, 16, 3, RED);
    const px = painted(r);
    // Rows 13..18 hold 4, 6, 6, 6, 6, 4 pixels: 32 in all (by hand: dx^2 + dy^2 <= 9 at half-integer offsets).
    expect(px.size).toBe(32);
    for (const p of ['16,16', '15,15', '13,16', '18,16', '16,13', '16,18', '14,13', '17,18']) expect(px.has(p), p).toBe(true);
    for (const p of ['13,13', '18,18', '16,12', '16,19', '12,16', '19,16']) expect(px.has(p), p).toBe(false);
    expect(Array.from(getPixel(r, 16, 16))).toEqual(Array.from(new Float32Array(RED)));
  });

  it('fills an integer rectangle with exactly w x h pixels and clips at the border', () => {
    const r = createRaster(8);
    fillRect(r, 2, 3, 4, 2, RED);
    expect([...painted(r)].sort()).toEqual(['2,3', '2,4', '3,3', '3,4', '4,3', '4,4', '5,3', '5,4']);
    const edge = createRaster(8);
    fillRect(edge, 6, 6, 5, 5, RED);
    expect(painted(edge).size).toBe(4);
  });

  it('draws a triangle narrow at the top and wide at the bottom', () => {
    const r = createRaster(16);
    drawShape(r, 'triangle', 8, 8, 6, RED);
    const width = (y: number): number => Array.from({ length: 16 }, (_, x) => x).filter((x) => painted(r).has(`${x},${y}`)).length;
    expect([5, 6, 7, 8, 9, 10].map(width)).toEqual([2, 2, 4, 4, 6, 6]);
    expect(width(4)).toBe(0);
    expect(width(11)).toBe(0);
  });

  it('draws the digit 1 at scale 2 as its 3x5 glyph of 2x2 blocks', () => {
    const r = createRaster(16);
    drawDigit(r, 1, 4, 2, 2, RED);
    const px = painted(r);
    // '1' = .#. / ##. / .#. / .#. / ###: 8 ink cells -> 32 pixels.
    expect(px.size).toBe(32);
    expect(px.has('6,2') && px.has('7,3') && px.has('4,4') && px.has('9,11')).toBe(true);
    expect(px.has('4,2') || px.has('8,4')).toBe(false);
  });

  it('has ten distinct 3x5 digit glyphs', () => {
    const keys = Array.from({ length: 10 }, (_, d) => {
      let key = '';
      for (let row = 0; row < GLYPH_HEIGHT; row++) for (let col = 0; col < GLYPH_WIDTH; col++) key += glyphInk(d, col, row) ? '#' : '.';
      return key;
    });
    expect(new Set(keys).size).toBe(10);
    expect(() => glyphInk(10, 0, 0)).toThrow(/0\.\.9/);
  });

  it('jitters colours by at most 0.1 per channel and stays in [0, 1]', () => {
    const rng = new Rng(1);
    for (let k = 0; k < 200; k++) {
      const c = jitterColor(PALETTE.yellow, rng, 1);
      c.forEach((v, i) => {
        expect(Math.abs(v - Math.min(1, PALETTE.yellow[i]!))).toBeLessThanOrEqual(0.1 + 1e-9);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      });
    }
    expect(jitterColor(RED, new Rng(2), 0)).toEqual(RED);
  });
});
