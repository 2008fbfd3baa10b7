import { describe, expect, it } from 'vitest';
import { percentRows, topPatches, topPatchesText } from './attentionText';

describe('attention as text', () => {
  // A 2 x 2 grid in raster order: patch 0 top-left 0.1, patch 1 top-right 0.4, patch 2 bottom-left 0.3, patch 3 bottom-right 0.2.
  const w = [0.1, 0.4, 0.3, 0.2];
  it('names the most-attended patches by row and column, largest first', () => {
    expect(topPatches(w, 2, 2)).toEqual([
      { patch: 1, row: 1, col: 2, percent: 40 },
      { patch: 2, row: 2, col: 1, percent: 30 },
    ]);
    expect(topPatchesText(w, 2, 2)).toBe('row 1, column 2: 40.0%; row 2, column 1: 30.0%');
    // Ties keep the lower patch first.
    expect(topPatches([0.5, 0.5], 2, 1)[0]!.patch).toBe(0);
  });
  it('lays every weight out in the grid\'s rows', () => {
    expect(percentRows(w, 2)).toEqual([
      ['10.0', '40.0'],
      ['30.0', '20.0'],
    ]);
  });
});
