/**
 * count: "how many red circle ?" over a 4x4 grid of cells holding targets and distractors.
 * ID asks for 0..5 targets, OOD ("novel answers") for 6..9: the OOD images are visibly more crowded.
 * Visual shift: the same 0..5 targets and distractors, drawn larger than any ID object
 * (COUNT_SHIFT.size of a cell; ID draws 0.5-0.75) on a background of a colour no ID picture has.
 * (Both sizes are capped by the cell margin: at 16 x 16 pixels they meet, and only the background differs.)
 * Colour, shape and how many are all still there to see.
 * Levels: 1 targets only; 2 adds distractors of another colour; 3 adds distractors that share
 * the target's colour or its shape, so both have to be checked.
 */
import { Rng, mixSeed } from '../random';
import { BASE_VOCAB_SIZE, BOS, COLORS, SHAPES, encode, type Color, type Shape } from '../tokenizer';
import { BACKGROUND, PALETTE, addNoise, createRaster, drawShape, jitterColor, type Raster, type Rgb } from './raster';
import type { GenerateOptions, KeyStep, TaskDef, TaskInstance } from './types';

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

/** The visual-shift split's pictures (see the header). */
export const COUNT_SHIFT: { background: Rgb; size: readonly [number, number]; noise: number } = {
  background: [0.62, 0.66, 0.74],
  size: [0.8, 0.85],
  noise: 0,
};

/**
 * One object inside grid cell `cell`; jitter shrinks it (up to a third) and lets it wander within its cell.
 * `shift` draws it at COUNT_SHIFT.size of the cell instead.
 */
function drawInCell(r: Raster, rng: Rng, thing: Thing, cell: number, jitter: number, shift: boolean): void {
  const side = r.size / GRID;
  const lo = CELL_MARGIN;
  const hi = side - CELL_MARGIN;
  const [a, b] = COUNT_SHIFT.size;
  const size = shift ? Math.min(hi - lo, side * (a + (b - a) * rng.next())) : Math.min(hi - lo, side * (0.75 - 0.25 * jitter * rng.next()));
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
  const shift = split === 'shift';
  const raster = createRaster(imageSize, shift ? COUNT_SHIFT.background : BACKGROUND);
  things.forEach((thing, k) => drawInCell(raster, rng, thing, cells[k]!, jitter, shift));
  if (shift && COUNT_SHIFT.noise > 0) addNoise(raster, new Rng(mixSeed(seed, 0x5f)), COUNT_SHIFT.noise);

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

/** StepRAR's key steps: each number the count says, 1 .. n ("0" for none), one form each. */
function keySteps(instance: TaskInstance): KeyStep[] {
  return instance.goldTrace.map((w) => [[w]]);
}

/** StepRVR: the trace counts up by one from 1 (or is the single word "0") and the answer is where it stopped. */
function validReasoning(_instance: TaskInstance, trace: readonly string[], answer: readonly string[]): boolean {
  const countsUp = trace.length === 1 && trace[0] === '0' ? true : trace.every((w, i) => w === String(i + 1));
  return trace.length > 0 && countsUp && answer.length === 1 && answer[0] === trace[trace.length - 1];
}

export const countTask: TaskDef = {
  id: 'count',
  title: 'Count',
  description: 'Count the objects of one colour and shape among distractors; novel answers: 6-9 of them.',
  shift: 'Visual shift: the same 0-5 objects, larger than any in training, on a background colour training never shows. Colour, shape and number are all still plain to see.',
  levels: 3,
  vocabSize: BASE_VOCAB_SIZE,
  answerLength: 1,
  hasGoldTraces: true,
  generate,
  scoreSteps,
  keySteps,
  validReasoning,
};
