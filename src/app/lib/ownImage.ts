import { BACKGROUND, INK, PALETTE } from '../../engine/tasks/raster';

/**
 * "Try your own" images: the pen's colours (the tasks' palette, their ink and background) and
 * resampling an uploaded picture to the task's size in the page (nearest or area sampling).
 */

export interface PenColor {
  name: string;
  rgb: readonly [number, number, number];
}

export const PEN_COLORS: readonly PenColor[] = [
  ...Object.entries(PALETTE).map(([name, rgb]) => ({ name, rgb })),
  { name: 'ink', rgb: INK },
  { name: 'background (eraser)', rgb: BACKGROUND },
];

/** A blank canvas: [size, size, 3] filled with the tasks' background. */
export function blankImage(size: number): Float32Array {
  const img = new Float32Array(size * size * 3);
  for (let p = 0; p < size * size; p++) img.set(BACKGROUND, p * 3);
  return img;
}

/** Paint a square pen of `width` pixels centred at (x, y), clipped to the image. */
export function paint(img: Float32Array, size: number, x: number, y: number, width: number, rgb: readonly number[]): void {
  const lo = -Math.floor((width - 1) / 2);
  for (let dy = lo; dy < lo + width; dy++) {
    for (let dx = lo; dx < lo + width; dx++) {
      const px = x + dx;
      const py = y + dy;
      if (px >= 0 && py >= 0 && px < size && py < size) img.set(rgb.slice(0, 3), (py * size + px) * 3);
    }
  }
}

export type Resampling = 'nearest' | 'area';

/**
 * RGBA bytes (w x h, as ImageData holds them) to a size x size RGB float image in [0, 1].
 * 'nearest' takes the source pixel under each target pixel's centre; 'area' averages every
 * source pixel by the share of it the target pixel covers (a box filter, exact for any ratio).
 * Transparent pixels are composited over the tasks' background.
 */
export function resample(rgba: ArrayLike<number>, w: number, h: number, size: number, mode: Resampling): Float32Array {
  const out = new Float32Array(size * size * 3);
  const px = (x: number, y: number, c: number): number => {
    const i = (y * w + x) * 4;
    const a = rgba[i + 3]! / 255;
    return (rgba[i + c]! / 255) * a + BACKGROUND[c]! * (1 - a);
  };
  const sx = w / size;
  const sy = h / size;
  for (let ty = 0; ty < size; ty++) {
    for (let tx = 0; tx < size; tx++) {
      for (let c = 0; c < 3; c++) out[(ty * size + tx) * 3 + c] = mode === 'nearest' ? px(Math.min(w - 1, Math.floor((tx + 0.5) * sx)), Math.min(h - 1, Math.floor((ty + 0.5) * sy)), c) : boxAverage(px, tx * sx, ty * sy, sx, sy, c);
    }
  }
  return out;
}

function boxAverage(px: (x: number, y: number, c: number) => number, x0: number, y0: number, sx: number, sy: number, c: number): number {
  let sum = 0;
  for (let y = Math.floor(y0); y < Math.ceil(y0 + sy); y++) {
    const hy = Math.min(y + 1, y0 + sy) - Math.max(y, y0);
    for (let x = Math.floor(x0); x < Math.ceil(x0 + sx); x++) {
      const wx = Math.min(x + 1, x0 + sx) - Math.max(x, x0);
      sum += px(x, y, c) * wx * hy;
    }
  }
  return sum / (sx * sy);
}

/** The words of `question` the model does not know, and a sentence naming them (null when all are known). */
export function unknownWordsSentence(question: string, known: (w: string) => boolean): string | null {
  const words = question.trim().split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return 'Type a question.';
  const unknown = [...new Set(words.filter((w) => !known(w)))];
  if (unknown.length === 0) return null;
  return `The model does not know ${unknown.map((w) => `"${w}"`).join(', ')}: use words of the task's questions (see the suggestions).`;
}
