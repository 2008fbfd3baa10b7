import { z } from 'zod';
import { KL_CHOICES } from '../rl/host';

/**
 * One metrics record per iteration, with namespaced keys (docs/ARCHITECTURE.md, "External contracts"). Per-function reward
 * keys (`reward/<fn>/mean` and `reward/<fn>/std`, TRL's rewards/<fn>/mean and /std) and the KL
 * estimator in use (`kl/estimator`) come on top.
 *
 * `clip/dual` is the share of tokens the dual clip capped (objective.dualClipC > 0 only; veRL's
 * pg_clipfrac_lower). `clip/low_min` and `clip/high_max` are the smallest lower-clip and the
 * largest upper-clip fraction among the iteration's optimizer steps, beside their means
 * `clip/low` and `clip/high` (TRL's clip_ratio/low_min and high_max, which take them across
 * processes). `len/min` is the shortest response, `len/terminated_mean` the mean length of the
 * responses that ended with <eos> (absent when every one was truncated).
 * A key whose quantity does not apply (value loss without a critic) is absent, not 0.
 *
 * Times are wall milliseconds of the iteration's phases. `time/reward_ms` (scoring the
 * samples on the host) is part of `time/rollout_ms`; `time/logprob_ms` (the reference and
 * old log-prob / value passes, 0 when none runs) is part of `time/update_ms`. On GPU
 * backends a phase's time is the host's until the next readback: queued device work lands
 * in whichever phase reads back next (the rollout's tokens, the update's diagnostics).
 * `weights/rms` (the policy's weights after the update) is what divergence.ts watches.
 * Evaluations (every evalEvery iterations) add `acc/eval_id`, `acc/eval_ood` (the "novel
 * answers" split) and `acc/eval_shift` (the visual-shift split, added later: older records lack it).
 */
export const METRIC_KEYS = [
  'reward/mean', 'reward/std',
  'acc/train', 'acc/eval_id', 'acc/eval_ood', 'acc/eval_shift', 'format/rate',
  'kl/ref', 'policy/approx_kl',
  'clip/low', 'clip/high', 'clip/region',
  'entropy',
  'len/mean', 'len/max', 'len/truncated_frac',
  'adv/mean', 'adv/std', 'groups/zero_std_frac',
  'loss/policy', 'loss/value', 'value/explained_var',
  'grad/norm', 'weights/rms', 'lr', 'kl/beta',
  'time/rollout_ms', 'time/update_ms', 'time/reward_ms', 'time/logprob_ms', 'throughput/tokens_per_s',
  'mem/tensors', 'mem/bytes',
  // Added with the survey's loss tricks, as TRL / veRL log them (never renamed):
  'clip/dual', 'clip/low_min', 'clip/high_max',
  'len/min', 'len/terminated_mean',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/**
 * T-GRPO's keys (tricks.temporalGrpo on a frame-sequence task; absent otherwise, so not in
 * METRIC_KEYS, which every run reports): round 0's share of right answers on the ordered
 * frames and on the shuffled ones, and the share of its groups that earned the temporal reward.
 */
export const TEMPORAL_METRIC_KEYS = ['temporal/acc_ordered', 'temporal/acc_shuffled', 'temporal/bonus_frac'] as const;

/**
 * Curr-ReFT's staged question formats (tricks.curriculumFormat staged; absent otherwise): an
 * iteration's train accuracy (`acc/train`) again under the key of the format it asked, so each
 * format's accuracy is charted apart (a binary question is right half the time by chance, a
 * 3-way choice a third of the time, an open one far less).
 */
export const CURRICULUM_FORMAT_METRIC_KEYS = { binary: 'curriculum/acc_binary', choice: 'curriculum/acc_choice', open: 'curriculum/acc_open' } as const;
/** Beside them, in iterations that ask a closed question: the share of sampled answers that name one of the prompt's candidates (./collect.ts candidateMetrics). */
export const CURRICULUM_CANDIDATE_KEY = 'curriculum/answer_in_candidates';

export const MetricsRecordSchema = z
  .object({
    iteration: z.number().int().min(1),
    /** ms since the run started (for the wall-time x axis). */
    wallMs: z.number().min(0),
    /** 'k1' | 'k2' | 'k3' | 'exact': which estimator `kl/ref` used. */
    klEstimator: z.enum(KL_CHOICES),
    /** Task level this iteration sampled at (curriculum). */
    difficulty: z.number().int().min(1),
    values: z.record(z.string(), z.number()),
  })
  .describe('One iteration of a run.');
export type MetricsRecord = z.infer<typeof MetricsRecordSchema>;
