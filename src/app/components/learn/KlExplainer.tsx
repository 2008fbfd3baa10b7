import { useMemo, useState } from 'react';
import { fmt } from '../../lib/format';
import { klEstimate, type KlEstimator as KlKind } from '../../../engine/rl/host';
import { klLabels } from '../../lib/klLabels';
import { klSamplingDemo } from '../../lib/toys';
import { Formula, texNum } from './Formula';
import { linear, path, range } from './plot';
import { Slider } from './Slider';
import { useRunContext } from './useRunContext';

const W = 320;
const H = 200;
const PAD = { l: 30, r: 10, t: 10, b: 24 };
/** The estimators; what each does at the slider's μ (bias, variance) is read off the table (lib/klLabels.ts). */
const KINDS: readonly { id: KlKind; tex: string; note: string }[] = [
  { id: 'k1', tex: 'k_1 = x', note: '' },
  { id: 'k2', tex: 'k_2 = \\tfrac12 x^2', note: '' },
  { id: 'k3', tex: 'k_3 = e^{-x} + x - 1', note: 'GRPO\'s choice (veRL "low_var_kl")' },
];
const N_SAMPLES = 2000;

/** k1, k2, k3 against the log-ratio, and a sampling demo of their bias and variance. */
export function KlExplainer() {
  const ctx = useRunContext();
  const est = ctx.config.objective.klEstimator;
  const [mu, setMu] = useState(0.5);
  const [seed, setSeed] = useState(1);
  const demo = useMemo(() => klSamplingDemo(mu, N_SAMPLES, seed), [mu, seed]);
  const labels = useMemo(() => klLabels(demo.stats, demo.trueKl, N_SAMPLES), [demo]);
  const xs = range(-2, 2, 121);
  const x = linear([-2, 2], [PAD.l, W - PAD.r]);
  const y = linear([-2, 4], [H - PAD.b, PAD.t]);
  const klRef = ctx.record?.values['kl/ref'];
  const beta = ctx.config.objective.beta;
  const runTex =
    klRef !== undefined
      ? `\\text{this run (${est}, iteration ${ctx.record?.iteration}):}\\;\\widehat{\\mathrm{KL}} = ${texNum(klRef)},\\quad \\beta\\,\\widehat{\\mathrm{KL}} = ${texNum(beta)} \\times ${texNum(klRef)} = ${texNum(beta * klRef)}`
      : `\\text{this config: } ${est},\\ \\beta = ${texNum(beta)}${beta === 0 ? '\\ (\\text{no reference model})' : ''}`;
  return (
    <section className="explainer" aria-labelledby="kl-title" data-testid="explainer-kl">
      <h3 id="kl-title">KL estimators: k1, k2, k3</h3>
      <p>
        The KL penalty keeps the policy near the reference model. It is estimated from the one token the policy sampled, with x = log π_θ(y) − log π_ref(y): the
        three estimators below all average to (about) the KL, but behave very differently token by token.
      </p>
      <Formula label="The three estimators" tex={`x = \\log\\pi_\\theta(y_t) - \\log\\pi_{\\text{ref}}(y_t),\\qquad ${KINDS.map((k) => k.tex).join(',\\quad ')}`} />
      <Formula label="The run's KL" tex={runTex} />
      <div className="plots">
        <figure className="plot">
          <figcaption>Per-token estimate against x</figcaption>
          <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label="k1, k2 and k3 as functions of the log-ratio x">
            <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={y(0)} y2={y(0)} />
            <line className="axis" x1={x(0)} x2={x(0)} y1={PAD.t} y2={H - PAD.b} />
            {KINDS.map((k) => (
              <path key={k.id} className={`curve curve-${k.id}${k.id === est ? ' curve-active' : ''}`} d={path(xs.map((v) => [v, klEstimate(v, k.id)] as const), x, y)} />
            ))}
            {[-2, -1, 0, 1, 2].map((t) => (
              <text key={t} className="tick" x={x(t)} y={H - 8} textAnchor="middle">
                {t}
              </text>
            ))}
          </svg>
          <figcaption className="legend">
            {KINDS.map((k) => (
              <span key={k.id} className={`key key-${k.id}`}>
                {k.id}
                {k.id === est ? ' (this run)' : ''}{' '}
              </span>
            ))}
          </figcaption>
        </figure>
        <div className="kl-demo">
          <Slider
            label="μ (how far π_ref is from π)"
            help="Samples s ~ π = N(0, 1), reference N(μ, 1): x = μ²/2 − sμ, true KL = μ²/2 (Schulman's demo)."
            value={mu}
            min={0}
            max={2}
            step={0.05}
            onChange={setMu}
            testId="kl-mu"
          />
          <table data-testid="kl-table">
            <caption>
              {N_SAMPLES} samples, true KL = {fmt(demo.trueKl, 4)}
            </caption>
            <thead>
              <tr>
                <th scope="col">estimator</th>
                <th scope="col">mean</th>
                <th scope="col">bias</th>
                <th scope="col">std</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {KINDS.map((k) => (
                <tr key={k.id} className={k.id === est ? 'active' : undefined}>
                  <th scope="row">
                    {k.id}
                    {k.id === est && <span className="preset-mark">this run</span>}
                  </th>
                  <td className="num">{fmt(demo.stats[k.id].mean, 3)}</td>
                  <td className="num">{fmt(demo.stats[k.id].mean - demo.trueKl, 2)}</td>
                  <td className="num">{fmt(demo.stats[k.id].std, 3)}</td>
                  <td className="muted" data-testid={`kl-label-${k.id}`}>
                    {labels[k.id]}
                    {k.note ? `; ${k.note}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="self-start" onClick={() => setSeed((s) => s + 1)}>
            Draw new samples
          </button>
        </div>
      </div>
    </section>
  );
}
