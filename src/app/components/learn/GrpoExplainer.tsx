import { useId, useMemo, useState } from 'react';
import { ALGORITHM_SPECS } from '../../../engine/algorithms/spec';
import { groupViews } from '../../lib/inspect';
import { besselStd, groupAdvantages, mean, rlooAdvantages } from '../../../engine/rl/host';
import { fmt } from '../../lib/format';
import { Formula, texNum } from './Formula';
import { linear } from './plot';
import { useRunContext } from './useRunContext';

/** GRPO's three scalings (advantageScale), and RLOO's leave-one-out baseline (the spec's baseline name). */
type Scheme = 'group' | 'batch' | 'none' | 'leave-one-out';

const SCHEMES: readonly { id: Scheme; label: string; help: string }[] = [
  { id: 'group', label: 'group std (GRPO)', help: '(r − group mean) / (group std + 10⁻⁴). TRL scale_rewards="group".' },
  { id: 'batch', label: 'batch std', help: 'Group mean, but the std of every reward in the batch: steadier when groups are small. TRL scale_rewards="batch".' },
  { id: 'none', label: 'none (Dr. GRPO)', help: 'r − group mean, no division: the std term favours too-easy and too-hard prompts. TRL scale_rewards="none".' },
  { id: 'leave-one-out', label: 'RLOO', help: 'r minus the mean of the other G − 1 rewards: an unbiased leave-one-out baseline.' },
];

const MIN_G = 2;
const MAX_G = 8;

function initialRewards(g: number, fromRun: number[] | null): string[] {
  const base = fromRun ?? [1, 0, 0, 1, 0.2, 1, 0, 0.5];
  return Array.from({ length: g }, (_, i) => String(base[i % base.length]));
}

