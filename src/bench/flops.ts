/**
 * Floating-point operations of one RL iteration, from the model config alone: the yardstick
 * the benchmark divides by a backend's measured matmul throughput to get how fast an
 * iteration could be if only arithmetic counted.
 *
 * Conventions (stated so a reader can redo the sums by hand, as flops.test.ts does):
 *  - only matrix products count, 2 FLOPs per multiply-add; layer norms, softmax, GELU, Adam
 *    and the other element-wise work are left out (at d = 64 they are a few percent);
 *  - attention counts what the code computes, not what the mask keeps: a teacher-forced pass
 *    over L positions scores all L x L pairs;
 *  - the token embedding is a one-hot matmul in this model (see TinyVLM.embed), so it counts;
 *  - a backward pass costs twice its forward pass (gradients for inputs and for weights);
 *  - the last decoder block computes outputs only where the heads read them (Policy.decode's
 *    `keep`): every position's QKV projection, but attention, output projection and MLP only at
 *    the T positions a teacher-forced pass reads, or the last one of a prefill.
 */
import { numPatches, type ModelConfig } from '../engine/model/config';

/** The shape of one iteration of the clipped-surrogate family (REINFORCE, RLOO, PPO, GRPO...). */
export interface IterationShape {
  /** B: prompts per rollout. */
  prompts: number;
  /** G: samples per prompt. */
  groupSize: number;
  /** T: tokens generated per sample. */
  maxNewTokens: number;
  /**
   * Tokens actually decoded per sample, when sampling stopped once every row had finished (wasm
   * and cpu: engine/model/sampling.ts); the rollout's FLOPs count only those steps. Default T.
   */
  decodedTokens?: number;
  /**
   * Response positions the teacher-forced passes compute: the batch's longest response
   * (engine/train/passes.ts, Policy.forward's `length`). Default T. A mean over iterations is
   * counted at the mean (the passes' cost is near linear in it at these lengths).
   */
  passLength?: number;
  /** Teacher-forced passes before the update: reference log-probs, recomputed old log-probs / values. */
  logprobPasses: number;
  /** Passes over the batch in the update (epochs). */
  epochs: number;
  /** Minibatches per epoch (default 1): each one encodes every distinct image again. */
  minibatches?: number;
}

export interface IterationFlops {
  /** Sampling with a KV cache and the image+prompt prefix computed once per prompt. */
  rollout: number;
  /** The reference / old log-prob passes (no gradient). */
  logprob: number;
  /** Forward + backward of every epoch. */
  update: number;
  total: number;
}

/** Per query token, one decoder block's dense matmuls: QKV (d -> 3d), output (d -> d), MLP (d -> f -> d). */
function blockDenseFlops(c: ModelConfig): number {
  const d = c.dModel;
  const f = c.ffnMult * d;
  return 2 * (d * 3 * d + d * d + d * f + f * d);
}

/** The fused QKV projection of one token (d -> 3d): the part of a block every position pays. */
function qkvFlops(c: ModelConfig): number {
  return 2 * c.dModel * 3 * c.dModel;
}

/** q·kᵀ and att·v for one query over `keys` keys, summed over heads (head count cancels out). */
function attentionFlops(c: ModelConfig, keys: number): number {
  return 2 * 2 * c.dModel * keys;
}

/** One image through patch embedding, encoder blocks (bidirectional over P patches), projector and summary. */
function encodeImageFlops(c: ModelConfig): number {
  const d = c.dModel;
  const p = numPatches(c);
  const patchIn = c.patchSize * c.patchSize * 3;
  const embed = 2 * p * patchIn * d;
  const encoder = c.encoderLayers * (p * blockDenseFlops(c) + p * attentionFlops(c, p));
  const projector = 2 * p * (d * d + d * d);
  const summary = 2 * (p * d) * d;
  return embed + encoder + projector + summary;
}

const embedFlops = (c: ModelConfig, tokens: number) => 2 * tokens * c.vocabSize * c.dModel;
const lmHeadFlops = (c: ModelConfig, positions: number) => 2 * positions * c.dModel * c.vocabSize;

