import { describe, expect, it } from 'vitest';
import { VOCAB_SIZE, decode } from '../tokenizer';
import { TASKS, isCorrectAnswer, scoreAnswer } from './index';
import { FRAMES, MOTION_SHIFT, framesOf, permuteFrames, shuffleFrames, shuffledOrder, tileSize } from './motion';
import { BACKGROUND, PALETTE } from './raster';
import type { Split, TaskInstance } from './types';
import { fnv } from './testing.test-utils';

const motion = TASKS.motion;
const gen = (seed: number, split: Split, difficulty: number, jitter = 0, imageSize = 32): TaskInstance => motion.generate({ seed, split, difficulty, imageSize, jitter });

/** Pixels of frame f (0..3, row-major tiles) within 0.05 of `rgb`, as [x, y] in tile pixels. */
function pixelsOf(inst: TaskInstance, frame: number, rgb: readonly number[]): [number, number][] {
  const t = tileSize(inst.imageSize);
  const [ox, oy] = [(frame % 2) * t, Math.floor(frame / 2) * t];
  const out: [number, number][] = [];
  for (let y = 0; y < t; y++) {
    for (let x = 0; x < t; x++) {
      const o = ((oy + y) * inst.imageSize + ox + x) * 3;
      if (Math.hypot(inst.image[o]! - rgb[0]!, inst.image[o + 1]! - rgb[1]!, inst.image[o + 2]! - rgb[2]!) < 0.05) out.push([x, y]);
    }
  }
  return out;
}

const words = (inst: TaskInstance): string[] => decode(inst.promptTokens).split(' ');

