import type { RunConfig } from '../../../engine/config';
import type { InspectBatch } from '../../../engine/train/types';
import { fmt } from '../../lib/format';
import { sumCheck, updateEffect, updateSentence } from '../../lib/objective';

interface Props {
  batch: InspectBatch;
  config: RunConfig;
  values: Record<string, number> | undefined;
}

/**
 * The batch's two sentences about the loss: the recorded per-token shares against the logged
 * loss/policy (and why they cannot match when the log averages steps the snapshot does not
 * hold), and what the update did to the tokens' probabilities by the sign of their advantage.
 */
export function ObjectiveCheck({ batch, config, values }: Props) {
  const check = sumCheck(batch, config, values);
  const effect = updateEffect(batch, config);
  return (
    <div className="objective-check">
      <p data-testid="sum-check" data-sum={check.sum ?? ''} data-per-step={check.perStep ?? ''} data-logged={check.logged ?? ''} data-steps={check.steps} data-comparable={String(check.comparable)} data-matches={String(check.matches)}>
        {check.sum === null ? (
          check.note
        ) : (
          <>
            Σ contributions{check.steps > 1 ? ` ÷ ${check.steps} steps` : ''} = <strong>{fmt(check.perStep, 6)}</strong>; logged loss/policy = <strong>{fmt(check.logged, 6)}</strong>
            {check.comparable ? (check.matches ? ' ✓' : ' (differs)') : ''}. <span className="muted">{check.note}</span>
          </>
        )}
      </p>
      {effect && (
        <p data-testid="update-effect" data-positive={effect.positive} data-positive-up={effect.positiveUp} data-negative={effect.negative} data-negative-down={effect.negativeDown}>
          {updateSentence(effect)} <span className="muted">(Δ log-prob heatmap: log π after the update − log π before, from one more forward pass over this batch.)</span>
        </p>
      )}
    </div>
  );
}
