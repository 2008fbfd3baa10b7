/**
 * locate (visual grounding): "where is red square ?" over a picture of a few coloured shapes;
 * the answer is the target's box `x y w h` in cells of an 8 x 8 grid (4-pixel cells at 32 x 32),
 * graded by IoU with the gold box (./box.ts; Visual-RFT, arXiv:2503.01785). Every shape fills a
 * square box of s x s cells, so w = h = s.
 * ID sides are 1..3 cells; novel answers (ood) have a target of side 4 or 5: box sizes the model
 * never wrote. Visual shift: the same boxes and answers, every shape drawn hollow (a one-pixel
 * outline, LOCATE_SHIFT.outline), which no ID picture has; where the outline is, the shape is.
 * Levels: 1 the target and one distractor differing in colour and shape; 2 two distractors, one
 * sharing the target's colour and one its shape, so both words of the question matter; 3 three
 * such distractors. Shapes keep a cell of empty grid between them (fewer distractors if a big
 * target leaves no room).
 */
import { Rng } from '../random';
import { BOS, COLORS, SHAPES, VOCAB_SIZE, encode, type Color, type Shape } from '../tokenizer';
import { GRID, iou, parseBox, scoreBox, IOU_CORRECT, type Box } from './box';
import { BACKGROUND, PALETTE, createRaster, drawShape, jitterColor, type Raster, type Rgb } from './raster';
import type { GenerateOptions, TaskDef, TaskInstance } from './types';
import { rectsApart, wordAfter } from './words';

const PLACEMENT_TRIES = 30;

interface Obj {
  box: Box;
  color: Color;
  shape: Shape;
}

/** Pixel column (or row) where grid cell k starts. */
export const cellEdge = (k: number, size: number): number => Math.floor((k * size) / GRID);

/** The visual-shift split's pictures: shapes drawn as outlines `outline` pixels thick. */
export const LOCATE_SHIFT: { outline: number } = { outline: 1 };

function drawObj(r: Raster, o: Obj, rgb: Rgb, hollow: boolean): void {
  const x0 = cellEdge(o.box.x, r.size);
  const y0 = cellEdge(o.box.y, r.size);
  const side = cellEdge(o.box.x + o.box.w, r.size) - x0;
  const c = [x0 + side / 2, y0 + side / 2] as const;
  drawShape(r, o.shape, c[0], c[1], side, rgb);
  const inner = side - 2 * LOCATE_SHIFT.outline;
  // The same shape, smaller, in the background: an outline. A 2-pixel shape (one cell at 16 x 16) stays solid.
  if (hollow && inner > 0) drawShape(r, o.shape, c[0], c[1], inner, BACKGROUND);
}


const place = (rng: Rng, s: number): Box => ({ x: rng.int(0, GRID - s), y: rng.int(0, GRID - s), w: s, h: s });

/** Colour and shape of the k-th distractor: never the target's pair; from level 2 on, the first shares its colour, the second its shape. */
function distractorLook(rng: Rng, k: number, difficulty: number, color: Color, shape: Shape): { color: Color; shape: Shape } {
  const otherColor = (): Color => rng.pick(COLORS.filter((c) => c !== color));
  const otherShape = (): Shape => rng.pick(SHAPES.filter((s) => s !== shape));
  if (difficulty === 1) return { color: otherColor(), shape: otherShape() };
  if (k === 0) return { color, shape: otherShape() };
  if (k === 1) return { color: otherColor(), shape };
  return rng.next() < 0.5 ? { color, shape: otherShape() } : { color: otherColor(), shape: rng.pick(SHAPES) };
}

function generate({ seed, split, difficulty, imageSize, jitter }: GenerateOptions): TaskInstance {
  const rng = new Rng(seed);
  const color = rng.pick(COLORS);
  const shape = rng.pick(SHAPES);
  const side = split === 'ood' ? rng.int(4, 5) : rng.int(1, 3);
  const target: Obj = { box: place(rng, side), color, shape };
  const objs: Obj[] = [target];
  for (let k = 0; k < difficulty; k++) {
    const look = distractorLook(rng, k, difficulty, color, shape);
    const s = rng.int(1, 3);
    for (let t = 0; t < PLACEMENT_TRIES; t++) {
      const box = place(rng, s);
      if (objs.every((o) => rectsApart(o.box, box))) {
        objs.push({ box, ...look });
        break;
      }
    }
  }

  const raster = createRaster(imageSize, BACKGROUND);
  for (const o of objs) drawObj(raster, o, jitterColor(PALETTE[o.color], rng, jitter), split === 'shift');

  const { x, y, w, h } = target.box;
  return {
    taskId: 'locate',
    seed,
    split,
    difficulty,
    imageSize,
    image: raster.data,
    promptTokens: [BOS, ...encode(`where is ${color} ${shape} ?`)],
    answer: `${x} ${y} ${w} ${h}`,
    goldTrace: [color, shape, 'at', String(x), String(y), 'width', String(w), 'height', String(h)],
  };
}

/** The gold box of an instance (its answer). */
export function goldBox(instance: TaskInstance): Box {
  const p = parseBox(instance.answer.split(' '));
  if (!p.ok) throw new Error(`locate instance (seed ${instance.seed}) has the malformed gold box "${instance.answer}": ${p.reason}.`);
  return p.box;
}


/** Steps: x and y (the two words after "at"), the width, the height: a quarter each. */
function scoreSteps(instance: TaskInstance, trace: readonly string[]): number {
  const steps: [string, number][] = [['at', 1], ['at', 2], ['width', 1], ['height', 1]];
  const right = steps.filter(([m, k]) => wordAfter(trace, m, k) !== undefined && wordAfter(trace, m, k) === wordAfter(instance.goldTrace, m, k)).length;
  return right / steps.length;
}

export const locateTask: TaskDef = {
  id: 'locate',
  title: 'Locate',
  description: 'Visual grounding: answer the box (x y w h on an 8 x 8 grid) of the shape the question names, graded by IoU; novel answers: larger boxes.',
  shift: 'Visual shift: the same shapes and boxes, drawn as hollow outlines training never shows. The outline still shows the colour, the shape and where it is, so the box can still be read.',
  levels: 3,
  vocabSize: VOCAB_SIZE,
  answerLength: 4,
  hasGoldTraces: true,
  generate,
  scoreSteps,
  goldBox,
  scoreAnswer: (instance, words) => scoreBox(words, goldBox(instance), 'iou'),
  isCorrect: (instance, words) => {
    const p = parseBox(words);
    return p.ok && iou(p.box, goldBox(instance)) >= IOU_CORRECT;
  },
};
