/** Tiny SVG plotting helpers: linear scales and polyline paths (the explainers draw their own figures). */

export interface Scale {
  (v: number): number;
  domain: [number, number];
  range: [number, number];
}

export function linear(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const f = ((v: number) => r0 + (v - d0) * k) as Scale;
  f.domain = domain;
  f.range = range;
  return f;
}

/** "M x y L x y ..." through the points, skipping non-finite ones (a gap). */
export function path(points: readonly (readonly [number, number])[], x: Scale, y: Scale): string {
  let out = '';
  let pen = false;
  for (const [a, b] of points) {
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      pen = false;
      continue;
    }
    out += `${pen ? 'L' : 'M'}${x(a).toFixed(2)} ${y(b).toFixed(2)} `;
    pen = true;
  }
  return out.trim();
}

export const range = (lo: number, hi: number, n: number): number[] => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

export const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
