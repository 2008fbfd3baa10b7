import type { RunConfig } from '../../../engine/config';
import type { InspectBatch } from '../../../engine/train/types';
import { fmt } from '../../lib/format';
import { objectiveTerms, type ObjectiveTerms } from '../../lib/objective';

interface Props {
  batch: InspectBatch;
  config: RunConfig;
  /** The iteration's metrics record values (β of the iteration, the logged loss). */
  values: Record<string, number> | undefined;
  /** Index of the sample in the batch, and the token position. */
  sample: number;
  t: number;
}

const f = (v: number) => fmt(v, 4);

/** Which branch PPO-Clip's min took, in words (arXiv:1707.06347 eq. 7; DAPO's clip-higher, arXiv:2503.14476). */
function branchText(o: ObjectiveTerms): string {
  if (!o.clips) return 'no clip in this objective: the term is −r·A';
  const range = `[1−${fmt(o.epsLow, 3)}, 1+${fmt(o.epsHigh, 3)}] = [${fmt(1 - o.epsLow, 4)}, ${fmt(1 + o.epsHigh, 4)}]`;
  if (o.result.branch === 'equal') return `both equal: r is inside ${range} (or A = 0), the gradient flows`;
  if (o.result.branch === 'unclipped') return `the unclipped r·A: r left ${range} on the side that makes things worse, so the clip does not rescue it and the gradient flows`;
  return `the clipped value: r left ${range} in A's direction, so this token's gradient is cut (${o.advantage > 0 ? 'upper' : 'lower'} clip)`;
}

/** The selected token's whole objective with this iteration's numbers in it, and its share of the logged loss. */
export function TokenObjective({ batch, config, values, sample, t }: Props) {
  const o = objectiveTerms(batch, config, values, sample, t);
  if (!o) return null;
  const r = o.sequenceLevel ? 's_i' : 'r_t';
  const critic = batch.samples[sample]?.tokenAdvantages !== undefined;
  const { result } = o;
  const rows: [string, string, string?][] = [
    [r, f(o.ratio), o.sequenceLevel ? 'per sequence' : 'π_θ/π_old'],
    ['A_t', f(o.advantage), critic ? (config.objective.whitenAdvantages ? 'GAE Â_t, whitened over the batch' : 'GAE Â_t') : 'the response\'s advantage, on every token'],
    [`${r}·A_t`, f(result.unclipped)],
  ];
  if (o.clips) rows.push([`clip(${r})·A_t`, f(result.clipped)]);
  rows.push(['min took', branchText(o)], [`−min(${r}·A_t, clip(${r})·A_t)`, f(result.policy)]);
  if (o.kl) rows.push([`+ β·KL_t (${o.kl.estimator})`, `${fmt(o.kl.beta, 4)} × ${f(o.kl.value)} = ${f(result.klTerm)}`, 'reference KL in the loss']);
  // The k3 of the sampled token is what a token can show; with policyKl exact the run penalised the exact KL over the vocabulary (equal when ρ = 1).
  const exactRun = config.objective.policyKl === 'exact';
  if (o.penalty) rows.push(['+ β·KL(π_old‖π_θ)_t (k3)', `${fmt(o.penalty.beta, 4)} × ${f(o.penalty.value)} = ${f(result.penaltyTerm)}`, exactRun ? 'PPO-Penalty; the run used the exact KL over the vocabulary, of which this is the one-token k3 estimate' : 'PPO-Penalty']);
  if (o.entropy) rows.push(['− c_H·H_t', `${fmt(o.entropy.coef, 4)} × ${f(o.entropy.value)} = ${f(result.entropyTerm)}`, 'entropy bonus']);
  rows.push(['= ℓ_t', f(result.total)], ['weight w', `${o.weightFormula} = ${fmt(o.weight, 4)}`, config.objective.lossAggregation], ['w·ℓ_t', f(result.contribution), 'its share of loss/policy']);
  return (
    <section className="token-objective" data-testid="token-objective" data-share={result.contribution} data-recorded={o.recorded ?? ''} data-branch={result.branch} aria-label="This token's objective">
      <h5>Its objective, with this iteration's numbers</h5>
      {o.sequenceLevel && (
        <p className="note" data-testid="sequence-ratio-note">
          GSPO (arXiv:2507.18071): the ratio is per sequence, s_i = (π_θ(o_i)/π_old(o_i))^(1/|o_i|), the same on every token of this response, so the clip keeps or cuts
          the whole response.
        </p>
      )}
      <table className="objective-terms">
        <tbody>
          {rows.map(([label, value, why]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td className="num">{value}</td>
              <td className="muted">{why ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {o.recorded !== undefined && (
        <p className="muted">
          The trainer computed this share on the device from the same tensors the loss used: <span data-testid="recorded-share">{f(o.recorded)}</span>
          {Math.abs(o.recorded - result.contribution) <= 1e-5 * Math.max(1, Math.abs(o.recorded)) ? ' ✓' : ` (the host recomputation gives ${f(result.contribution)})`}
        </p>
      )}
    </section>
  );
}
