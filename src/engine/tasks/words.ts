/**
 * Small helpers the grid tasks share (area, locate): reading a step's word in a trace, and
 * keeping shapes apart when they are placed.
 */

/** A rectangle on a task's grid: top-left cell, width and height in cells. */
export interface GridRect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** The word `offset` places after the first `marker` in a trace, or undefined. */
export function wordAfter(trace: readonly string[], marker: string, offset = 1): string | undefined {
  const at = trace.indexOf(marker);
  return at < 0 ? undefined : trace[at + offset];
}

/** Two grid rectangles with a cell of empty grid all round, so no two shapes touch or share a border. */
export function rectsApart(a: GridRect, b: GridRect): boolean {
  return a.x + a.w < b.x || b.x + b.w < a.x || a.y + a.h < b.y || b.y + b.h < a.y;
}