/** Edit a group of rewards and watch the advantages; switch the scaling; see why an all-equal group gives nothing. */
export function GrpoExplainer() {
  const ctx = useRunContext();
  const runGroup = useMemo(() => (ctx.batch ? (groupViews(ctx.batch).find((g) => !g.zeroVariance) ?? null) : null), [ctx.batch]);
  const g0 = Math.min(MAX_G, Math.max(MIN_G, ctx.config.sampling.groupSize));
  const [raw, setRaw] = useState<string[]>(() => initialRewards(runGroup?.rewards.length ?? g0, runGroup?.rewards.slice(0, MAX_G) ?? null));
  const [scheme, setScheme] = useState<Scheme>(ALGORITHM_SPECS[ctx.config.objective.algorithm].baseline === 'leave-one-out' ? 'leave-one-out' : ctx.config.objective.advantageScale);
  const schemeId = useId();

  const parsed = raw.map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  const valid = parsed.every(Number.isFinite);
  const r = valid ? parsed : parsed.map((x) => (Number.isFinite(x) ? x : 0));
  const g = r.length;
  // 'batch': this group plus the rest of the run's newest batch (or this group alone without a run).
  const others = ctx.batch && runGroup ? ctx.batch.samples.filter((s) => s.promptIndex !== runGroup.index).map((s) => s.reward) : [];
  const usableOthers = others.length % g === 0 ? others : [];
  const adv = scheme === 'leave-one-out' ? rlooAdvantages(r, g) : groupAdvantages([...r, ...usableOthers], g, scheme).slice(0, g);
  const m = mean(r);
  const std = besselStd(r);
  const batchStd = besselStd([...r, ...usableOthers]);
  const zero = r.every((x) => x === r[0]);

  const set = (i: number, v: string) => setRaw((old) => old.map((x, j) => (j === i ? v : x)));
  const texR = texNum(r[0]);
  const texM = texNum(m);
  const formula: Record<Scheme, string> = {
    group: `\\hat A_i = \\frac{r_i - \\operatorname{mean}(r_{1..G})}{\\operatorname{std}(r_{1..G}) + 10^{-4}},\\qquad \\hat A_1 = \\frac{${texR} - ${texM}}{${texNum(std)} + 10^{-4}} = ${texNum(adv[0], 4)}`,
    batch: `\\hat A_i = \\frac{r_i - \\operatorname{mean}(r_{1..G})}{\\operatorname{std}(r_{\\text{batch}}) + 10^{-4}},\\qquad \\hat A_1 = \\frac{${texR} - ${texM}}{${texNum(batchStd)} + 10^{-4}} = ${texNum(adv[0], 4)}`,
    none: `\\hat A_i = r_i - \\operatorname{mean}(r_{1..G}),\\qquad \\hat A_1 = ${texR} - ${texM} = ${texNum(adv[0], 4)}`,
    'leave-one-out': `\\hat A_i = r_i - \\frac{1}{G-1}\\sum_{j\\neq i} r_j,\\qquad \\hat A_1 = ${texR} - \\frac{${texNum(r.slice(1).reduce((a, b) => a + b, 0))}}{${g - 1}} = ${texNum(adv[0], 4)}`,
  };

  const maxAbs = Math.max(1e-9, ...adv.map(Math.abs));
  const bar = linear([-maxAbs, maxAbs], [0, 100]);
  return (
    <section className="explainer" aria-labelledby="grpo-title" data-testid="explainer-grpo">
      <h3 id="grpo-title">GRPO: the group is the baseline</h3>
      <p>
        GRPO samples G responses to one prompt and scores each. Its advantage is how much better than the group's mean a response did, in units of the group's
        spread. Every token of that response is pushed by the same amount. No value network is needed: the other G − 1 answers play the critic.
        {runGroup && ` These rewards are a group from your run (iteration ${ctx.batch?.iteration}, prompt ${runGroup.index + 1}); edit them.`}
      </p>
      <Formula label={`Advantage, ${scheme} scaling, with these rewards`} tex={formula[scheme]} />
      <fieldset className="scheme">
        <legend id={schemeId}>Advantage</legend>
        {SCHEMES.map((s) => (
          <label key={s.id} title={s.help}>
            <input type="radio" name="grpo-scheme" value={s.id} checked={scheme === s.id} data-testid={`grpo-scheme-${s.id}`} onChange={() => setScheme(s.id)} /> {s.label}
          </label>
        ))}
        <p className="field-help">{SCHEMES.find((s) => s.id === scheme)?.help}</p>
      </fieldset>
      <table className="grpo-table" data-testid="grpo-table" data-g={g}>
        <thead>
          <tr>
            <th scope="col">response</th>
            <th scope="col">reward r</th>
            <th scope="col">advantage Â</th>
            <th scope="col" aria-hidden="true" />
          </tr>
        </thead>
        <tbody>
          {r.map((_, i) => (
            <tr key={i}>
              <th scope="row">{i + 1}</th>
              <td>
                <input
                  type="number"
                  step="any"
                  aria-label={`Reward of response ${i + 1}`}
                  data-testid={`grpo-reward-${i}`}
                  value={raw[i]}
                  aria-invalid={!Number.isFinite(parsed[i]) || undefined}
                  onChange={(e) => set(i, e.target.value)}
                />
              </td>
              <td className="num" data-testid={`grpo-adv-${i}`} data-value={valid ? adv[i] : ''}>
                {valid ? fmt(adv[i], 4) : '–'}
              </td>
              <td className="bar-cell" aria-hidden="true">
                <svg viewBox="0 0 100 10" width="120" height="12" preserveAspectRatio="none">
                  <line x1="50" x2="50" y1="0" y2="10" className="axis" />
                  <rect className={(adv[i] ?? 0) >= 0 ? 'bar-pos' : 'bar-neg'} x={Math.min(50, bar(adv[i] ?? 0))} width={Math.abs(bar(adv[i] ?? 0) - 50)} y="1" height="8" />
                </svg>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!valid && (
        <p className="field-error" role="alert">
          Every reward must be a number.
        </p>
      )}
      <p className="stats">
        mean <strong data-testid="grpo-mean" data-value={m}>{fmt(m, 4)}</strong> · std (Bessel){' '}
        <strong data-testid="grpo-std" data-value={std}>
          {fmt(std, 4)}
        </strong>
        {scheme === 'batch' && <> · batch std {fmt(batchStd, 4)} over {g + usableOthers.length} rewards{usableOthers.length === 0 && ' (no run batch: just this group)'}</>}
        {' '}· sum of advantages {fmt(adv.reduce((a, b) => a + b, 0), 3)}
      </p>
      <div className="buttons">
        <button type="button" disabled={g >= MAX_G} onClick={() => setRaw((old) => [...old, '0'])}>
          Add a response
        </button>
        <button type="button" disabled={g <= MIN_G} onClick={() => setRaw((old) => old.slice(0, -1))}>
          Remove one
        </button>
        <button type="button" data-testid="grpo-all-equal" onClick={() => setRaw((old) => old.map(() => old[0] ?? '1'))}>
          Make all equal
        </button>
      </div>
      {zero && valid && (
        <p className="callout" data-testid="grpo-zero" role="status">
          All {g} rewards are equal, so every advantage is 0: this group adds nothing to the gradient, however right or wrong its answers. With binary rewards
          that happens whenever all G answers agree; DAPO's dynamic sampling drops such groups and samples more prompts instead.
        </p>
      )}
    </section>
  );
}
