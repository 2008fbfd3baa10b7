import { useMemo, useState } from 'react';
import { ALGORITHM_SPECS, ignoresKnob } from '../../../engine/algorithms/spec';
import { countClipped, ratioPoints, type RatioPoint } from '../../lib/inspect';
import { clipState, clippedSurrogate } from '../../../engine/rl/host';
import { trustRegionStep } from '../../lib/toys';
import { fmt, pct } from '../../lib/format';
import { Formula, texNum } from './Formula';
import { linear, path, range } from './plot';
import { Slider } from './Slider';
import { useRunContext } from './useRunContext';

const W = 280;
const H = 190;
const PAD = { l: 34, r: 10, t: 12, b: 28 };
const R_MAX = 2;
const MAX_DOTS = 1500;
/** The TRPO toy: a gradient and a Fisher matrix [[a, b], [b, c]] far from aligned, so the natural step visibly turns. */
const TOY_G: [number, number] = [1, 1];
const TOY_F: [number, number, number] = [4, 1.5, 1];
const DELTA_MAX = 0.1;

/** One panel of the clipped objective L/|A| against r, for A > 0 or A < 0, with the run's tokens as dots. */
function ClipPanel({ sign, epsLow, epsHigh, points }: { sign: 1 | -1; epsLow: number; epsHigh: number; points: readonly RatioPoint[] }) {
  const x = linear([0, R_MAX], [PAD.l, W - PAD.r]);
  const y = linear(sign > 0 ? [0, R_MAX] : [-R_MAX, 0], [H - PAD.b, PAD.t]);
  const curve = range(0, R_MAX, 161).map((r) => [r, clippedSurrogate(r, sign, epsLow, epsHigh)] as const);
  const unclipped = range(0, R_MAX, 2).map((r) => [r, r * sign] as const);
  const lo = Math.max(0, 1 - epsLow);
  const hi = Math.min(R_MAX, 1 + epsHigh);
  const mine = points.filter((p) => Math.sign(p.advantage) === sign).slice(0, MAX_DOTS);
  const title = sign > 0 ? 'A > 0: raise this token' : 'A < 0: lower this token';
  return (
    <figure className="plot" aria-label={`${title}: the clipped objective against the ratio r`}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`clip region ${sign > 0 ? `r > ${fmt(1 + epsHigh)}` : `r < ${fmt(1 - epsLow)}`}`}>
        {/* Where the clip cuts the gradient: flat objective, this token stops pulling. */}
        {sign > 0 ? (
          <rect className="clip-region clip-high" data-testid="clip-region-high" data-x={1 + epsHigh} x={x(hi)} y={PAD.t} width={Math.max(0, x(R_MAX) - x(hi))} height={H - PAD.t - PAD.b} />
        ) : (
          <rect className="clip-region clip-low" data-testid="clip-region-low" data-x={1 - epsLow} x={x(0)} y={PAD.t} width={Math.max(0, x(lo) - x(0))} height={H - PAD.t - PAD.b} />
        )}
        <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={y(0)} y2={y(0)} />
        <line className="axis" x1={PAD.l} x2={PAD.l} y1={PAD.t} y2={H - PAD.b} />
        <line className="ref-line" x1={x(1)} x2={x(1)} y1={PAD.t} y2={H - PAD.b} />
        <path className="curve-faint" d={path(unclipped, x, y)} />
        <path className="curve" d={path(curve, x, y)} />
        {mine.map((p, i) => {
          const r = Math.min(Math.max(p.ratio, 0), R_MAX);
          const state = clipState(p.ratio, p.advantage, epsLow, epsHigh);
          return <circle key={i} className={`dot dot-${state === 1 ? 'high' : state === -1 ? 'low' : 'in'}`} cx={x(r)} cy={y(clippedSurrogate(r, sign, epsLow, epsHigh))} r={2.6} />;
        })}
        {[0, 0.5, 1, 1.5, 2].map((t) => (
          <text key={t} className="tick" x={x(t)} y={H - PAD.b + 12} textAnchor="middle">
            {t}
          </text>
        ))}
        <text className="tick" x={W - PAD.r} y={H - 4} textAnchor="end">
          r = π/π_old
        </text>
        <text className="tick" x={4} y={PAD.t + 4}>
          L/|A|
        </text>
      </svg>
    </figure>
  );
}

