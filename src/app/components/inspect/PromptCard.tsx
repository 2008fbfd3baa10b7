import { fmt } from '../../lib/format';
import { questionText, word, type GroupView } from '../../lib/inspect';
import { TASKS } from '../../../engine/tasks';
import type { TaskId } from '../../../engine/tasks/types';
import type { AttentionState } from '../../store/inspectSlice';
import { AttentionWeights } from './AttentionWeights';
import { MotionFrames } from './drawMotion';
import { ClickOverlay, ClickSummary } from './drawClick';
import { PixelImage } from './PixelImage';

interface Props {
  group: GroupView;
  attention: AttentionState | null;
  /** Batch index of the response whose attention is shown, and its token. */
  attentionFor: { sample: number; token: number } | null;
  onClearAttention: () => void;
  /** The advantage is relative to the group (GRPO, RLOO), not to a critic (PPO, TRPO) or the batch mean (REINFORCE). */
  groupBaseline: boolean;
  /** The run's task: a task with its own drawing of the prompt and answers gets it (motion's frame strip below the image, click's marks on it). */
  task: TaskId;
}

/** The prompt of a group: its image (and the clean one if the rollout saw a noised copy), question, gold answer and group statistics. */
export function PromptCard({ group, attention, attentionFor, onClearAttention, groupBaseline, task }: Props) {
  const p = group.prompt;
  const overlay = attention?.status === 'done' && attention.result ? { grid: attention.result.grid, weights: attention.result.mean } : null;
  const imageShare = overlay ? overlay.weights.reduce((a, b) => a + b, 0) : null;
  return (
    <section className="prompt-card" data-testid="prompt-card" data-prompt={group.index} aria-label={`Prompt ${group.index + 1}`}>
      <div className="images">
        <figure>
          <PixelImage image={p.image} size={p.imageSize} scale={6} label={p.cleanImage ? 'the image the rollout saw (noised)' : 'the prompt image'} overlay={overlay} testId="prompt-image">
            <ClickOverlay task={task} prompt={p} samples={group.samples} px={p.imageSize * 6} />
          </PixelImage>
          <figcaption>{p.cleanImage ? 'what the rollout saw (NoisyRollout)' : 'image'}</figcaption>
        </figure>
        {p.cleanImage && (
          <figure>
            <PixelImage image={p.cleanImage} size={p.imageSize} scale={6} label="the clean image the update used" />
            <figcaption>clean (the update's)</figcaption>
          </figure>
        )}
      </div>
      <div className="prompt-text">
        {TASKS[task].shuffleFrames && <MotionFrames group={group} />}
        <p className="question" data-testid="prompt-question">
          {questionText(p.promptTokens)}
        </p>
        <p>
          gold answer <code>{p.answer}</code> · difficulty {p.difficulty}
        </p>
        <ClickSummary task={task} prompt={p} samples={group.samples} />
        <p data-testid="group-stats" data-mean={group.mean} data-std={group.std}>
          G = {group.samples.length} · group mean <strong>{fmt(group.mean, 4)}</strong> · std <strong>{fmt(group.std, 4)}</strong> <span className="muted">(Bessel, as the advantage uses; population {fmt(group.popStd, 4)})</span>
        </p>
        {group.zeroVariance && !groupBaseline && (
          <p className="callout" data-testid="zero-variance-note">
            Every response here scored {fmt(group.rewards[0], 3)}. A group baseline (GRPO, RLOO) would give them all advantage 0; this run's baseline is not the
            group's (a critic, or the batch mean), so their advantages are not 0 and the group still counts.
          </p>
        )}
        {group.zeroVariance && groupBaseline && (
          <p className="callout" data-testid="zero-variance-note">
            Every response here scored {fmt(group.rewards[0], 3)}: each advantage is (r − mean) / (std + 10⁻⁴) = 0, so this group teaches nothing. It cost {group.tokens} sampled
            tokens. Dynamic sampling (DAPO) or online filtering would drop it and sample another prompt.
          </p>
        )}
        {attention && attentionFor && (
          <p className="attention-caption" data-testid="attention-status" data-status={attention.status}>
            {attention.status === 'loading' && 'Asking the model where it looked…'}
            {attention.status === 'error' && <span className="field-error">{attention.error}</span>}
            {attention.status === 'done' && attention.result && (
              <>
                Attention of response {attentionFor.sample + 1}'s choice of <code>{word(attentionFor.token)}</code> over the image (last layer, mean of {attention.result.heads.length} heads,
                weights of iteration {attention.result.iteration}): {fmt((imageShare ?? 0) * 100, 3)}% on the image, the rest on text.
              </>
            )}{' '}
            <button type="button" className="link" onClick={onClearAttention}>
              hide
            </button>
          </p>
        )}
        {attention?.status === 'done' && attention.result && attentionFor && <AttentionWeights grid={attention.result.grid} weights={attention.result.mean} />}
      </div>
    </section>
  );
}
