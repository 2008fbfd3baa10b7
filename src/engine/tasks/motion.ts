/**
 * motion: a frame sequence. FRAMES = 4 frames of a small scene, TILED into the one image the
 * model already reads: 2 x 2 tiles, frame order row-major (top-left, top-right, bottom-left,
 * bottom-right), so the image encoder is unchanged and each frame is its own visual tokens
 * (patch 8 at 32 x 32: 4 patches per frame).
 *
 * Two questions:
 * - "which way <colour> move ?": the object of that colour moves one way, the same step every
 *   frame. Answer up, down, left or right; the trace is its top-left corner (x y, tile units
 *   0..15) in the first frame and in the last: "2 6 11 6" -> right.
 * - "how many frames <colour> <shape> ?": the object is in some frames and not others. The
 *   trace lists the frames it is in ("1 3 4"), the answer is how many ("3").
 *
 * Geometry is in units of a tile / 16, so the trace's numbers stay in 0..15 at any image size.
 * ID: directions up/down/left/right, frame counts 1-3. Novel answers ('ood'): "still" (the
 * object does not move; its trace has the same position twice) and frame counts 0 and 4 (trace
 * "none", or "1 2 3 4"): words the ID answers never use.
 * Visual shift: the ID scenes on a background colour no ID picture has (MOTION_SHIFT).
 * Levels: 1 one object, a 3-unit step, frame questions without distractors; 2 a 2-unit step
 * and a static distractor of another colour; 3 the distractor moves too, and in frame
 * questions it shares the target's colour or its shape.
 *
 * permuteFrames (and shuffleFrames) re-order the tiles of an image: T-GRPO (Video-R1,
 * arXiv:2503.21776) rolls each prompt out on shuffled frames too.
 */
import { Rng, mixSeed } from '../random';
import { BOS, COLORS, SHAPES, VOCAB_SIZE, encode, type Color, type Shape } from '../tokenizer';
import { BACKGROUND, PALETTE, createRaster, drawShape, jitterColor, type Raster, type Rgb } from './raster';
import type { GenerateOptions, TaskDef, TaskInstance } from './types';

export const FRAMES = 4;
/** Tiles per row of the image: FRAMES = TILES_PER_ROW^2. */
export const TILES_PER_ROW = 2;
/** A tile is this many units wide; an object's corner lies in 1..(15 - size). */
const UNITS = 16;
const SIZE = 4;
const LO = 1;
const HI = UNITS - 1 - SIZE; // 11: the object's right edge stays one unit inside the tile

export const DIRECTIONS = ['up', 'down', 'left', 'right'] as const;
export type Direction = (typeof DIRECTIONS)[number];
const STEP: Readonly<Record<Direction, readonly [number, number]>> = { up: [0, -1], down: [0, 1], left: [-1, 0], right: [1, 0] };

/** The visual-shift split's pictures: a slate background no ID picture has (ID: BACKGROUND). */
export const MOTION_SHIFT: { background: Rgb } = { background: [0.6, 0.64, 0.72] };

/** Side of one tile in pixels (the image's odd last row/column, if any, stays background). */
export function tileSize(imageSize: number): number {
  return Math.floor(imageSize / TILES_PER_ROW);
}

/**
 * The image whose tile k is tile order[k] of `image` ([size, size, 3] row-major). A pure
 * function: order must be a permutation of 0..FRAMES-1. Pixels outside the tiles are copied.
 */
export function permuteFrames(image: Float32Array, imageSize: number, order: readonly number[]): Float32Array {
  if (order.length !== FRAMES || [...order].sort().some((v, i) => v !== i)) throw new Error(`Frame order must be a permutation of 0..${FRAMES - 1}, got [${order.join(', ')}].`);
  const t = tileSize(imageSize);
  const out = new Float32Array(image);
  for (let k = 0; k < FRAMES; k++) {
    const src = order[k]!;
    const [dx, dy] = [(k % TILES_PER_ROW) * t, Math.floor(k / TILES_PER_ROW) * t];
    const [sx, sy] = [(src % TILES_PER_ROW) * t, Math.floor(src / TILES_PER_ROW) * t];
    for (let y = 0; y < t; y++) {
      const from = ((sy + y) * imageSize + sx) * 3;
      out.set(image.subarray(from, from + t * 3), ((dy + y) * imageSize + dx) * 3);
    }
  }
  return out;
}

