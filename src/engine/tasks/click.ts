/**
 * click: a GUI action. A "screen" of 2-4 buttons, each a bordered box with a coloured shape on
 * it, and an instruction "click red square"; the answer is an action and a point,
 * `<answer> click X Y </answer>`.
 *
 * Coordinates are on a 16 x 16 grid of screen units (CLICK_GRID), one unit imageSize/16 pixels
 * (2 at the default 32): a coarser grid than pixels keeps the answer space small (16 values a
 * coordinate, numbers the vocabulary has at any imageSize) while a button still spans 4-5 units
 * each way, so 16-25 points hit it. Any point inside the target's box is right (scoreAnswer);
 * the gold answer, the one SFT imitates, is the box's centre unit (floor of the middle).
 *
 * The gold trace names the target and reads its box: `red square width 4 to 7 height 9 to 11`
 * (the columns 4..7 and rows 9..11 it covers, inclusive); the answer is then its centre,
 * `click 5 10`. scoreSteps checks the three steps: target named, columns read, rows read.
 *
 * Splits. ID: the target's centre is never in the bottom-right quarter of the screen (both
 * coordinates >= 8). 'ood', "novel answers": it always is, so every gold answer is a click ID
 * never asks for (each coordinate alone is familiar, the pair is not). 'shift', "visual
 * shift": the ID layout, instruction and answer of the same seed drawn in a dark theme (dark
 * background and buttons, light borders) that no ID screen has; the coloured shapes are the same.
 *
 * Levels: 1 one other button, differing in colour and shape; 2 two others, which may share the
 * target's colour or its shape (so both words matter); 3 three others, likewise.
 *
 * Rewards, after UI-R1 (Lu et al., 2025, arXiv:2503.21620: R = R_T + R_C + R_F, the action type
 * right, the coordinate inside the ground-truth box, the format) and GUI-R1 (arXiv:2504.10458:
 * R_point = 1 when the point lies in the ground-truth box): scoreAnswer = action right x point
 * inside, in {0, 1}. A point parses only after the word click, so R_C = 1 implies R_T = 1 and
 * accuracy + the action reward (../rewards/click.ts) is exactly UI-R1's R_T + R_C.
 */
import { Rng } from '../random';
import { BOS, COLORS, SHAPES, VOCAB_SIZE, encode, type Color, type Shape } from '../tokenizer';
import { BACKGROUND, PALETTE, createRaster, drawShape, fillRect, jitterColor, type Raster, type Rgb } from './raster';
import type { GenerateOptions, TaskDef, TaskInstance } from './types';

/** Screen units a side: answers' coordinates are 0..CLICK_GRID - 1. */
export const CLICK_GRID = 16;
/** The only action this screen has (UI-R1's action type). */
export const CLICK_ACTION = 'click';
const PLACEMENT_TRIES = 40;
/** The bottom-right quarter starts here (units): ID targets never centre in it, novel-answer ones always do. */
const QUARTER = CLICK_GRID / 2;

/** A button's box in units, inclusive: columns x0..x1, rows y0..y1. */
export interface ClickBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

interface Button {
  box: ClickBox;
  color: Color;
  shape: Shape;
}

/** Screen colours: the ID theme and the visual-shift split's dark one. */
export interface ClickTheme {
  background: Rgb;
  button: Rgb;
  border: Rgb;
}
export const CLICK_THEME: ClickTheme = { background: BACKGROUND, button: [1, 1, 1], border: [0.45, 0.45, 0.5] };
export const CLICK_SHIFT: ClickTheme = { background: [0.12, 0.12, 0.15], button: [0.26, 0.26, 0.3], border: [0.75, 0.75, 0.78] };

/** The centre unit of a box (floor of the middle): the gold click. */
export const boxCentre = (b: ClickBox): [number, number] => [Math.floor((b.x0 + b.x1) / 2), Math.floor((b.y0 + b.y1) / 2)];

const inBottomRight = (b: ClickBox): boolean => boxCentre(b).every((c) => c >= QUARTER);

/** A unit of empty screen between any two buttons. */
const apart = (a: ClickBox, b: ClickBox): boolean => a.x1 + 1 < b.x0 || b.x1 + 1 < a.x0 || a.y1 + 1 < b.y0 || b.y1 + 1 < a.y0;

function placeBox(rng: Rng): ClickBox {
  const [w, h] = [rng.int(4, 5), rng.int(4, 5)];
  const [x0, y0] = [rng.int(0, CLICK_GRID - w), rng.int(0, CLICK_GRID - h)];
  return { x0, x1: x0 + w - 1, y0, y1: y0 + h - 1 };
}

/** Pixel edge of unit k. */
const edge = (k: number, size: number): number => Math.round((k * size) / CLICK_GRID);

function drawButton(r: Raster, b: Button, theme: ClickTheme, rgb: Rgb): void {
  const [px0, py0] = [edge(b.box.x0, r.size), edge(b.box.y0, r.size)];
  const [px1, py1] = [edge(b.box.x1 + 1, r.size), edge(b.box.y1 + 1, r.size)];
  fillRect(r, px0, py0, px1 - px0, py1 - py0, theme.border);
  fillRect(r, px0 + 1, py0 + 1, px1 - px0 - 2, py1 - py0 - 2, theme.button);
  const side = Math.min(px1 - px0, py1 - py0) - 3;
  drawShape(r, b.shape, (px0 + px1) / 2, (py0 + py1) / 2, side, rgb);
}

/** Distractors: level 1 differs in colour and shape; levels 2-3 may share one of them. */
function distractorKinds(rng: Rng, target: { color: Color; shape: Shape }, level: number): { color: Color; shape: Shape } {
  for (;;) {
    const color = rng.pick(COLORS);
    const shape = rng.pick(SHAPES);
    if (color === target.color && shape === target.shape) continue;
    if (level === 1 && (color === target.color || shape === target.shape)) continue;
    return { color, shape };
  }
}