describe('motion', () => {
  it('needs the full vocabulary and asks one of its two questions in at most 7 tokens', () => {
    expect(motion.vocabSize).toBe(VOCAB_SIZE);
    const prompts = new Set(Array.from({ length: 60 }, (_, s) => decode(gen(s, 'id', 1 + (s % 3)).promptTokens).replace(/red|green|blue|yellow/, 'C').replace(/circle|square|triangle/, 'S')));
    expect([...prompts].sort()).toEqual(['<bos> how many frames C S ?', '<bos> which way C move ?']);
  });

  it('answers directions and frame counts 1-3 in ID, "still" and 0 or 4 frames as novel answers', () => {
    const answers = (split: Split) => new Set(Array.from({ length: 300 }, (_, s) => gen(s, split, 1 + (s % 3)).answer));
    expect([...answers('id')].sort()).toEqual(['1', '2', '3', 'down', 'left', 'right', 'up']);
    expect([...answers('ood')].sort()).toEqual(['0', '4', 'still']);
    expect([...answers('shift')].sort()).toEqual([...answers('id')].sort());
  });

  it('draws the asked-for object where its trace says, in the first and the last frame, moving the answer\'s way', () => {
    // At jitter 0 a 4-unit square at corner (x, y) covers tile pixels x..x+3 at 32 px (a tile is 16 units of 1 px):
    // its top-left pixel is (x, y). Circles and triangles are narrower at the top, so check the centre instead.
    let checked = 0;
    for (let seed = 0; seed < 80; seed++) {
      const inst = gen(seed, 'id', 1 + (seed % 3));
      if (words(inst)[2] !== 'way') continue;
      const color = words(inst)[3] as keyof typeof PALETTE;
      const [x0, y0, x1, y1] = inst.goldTrace.map(Number) as [number, number, number, number];
      const centre = (f: number) => {
        const px = pixelsOf(inst, f, PALETTE[color]);
        return [px.reduce((s, p) => s + p[0], 0) / px.length, px.reduce((s, p) => s + p[1], 0) / px.length] as const;
      };
      const [a, b] = [centre(0), centre(FRAMES - 1)];
      // The object's centre is its corner + 2 (minus half a pixel for the pixel grid): within a pixel.
      expect(Math.abs(a[0] - (x0 + 1.5))).toBeLessThan(1.01);
      expect(Math.abs(b[1] - (y1 + 1.5))).toBeLessThan(1.01);
      const dx = x1 - x0;
      const dy = y1 - y0;
      const expected = dx > 0 ? 'right' : dx < 0 ? 'left' : dy > 0 ? 'down' : 'up';
      expect(inst.answer).toBe(expected);
      // Level 1 steps 3 units a frame, levels 2-3 two: 9 or 6 units from the first frame to the last.
      expect(Math.abs(dx) + Math.abs(dy)).toBe(inst.difficulty === 1 ? 9 : 6);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('lists the frames the object is in, and the count is how many: its colour is in exactly those tiles (level 1)', () => {
    let checked = 0;
    for (let seed = 0; seed < 60; seed++) {
      const inst = gen(seed, seed % 2 ? 'ood' : 'id', 1);
      if (words(inst)[3] !== 'frames') continue;
      const color = words(inst)[4] as keyof typeof PALETTE;
      const inFrames = [0, 1, 2, 3].filter((f) => pixelsOf(inst, f, PALETTE[color]).length > 0).map((f) => String(f + 1));
      expect(inst.goldTrace).toEqual(inFrames.length === 0 ? ['none'] : inFrames);
      expect(inst.answer).toBe(String(inFrames.length));
      checked++;
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('adds a distractor from level 2 on: static at level 2, moving at level 3', () => {
    const colours = (inst: TaskInstance, f: number) => (Object.keys(PALETTE) as (keyof typeof PALETTE)[]).filter((c) => pixelsOf(inst, f, PALETTE[c]).length > 0);
    const way = (level: number) => Array.from({ length: 40 }, (_, s) => gen(s, 'id', level)).filter((i) => words(i)[2] === 'way');
    expect(way(1).every((i) => colours(i, 0).length === 1)).toBe(true);
    expect(way(2).filter((i) => colours(i, 0).length === 2).length).toBeGreaterThan(way(2).length * 0.8);
    // A static distractor's pixels are the same in frames 1 and 4; at level 3 they move in most pictures.
    const distractorMoves = (i: TaskInstance) => {
      const other = colours(i, 0).find((c) => c !== words(i)[3])!;
      return other !== undefined && JSON.stringify(pixelsOf(i, 0, PALETTE[other])) !== JSON.stringify(pixelsOf(i, 3, PALETTE[other]));
    };
    expect(way(2).some(distractorMoves)).toBe(false);
    expect(way(3).filter(distractorMoves).length).toBeGreaterThan(way(3).length * 0.5);
  });

  it('pins one seeded picture per level and split (FNV-1a of the pixels)', () => {
    const hashes = Object.fromEntries((['id', 'ood', 'shift'] as const).flatMap((split) => [1, 2, 3].map((d) => [`${split}/${d}`, fnv(gen(7, split, d, 0.5).image)])));
    expect(hashes).toMatchInlineSnapshot(`
      {
        "id/1": "467f2485",
        "id/2": "8b23fadd",
        "id/3": "000d9115",
        "ood/1": "1cc8cdc5",
        "ood/2": "416f3b85",
        "ood/3": "cd142405",
        "shift/1": "f7364da5",
        "shift/2": "704ce24d",
        "shift/3": "613e9355",
      }
    `);
  });

  it('honours imageSize: tiles of floor(size / 2), every frame inside its own tile', () => {
    for (const size of [16, 33, 64]) {
      const inst = gen(3, 'id', 1, 0, size);
      expect(inst.image.length).toBe(size * size * 3);
      if (size === 33) {
        // The odd last row and column are outside every tile: background only.
        for (let k = 0; k < 33; k++) {
          const o = (32 * 33 + k) * 3;
          expect([...inst.image.slice(o, o + 3)]).toEqual([...new Float32Array(BACKGROUND)]);
        }
      }
    }
  });

  it('paints the visual-shift background, and only the background differs from the ID picture of the same seed', () => {
    for (let seed = 0; seed < 20; seed++) {
      const [id, shift] = [gen(seed, 'id', 1 + (seed % 3), 1), gen(seed, 'shift', 1 + (seed % 3), 1)];
      const bg = new Float32Array(BACKGROUND);
      const sbg = new Float32Array(MOTION_SHIFT.background);
      for (let p = 0; p < 32 * 32; p++) {
        const a = id.image.slice(p * 3, p * 3 + 3);
        const b = shift.image.slice(p * 3, p * 3 + 3);
        if (a.every((v, c) => v === bg[c])) expect([...b]).toEqual([...sbg]);
        else expect([...b]).toEqual([...a]);
      }
    }
  });

  it('scores trace steps position by position: gold 1, half right 0.5, running on past the gold trace costs', () => {
    const inst = gen(1, 'id', 1); // which way green move ? | 2 8 11 8 => right (pinned below)
    expect([decode(inst.promptTokens), inst.goldTrace.join(' '), inst.answer]).toEqual(['<bos> which way green move ?', '2 8 11 8', 'right']);
    expect(motion.scoreSteps(inst, ['2', '8', '11', '8'])).toBe(1);
    // First frame right (2 of 4 words), last frame wrong: 2 / 4.
    expect(motion.scoreSteps(inst, ['2', '8', '5', '5'])).toBe(0.5);
    // All four right, then two extra words: 4 / max(4, 6) = 2/3.
    expect(motion.scoreSteps(inst, ['2', '8', '11', '8', '1', '1'])).toBeCloseTo(2 / 3, 12);
    expect(motion.scoreSteps(inst, ['8', '2', '8', '11'])).toBe(0);
  });

  it('grades the answer word exactly (the one right direction), through the registry', () => {
    const inst = gen(1, 'id', 1);
    expect(scoreAnswer(inst, 'right')).toBe(1);
    expect(scoreAnswer(inst, 'left')).toBe(0);
    expect(scoreAnswer(inst, null)).toBe(0);
    expect(isCorrectAnswer(inst, 'right')).toBe(true);
    expect(isCorrectAnswer(inst, 'still')).toBe(false);
  });
});

describe('permuteFrames / shuffleFrames', () => {
  it('moves whole tiles: tile k of the result is tile order[k] of the input, and the inverse order undoes it', () => {
    const inst = gen(5, 'id', 3, 1);
    const order = [2, 0, 3, 1];
    const out = permuteFrames(inst.image, 32, order);
    const tile = (img: Float32Array, k: number) => {
      const vals: number[] = [];
      const [ox, oy] = [(k % 2) * 16, Math.floor(k / 2) * 16];
      for (let y = 0; y < 16; y++) vals.push(...img.slice(((oy + y) * 32 + ox) * 3, ((oy + y) * 32 + ox + 16) * 3));
      return vals;
    };
    for (let k = 0; k < 4; k++) expect(tile(out, k)).toEqual(tile(inst.image, order[k]!));
    const inverse = [0, 1, 2, 3].map((k) => order.indexOf(k));
    expect(permuteFrames(out, 32, inverse)).toEqual(inst.image);
    expect(permuteFrames(inst.image, 32, [0, 1, 2, 3])).toEqual(inst.image);
    expect(inst.image).toEqual(gen(5, 'id', 3, 1).image); // the input is not touched
  });

  it('un-tiles the frames in order: framesOf of a permuted image is the permuted list of frames', () => {
    const inst = gen(5, 'id', 3, 1);
    const frames = framesOf(inst.image, 32);
    expect(frames.map((f) => f.length)).toEqual([16 * 16 * 3, 16 * 16 * 3, 16 * 16 * 3, 16 * 16 * 3]);
    // Frame 2 (top-right tile) pixel (3, 4) is image pixel (16 + 3, 4).
    expect([...frames[1]!.slice((4 * 16 + 3) * 3, (4 * 16 + 3) * 3 + 3)]).toEqual([...inst.image.slice((4 * 32 + 19) * 3, (4 * 32 + 19) * 3 + 3)]);
    const order = [3, 2, 0, 1];
    expect(framesOf(permuteFrames(inst.image, 32, order), 32)).toEqual(order.map((k) => frames[k]));
  });

  it('refuses an order that is not a permutation of the four frames', () => {
    expect(() => permuteFrames(new Float32Array(32 * 32 * 3), 32, [0, 1, 1, 3])).toThrow(/permutation of 0..3/);
    expect(() => permuteFrames(new Float32Array(32 * 32 * 3), 32, [0, 1, 2])).toThrow(/permutation/);
  });

  it('shuffles to a seeded order that is never the identity', () => {
    for (let seed = 0; seed < 200; seed++) {
      const order = shuffledOrder(seed);
      expect([...order].sort()).toEqual([0, 1, 2, 3]);
      expect(order).not.toEqual([0, 1, 2, 3]);
      expect(shuffledOrder(seed)).toEqual(order);
    }
    const inst = gen(9, 'id', 2);
    expect(shuffleFrames(inst.image, 32, 4)).toEqual(permuteFrames(inst.image, 32, shuffledOrder(4)));
  });
});
