/**
 * Digits as 3x5 bitmaps, the smallest grid on which all ten stay distinct. Scaled by an
 * integer factor they stay crisp at any image size (2x at 32x32: 6x10 pixels a digit).
 */

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** Rows top to bottom; '#' is ink. */
const GLYPHS: readonly (readonly string[])[] = [
  ['###', '#.#', '#.#', '#.#', '###'], // 0
  ['.#.', '##.', '.#.', '.#.', '###'], // 1
  ['###', '..#', '###', '#..', '###'], // 2
  ['###', '..#', '###', '..#', '###'], // 3
  ['#.#', '#.#', '###', '..#', '..#'], // 4
  ['###', '#..', '###', '..#', '###'], // 5
  ['###', '#..', '###', '#.#', '###'], // 6
  ['###', '..#', '..#', '..#', '..#'], // 7
  ['###', '#.#', '###', '#.#', '###'], // 8
  ['###', '#.#', '###', '..#', '###'], // 9
];

/** Whether the glyph of `digit` has ink at column `col`, row `row`. */
export function glyphInk(digit: number, col: number, row: number): boolean {
  const glyph = GLYPHS[digit];
  if (glyph === undefined) throw new Error(`No glyph for ${digit}: the font has the digits 0..9.`);
  return glyph[row]?.[col] === '#';
}
