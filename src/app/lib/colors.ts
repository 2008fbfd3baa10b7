/** Run colours: distinct on white, colour-blind-friendly first (Okabe–Ito), then more. */
export const RUN_COLORS = [
  '#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7F3C8D', '#3B8B3B', '#B8860B', '#444444',
] as const;

export function nextColor(used: readonly string[]): string {
  const free = RUN_COLORS.find((c) => !used.includes(c));
  return free ?? RUN_COLORS[used.length % RUN_COLORS.length]!;
}
