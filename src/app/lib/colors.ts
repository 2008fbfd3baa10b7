/**
 * Run colours: distinct on white, colour-blind-friendly first (Okabe–Ito), then generated, so
 * colours never repeat however many runs there are (the 11th run used to take the 1st's).
 */
export const RUN_COLORS = [
  '#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7F3C8D', '#3B8B3B', '#B8860B', '#444444',
] as const;

function hslToHex(h: number, s: number, l: number): string {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  const hex = (x: number) => Math.round(x * 255).toString(16).padStart(2, '0');
  return `#${hex(f(0))}${hex(f(8))}${hex(f(4))}`.toUpperCase();
}

/**
 * The i-th colour of the palette: the ten fixed ones, then hues a golden angle apart (every new
 * hue falls in the widest gap left), lightness and saturation cycling so neighbours differ.
 */
export function paletteColor(i: number): string {
  if (i < RUN_COLORS.length) return RUN_COLORS[i]!;
  const j = i - RUN_COLORS.length;
  const hue = (j * 137.508 + 20) % 360;
  const light = [0.38, 0.5, 0.3][j % 3]!;
  const sat = [0.75, 0.6, 0.85][Math.floor(j / 3) % 3]!;
  return hslToHex(hue, sat, light);
}

export function nextColor(used: readonly string[]): string {
  const taken = new Set(used.map((c) => c.toUpperCase()));
  for (let i = 0; ; i++) {
    const c = paletteColor(i);
    if (!taken.has(c)) return c;
  }
}

/** Colours of a chart's series (the reward's components) when a chart draws one run. */
export const seriesColor = (seriesIndex: number): string => paletteColor(seriesIndex);