function generate({ seed, split, difficulty, imageSize, jitter }: GenerateOptions): TaskInstance {
  const rng = new Rng(seed);
  const color = rng.pick(COLORS);
  const shape = rng.pick(SHAPES);
  let box: ClickBox;
  do box = placeBox(rng);
  while (inBottomRight(box) !== (split === 'ood'));
  const buttons: Button[] = [{ box, color, shape }];
  for (let k = 0; k < difficulty; k++) {
    const kind = distractorKinds(rng, { color, shape }, difficulty);
    // A crowded screen can leave no room; then it simply has fewer buttons.
    for (let t = 0; t < PLACEMENT_TRIES; t++) {
      const b = placeBox(rng);
      if (buttons.every((o) => apart(o.box, b))) {
        buttons.push({ box: b, ...kind });
        break;
      }
    }
  }
  const theme = split === 'shift' ? CLICK_SHIFT : CLICK_THEME;
  const raster = createRaster(imageSize, theme.background);
  for (const b of buttons) drawButton(raster, b, theme, jitterColor(PALETTE[b.color], rng, jitter));
  const [cx, cy] = boxCentre(box);
  return {
    taskId: 'click',
    seed,
    split,
    difficulty,
    imageSize,
    image: raster.data,
    promptTokens: [BOS, ...encode(`click ${color} ${shape}`)],
    answer: `${CLICK_ACTION} ${cx} ${cy}`,
    goldTrace: [color, shape, 'width', String(box.x0), 'to', String(box.x1), 'height', String(box.y0), 'to', String(box.y1)],
  };
}

/** The words after `marker` and after the "to" that follows it: a span "width 4 to 7" -> ['4', '7']. */
function span(trace: readonly string[], marker: string): [string | undefined, string | undefined] {
  const at = trace.indexOf(marker);
  if (at < 0) return [undefined, undefined];
  return [trace[at + 1], trace[at + 2] === 'to' ? trace[at + 3] : undefined];
}

const toUnit = (w: string | undefined): number | null => (w !== undefined && /^\d+$/.test(w) && Number(w) < CLICK_GRID ? Number(w) : null);

/** The target's box as its gold trace reads it (the trace carries it, so the Python export can grade from the same data). */
export function targetBox(instance: Pick<TaskInstance, 'goldTrace'>): ClickBox {
  const [x0, x1] = span(instance.goldTrace, 'width').map(toUnit);
  const [y0, y1] = span(instance.goldTrace, 'height').map(toUnit);
  if (x0 == null || x1 == null || y0 == null || y1 == null) throw new Error(`A click instance's gold trace must read "colour shape width X0 to X1 height Y0 to Y1", got "${instance.goldTrace.join(' ')}".`);
  return { x0, x1, y0, y1 };
}

export type ParsedClick = { ok: true; action: string; x: number; y: number } | { ok: false; reason: string };

/**
 * An answer's words as an action and a point; never throws. Reasons name what is wrong: too few
 * or too many words, another action, a coordinate that is no number or lies off the 16 x 16 screen.
 */
export function parseClick(words: readonly string[]): ParsedClick {
  if (words.length !== 3) return { ok: false, reason: `an action needs 3 words (click X Y), got ${words.length}` };
  const [action, xs, ys] = words as [string, string, string];
  if (action !== CLICK_ACTION) return { ok: false, reason: `the action is "${action}", not "${CLICK_ACTION}"` };
  const num = (w: string): number | null => (/^\d+$/.test(w) ? Number(w) : null);
  const [x, y] = [num(xs), num(ys)];
  if (x === null || y === null) return { ok: false, reason: `a coordinate is not a number ("${x === null ? xs : ys}")` };
  if (x >= CLICK_GRID || y >= CLICK_GRID) return { ok: false, reason: `the point (${x}, ${y}) is off the screen (0..${CLICK_GRID - 1})` };
  return { ok: true, action, x, y };
}

export const insideBox = (b: ClickBox, x: number, y: number): boolean => x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;

/**
 * UI-R1's two answer terms as one product: R_action (the action type is `click`) x R_coord (the
 * point lies in the target's box), so 1 only when both hold; any point in the box is right.
 */
export function scoreClick(instance: TaskInstance, words: readonly string[]): number {
  const p = parseClick(words);
  return p.ok && insideBox(targetBox(instance), p.x, p.y) ? 1 : 0;
}

/** Steps: the target named (colour and shape), its columns read, its rows read. */
function scoreSteps(instance: TaskInstance, trace: readonly string[]): number {
  const gold = instance.goldTrace;
  const named = trace[0] === gold[0] && trace[1] === gold[1];
  const same = (m: string): boolean => {
    const [a, b] = span(trace, m);
    const [c, d] = span(gold, m);
    return a !== undefined && b !== undefined && a === c && b === d;
  };
  return [named, same('width'), same('height')].filter(Boolean).length / 3;
}

export const clickTask: TaskDef = {
  id: 'click',
  title: 'Click',
  description: 'A screen of buttons and an instruction ("click red square"): answer click X Y on a 16 x 16 grid, anywhere inside the right button; novel answers: targets in the bottom-right quarter.',
  shift: 'Visual shift: the same screens in a dark theme (dark background and buttons, light borders) training never shows. The coloured shapes and the button outlines are still there, so the target can still be found and clicked.',
  levels: 3,
  vocabSize: VOCAB_SIZE,
  answerLength: 3,
  hasGoldTraces: true,
  generate,
  scoreSteps,
  scoreAnswer: scoreClick,
};
