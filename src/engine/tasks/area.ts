/**
 * area: "area of red ?" over an 8x8 grid; the red rectangle's cells stay visible through
 * its own darker grid lines, so width and height can be counted cell by cell.
 * ID sides are 1..4; OOD ("novel answers") has a side of 5 or 6 (areas up to 36): longer runs
 * to count and products the model never computed.
 * Visual shift: the same sides 1..4 and areas, with pixel noise over the whole picture
 * (AREA_SHIFT.noise per channel), which no ID picture has. The cells and their darker grid
 * lines still stand out, so the width and height can still be counted.
 * Levels: 1 the rectangle alone; 2 plus a distractor rectangle of another colour; 3 plus two.
 */
import { Rng, mixSeed } from '../random';
import { BASE_VOCAB_SIZE, BOS, COLORS, encode, type Color } from '../tokenizer';
import { BACKGROUND, GRID_LINE, PALETTE, addNoise, createRaster, jitterColor, setPixel, shade, type Raster, type Rgb } from './raster';
import type { GenerateOptions, KeyStep, TaskDef, TaskInstance } from './types';
import { rectsApart, wordAfter } from './words';

const GRID = 8;
const PLACEMENT_TRIES = 20;

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Pixel column (or row) of grid line k. */
const line = (k: number, size: number): number => Math.floor((k * size) / GRID);

function drawGrid(r: Raster): void {
  for (let k = 0; k < GRID; k++) {
    const p = line(k, r.size);
    for (let t = 0; t < r.size; t++) {
      setPixel(r, p, t, GRID_LINE);
      setPixel(r, t, p, GRID_LINE);
    }
  }
}

/** Cells in `rgb`, the lines between and around them darker: the cells stay countable. */
function drawRect(r: Raster, rect: Rect, rgb: Rgb): void {
  const dark = shade(rgb, 0.55);
  const xs = Array.from({ length: rect.w + 1 }, (_, k) => line(rect.x + k, r.size));
  const ys = Array.from({ length: rect.h + 1 }, (_, k) => line(rect.y + k, r.size));
  for (let y = ys[0]!; y <= ys[rect.h]!; y++) {
    for (let x = xs[0]!; x <= xs[rect.w]!; x++) setPixel(r, x, y, xs.includes(x) || ys.includes(y) ? dark : rgb);
  }
}


function place(rng: Rng, w: number, h: number): Rect {
  return { x: rng.int(0, GRID - w), y: rng.int(0, GRID - h), w, h };
}

/** The visual-shift split's pictures (see the header): pixel noise, optionally another background. */
export const AREA_SHIFT: { noise: number; background: Rgb } = { noise: 0.08, background: BACKGROUND };

function generate({ seed, split, difficulty, imageSize, jitter }: GenerateOptions): TaskInstance {
  const rng = new Rng(seed);
  const shift = split === 'shift';
  const color = rng.pick(COLORS);
  let w: number;
  let h: number;
  do {
    w = rng.int(1, split === 'ood' ? 6 : 4);
    h = rng.int(1, split === 'ood' ? 6 : 4);
  } while (split === 'ood' && Math.max(w, h) < 5);
  const target = place(rng, w, h);

  const rects: { rect: Rect; color: Color }[] = [{ rect: target, color }];
  const others = COLORS.filter((c) => c !== color);
  for (let k = 0; k < difficulty - 1; k++) {
    const [dw, dh] = [rng.int(1, 3), rng.int(1, 3)];
    // A big OOD target can leave no room; then the picture simply has fewer distractors.
    for (let t = 0; t < PLACEMENT_TRIES; t++) {
      const rect = place(rng, dw, dh);
      if (rects.every((o) => rectsApart(o.rect, rect))) {
        rects.push({ rect, color: rng.pick(others) });
        break;
      }
    }
  }

  const raster = createRaster(imageSize, shift ? AREA_SHIFT.background : BACKGROUND);
  drawGrid(raster);
  for (const { rect, color: c } of rects) drawRect(raster, rect, jitterColor(PALETTE[c], rng, jitter));
  if (shift && AREA_SHIFT.noise > 0) addNoise(raster, new Rng(mixSeed(seed, 0x5f)), AREA_SHIFT.noise);

  return {
    taskId: 'area',
    seed,
    split,
    difficulty,
    imageSize,
    image: raster.data,
    promptTokens: [BOS, ...encode(`area of ${color} ?`)],
    answer: String(w * h),
    goldTrace: ['width', String(w), 'height', String(h), String(w), 'x', String(h), '=', String(w * h)],
  };
}


/** Steps: the width read, the height read, the product (the word after "="). */
function scoreSteps(instance: TaskInstance, trace: readonly string[]): number {
  const markers = ['width', 'height', '='];
  const right = markers.filter((m) => wordAfter(trace, m) !== undefined && wordAfter(trace, m) === wordAfter(instance.goldTrace, m)).length;
  return right / markers.length;
}

/** StepRAR's key steps: "width w", "height h", and the product "w x h = a" in either order. */
function keySteps(instance: TaskInstance): KeyStep[] {
  const g = instance.goldTrace; // width w height h w x h = a
  const [w, h, a] = [g[1]!, g[3]!, g[8]!];
  return [[['width', w]], [['height', h]], w === h ? [[w, 'x', h, '=', a]] : [[w, 'x', h, '=', a], [h, 'x', w, '=', a]]];
}

const isNum = (w: string | undefined): boolean => w !== undefined && /^\d+$/.test(w);

/**
 * StepRVR: the trace is exactly "width W height H P x Q = A": the two readings, then their
 * product, whose operands are the readings (either order) and whose result is right; and the
 * answer is A. Whether W and H are the picture's is not asked.
 */
function validReasoning(_instance: TaskInstance, trace: readonly string[], answer: readonly string[]): boolean {
  if (trace.length !== 9 || trace[0] !== 'width' || trace[2] !== 'height' || trace[5] !== 'x' || trace[7] !== '=') return false;
  if (![1, 3, 4, 6, 8].every((i) => isNum(trace[i]))) return false;
  const [w, h, p, q, a] = [1, 3, 4, 6, 8].map((i) => Number(trace[i]));
  const readings = (p === w && q === h) || (p === h && q === w);
  return readings && a === w! * h! && answer.length === 1 && answer[0] === trace[8];
}

export const areaTask: TaskDef = {
  id: 'area',
  title: 'Area',
  description: 'Count the width and height of a coloured rectangle on a grid and multiply; novel answers: sides of 5-6.',
  shift: 'Visual shift: the same sides 1-4, under pixel noise training never shows. The coloured cells and their grid lines still stand out, so width and height can still be counted.',
  levels: 3,
  vocabSize: BASE_VOCAB_SIZE,
  answerLength: 1,
  hasGoldTraces: true,
  generate,
  scoreSteps,
  keySteps,
  validReasoning,
};