/** The image's FRAMES frames, un-tiled: each a [t, t, 3] image (t = tileSize), in frame order. */
export function framesOf(image: Float32Array, imageSize: number): Float32Array[] {
  const t = tileSize(imageSize);
  return Array.from({ length: FRAMES }, (_, k) => {
    const [ox, oy] = [(k % TILES_PER_ROW) * t, Math.floor(k / TILES_PER_ROW) * t];
    const out = new Float32Array(t * t * 3);
    for (let y = 0; y < t; y++) out.set(image.subarray(((oy + y) * imageSize + ox) * 3, ((oy + y) * imageSize + ox + t) * 3), y * t * 3);
    return out;
  });
}

/** A seeded frame order other than the identity (the shuffled video T-GRPO compares with). */
export function shuffledOrder(seed: number): number[] {
  const rng = new Rng(mixSeed(seed, 0x7e));
  for (;;) {
    const order = rng.shuffle(Array.from({ length: FRAMES }, (_, i) => i));
    if (order.some((v, i) => v !== i)) return order;
  }
}

/** The image with its frames in shuffledOrder(seed). */
export function shuffleFrames(image: Float32Array, imageSize: number, seed: number): Float32Array {
  return permuteFrames(image, imageSize, shuffledOrder(seed));
}

interface Sprite {
  color: Color;
  shape: Shape;
  /** Top-left corner (units) in each frame, or null where the object is absent. */
  at: ([number, number] | null)[];
}

/** A path of FRAMES corners moving `step` units per frame in `dir` (still: dir null), inside the tile. */
function path(rng: Rng, dir: Direction | null, step: number): [number, number][] {
  const [dx, dy] = dir === null ? [0, 0] : STEP[dir];
  const travel = step * (FRAMES - 1);
  const range = (d: number): [number, number] => (d > 0 ? [LO, HI - travel] : d < 0 ? [LO + travel, HI] : [LO, HI]);
  const [xa, xb] = range(dx);
  const [ya, yb] = range(dy);
  const x0 = rng.int(xa, xb);
  const y0 = rng.int(ya, yb);
  return Array.from({ length: FRAMES }, (_, f) => [x0 + dx * step * f, y0 + dy * step * f]);
}

/** Whether two sprites' boxes come within a unit of each other in some frame where both are drawn. */
function clash(a: Sprite, b: Sprite): boolean {
  return a.at.some((p, f) => {
    const q = b.at[f];
    return p !== null && q !== null && q !== undefined && Math.abs(p[0] - q[0]) < SIZE + 1 && Math.abs(p[1] - q[1]) < SIZE + 1;
  });
}

/** A distractor that keeps clear of the target (up to 30 tries; none if the tile has no room). */
function placeDistractor(rng: Rng, target: Sprite, make: () => Sprite): Sprite | null {
  for (let k = 0; k < 30; k++) {
    const d = make();
    if (!clash(target, d)) return d;
  }
  return null;
}

function stepOf(difficulty: number): number {
  return difficulty === 1 ? 3 : 2;
}

interface Scene {
  sprites: Sprite[];
  prompt: string;
  answer: string;
  trace: string[];
}

function wayScene(rng: Rng, split: GenerateOptions['split'], difficulty: number): Scene {
  const color = rng.pick(COLORS);
  const dir: Direction | null = split === 'ood' ? null : rng.pick(DIRECTIONS);
  const step = stepOf(difficulty);
  const target: Sprite = { color, shape: rng.pick(SHAPES), at: path(rng, dir, step) };
  const sprites = [target];
  if (difficulty >= 2) {
    const other = rng.pick(COLORS.filter((c) => c !== color));
    const d = placeDistractor(rng, target, () => ({ color: other, shape: rng.pick(SHAPES), at: path(rng, difficulty >= 3 ? rng.pick(DIRECTIONS) : null, step) }));
    if (d) sprites.push(d);
  }
  const [first, last] = [target.at[0]!, target.at[FRAMES - 1]!];
  return { sprites, prompt: `which way ${color} move ?`, answer: dir ?? 'still', trace: [first[0], first[1], last[0], last[1]].map(String) };
}