/** PPO-Penalty: r·A − β·(r − 1 − log r) for A = ±1; the best r moves toward 1 as β grows. */
function PenaltyToy({ beta, setBeta }: { beta: number; setBeta: (b: number) => void }) {
  const x = linear([0.05, R_MAX], [PAD.l, W - PAD.r]);
  const f = (r: number, a: number) => r * a - beta * (r - 1 - Math.log(r));
  const rs = range(0.05, R_MAX, 160);
  const ys = rs.flatMap((r) => [f(r, 1), f(r, -1)]);
  const y = linear([Math.max(-3, Math.min(...ys)), Math.min(3, Math.max(...ys))], [H - PAD.b, PAD.t]);
  // dL/dr = A − β(1 − 1/r) = 0  ->  r* = β / (β − A) (for A > 0 only once β > A).
  const best = (a: number) => (beta > a ? beta / (beta - a) : Number.POSITIVE_INFINITY);
  return (
    <div className="toy">
      <h4>PPO-Penalty</h4>
      <Slider label="β (penalty weight)" help="Weight of the KL(π_old‖π) penalty: the larger, the closer to 1 the best ratio." value={beta} min={0} max={5} step={0.1} onChange={setBeta} testId="penalty-beta" />
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`PPO-Penalty objective for beta ${beta}`}>
        <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={y(0)} y2={y(0)} />
        <line className="ref-line" x1={x(1)} x2={x(1)} y1={PAD.t} y2={H - PAD.b} />
        <path className="curve" d={path(rs.map((r) => [r, f(r, 1)] as const), x, y)} />
        <path className="curve curve-neg" d={path(rs.map((r) => [r, f(r, -1)] as const), x, y)} />
        {[0.5, 1, 1.5, 2].map((t) => (
          <text key={t} className="tick" x={x(t)} y={H - PAD.b + 12} textAnchor="middle">
            {t}
          </text>
        ))}
      </svg>
      <p className="toy-note">
        Best ratio for A = +1: {Number.isFinite(best(1)) ? fmt(best(1)) : 'unbounded (β ≤ A)'}; for A = −1: {fmt(best(-1))}. No hard wall: the penalty bends the objective instead
        of flattening it.
      </p>
      <Formula label="PPO-Penalty objective" tex={`L^{\\mathrm{KLPEN}} = \\mathbb{E}_t\\!\\left[r_t \\hat A_t - ${texNum(beta)}\\,\\big(r_t - 1 - \\log r_t\\big)\\right]`} />
    </div>
  );
}

