import { memo } from 'react';
import type { RunConfig } from '../../../engine/config';
import type { InspectSample } from '../../../engine/train/types';
import { fmt } from '../../lib/format';
import { answerPosition, heatColor, heatValue, rewardRows, word, type HeatMode } from '../../lib/inspect';
import { TokenCredit } from './TokenCredit';

interface Props {
  sample: InspectSample;
  /** Index in the batch, and within its group. */
  index: number;
  member: number;
  mode: HeatMode;
  scale: number;
  /** The run's config: reward weights, and for a critic's token credit rewards.dense, γ, λ. */
  config: RunConfig;
  /** The advantage recomputed on the page from the group's rewards, when the algorithm allows. */
  expected: number | null;
  focusT: number | null;
  onFocusToken: (sample: number, t: number) => void;
  onAttention: (sample: number, position: number) => void;
  attentionBusy: boolean;
}

/** One sampled response: reward by function, advantage, and its tokens as a switchable heatmap. */
function ResponseCardImpl({ sample, index, member, mode, scale, config, expected, focusT, onFocusToken, onAttention, attentionBusy }: Props) {
  const answerAt = answerPosition(sample.tokens);
  const agrees = expected === null ? null : Math.abs(expected - sample.advantage) < 1e-3 * Math.max(1, Math.abs(expected));
  return (
    <article className="response-card" data-testid="response-card" data-sample={index} data-reward={sample.reward} data-advantage={sample.advantage} aria-label={`Response ${member + 1}`}>
      <header>
        <h4>#{member + 1}</h4>
        {sample.perturbed && (
          <span className="perturbed" title="Sampled from the perturbed (noisy or augmented) image; the update trains it on the clean one (NoisyRollout)">
            noisy image
          </span>
        )}
        <span className="reward" title="Total reward: the weighted sum of the reward functions">
          reward <strong>{fmt(sample.reward, 4)}</strong>
        </span>
        <span className={`advantage ${sample.advantage >= 0 ? 'pos' : 'neg'}`} title="The advantage every token of this response was trained with (PPO: the mean of its per-token GAE advantages)">
          A <strong>{fmt(sample.advantage, 4)}</strong>
          {agrees !== null && (
            <span className={agrees ? 'check ok' : 'check bad'} title={agrees ? 'Equals the advantage recomputed here from the group\'s rewards' : `Recomputed from the rewards: ${fmt(expected, 4)}`}>
              {agrees ? ' ✓' : ' ≠'}
            </span>
          )}
        </span>
      </header>
      <table className="reward-fns">
        <tbody>
          {rewardRows(sample, config.rewards.weights).map((r) => (
            <tr key={r.name} className={r.weight === 0 ? 'muted' : undefined}>
              <th scope="row">{r.name}</th>
              <td className="num">{fmt(r.value, 3)}</td>
              <td className="num muted">× {fmt(r.weight, 3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* One tab stop per response; arrow keys move along its tokens (a roving tabindex). */}
      <p
        className="tokens heatmap"
        aria-label={`Tokens of response ${member + 1}, coloured by ${mode}; arrow keys move between them`}
        onKeyDown={(e) => {
          if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
          const from = e.target instanceof HTMLElement ? e.target : null;
          const next = e.key === 'ArrowRight' ? from?.nextElementSibling : from?.previousElementSibling;
          if (next instanceof HTMLElement) {
            e.preventDefault();
            next.focus();
          }
        }}
      >
        {sample.tokens.map((id, t) => {
          const v = heatValue(sample, t, mode);
          return (
            <span
              key={t}
              className={`token${focusT === t ? ' focused' : ''}${t === answerAt ? ' answer' : ''}`}
              style={{ background: heatColor(mode, v, scale) }}
              tabIndex={t === (focusT ?? 0) ? 0 : -1}
              data-testid="token"
              aria-label={`${word(id)}: ${mode} ${v === undefined ? 'n/a' : fmt(v, 3)}`}
              onMouseEnter={() => onFocusToken(index, t)}
              onFocus={() => onFocusToken(index, t)}
            >
              {word(id)}
            </span>
          );
        })}
      </p>
      <TokenCredit sample={sample} config={config} member={member} />
      <button type="button" className="link" disabled={attentionBusy} data-testid="btn-attention" onClick={() => onAttention(index, answerAt ?? sample.tokens.length - 1)}>
        Where did {answerAt !== null ? 'the answer' : 'the last token'} look?
      </button>
    </article>
  );
}

export const ResponseCard = memo(ResponseCardImpl);
