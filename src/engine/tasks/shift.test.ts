/**
 * The visual-shift split ('shift'): ID answers in pictures training never shows. These tests pin
 * (1) that the ID and novel-answer (ood) pictures did not change when it came (the warm-start
 * checkpoints were trained on them), (2) one seeded shift picture per task, (3) that shift
 * answers lie inside the ID answer space, and (4) that each task's shift property really differs
 * from ID's while the picture's content (layout, digits, answer) is the ID one for the same seed.
 */
import { describe, expect, it } from 'vitest';
import { decode, type Color } from '../tokenizer';
import { AREA_SHIFT } from './area';
import { COMPARE_SHIFT } from './compare';
import { COUNT_SHIFT } from './count';
import { DIGIT_SUM_SHIFT } from './digit-sum';
import { LOCATE_SHIFT } from './locate';
import { TASKS } from './index';
import { BACKGROUND, INK, PALETTE } from './raster';
import { SPLITS, SPLIT_LABELS, TASK_IDS, isSplit, type Split, type TaskId, type TaskInstance } from './types';

/** FNV-1a over a string or the bytes of a Float32Array, as 8 hex digits. */
function fnv(data: Float32Array | string): string {
  let h = 0x811c9dc5;
  const mix = (x: number) => {
    h ^= x;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  if (typeof data === 'string') for (let i = 0; i < data.length; i++) mix(data.charCodeAt(i));
  else for (const b of new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) mix(b);
  return h.toString(16);
}

/** One hash over 54 pictures of a task's split: 3 levels x 3 seeds x jitter 0/0.5/1 x sizes 16/32. */
function splitDigest(task: TaskId, split: Split): string {
  const hashes: string[] = [];
  for (const difficulty of [1, 2, 3]) {
    for (const seed of [11, 12, 13]) {
      for (const jitter of [0, 0.5, 1]) {
        for (const imageSize of [16, 32]) hashes.push(fnv(TASKS[task].generate({ seed, split, difficulty, imageSize, jitter }).image).padStart(8, '0'));
      }
    }
  }
  return fnv(hashes.join(''));
}

const gen = (task: TaskId, seed: number, split: Split, difficulty = 2, jitter = 0.5): TaskInstance =>
  TASKS[task].generate({ seed, split, difficulty, imageSize: 32, jitter });

const pixels = (inst: TaskInstance): [number, number, number][] =>
  Array.from({ length: inst.image.length / 3 }, (_, p) => [inst.image[p * 3]!, inst.image[p * 3 + 1]!, inst.image[p * 3 + 2]!]);
const dist = (a: readonly number[], b: readonly number[]): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
const f32 = (rgb: readonly number[]): number[] => Array.from(new Float32Array(rgb));

describe('the splits', () => {
  it('are id, ood and shift, labelled for the page ("novel answers" for ood)', () => {
    expect([...SPLITS]).toEqual(['id', 'ood', 'shift']);
    expect(SPLIT_LABELS).toEqual({ id: 'ID', ood: 'novel answers', shift: 'visual shift' });
    expect(isSplit('shift')).toBe(true);
    expect(isSplit('test')).toBe(false);
  });

  it('leave the ID and novel-answer pictures exactly as the warm starts were trained on (hashes taken before the shift split)', () => {
    const digests = Object.fromEntries(TASK_IDS.flatMap((t) => (['id', 'ood'] as const).map((s) => [`${t}/${s}`, splitDigest(t, s)])));
    expect(digests).toEqual({
      'count/id': 'dcf948b3',
      'count/ood': '13c82dc3',
      'digit-sum/id': 'ddf649f0',
      'digit-sum/ood': 'aa272cd7',
      'compare/id': '377cae3f',
      'compare/ood': 'c4e06754',
      'area/id': '1a5f1fe8',
      'area/ood': '266169bc',
      // motion came with its own warm start, trained on these.
      'motion/id': 'ad32a6cb',
      'motion/ood': '9b3c55b7',
      'locate/id': 'ff6e3936',
      'locate/ood': '1a50f279',
      // click came after the shift split; its warm start is trained on these.
      'click/id': '55a67700',
      'click/ood': '7c2b1336',
    });
  });

  it('pin one seeded visual-shift picture per task (and all 54 of the digest)', () => {
    const one = Object.fromEntries(TASK_IDS.map((t) => [t, fnv(gen(t, 7, 'shift').image)]));
    const all = Object.fromEntries(TASK_IDS.map((t) => [t, splitDigest(t, 'shift')]));
    expect({ one, all }).toMatchInlineSnapshot(`
      {
        "all": {
          "area": "e5f5cc22",
          "click": "f9a6df72",
          "compare": "34221d4e",
          "count": "f82a0c1",
          "digit-sum": "10ef51d3",
          "locate": "720b3c8a",
          "motion": "618f378f",
        },
        "one": {
          "area": "2541b5d8",
          "click": "bdc0bcbd",
          "compare": "287d9785",
          "count": "fe154aad",
          "digit-sum": "a1eaf3f5",
          "locate": "9a342805",
          "motion": "704ce24d",
        },
      }
    `);
  });

  it.each(TASK_IDS)('%s: every shift answer is an ID answer, at every level (the same answers, in fact)', (t) => {
    for (let level = 1; level <= TASKS[t].levels; level++) {
      const answers = (split: Split) => new Set(Array.from({ length: 200 }, (_, s) => gen(t, s, split, level).answer));
      const id = answers('id');
      const shift = answers('shift');
      for (const a of shift) expect(id.has(a), `${t} level ${level}: shift answer ${a} is not an ID answer`).toBe(true);
      expect(shift.size).toBe(id.size);
    }
  });

  it.each(TASK_IDS)('%s: a shift picture asks the same question, with the same answer, as the ID picture of its seed', (t) => {
    for (let seed = 0; seed < 40; seed++) {
      const [id, shift] = [gen(t, seed, 'id', 1 + (seed % 3)), gen(t, seed, 'shift', 1 + (seed % 3))];
      expect([shift.promptTokens, shift.answer, shift.goldTrace]).toEqual([id.promptTokens, id.answer, id.goldTrace]);
      expect(fnv(shift.image)).not.toBe(fnv(id.image));
    }
  });

  it('every task says what its shift is, and why a reader should still answer', () => {
    for (const t of TASK_IDS) expect(TASKS[t].shift).toMatch(/^Visual shift: .{40,}still/);
  });
});

describe('count: larger objects on an unseen background', () => {
  /** Sizes of the 4-connected blobs of non-background pixels. */
  function blobSizes(inst: TaskInstance, background: readonly number[]): number[] {
    const s = inst.imageSize;
    const bg = f32(background);
    const px = pixels(inst);
    const ink = (p: number) => dist(px[p]!, bg) > 1e-6;
    const seen = new Uint8Array(s * s);
    const sizes: number[] = [];
    for (let p = 0; p < s * s; p++) {
      if (seen[p] || !ink(p)) continue;
      let n = 0;
      const stack = [p];
      seen[p] = 1;
      while (stack.length > 0) {
        const q = stack.pop()!;
        n++;
        const [x, y] = [q % s, Math.floor(q / s)];
        for (const [nx, ny] of [[x + 1, y], [x - 1, y], [x, y + 1], [x, y - 1]] as const) {
          const r = ny * s + nx;
          if (nx >= 0 && ny >= 0 && nx < s && ny < s && !seen[r] && ink(r)) {
            seen[r] = 1;
            stack.push(r);
          }
        }
      }
      sizes.push(n);
    }
    return sizes;
  }

  it('paints a background no ID picture has, far from the ID background and every palette colour', () => {
    expect(dist(COUNT_SHIFT.background, BACKGROUND)).toBeGreaterThan(0.2);
    for (const c of Object.values(PALETTE)) expect(dist(COUNT_SHIFT.background, c)).toBeGreaterThan(0.3);
    const corner = pixels(gen('count', 3, 'shift'))[0]!;
    expect(corner).toEqual(f32(COUNT_SHIFT.background));
  });

  it('draws every object at least as large as any ID object of its shape, larger on average, one object per blob', () => {
    expect(COUNT_SHIFT.size[0]).toBeGreaterThan(0.75); // ID draws 0.5-0.75 of a cell
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    let [idAll, shiftAll] = [[] as number[], [] as number[]];
    for (let seed = 0; seed < 40; seed++) {
      // Level 1: every object is the target, so one shape per picture; ID at jitter 1, its widest range of sizes.
      const id = blobSizes(gen('count', seed, 'id', 1, 1), BACKGROUND);
      const shift = blobSizes(gen('count', seed, 'shift', 1, 1), COUNT_SHIFT.background);
      // The same objects, each still its own blob (no two touch), so the count is still there to read.
      expect(shift.length).toBe(id.length);
      // Pixel centres round a 6.4-pixel square to the 6 x 6 of ID's largest: never smaller, though.
      expect(Math.min(...shift), `seed ${seed}`).toBeGreaterThanOrEqual(Math.max(...id));
      [idAll, shiftAll] = [[...idAll, ...id], [...shiftAll, ...shift]];
    }
    expect(mean(shiftAll)).toBeGreaterThan(1.25 * mean(idAll));
  });
});

describe('digit-sum: an italic glyph style', () => {
  const inkPixels = (inst: TaskInstance) => pixels(inst).map((p, i) => (dist(p, f32(INK)) < 1e-6 ? i : -1)).filter((i) => i >= 0);

  it('slants each digit: the same ink, every stroke kept, moved right towards the top', () => {
    expect(DIGIT_SUM_SHIFT.slant).toBeGreaterThan(0);
    for (let seed = 0; seed < 30; seed++) {
      const id = gen('digit-sum', seed, 'id', 1, 0);
      const shift = gen('digit-sum', seed, 'shift', 1, 0);
      const [a, b] = [inkPixels(id), inkPixels(shift)];
      expect(b.length).toBe(a.length); // a shear moves pixels, never drops a stroke
      const meanX = (ps: number[], rows: (y: number) => boolean) => {
        const xs = ps.filter((p) => rows(Math.floor(p / 32))).map((p) => p % 32);
        return xs.reduce((s, x) => s + x, 0) / xs.length;
      };
      // The top half of the glyphs (rows 11-15 at 32 px, jitter 0) moves right; the bottom rows (16-20) do not.
      expect(meanX(b, (y) => y < 16) - meanX(a, (y) => y < 16)).toBeGreaterThan(0.5);
      expect(meanX(b, (y) => y >= 18)).toBeCloseTo(meanX(a, (y) => y >= 18), 5);
    }
  });
});

describe('compare: darker shades of the same colours', () => {
  it('uses no colour of the ID palette: every shape pixel is far from every palette colour (beyond colour jitter)', () => {
    for (let seed = 0; seed < 20; seed++) {
      const inst = gen('compare', seed, 'shift', 1 + (seed % 3), 1);
      const shapes = pixels(inst).filter((p) => dist(p, f32(BACKGROUND)) > 1e-6);
      expect(shapes.length).toBeGreaterThan(0);
      expect(Math.min(...shapes.flatMap((p) => Object.values(PALETTE).map((c) => dist(p, c))))).toBeGreaterThan(0.35);
    }
  });

  it('keeps the hue: each shape is its colour times COMPARE_SHIFT.shade (at jitter 0)', () => {
    const inst = gen('compare', 5, 'shift', 1, 0);
    const id = gen('compare', 5, 'id', 1, 0);
    const shapePixels = (i: TaskInstance) => pixels(i).filter((p) => dist(p, f32(BACKGROUND)) > 1e-6);
    const [a, b] = [shapePixels(id), shapePixels(inst)];
    expect(b.length).toBe(a.length); // the same shapes, in the same places
    a.forEach((p, i) => expect(dist(b[i]!, p.map((v) => v * COMPARE_SHIFT.shade))).toBeLessThan(1e-6));
    expect(decode(inst.promptTokens)).toMatch(/which is (larger|left) \?/);
    expect((Object.keys(PALETTE) as Color[]).includes(inst.answer as Color)).toBe(true);
  });
});

describe('area: pixel noise', () => {
  it('is the ID picture of the same seed plus noise of at most AREA_SHIFT.noise per channel, on nearly every pixel', () => {
    for (let seed = 0; seed < 20; seed++) {
      const id = gen('area', seed, 'id', 1 + (seed % 3));
      const shift = gen('area', seed, 'shift', 1 + (seed % 3));
      const d = id.image.map((v, i) => Math.abs(shift.image[i]! - v));
      expect(Math.max(...d)).toBeLessThanOrEqual(AREA_SHIFT.noise + 1e-6);
      expect(d.filter((x) => x > 1e-3).length / d.length).toBeGreaterThan(0.9);
    }
  });
});

describe('locate: hollow outlines', () => {
  const painted = (inst: TaskInstance) => pixels(inst).map((p, i) => (dist(p, f32(BACKGROUND)) > 1e-6 ? i : -1)).filter((i) => i >= 0);

  it('paints a subset of the ID picture of the same seed (the same places, the same colours), with holes: at least the middle of the smallest shape left out', () => {
    expect(LOCATE_SHIFT.outline).toBeGreaterThan(0);
    for (let seed = 0; seed < 30; seed++) {
      const id = gen('locate', seed, 'id', 1 + (seed % 3), 0);
      const shift = gen('locate', seed, 'shift', 1 + (seed % 3), 0);
      const [a, b] = [painted(id), new Set(painted(shift))];
      expect(b.size, `seed ${seed}: the shift paints something`).toBeGreaterThan(0);
      for (const p of b) expect(a.includes(p), `seed ${seed}: pixel ${p} is painted in shift but not in ID`).toBe(true);
      const idPx = pixels(id);
      const shiftPx = pixels(shift);
      for (const p of b) expect(dist(shiftPx[p]!, idPx[p]!)).toBeLessThan(1e-6);
      // A one-pixel outline leaves out at least the 2 x 2 middle of the smallest (4-pixel) shape.
      expect(a.length - b.size, `seed ${seed}`).toBeGreaterThanOrEqual(4);
    }
  });
});