/**
 * Decoder blocks over `rows` positions, each attending to `keys` keys (as computed, mask or not),
 * the last block computing outputs for the last `keep` of them only (its QKV for all).
 */
function decodeKeepFlops(c: ModelConfig, rows: number, keys: number, keep: number): number {
  const full = (n: number) => n * blockDenseFlops(c) + n * attentionFlops(c, keys);
  return (c.nLayers - 1) * full(rows) + rows * qkvFlops(c) + full(keep) - keep * qkvFlops(c);
}

/**
 * One teacher-forced forward of one row (Policy.forward): image, prompt and the first T-1
 * response tokens; LM head and value head at the T positions that predict a response token.
 */
export function forwardFlopsPerRow(c: ModelConfig, t: number): number {
  const s0 = numPatches(c) + c.promptLen;
  const len = s0 + t - 1;
  return encodeImageFlops(c) + embedFlops(c, c.promptLen + t - 1) + decodeKeepFlops(c, len, len, t) + lmHeadFlops(c, t) + 2 * t * c.dModel;
}

/**
 * One teacher-forced forward of B·G rows that share their B images (Policy.forward with shared
 * images, TinyVLM.responseHiddenShared): per image the encoder, the summary and the decoder over
 * the P visual positions (all layers but the last in full, the last only its QKV projection);
 * per row the text positions (S − P of them, each attending to all S; in the last layer only the
 * T the heads read, past the QKV projection), the heads, and the copies of the summary and of
 * every layer's visual keys and values (one-hot [N, K] matmuls).
 */
export function forwardFlopsShared(c: ModelConfig, prompts: number, groupSize: number, t: number): number {
  const d = c.dModel;
  const p = numPatches(c);
  const len = p + c.promptLen + t - 1;
  const image = encodeImageFlops(c) + (c.nLayers - 1) * (p * blockDenseFlops(c) + p * attentionFlops(c, p)) + p * qkvFlops(c);
  const copies = 2 * prompts * (d + c.nLayers * 2 * p * d); // per row: K-long dot products for the summary and each layer's K and V
  const row = embedFlops(c, c.promptLen + t - 1) + decodeKeepFlops(c, len - p, len, t) + lmHeadFlops(c, t) + 2 * t * d + copies;
  return prompts * image + prompts * groupSize * row;
}

/**
 * Sampling B·G sequences of T tokens (sampling.ts with useKvCache and sharePrefix): the prefix
 * once per prompt, then T-1 one-token steps for all B·G rows (the last token is never fed back).
 * A fractional T (a mean over iterations that stopped at different steps) counts its last step in
 * proportion.
 */
export function rolloutFlops(c: ModelConfig, prompts: number, groupSize: number, t: number): number {
  const s0 = numPatches(c) + c.promptLen;
  const prefill = prompts * (encodeImageFlops(c) + embedFlops(c, c.promptLen) + decodeKeepFlops(c, s0, s0, 1) + lmHeadFlops(c, 1));
  let steps = 0;
  for (let step = 0; step < t - 1; step++) {
    const keys = s0 + step + 1; // the cache plus the token fed at this step
    steps += Math.min(1, t - 1 - step) * (embedFlops(c, 1) + c.nLayers * (blockDenseFlops(c) + attentionFlops(c, keys)) + lmHeadFlops(c, 1));
  }
  return prefill + prompts * groupSize * steps;
}

/** The passes share each prompt's image across its G rows (shared images); a minibatch re-encodes all B images. */
export function iterationFlops(c: ModelConfig, s: IterationShape): IterationFlops {
  const len = s.passLength ?? s.maxNewTokens;
  const forward = forwardFlopsShared(c, s.prompts, s.groupSize, len);
  const m = s.minibatches ?? 1;
  const imagesAgain = (m - 1) * forwardFlopsShared(c, s.prompts, 0, len); // groupSize 0: the per-image part alone
  const rollout = rolloutFlops(c, s.prompts, s.groupSize, s.decodedTokens ?? s.maxNewTokens);
  const logprob = s.logprobPasses * forward;
  const update = s.epochs * 3 * (forward + imagesAgain); // forward + a backward of twice its cost
  return { rollout, logprob, update, total: rollout + logprob + update };
}
