/**
 * compare: two shapes of different colours; "which is larger ?" or "which is left ?".
 * Geometry is in units of imageSize/32 (pixels at the default size), so the numbers in the
 * trace (diameters, or x of the centre) stay within 0..31 at any image size.
 * ID uses four colour pairs; OOD ("novel answers") the two held-out pairs (red-yellow,
 * green-blue): every colour is familiar, the combination is not.
 * Visual shift: the ID colour pairs, questions and answers, but every shape in a darker shade
 * of its colour (COMPARE_SHIFT.shade of it: maroon for red, navy for blue, ...) that no ID
 * picture has. Which is larger or further left, and which hue it is, are unchanged.
 * Levels: the gap to judge shrinks. Sizes differ by 5-8, 3-4, then 1-2 units; positions go
 * from side by side (8+ units apart) to stacked with x 4-7, then 1-3 units apart. At level 3
 * the two shapes may also differ.
 */
import { Rng, mixSeed } from '../random';
import { BASE_VOCAB_SIZE, BOS, COLORS, SHAPES, encode, type Color, type Shape } from '../tokenizer';
import { PALETTE, addNoise, createRaster, drawShape, jitterColor, shade } from './raster';
import type { GenerateOptions, KeyStep, TaskDef, TaskInstance } from './types';

const UNITS = 32;
type Pair<T> = readonly [T, T];
const ID_PAIRS: readonly Pair<Color>[] = [['red', 'green'], ['red', 'blue'], ['green', 'yellow'], ['blue', 'yellow']];
const OOD_PAIRS: readonly Pair<Color>[] = [['red', 'yellow'], ['green', 'blue']];

interface Placed {
  color: Color;
  shape: Shape;
  /** Diameter, units. */
  size: number;
  /** Centre, units. */
  x: number;
  y: number;
}

/** An integer centre that keeps an object of `size` inside [lo, hi] (units); jitter moves it off the middle. */
function centre(rng: Rng, lo: number, hi: number, size: number, jitter: number): number {
  const free = Math.max(0, Math.floor((hi - lo - size) / 2));
  return Math.round((lo + hi) / 2 + (rng.next() * 2 - 1) * free * jitter);
}

/** The first in the left half, the second in the right, a unit of margin all round: they never touch. */
function sideBySide(rng: Rng, colors: Pair<Color>, shapes: Pair<Shape>, sizes: Pair<number>, jitter: number): Placed[] {
  return colors.map((color, i) => {
    const size = sizes[i]!;
    return { color, shape: shapes[i]!, size, x: centre(rng, i === 0 ? 1 : 17, i === 0 ? 15 : 31, size, jitter), y: centre(rng, 1, 31, size, jitter) };
  });
}

/** The first in the top half, the second in the bottom, so their x can be close without overlap. */
function stacked(rng: Rng, colors: Pair<Color>, shapes: Pair<Shape>, sizes: Pair<number>, xs: Pair<number>, jitter: number): Placed[] {
  return colors.map((color, i) => {
    const size = sizes[i]!;
    return { color, shape: shapes[i]!, size, x: xs[i]!, y: centre(rng, i === 0 ? 1 : 17, i === 0 ? 15 : 31, size, jitter) };
  });
}

function layoutLarger(rng: Rng, colors: Pair<Color>, shapes: Pair<Shape>, difficulty: number, jitter: number): Placed[] {
  const diff = difficulty === 1 ? rng.int(5, 8) : difficulty === 2 ? rng.int(3, 4) : rng.int(1, 2);
  const small = rng.int(4, 14 - diff);
  return sideBySide(rng, colors, shapes, rng.next() < 0.5 ? [small, small + diff] : [small + diff, small], jitter);
}

function layoutLeft(rng: Rng, colors: Pair<Color>, shapes: Pair<Shape>, difficulty: number, jitter: number): Placed[] {
  // Sizes vary independently so that size is no hint to position.
  const sizes = [rng.int(5, 9), rng.int(5, 9)] as const;
  if (difficulty === 1) return sideBySide(rng, colors, shapes, sizes, jitter);
  const dx = difficulty === 2 ? rng.int(4, 7) : rng.int(1, 3);
  const lo = (s: number): number => Math.ceil(1 + s / 2);
  const hi = (s: number): number => Math.floor(UNITS - 1 - s / 2);
  // Whether the top object is the left one is a coin flip, or "top" would answer "left".
  const topIsLeft = rng.next() < 0.5;
  const [sl, sr] = topIsLeft ? sizes : [sizes[1], sizes[0]];
  const xl = rng.int(Math.max(lo(sl), lo(sr) - dx), Math.min(hi(sl), hi(sr) - dx));
  return stacked(rng, colors, shapes, sizes, topIsLeft ? [xl, xl + dx] : [xl + dx, xl], jitter);
}

/** The visual-shift split's pictures (see the header): each colour times `shade`, optional pixel noise. */
export const COMPARE_SHIFT: { shade: number; noise: number } = { shade: 0.35, noise: 0 };

