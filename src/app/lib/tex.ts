/**
 * Numbers for TeX, tfjs- and KaTeX-free so pure modules (the objective builder) can write
 * formulas that the Formula component then typesets.
 */

/** A number for TeX: fixed significant digits, minus sign, exponents as 10^{k}. */
export function texNum(v: number | undefined | null, digits = 3): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '\\text{–}';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) {
    const [m, e] = v.toExponential(Math.max(0, digits - 1)).split('e');
    return `${Number(m)} \\times 10^{${Number(e)}}`;
  }
  return String(Number(v.toPrecision(digits)));
}
