/**
 * A rough up-front estimate of a run's peak tensor memory, so a run that cannot fit is
 * refused with numbers instead of dying halfway (an out-of-memory worker takes every live run
 * with it). Rough on purpose: it counts the big tensors from the config alone, and
 * memory.test.ts checks it against tfjs's measured peak on small configs.
 *
 *   state       = weights + Adam's two moments + gradients (and their clipped copy)
 *                 + the frozen reference (when the KL term is on)
 *   activations = the update's forward pass kept for the backward pass, for one minibatch,
 *                 or the rollout's / evaluation's KV cache, whichever is larger
 */
import type { RunConfig } from '../config';
import { maxSeqLen, numPatches, type ModelConfig } from '../model/config';

const FLOAT_BYTES = 4;

/** Trainable parameters of the tiny VLM (exactly the sizes of Policy's variables). */
export function countParams(c: ModelConfig): number {
  const d = c.dModel;
  const h = c.ffnMult * d;
  const p = numPatches(c);
  const v = c.vocabSize;
  const block = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (d * h + h) + (h * d + d); // 2 LayerNorms, fused QKV, proj, MLP
  const encoder = c.patchSize * c.patchSize * 3 * d + d + p * d + c.encoderLayers * block + (c.encoderLayers > 0 ? 2 * d : 0);
  const projector = 2 * (d * d + d) + (p * d * d + d); // proj.fc, proj.out, proj.summary
  const decoder = v * d + maxSeqLen(c) * d + c.nLayers * block + 2 * d + d * v; // embeddings, blocks, final LN, LM head
  const valueHead = d + 1;
  return encoder + projector + decoder + valueHead;
}

/**
 * Floats one row keeps per layer for the backward pass, per token: the LayerNorms' steps, Q/K/V
 * and their transposes and splits, projections, residual adds (~32 d), the MLP's hidden
 * activation and GELU's intermediates (~8 h); attention scores, mask add and softmax per
 * head and key (~4 H S). Counted from SelfAttention/MLP/Block in ../model/layers.ts.
 */
const PER_TOKEN_D = 32;
const PER_TOKEN_H = 8;
const PER_SCORE = 4;
/**
 * The update's forward activations times this: the gradient's tidy frees nothing until the
 * backward pass ends, and the backward pass allocates a gradient for about every forward
 * tensor, plus its own intermediates. Calibrated on tfjs's measured peak (cpu backend): with 4
 * the estimate is 0.9-1.2x of tf.profile's peakBytes for the configs in memory.test.ts and for
 * the default model at B=4, G=8 (108 MB measured).
 */
const BACKWARD = 4;

export interface MemoryEstimate {
  params: number;
  /** Bytes of weights, optimizer moments, gradients and the reference copy. */
  stateBytes: number;
  /** Bytes of the largest transient working set (update minibatch, rollout or evaluation). */
  activationBytes: number;
  totalBytes: number;
  /** Which phase the activations are for. */
  peakPhase: 'update' | 'rollout' | 'evaluation';
}

/** Bytes of one transformer stack's saved activations for `rows` sequences of `len` tokens. */
function stackBytes(rows: number, len: number, layers: number, c: ModelConfig): number {
  const d = c.dModel;
  const h = c.ffnMult * d;
  const perLayer = rows * len * (PER_TOKEN_D * d + PER_TOKEN_H * h + PER_SCORE * c.nHeads * len);
  return layers * perLayer * FLOAT_BYTES;
}

/** Generation for `rows` sequences: the KV cache (keys and values of every layer, doubled while a step concatenates) and one step's logits. */
function generationBytes(rows: number, c: ModelConfig, newTokens: number): number {
  const len = numPatches(c) + c.promptLen + newTokens;
  const kv = 2 * 2 * c.nLayers * rows * len * c.dModel;
  const prefix = stackBytes(rows, numPatches(c) + c.promptLen, 1, c) / FLOAT_BYTES; // the prefill, layer by layer, no tape
  return (kv + prefix + rows * c.vocabSize * 4) * FLOAT_BYTES;
}

export function estimateMemory(config: RunConfig): MemoryEstimate {
  const c = config.model;
  const params = countParams(c);
  const reference = config.objective.beta > 0 || config.objective.betaFinal > 0;
  // weights + Adam m and v + gradients + their clipped copy (+ the frozen reference)
  const stateBytes = params * FLOAT_BYTES * (5 + (reference ? 1 : 0));

  const n = config.sampling.promptsPerIter * config.sampling.groupSize;
  const rows = Math.ceil(n / Math.min(config.optim.minibatches, n));
  const T = config.sampling.maxNewTokens;
  const decoderLen = numPatches(c) + c.promptLen + T - 1;
  const logits = rows * T * c.vocabSize * 4 * FLOAT_BYTES; // logits, log-softmax, softmax, entropy terms
  const update = BACKWARD * (stackBytes(rows, decoderLen, c.nLayers, c) + stackBytes(rows, numPatches(c), c.encoderLayers, c) + logits);
  const rollout = generationBytes(n, c, T);
  const evaluation = config.run.evalEvery > 0 ? generationBytes(config.run.evalN, c, T) : 0;

  const phases = [
    ['update', update],
    ['rollout', rollout],
    ['evaluation', evaluation],
  ] as const;
  const [peakPhase, activationBytes] = phases.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { params, stateBytes, activationBytes, totalBytes: stateBytes + activationBytes, peakPhase };
}

/** "1.2 GB", "340 MB", "12 kB" (decimal units, like the browser's own memory figures). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toPrecision(2)} ${units[i]}`;
}

/**
 * Why the run does not fit in `budgetBytes`, with the estimate and what to lower; null when it
 * fits. The worker refuses such a run before building it.
 */
export function memoryRefusal(config: RunConfig, budgetBytes: number): string | null {
  const e = estimateMemory(config);
  if (e.totalBytes <= budgetBytes) return null;
  const { promptsPerIter: b, groupSize: g, maxNewTokens: t } = config.sampling;
  const rows = e.peakPhase === 'evaluation' ? `${config.run.evalN} held-out prompts` : `${b * g} responses (B=${b} x G=${g})`;
  const fix =
    e.peakPhase === 'evaluation'
      ? 'Lower run.evalN.'
      : `Lower sampling.promptsPerIter or sampling.groupSize${e.peakPhase === 'update' ? ', raise optim.minibatches' : ''}, or use a smaller model.`;
  return (
    `Refused: this run would need about ${formatBytes(e.totalBytes)} of tensor memory, more than the ${formatBytes(budgetBytes)} this device allows ` +
    `(${formatBytes(e.stateBytes)} for ${e.params.toLocaleString('en-US')} parameters with their optimizer state, ` +
    `${formatBytes(e.activationBytes)} for the ${e.peakPhase} of ${rows} x ${t} tokens). ${fix}`
  );
}

const GIB = 2 ** 30;

/**
 * The tensor memory a run may plan for: 4 GiB (a wasm32 heap cannot grow past it, and browsers
 * kill a tab's GPU process or worker well before a desktop's RAM runs out), or half of what the
 * device reports (`navigator.deviceMemory`, in GiB, coarse and capped at 8 by Chrome) if less.
 */
export function memoryBudgetBytes(deviceMemoryGiB?: number): number {
  const cap = 4 * GIB;
  if (deviceMemoryGiB === undefined || !Number.isFinite(deviceMemoryGiB) || deviceMemoryGiB <= 0) return cap;
  return Math.min(cap, (deviceMemoryGiB / 2) * GIB);
}
