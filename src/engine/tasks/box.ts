/**
 * Boxes on the locate task's grid: an answer `x y w h` (four number words, in cells of an
 * GRID x GRID grid laid over the image), its parse, and the two overlaps the rewards use.
 * Pure arithmetic on integers, no imports, so the task, the rewards and the Inspect view share
 * one copy (and rewards.py ports it line for line).
 *
 * IoU as Visual-RFT's verifiable reward for detection and grounding (Liu et al., 2025,
 * arXiv:2503.01785: the IoU of the predicted and the ground-truth box, a continuous reward in
 * [0, 1]); the thresholded variant pays 1 at IoU >= 0.5, detection's AP50 line.
 */

/** Cells across and down the image; coordinates are 0..GRID - 1, sizes 1..GRID. */
export const GRID = 8;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type ParsedBox = { ok: true; box: Box } | { ok: false; reason: string };

/**
 * Four number words -> a box inside the grid, or the reason it is none (never throws: a policy
 * may say anything). Malformed: not four words, a word that is not a whole number, a width or
 * height of 0, a box that runs off the grid.
 */
export function parseBox(words: readonly string[]): ParsedBox {
  if (words.length !== 4) return { ok: false, reason: `a box is 4 numbers (x y w h), got ${words.length} words` };
  const nums = words.map((w) => (/^\d+$/.test(w) ? Number(w) : NaN));
  const bad = nums.findIndex((n) => Number.isNaN(n));
  if (bad >= 0) return { ok: false, reason: `"${words[bad]}" (${['x', 'y', 'w', 'h'][bad]}) is not a number` };
  const [x, y, w, h] = nums as [number, number, number, number];
  if (w === 0 || h === 0) return { ok: false, reason: `a box of width ${w} and height ${h} is empty` };
  if (x + w > GRID || y + h > GRID) return { ok: false, reason: `the box ${x} ${y} ${w} ${h} runs off the ${GRID} x ${GRID} grid` };
  return { ok: true, box: { x, y, w, h } };
}

/** Cells two boxes share. */
export function intersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union, in [0, 1]. */
export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  return inter / (a.w * a.h + b.w * b.h - inter);
}

/** The share of the gold box the answer covers (recall): 1 for any box containing it, the whole image included. */
export function recall(answer: Box, gold: Box): number {
  return intersection(answer, gold) / (gold.w * gold.h);
}

/** How a box answer is paid: IoU (continuous), IoU >= 0.5 (0/1), or recall (hackable: the whole image earns 1). */
export const BOX_REWARDS = ['iou', 'iou50', 'recall'] as const;
export type BoxReward = (typeof BOX_REWARDS)[number];

/** The line between a right and a wrong box: IoU >= 0.5, as in detection's AP50 and Visual-RFT's grounding reward. */
export const IOU_CORRECT = 0.5;

/** An answer's score under a box reward; a malformed answer scores 0. */
export function scoreBox(words: readonly string[], gold: Box, how: BoxReward = 'iou'): number {
  const p = parseBox(words);
  if (!p.ok) return 0;
  if (how === 'recall') return recall(p.box, gold);
  const v = iou(p.box, gold);
  return how === 'iou50' ? (v >= IOU_CORRECT ? 1 : 0) : v;
}
