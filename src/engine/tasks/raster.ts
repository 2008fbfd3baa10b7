/**
 * A tiny pure-TS rasteriser: no canvas, so images are bit-identical in Node, in a worker
 * and on every backend. Images are [size, size, 3] row-major RGB in [0, 1].
 *
 * Coverage rule: a pixel is inside a shape iff its centre (x + 0.5, y + 0.5) is. No
 * anti-aliasing, so every object pixel has exactly its object's colour and tests can count
 * pixels by hand.
 */
import type { Rng } from '../random';
import type { Color, Shape } from '../tokenizer';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphInk } from './font';

export type Rgb = readonly [number, number, number];

export const BACKGROUND: Rgb = [0.93, 0.93, 0.9];
export const INK: Rgb = [0.12, 0.12, 0.14];
export const GRID_LINE: Rgb = [0.7, 0.7, 0.7];
/** Far apart in RGB (and yellow is dark enough in blue to stand out on the light background). */
export const PALETTE: Readonly<Record<Color, Rgb>> = {
  red: [0.86, 0.16, 0.16],
  green: [0.13, 0.62, 0.22],
  blue: [0.16, 0.33, 0.88],
  yellow: [0.95, 0.78, 0.08],
};

export interface Raster {
  readonly size: number;
  /** [size, size, 3] row-major. */
  readonly data: Float32Array;
}

export function createRaster(size: number, background: Rgb = BACKGROUND): Raster {
  if (!Number.isInteger(size) || size < 1) throw new Error(`Image size must be a positive integer, got ${size}.`);
  const data = new Float32Array(size * size * 3);
  for (let p = 0; p < size * size; p++) data.set(background, p * 3);
  return { size, data };
}

export function getPixel(r: Raster, x: number, y: number): Rgb {
  const o = (y * r.size + x) * 3;
  return [r.data[o]!, r.data[o + 1]!, r.data[o + 2]!];
}

/** Out-of-bounds writes are clipped: shapes may graze the border at high jitter. */
export function setPixel(r: Raster, x: number, y: number, rgb: Rgb): void {
  if (x < 0 || y < 0 || x >= r.size || y >= r.size) return;
  r.data.set(rgb, (y * r.size + x) * 3);
}

/** Fill every pixel of the box [x0, x1) x [y0, y1) whose centre passes `inside`. */
function fillWhere(r: Raster, x0: number, y0: number, x1: number, y1: number, rgb: Rgb, inside: (x: number, y: number) => boolean): void {
  const xa = Math.max(0, Math.floor(x0));
  const ya = Math.max(0, Math.floor(y0));
  const xb = Math.min(r.size, Math.ceil(x1));
  const yb = Math.min(r.size, Math.ceil(y1));
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) if (inside(x + 0.5, y + 0.5)) setPixel(r, x, y, rgb);
  }
}

export function fillCircle(r: Raster, cx: number, cy: number, radius: number, rgb: Rgb): void {
  const r2 = radius * radius;
  fillWhere(r, cx - radius, cy - radius, cx + radius + 1, cy + radius + 1, rgb, (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r2);
}

/** Pixels whose centres lie in [x0, x0 + w) x [y0, y0 + h): an integer box fills exactly w x h pixels. */
export function fillRect(r: Raster, x0: number, y0: number, w: number, h: number, rgb: Rgb): void {
  fillWhere(r, x0, y0, x0 + w, y0 + h, rgb, (x, y) => x >= x0 && x < x0 + w && y >= y0 && y < y0 + h);
}

/**
 * Upward isosceles triangle in a side x side box centred on (cx, cy). The +0.25 widens each
 * row by half a pixel so the apex is 2 pixels wide rather than empty at small sizes.
 */
export function fillTriangle(r: Raster, cx: number, cy: number, side: number, rgb: Rgb): void {
  const top = cy - side / 2;
  fillWhere(r, cx - side / 2, top, cx + side / 2 + 1, top + side, rgb, (x, y) => y >= top && y < top + side && Math.abs(x - cx) <= (y - top) / 2 + 0.25);
}

/** `size` is the diameter of a circle, the side of a square, base and height of a triangle. */
export function drawShape(r: Raster, shape: Shape, cx: number, cy: number, size: number, rgb: Rgb): void {
  if (shape === 'circle') fillCircle(r, cx, cy, size / 2, rgb);
  else if (shape === 'square') fillRect(r, cx - size / 2, cy - size / 2, size, size, rgb);
  else fillTriangle(r, cx, cy, size, rgb);
}

/**
 * A digit with its top-left corner at integer pixel (x0, y0), each font cell a scale x scale block.
 * `slant` (pixels, default 0) shears it into an italic: pixel row y of the glyph moves right by
 * round(slant * (1 - (y + 0.5) / height)), so the top leans `slant` pixels right of the baseline.
 */
export function drawDigit(r: Raster, digit: number, x0: number, y0: number, scale: number, rgb: Rgb, slant = 0): void {
  const height = GLYPH_HEIGHT * scale;
  for (let row = 0; row < GLYPH_HEIGHT; row++) {
    for (let col = 0; col < GLYPH_WIDTH; col++) {
      if (!glyphInk(digit, col, row)) continue;
      if (slant === 0) fillRect(r, x0 + col * scale, y0 + row * scale, scale, scale, rgb);
      else {
        for (let py = row * scale; py < (row + 1) * scale; py++) fillRect(r, x0 + col * scale + Math.round(slant * (1 - (py + 0.5) / height)), y0 + py, scale, 1, rgb);
      }
    }
  }
}

/** Each channel moves by up to ±0.1 x amount: visible variety, yet far from any other palette colour. */
export function jitterColor(rgb: Rgb, rng: Rng, amount: number): Rgb {
  const c = (v: number): number => Math.min(1, Math.max(0, v + (rng.next() * 2 - 1) * 0.1 * amount));
  return [c(rgb[0]), c(rgb[1]), c(rgb[2])];
}

/**
 * Pixel noise: every channel of every pixel moves by uniform(-amount, amount), clamped to [0, 1].
 * Drawn from its own seeded Rng, so the picture under it is unchanged.
 */
export function addNoise(r: Raster, rng: Rng, amount: number): void {
  for (let i = 0; i < r.data.length; i++) r.data[i] = Math.min(1, Math.max(0, r.data[i]! + (rng.next() * 2 - 1) * amount));
}

export function shade(rgb: Rgb, factor: number): Rgb {
  return [rgb[0] * factor, rgb[1] * factor, rgb[2] * factor];
}
