/**
 * count: "how many red circle ?" over a 4x4 grid of cells holding targets and distractors.
 * ID asks for 0..5 targets, OOD for 6..9: the OOD images are visibly more crowded.
 * Levels: 1 targets only; 2 adds distractors of another colour; 3 adds distractors that share
 * the target's colour or its shape, so both have to be checked.
 */
import { Rng } from '../random';
import { BOS, COLORS, SHAPES, encode, type Color, type Shape } from '../tokenizer';
import { PALETTE, createRaster, drawShape, jitterColor, type Raster } from './raster';
import type { GenerateOptions, TaskDef, TaskInstance } from './types';

const GRID = 4;
/** Cells stay this far (pixels) from their edges, so neighbours never touch: one blank pixel at least. */
const CELL_MARGIN = 0.6;

interface Thing {
  color: Color;
  shape: Shape;
}

function distractor(rng: Rng, target: Thing, difficulty: number): Thing {
  const others = COLORS.filter((c) => c !== target.color);
  if (difficulty <= 2) return { color: rng.pick(others), shape: rng.pick(SHAPES) };
  const options: Thing[] = [];
  for (const color of COLORS) for (const shape of SHAPES) if (color !== target.color || shape !== target.shape) options.push({ color, shape });
  return rng.pick(options);
}

/** One object inside grid cell `cell`; jitter shrinks it (up to a third) and lets it wander within its cell. */
function drawInCell(r: Raster, rng: Rng, thing: Thing, cell: number, jitter: number): void {
  const side = r.size / GRID;
  const lo = CELL_MARGIN;
  const hi = side - CELL_MARGIN;
  const size = Math.min(hi - lo, side * (0.75 - 0.25 * jitter * rng.next()));
  const free = (hi - lo - size) / 2;
  const cx = (cell % GRID) * side + (lo + hi) / 2 + (rng.next() * 2 - 1) * free * jitter;
  const cy = Math.floor(cell / GRID) * side + (lo + hi) / 2 + (rng.next() * 2 - 1) * free * jitter;
  drawShape(r, thing.shape, cx, cy, size, jitterColor(PALETTE[thing.color], rng, jitter));
}

function generate({ seed, split, difficulty, imageSize, jitter }: GenerateOptions): TaskInstance {
  const rng = new Rng(seed);
  const target: Thing = { color: rng.pick(COLORS), shape: rng.pick(SHAPES) };
  // Zero targets only once there are distractors: "how many" of nothing on a blank page is not a question.
  const n = split === 'ood' ? rng.int(6, 9) : rng.int(difficulty === 1 ? 1 : 0, 5);
  const nDistractors = difficulty === 1 ? 0 : difficulty === 2 ? rng.int(1, 3) : rng.int(2, 5);
  const things: Thing[] = new Array<Thing>(n).fill(target);
  for (let k = 0; k < nDistractors; k++) things.push(distractor(rng, target, difficulty));

  const cells = rng.shuffle(Array.from({ length: GRID * GRID }, (_, i) => i));
  const raster = createRaster(imageSize);
  things.forEach((thing, k) => drawInCell(raster, rng, thing, cells[k]!, jitter));

  return {
    taskId: 'count',
    seed,
    split,
    difficulty,
    imageSize,
    image: raster.data,
    promptTokens: [BOS, ...encode(`how many ${target.color} ${target.shape} ?`)],
    answer: String(n),
    goldTrace: n === 0 ? ['0'] : Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

/**
 * Two steps: (1) the trace counts 1, 2, ..., n in order (for n = 0: starts with "0"), and
 * (2) it stops at n (its last word is n). Overcounting keeps (1), skipping keeps (2).
 */
function scoreSteps(instance: TaskInstance, trace: readonly string[]): number {
  if (trace.length === 0) return 0;
  const n = Number(instance.answer);
  const expected = n === 0 ? ['0'] : Array.from({ length: n }, (_, i) => String(i + 1));
  const inOrder = expected.every((w, i) => trace[i] === w);
  const stopsAtN = trace[trace.length - 1] === instance.answer;
  return (Number(inOrder) + Number(stopsAtN)) / 2;
}

export const countTask: TaskDef = {
  id: 'count',
  title: 'Count',
  description: 'Count the objects of one colour and shape among distractors; OOD has 6-9 of them.',
  levels: 3,
  hasGoldTraces: true,
  generate,
  scoreSteps,
};