function generate({ seed, split, difficulty, imageSize, jitter }: GenerateOptions): TaskInstance {
  const rng = new Rng(seed);
  const shift = split === 'shift';
  const question = rng.pick(['larger', 'left'] as const);
  const pair = rng.pick(split === 'ood' ? OOD_PAIRS : ID_PAIRS);
  // Which colour goes left (or on top) is random; the trace always names them in vocabulary order.
  const colors: Pair<Color> = rng.next() < 0.5 ? pair : [pair[1], pair[0]];
  const s0 = rng.pick(SHAPES);
  const shapes = [s0, difficulty >= 3 ? rng.pick(SHAPES) : s0] as const;
  const placed = question === 'larger' ? layoutLarger(rng, colors, shapes, difficulty, jitter) : layoutLeft(rng, colors, shapes, difficulty, jitter);

  const u = imageSize / UNITS;
  const raster = createRaster(imageSize);
  for (const p of placed) {
    const rgb = jitterColor(PALETTE[p.color], rng, jitter);
    drawShape(raster, p.shape, p.x * u, p.y * u, p.size * u, shift ? shade(rgb, COMPARE_SHIFT.shade) : rgb);
  }
  if (shift && COMPARE_SHIFT.noise > 0) addNoise(raster, new Rng(mixSeed(seed, 0x5f)), COMPARE_SHIFT.noise);

  const value = (p: Placed): number => (question === 'larger' ? p.size : p.x);
  const [a, b] = [placed[0]!, placed[1]!];
  const winner = question === 'larger' ? (a.size > b.size ? a : b) : a.x < b.x ? a : b;
  const named = [...placed].sort((p, q) => COLORS.indexOf(p.color) - COLORS.indexOf(q.color));
  return {
    taskId: 'compare',
    seed,
    split,
    difficulty,
    imageSize,
    image: raster.data,
    promptTokens: [BOS, ...encode(`which is ${question} ?`)],
    answer: winner.color,
    goldTrace: named.flatMap((p) => [p.color, String(value(p))]),
  };
}

/** Steps: each gold (colour, number) pair, found as the first mention of that colour followed by its number. */
function scoreSteps(instance: TaskInstance, trace: readonly string[]): number {
  const gold = instance.goldTrace;
  let steps = 0;
  let right = 0;
  for (let i = 0; i + 1 < gold.length; i += 2) {
    steps++;
    const at = trace.indexOf(gold[i]!);
    if (at >= 0 && trace[at + 1] === gold[i + 1]) right++;
  }
  return steps === 0 ? 0 : right / steps;
}

/** StepRAR's key steps: each (colour, number) pair of the gold trace, one form each; the pairs may come in any order. */
function keySteps(instance: TaskInstance): KeyStep[] {
  const out: KeyStep[] = [];
  for (let i = 0; i + 1 < instance.goldTrace.length; i += 2) out.push([[instance.goldTrace[i]!, instance.goldTrace[i + 1]!]]);
  return out;
}

/**
 * StepRVR: the trace is nothing but (colour, number) pairs, at least two, colours distinct; and
 * the answer is the colour whose number wins the question (the largest for "larger", the
 * smallest x for "left", one winner). The question is read off the gold trace (its answer's
 * number is the larger or the smaller), so rewards.py, which has no prompt, decides the same.
 */
function validReasoning(instance: TaskInstance, trace: readonly string[], answer: readonly string[]): boolean {
  if (trace.length < 4 || trace.length % 2 !== 0) return false;
  const pairs: [string, number][] = [];
  for (let i = 0; i < trace.length; i += 2) {
    const [c, v] = [trace[i]!, trace[i + 1]!];
    if (!(COLORS as readonly string[]).includes(c) || !/^\d+$/.test(v) || pairs.some(([p]) => p === c)) return false;
    pairs.push([c, Number(v)]);
  }
  const gold = instance.goldTrace;
  const goldValues = gold.filter((_, i) => i % 2 === 1).map(Number);
  const winnerValue = Number(gold[gold.indexOf(instance.answer) + 1]);
  const wantsMax = winnerValue === Math.max(...goldValues);
  const best = wantsMax ? Math.max(...pairs.map(([, v]) => v)) : Math.min(...pairs.map(([, v]) => v));
  const winners = pairs.filter(([, v]) => v === best);
  return winners.length === 1 && answer.length === 1 && answer[0] === winners[0]![0];
}

export const compareTask: TaskDef = {
  id: 'compare',
  title: 'Compare',
  description: 'Which of two coloured shapes is larger, or further left; novel answers: colour pairs never seen together.',
  shift: 'Visual shift: the training colour pairs, in darker shades (maroon, navy, olive, dark green) training never shows. Which shape is larger or further left, and its hue, are still plain to see.',
  levels: 3,
  vocabSize: BASE_VOCAB_SIZE,
  answerLength: 1,
  hasGoldTraces: true,
  generate,
  scoreSteps,
  keySteps,
  validReasoning,
};
