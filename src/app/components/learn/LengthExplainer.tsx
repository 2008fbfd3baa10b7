import { useMemo, useState } from 'react';
import { fmt } from '../../lib/format';
import { tokenWeights, type LossAggregation as Aggregation } from '../../../engine/rl/host';
import { Formula } from './Formula';
import { linear } from './plot';
import { useRunContext } from './useRunContext';

const AGGS: readonly { id: Aggregation; label: string; tex: (n: number, len: string, sum: number, lMax: number) => string }[] = [
  { id: 'seq-mean-token-mean', label: 'per-sequence mean (GRPO)', tex: (n, len) => `\\frac{1}{N\\,|o_i|} = \\frac{1}{${n}\\cdot ${len}}` },
  { id: 'token-mean', label: 'token mean (DAPO)', tex: (_n, _len, sum) => `\\frac{1}{\\sum_j |o_j|} = \\frac{1}{${sum}}` },
  { id: 'seq-mean-token-sum-norm', label: 'sum / L_max (Dr. GRPO)', tex: (n, _len, _sum, lMax) => `\\frac{1}{N\\,L_{\\max}} = \\frac{1}{${n}\\cdot ${lMax}}` },
];

const TOY = { lengths: [5, 9, 14, 22, 7, 18], advantages: [0.9, -0.9, 0.9, -0.9, 0.9, -0.9], lMax: 24 };

const W = 520;
const H = 200;
const PAD = { l: 44, r: 10, t: 12, b: 30 };

/** How each aggregation weighs a token of a long vs a short response, on the run's own lengths. */
export function LengthExplainer() {
  const ctx = useRunContext();
  const [agg, setAgg] = useState<Aggregation>(ctx.config.objective.lossAggregation);
  const fromRun = useMemo(() => {
    if (!ctx.batch) return null;
    const lengths = ctx.batch.samples.map((s) => s.tokens.length);
    const advantages = ctx.batch.samples.map((s) => s.advantage);
    // Nothing to see when every advantage is 0 or every response is as long as the others.
    const flat = advantages.every((a) => Math.abs(a) < 1e-9) || lengths.every((l) => l === lengths[0]);
    return { lengths, advantages, lMax: ctx.config.sampling.maxNewTokens, flat };
  }, [ctx.batch, ctx.config.sampling.maxNewTokens]);
  const data = fromRun && !fromRun.flat ? fromRun : TOY;
  const n = data.lengths.length;
  const sum = data.lengths.reduce((a, b) => a + b, 0);
  const w = tokenWeights(data.lengths, agg, data.lMax);
  // Per-token push, in units of "the mean token": weight x total tokens x advantage.
  const push = data.advantages.map((a, i) => a * w[i]! * sum);
  const lenMax = Math.max(...data.lengths, 1);
  const pMax = Math.max(1e-9, ...push.map(Math.abs));
  const x = linear([0, Math.max(lenMax, data.lMax)], [PAD.l, W - PAD.r]);
  const y = linear([-pMax, pMax], [H - PAD.b, PAD.t]);
  const shortest = Math.min(...data.lengths);
  const longest = Math.max(...data.lengths);
  const def = AGGS.find((a) => a.id === agg)!;
  const wrongLong = data.lengths.map((l, i) => ({ l, p: push[i]! })).filter((d) => d.p < 0);
  const tex =
    `\\mathcal L = \\sum_i \\sum_{t \\le |o_i|} w_i\\,\\ell_{i,t},\\qquad w_i = ${def.tex(n, String(shortest), sum, data.lMax)}` +
    (agg === 'seq-mean-token-mean' && longest !== shortest ? `\\ \\text{to}\\ \\frac{1}{${n}\\cdot ${longest}}` : '') +
    `\\quad (N = ${n},\\ |o| \\in [${shortest}, ${longest}],\\ L_{\\max} = ${data.lMax})`;
  return (
    <section className="explainer" aria-labelledby="length-title" data-testid="explainer-length">
      <h3 id="length-title">Length and aggregation: who gets diluted</h3>
      <p>
        The loss sums per-token terms with a weight w_i per response. Averaging each response over its own length first (GRPO) gives a token of a long response
        less weight: a long wrong answer is penalised less per token than a short one, and a short right answer is rewarded more. The policy learns that wrong
        answers should be long: overthinking. Token-mean (DAPO) and sum / L_max (Dr. GRPO) weigh every token alike.
        {fromRun && !fromRun.flat && ` Dots are the ${n} responses of your run's iteration ${ctx.batch?.iteration}.`}
        {fromRun?.flat && ` Your run's iteration ${ctx.batch?.iteration} has ${fromRun.advantages.every((a) => Math.abs(a) < 1e-9) ? 'all advantages 0' : 'every response the same length'}, so this is a worked example.`}
        {!fromRun && ' A worked example: start a run to see its own responses.'}
      </p>
      <Formula label="Per-token weight of each aggregation" tex={tex} />
      <fieldset className="scheme">
        <legend>Aggregation</legend>
        {AGGS.map((a) => (
          <label key={a.id}>
            <input type="radio" name="length-agg" checked={agg === a.id} data-testid={`agg-${a.id}`} onChange={() => setAgg(a.id)} /> {a.label}
            {a.id === ctx.config.objective.lossAggregation && <span className="preset-mark">this run</span>}
          </label>
        ))}
      </fieldset>
      <figure className="plot">
        <figcaption>Push per token (advantage × weight, 1 = an average token) against response length</figcaption>
        <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} role="img" aria-label="push per token against response length">
          <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={y(0)} y2={y(0)} />
          <line className="axis" x1={PAD.l} x2={PAD.l} y1={PAD.t} y2={H - PAD.b} />
          <line className="ref-line" x1={x(data.lMax)} x2={x(data.lMax)} y1={PAD.t} y2={H - PAD.b} />
          {push.map((p, i) => (
            <circle key={i} className={`dot ${p >= 0 ? 'dot-pos' : 'dot-neg'}`} cx={x(data.lengths[i]!)} cy={y(p)} r={3.5} data-testid="length-dot" data-push={p} />
          ))}
          <text className="tick" x={W - PAD.r} y={H - 6} textAnchor="end">
            |o| (tokens) · L_max = {data.lMax}
          </text>
          <text className="tick" x={4} y={y(pMax) + 4}>
            {fmt(pMax, 2)}
          </text>
          <text className="tick" x={4} y={y(-pMax)}>
            {fmt(-pMax, 2)}
          </text>
        </svg>
      </figure>
      {wrongLong.length > 1 && (
        <p className="toy-note">
          Negative-advantage responses: the {Math.max(...wrongLong.map((d) => d.l))}-token one is pushed down by {fmt(Math.abs(wrongLong.reduce((a, d) => (d.l > a.l ? d : a)).p), 3)} per
          token, the {Math.min(...wrongLong.map((d) => d.l))}-token one by {fmt(Math.abs(wrongLong.reduce((a, d) => (d.l < a.l ? d : a)).p), 3)}.
        </p>
      )}
    </section>
  );
}
