/**
 * Axis tick labels: short and clean at any scale. No "1.00e-4" (the mantissa's trailing zeros
 * go), no ".0000" or 0.30000000000000004 (six significant digits, trailing zeros dropped), and
 * large or tiny magnitudes as a short exponent ("2.5e-5", "1.2e6").
 */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (v === 0 || Object.is(v, -0)) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [mantissa = '', exp = '0'] = v.toExponential(3).split('e');
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    return `${m}e${Number(exp)}`;
  }
  return String(Number(v.toPrecision(6)));
}
