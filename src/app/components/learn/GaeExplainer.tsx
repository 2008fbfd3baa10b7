import { useMemo, useState } from 'react';
import { words } from '../../lib/inspect';
import { fmt } from '../../lib/format';
import { gae } from '../../../engine/rl/host';
import { Formula, texNum } from './Formula';
import { linear } from './plot';
import { Slider } from './Slider';
import { useRunContext } from './useRunContext';

const TOY = {
  labels: ['<think>', '3', '+', '4', '=', '7', '</think>', '<answer>', '7', '</answer>', '<eos>'],
  values: [0.3, 0.32, 0.35, 0.4, 0.42, 0.5, 0.55, 0.6, 0.7, 0.85, 0.9],
  reward: 1,
};

const W = 560;
const H = 200;
const PAD = { l: 30, r: 10, t: 10, b: 40 };

/** gamma and lambda over one response: TD errors, GAE advantages and returns, token by token. */
export function GaeExplainer() {
  const ctx = useRunContext();
  // A PPO response with something to show: a reward or value predictions that are not all 0.
  const fromRun = useMemo(() => ctx.batch?.samples.find((s) => s.values && s.values.length > 1 && (s.reward !== 0 || s.values.some((v) => Math.abs(v) > 1e-6))) ?? null, [ctx.batch]);
  const seq = fromRun ? { labels: words(fromRun.tokens), values: fromRun.values!, reward: fromRun.reward } : TOY;
  const [gamma, setGamma] = useState(ctx.config.objective.gamma);
  const [lambda, setLambda] = useState(ctx.config.objective.lambda);
  const T = seq.values.length;
  // The score lands on the last token (TRL PPOTrainer); the per-token KL penalty is left out here.
  const rewards = seq.values.map((_, t) => (t === T - 1 ? seq.reward : 0));
  const { advantages, returns, deltas } = gae(rewards, seq.values, gamma, lambda);
  const lo = Math.min(0, ...advantages, ...seq.values, ...returns);
  const hi = Math.max(0, ...advantages, ...seq.values, ...returns);
  const x = linear([0, T], [PAD.l, W - PAD.r]);
  const y = linear([lo, hi], [H - PAD.b, PAD.t]);
  const bw = (W - PAD.l - PAD.r) / T;
  const gl = gamma * lambda;
  const terms = deltas.slice(0, 3).map((d, l) => (l === 0 ? texNum(d) : `${texNum(gl ** l)}\\cdot(${texNum(d)})`));
  const tex =
    `\\delta_t = r_t + ${texNum(gamma)}\\,V_{t+1} - V_t,\\qquad \\hat A_t = \\sum_{l\\ge 0} (${texNum(gamma)}\\cdot${texNum(lambda)})^l\\,\\delta_{t+l},\\qquad R_t = \\hat A_t + V_t`;
  const tex0 = `\\hat A_0 = ${terms.join(' + ')}${T > 3 ? ' + \\dots' : ''} = ${texNum(advantages[0], 4)}`;
  return (
    <section className="explainer" aria-labelledby="gae-title" data-testid="explainer-gae">
      <h3 id="gae-title">GAE: spreading one end-of-answer reward over the tokens</h3>
      <p>
        PPO's critic predicts, at every token, the reward still to come (V). The TD error δ_t says how much better the next step turned out than predicted; GAE sums
        them with weight (γλ)^l. λ = 0 trusts the critic fully (one-step TD); λ = 1 uses the actual reward (Monte Carlo, high variance).
        {fromRun ? ` This is a response from your run (iteration ${ctx.batch?.iteration}, reward ${fmt(seq.reward)}), with its own value predictions.` : ' A worked example: run PPO to see your own responses here.'}
      </p>
      <Formula label="GAE" tex={tex} />
      <Formula label="The first token's advantage" tex={tex0} />
      <div className="slider-row">
        <Slider label="γ (discount)" help="Discount per token; 1 for a reward that only comes at the end." value={gamma} min={0} max={1} step={0.01} onChange={setGamma} testId="gae-gamma" />
        <Slider label="λ (GAE)" help="0 = one-step TD (low variance, biased by the critic); 1 = Monte Carlo." value={lambda} min={0} max={1} step={0.01} onChange={setLambda} testId="gae-lambda" />
      </div>
      <figure className="plot">
        <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} role="img" aria-label="advantages, values and returns per token">
          <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={y(0)} y2={y(0)} />
          {advantages.map((a, t) => (
            <rect key={t} className={a >= 0 ? 'bar-pos' : 'bar-neg'} x={x(t) + bw * 0.2} width={bw * 0.6} y={Math.min(y(0), y(a))} height={Math.abs(y(a) - y(0))} data-testid="gae-bar" data-value={a} />
          ))}
          {seq.values.map((v, t) => (
            <circle key={`v${t}`} className="dot dot-value" cx={x(t) + bw / 2} cy={y(v)} r={3} />
          ))}
          {returns.map((r, t) => (
            <circle key={`r${t}`} className="dot dot-return" cx={x(t) + bw / 2} cy={y(r)} r={3} />
          ))}
          {seq.labels.map((l, t) => (
            <text key={t} className="tick" x={x(t) + bw / 2} y={H - PAD.b + 14} textAnchor="middle">
              {l}
            </text>
          ))}
        </svg>
        <figcaption className="legend">
          <span className="key key-pos">Â_t (bars)</span> <span className="key key-value">V_t</span> <span className="key key-return">return R_t</span>
        </figcaption>
      </figure>
    </section>
  );
}