/** TRPO on a 2-parameter toy: the KL ellipse ½ dᵀFd = δ and the natural vs plain gradient steps. */
function TrustRegionToy({ delta, setDelta }: { delta: number; setDelta: (d: number) => void }) {
  const { natural, gradient, ellipse, gain } = trustRegionStep(TOY_G, TOY_F, delta);
  // Same units on both axes, sized so the largest δ's ellipse fits.
  const big = trustRegionStep(TOY_G, TOY_F, DELTA_MAX).ellipse;
  const halfW = (W - PAD.l - PAD.r) / 2;
  const halfH = (H - PAD.t - PAD.b) / 2;
  const s = 1.1 * Math.max(...big.map(([a]) => Math.abs(a) / halfW), ...big.map(([, b]) => Math.abs(b) / halfH));
  const x = linear([-s * halfW, s * halfW], [PAD.l, W - PAD.r]);
  const y = linear([-s * halfH, s * halfH], [H - PAD.b, PAD.t]);
  const reach = s * halfW;
  return (
    <div className="toy">
      <h4>TRPO trust region</h4>
      <Slider label="δ (max KL)" help="Trust-region radius: the step may move the policy by at most this much KL." value={delta} min={0.002} max={DELTA_MAX} step={0.002} onChange={setDelta} testId="trpo-delta" />
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`KL ellipse for delta ${delta}`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M0 0 L10 5 L0 10 z" fill="context-stroke" />
          </marker>
        </defs>
        <line className="axis" x1={x(-reach)} x2={x(reach)} y1={y(0)} y2={y(0)} />
        <line className="axis" x1={x(0)} x2={x(0)} y1={PAD.t} y2={H - PAD.b} />
        <path className="ellipse" d={`${path(ellipse, x, y)} Z`} />
        <line className="step step-grad" x1={x(0)} y1={y(0)} x2={x(gradient[0])} y2={y(gradient[1])} markerEnd="url(#arrow)" />
        <line className="step step-nat" x1={x(0)} y1={y(0)} x2={x(natural[0])} y2={y(natural[1])} markerEnd="url(#arrow)" />
      </svg>
      <p className="toy-note">
        <span className="key key-nat">natural step F⁻¹g</span> improves the objective by {fmt(gain.natural)}, the <span className="key key-grad">plain gradient direction</span> by{' '}
        {fmt(gain.gradient)}, both at KL = δ: the Fisher matrix F says which directions are cheap in KL.
      </p>
      <Formula label="TRPO step" tex={`d^* = \\sqrt{\\frac{2\\cdot ${texNum(delta)}}{g^\\top F^{-1} g}}\\;F^{-1} g`} />
      <Formula label="TRPO constraint" tex={`\\text{so that}\\ \\tfrac12\\, d^{*\\top} F\\, d^* = ${texNum(delta)}\\ (\\text{the KL ellipse})`} />
    </div>
  );
}

