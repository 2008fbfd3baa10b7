import { z } from 'zod';
import { RunConfigSchema } from '../engine/config';
import type { Split } from '../engine/tasks/types';
import type { SampledEvalResult, OwnSample } from '../engine/train/sampledEval';

/**
 * The protocol of three page tools (TrainerApi.evaluateRun, sampleOwn, forkRun): what the page
 * sends, parsed with zod in the worker (a boundary), and what comes back. Kept apart from
 * ./protocol.ts so those tools' shapes live in one place.
 */

/**
 * The held-out splits the sampled evaluation offers, in this order. A record over the tasks'
 * `Split` type: a split added there fails the typecheck until it has a place here, and then
 * appears in the page's split list by itself.
 */
const SPLIT_ORDER: Readonly<Record<Split, number>> = { id: 0, shift: 1, ood: 2 };
export const EVAL_SPLITS: readonly Split[] = (Object.keys(SPLIT_ORDER) as Split[]).sort((a, b) => SPLIT_ORDER[a] - SPLIT_ORDER[b]);
export const EvalSplitSchema = z.custom<Split>((v) => typeof v === 'string' && (EVAL_SPLITS as readonly string[]).includes(v), `split must be one of ${EVAL_SPLITS.join(', ')}`);

export const EvaluateRunRequestSchema = z
  .object({
    split: EvalSplitSchema,
    /** Samples per prompt (N). */
    n: z.number().int().min(1).max(64),
    /** pass@k's k, 1..n. */
    k: z.number().int().min(1).max(64),
    /** Held-out prompts (default: the run's run.evalN). */
    prompts: z.number().int().min(1).max(1024).optional(),
  })
  .strict()
  .refine((r) => r.k <= r.n, { message: 'k must be at most n: pass@k needs at least k samples per prompt.', path: ['k'] });
export type EvaluateRunRequest = z.infer<typeof EvaluateRunRequestSchema>;

export type EvaluateRunResult = SampledEvalResult & { iteration: number; runId: string };

export const OwnRequestSchema = z
  .object({
    /** [H, W, 3] row-major RGB in [0, 1], at the run's image size. */
    image: z.custom<Float32Array>((v) => v instanceof Float32Array, 'image must be a Float32Array'),
    imageSize: z.number().int().min(1),
    /** The question as vocabulary words, without <bos>. */
    question: z.string().min(1).max(200),
    /** Optional gold answer (one vocabulary word): the samples are then scored. */
    gold: z.string().max(20).optional(),
    /** How many samples (default: the run's G). */
    samples: z.number().int().min(1).max(32).optional(),
    seed: z.number().int().min(0).optional(),
  })
  .strict();
export type OwnRequest = z.infer<typeof OwnRequestSchema>;

export interface OwnResult {
  iteration: number;
  promptTokens: number[];
  samples: OwnSample[];
  /** Mean and std of the samples' total reward (present with a gold answer). */
  group?: { mean: number; std: number };
}

const NewRunSchema = z.object({ id: z.string().min(1), name: z.string().min(1).max(200), color: z.string() }).strict();

export const ForkRequestSchema = z
  .object({
    /** Branch A: the source's config unchanged. */
    a: NewRunSchema,
    /** Branch B: one knob changed; its whole config, checked by the schema. */
    b: NewRunSchema.extend({ config: RunConfigSchema }),
    /** The comparison both join (Compare shows the newest). */
    group: z.string().min(1),
    /** The knob changed, for the runs' notes ("objective.epsHigh: 0.2 -> 0.28"). */
    knob: z.string().min(1).max(200),
    /** Iterations both branches run past the checkpoint. */
    extra: z.number().int().min(1).max(100_000),
  })
  .strict();
export type ForkRequest = z.infer<typeof ForkRequestSchema>;

export interface ForkResult {
  /** The checkpoint both branches start from. */
  iteration: number;
}
