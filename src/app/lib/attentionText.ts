/**
 * Attention over the image patches as text, for readers who cannot hover a heatmap cell (keyboard,
 * screen reader): the patches with the most attention, each with its row and column, and every
 * weight as a percentage in the grid's own layout.
 */
export interface PatchWeight {
  patch: number;
  /** 1-based, from the top-left. */
  row: number;
  col: number;
  /** Share of the attention, in percent. */
  percent: number;
}

/** The k patches with the most attention, largest first (ties: lower patch index first). */
export function topPatches(weights: readonly number[], grid: number, k = 3): PatchWeight[] {
  return weights
    .map((w, patch) => ({ patch, row: Math.floor(patch / grid) + 1, col: (patch % grid) + 1, percent: 100 * w }))
    .sort((a, b) => b.percent - a.percent || a.patch - b.patch)
    .slice(0, k);
}

/** "row 1, column 2: 40.0%; row 2, column 1: 30.0%" */
export function topPatchesText(weights: readonly number[], grid: number, k = 3): string {
  return topPatches(weights, grid, k)
    .map((p) => `row ${p.row}, column ${p.col}: ${p.percent.toFixed(1)}%`)
    .join('; ');
}

/** The weights in rows of the grid, as percentages with one decimal. */
export function percentRows(weights: readonly number[], grid: number): string[][] {
  return Array.from({ length: grid }, (_, r) => Array.from({ length: grid }, (_, c) => (100 * (weights[r * grid + c] ?? 0)).toFixed(1)));
}