function framesScene(rng: Rng, split: GenerateOptions['split'], difficulty: number): Scene {
  const color = rng.pick(COLORS);
  const shape = rng.pick(SHAPES);
  const n = split === 'ood' ? rng.pick([0, FRAMES]) : rng.int(1, FRAMES - 1);
  const present = new Set(rng.shuffle(Array.from({ length: FRAMES }, (_, i) => i)).slice(0, n));
  const step = stepOf(difficulty);
  const where = path(rng, difficulty === 1 ? null : rng.pick(DIRECTIONS), step);
  const target: Sprite = { color, shape, at: where.map((p, f) => (present.has(f) ? p : null)) };
  const sprites = [target];
  if (difficulty >= 2) {
    const make = (): Sprite => {
      // Level 2: another colour. Level 3: the target's colour or its shape (never both).
      const sameColor = difficulty >= 3 && rng.next() < 0.5;
      const c = difficulty >= 3 && sameColor ? color : rng.pick(COLORS.filter((x) => x !== color));
      const s = difficulty >= 3 && !sameColor ? shape : rng.pick(SHAPES.filter((x) => x !== shape));
      const dPath = path(rng, difficulty >= 3 ? rng.pick(DIRECTIONS) : null, step);
      const shown = dPath.map((p) => (rng.next() < 0.75 ? p : null));
      return { color: c, shape: s, at: shown };
    };
    const d = placeDistractor(rng, target, make);
    if (d) sprites.push(d);
  }
  const frames = [...present].sort((a, b) => a - b).map((f) => String(f + 1));
  return { sprites, prompt: `how many frames ${color} ${shape} ?`, answer: String(n), trace: n === 0 ? ['none'] : frames };
}

function draw(raster: Raster, sprites: readonly Sprite[], rng: Rng, jitter: number): void {
  const t = tileSize(raster.size);
  const u = t / UNITS;
  for (const s of sprites) {
    // One colour per object across its frames: the same thing in every frame.
    const rgb = jitterColor(PALETTE[s.color], rng, jitter);
    s.at.forEach((p, f) => {
      if (p === null) return;
      const [ox, oy] = [(f % TILES_PER_ROW) * t, Math.floor(f / TILES_PER_ROW) * t];
      drawShape(raster, s.shape, ox + (p[0] + SIZE / 2) * u, oy + (p[1] + SIZE / 2) * u, SIZE * u, rgb);
    });
  }
}

function generate({ seed, split, difficulty, imageSize, jitter }: GenerateOptions): TaskInstance {
  const rng = new Rng(seed);
  const question = rng.pick(['way', 'frames'] as const);
  const scene = question === 'way' ? wayScene(rng, split, difficulty) : framesScene(rng, split, difficulty);
  const raster = createRaster(imageSize, split === 'shift' ? MOTION_SHIFT.background : BACKGROUND);
  draw(raster, scene.sprites, rng, jitter);
  return {
    taskId: 'motion',
    seed,
    split,
    difficulty,
    imageSize,
    image: raster.data,
    promptTokens: [BOS, ...encode(scene.prompt)],
    answer: scene.answer,
    goldTrace: scene.trace,
  };
}

/**
 * Steps: the gold trace's words, position by position (the first frame's x and y and the last
 * frame's, or each frame the object is in), over the longer of the two traces, so a trace that
 * runs on past the gold one loses credit. Empty or garbled: 0.
 */
function scoreSteps(instance: TaskInstance, trace: readonly string[]): number {
  const gold = instance.goldTrace;
  if (trace.length === 0 || gold.length === 0) return 0;
  let right = 0;
  gold.forEach((w, i) => {
    if (trace[i] === w) right++;
  });
  return right / Math.max(gold.length, trace.length);
}

export const motionTask: TaskDef = {
  id: 'motion',
  title: 'Motion',
  description: 'Four frames tiled 2 x 2: which way does an object move, or in how many frames is it? Novel answers: "still", 0 or 4 frames.',
  shift: 'Visual shift: the same moving scenes on a slate background training never shows. Which way each object moves, and in which frames it is, are still plain to see.',
  levels: 3,
  vocabSize: VOCAB_SIZE,
  answerLength: 1,
  hasGoldTraces: true,
  generate,
  scoreSteps,
  shuffleFrames,
};