/** The clipped surrogate as a function of r, with the current run's tokens on it. */
export function PpoClipExplainer() {
  const ctx = useRunContext();
  const o = ctx.config.objective;
  const [epsLow, setEpsLow] = useState(o.epsLow);
  const [epsHigh, setEpsHigh] = useState(o.epsHigh);
  const spec = ALGORITHM_SPECS[o.algorithm];
  // The toys start at the run's own β and δ where the run has them (a KL(π_old ‖ π) penalty; a trust region).
  const [beta, setBeta] = useState(spec.betaMeaning === 'old-policy-kl' ? o.beta : 2);
  const [delta, setDelta] = useState(spec.stepControl === 'trust-region' ? Math.min(DELTA_MAX, o.trpoMaxKl) : 0.02);
  // The dots sit at the advantages the trainer used: whitened only where the algorithm reads that knob (the critic's GAE).
  const whitened = o.whitenAdvantages && !ignoresKnob(o.algorithm, 'objective.whitenAdvantages');
  const points = useMemo(() => (ctx.batch ? ratioPoints(ctx.batch, whitened) : []), [ctx.batch, whitened]);
  const now = countClipped(points, epsLow, epsHigh);
  const atRun = points.filter((p) => p.clipped !== 0).length;
  const updates = ctx.config.optim.epochs * ctx.config.optim.minibatches;
  const rec = ctx.record?.values;
  const tex =
    `L^{\\mathrm{CLIP}}(\\theta) = \\mathbb{E}_t\\!\\left[\\min\\!\\Big(r_t \\hat A_t,\\; \\mathrm{clip}\\big(r_t,\\, 1-${texNum(epsLow)},\\, 1+${texNum(epsHigh)}\\big)\\,\\hat A_t\\Big)\\right],` +
    `\\quad r_t = \\frac{\\pi_\\theta(y_t\\mid s_t)}{\\pi_{\\theta_\\text{old}}(y_t\\mid s_t)}`;
  const runTex = rec
    ? `\\text{iteration ${ctx.record?.iteration}, mean of its ${updates} update${updates === 1 ? '' : 's'}: clip/low} = ${texNum((rec['clip/low'] ?? 0) * 100)}\\%,\\;\\text{clip/high} = ${texNum((rec['clip/high'] ?? 0) * 100)}\\%,\\;\\text{approx KL} = ${texNum(rec['policy/approx_kl'])}`
    : null;
  return (
    <section className="explainer" aria-labelledby="ppo-clip-title" data-testid="explainer-ppo-clip">
      <h3 id="ppo-clip-title">PPO-Clip: how far one rollout may move the policy</h3>
      <p>
        After the first update on a rollout, the policy being trained differs from the one that sampled it. The ratio r = π/π_old says by how much, per token. PPO
        stops a token from pulling further once its ratio leaves [1 − ε_low, 1 + ε_high] in the direction its advantage pushes: the objective goes flat (shaded),
        and its gradient is zero.
      </p>
      <Formula label="PPO clipped surrogate with the current clip range" tex={tex} />
      {runTex && <Formula label="The run's clip fractions (logged: averaged over the iteration's updates)" tex={runTex} />}
      <div className="slider-row">
        <Slider label="ε_low" help="Lower clip: ratios below 1 − ε_low stop lowering a token with A < 0. TRL: epsilon." value={epsLow} min={0} max={1} step={0.01} onChange={setEpsLow} testId="eps-low" />
        <Slider label="ε_high" help="Upper clip: ratios above 1 + ε_high stop raising a token with A > 0 (DAPO: 0.28). TRL: epsilon_high." value={epsHigh} min={0} max={1} step={0.01} onChange={setEpsHigh} testId="eps-high" />
        <button type="button" onClick={() => { setEpsLow(o.epsLow); setEpsHigh(o.epsHigh); }}>
          Back to the run's ε
        </button>
      </div>
      <div className="plots">
        <ClipPanel sign={1} epsLow={epsLow} epsHigh={epsHigh} points={points} />
        <ClipPanel sign={-1} epsLow={epsLow} epsHigh={epsHigh} points={points} />
      </div>
      <p className="legend">
        <span className="key key-in">inside the range</span> <span className="key key-high">clipped high</span> <span className="key key-low">clipped low</span>
      </p>
      {points.length > 0 ? (
        <p data-testid="clip-count" data-count={now.low + now.high} data-low={now.low} data-high={now.high} data-total={points.length} aria-live="polite">
          At these ε: <strong>{now.low + now.high}</strong> of {points.length} tokens clipped ({now.high} high, {now.low} low) in iteration {ctx.batch?.iteration}. The
          trainer, at ε_low = {fmt(o.epsLow)} / ε_high = {fmt(o.epsHigh)}, clipped {atRun} ({pct(atRun / points.length)}): that count is each token&apos;s ratio in the{' '}
          <em>last</em> epoch, when its minibatch was updated.{' '}
          {updates > 1 &&
            `The logged clip/low and clip/high above are a different number: the share clipped in each of the iteration's ${updates} updates (epochs × minibatches), averaged, early updates included, when the ratio is still near 1 and little is clipped; so they are usually smaller.`}
          {updates === 1 && ' This run does one update per rollout, so every ratio is exactly 1: raise epochs or minibatches to see tokens move.'}
        </p>
      ) : (
        <p className="muted" data-testid="clip-count" data-count={0} data-total={0}>
          No tokens yet: start a run (PPO-Clip, or any preset with more than one update per rollout) and its tokens appear on these curves.
        </p>
      )}
      <div className="toys">
        <PenaltyToy beta={beta} setBeta={setBeta} />
        <TrustRegionToy delta={delta} setDelta={setDelta} />
      </div>
    </section>
  );
}
