/**
 * Batched generation: B prompts x G samples decoded together, sampling on the device.
 *
 * After a row's first `<eos>` its tokens are forced to `<pad>` and its mask is 0. Tokens, log-
 * probs and masks are collected as small device tensors and stacked at the end, then read back
 * once. Once every row has finished, the remaining steps are not decoded: they would give only
 * `<pad>`, mask 0 and log-prob 0 (see `finishedSteps`), so those are filled in. Knowing it costs
 * a readback of the [N] finished flags after every step, which on the CPU backends (wasm, cpu)
 * is a copy of N numbers. On webgl/webgpu a readback waits for the device, a cost measured
 * nowhere here (no real GPU), so they decode every step as before and keep their one readback.
 * The default preset's responses end by step 11-13 of 24 from the warm start: about half the
 * decoding steps are skipped there.
 *
 * Randomness is Gumbel-max: argmax(logits/temperature + Gumbel noise) is an exact sample of
 * softmax(logits/temperature); the noise comes from the project's seeded JS Rng, so the same
 * seed gives the same tokens on every backend (up to float ties) and the cpu backend exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, mixSeed } from '../random';
import { EOS, PAD } from '../tokenizer';
import { MASKED, logSoftmax, oneHotFloat, repeatRows, type LayerKV } from './layers';
import { wasmGumbelNoise } from './wasmGumbel';
import type { TinyVLM } from './policy';
import { imageRowCount, isShared, type RowImages } from './images';

export interface SampleOptions {
  /** Samples per prompt (G); row b*G+g of every output is the g-th sample of prompt b. */
  groupSize: number;
  /** Softmax temperature (> 0); also the temperature of the returned log-probs. */
  temperature: number;
  /** Keep only the k most likely tokens before sampling; 0 = off. Log-probs ignore it (see SampleResult.logp). */
  topK: number;
  /** Steps to decode (1..maxResponseLen); every row gets exactly this many tokens. */
  maxNewTokens: number;
  /** Seeds the sampling noise: same seed, same tokens. */
  seed: number;
  /** Take the argmax instead of sampling. */
  greedy?: boolean;
  /** Default true. false = recompute the whole sequence each step (the benchmark baseline). */
  useKvCache?: boolean;
  /** Default true: run image+prompt once per prompt and tile its KV cache over the G samples. */
  sharePrefix?: boolean;
  /** Also return the logits of every step (SampleResult.logits); for tests and inspection. Decodes every step. */
  returnLogits?: boolean;
  /** Default true: on wasm and cpu, stop decoding once every row has finished (the rest is filled in: the same outputs). false: decode every step. */
  stopWhenFinished?: boolean;
}

export interface SampleResult {
  /** int32 [B*G, T]; after the first <eos> every token is <pad>. */
  tokens: tf.Tensor2D;
  /** float32 [B*G, T]: log-prob of each chosen token under the full softmax(logits/temperature) (not renormalised over top-k), 0 where masked. */
  logp: tf.Tensor2D;
  /** float32 [B*G, T]: 1 up to and including the first <eos>, 0 after. */
  mask: tf.Tensor2D;
  /** Host copy of tokens, row-major: the one readback of the call. */
  tokenIds: Int32Array;
  /** float32 [B*G, T, V] raw logits of every step, only when opts.returnLogits. */
  logits?: tf.Tensor3D;
}

function checkOptions(net: TinyVLM, o: SampleOptions): void {
  const max = net.config.maxResponseLen;
  tf.util.assert(Number.isInteger(o.groupSize) && o.groupSize >= 1, () => `groupSize must be an integer >= 1, got ${o.groupSize}`);
  tf.util.assert(
    Number.isInteger(o.maxNewTokens) && o.maxNewTokens >= 1 && o.maxNewTokens <= max,
    () => `maxNewTokens must be an integer in 1..maxResponseLen (${max}), got ${o.maxNewTokens}`,
  );
  tf.util.assert(Number.isFinite(o.temperature) && o.temperature > 0, () => `temperature must be > 0, got ${o.temperature}`);
  tf.util.assert(Number.isInteger(o.topK) && o.topK >= 0, () => `topK must be an integer >= 0 (0 = off), got ${o.topK}`);
  tf.util.assert(Number.isFinite(o.seed), () => `seed must be a finite number, got ${o.seed}`);
}

/** Standard Gumbel noise [rows * cols], from a seeded Rng: -log(-log(u)), u strictly inside (0, 1). */
export function gumbelNoise(seed: number, size: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const u = (rng.next() * 4294967296 + 0.5) / 4294967296; // never 0 or 1: the noise stays finite
    out[i] = -Math.log(-Math.log(u));
  }
  return out;
}

type StepOutput = {
  token: tf.Tensor1D; // int32 [N]
  logp: tf.Tensor1D; // float32 [N]
  mask: tf.Tensor1D; // float32 [N]
  done: tf.Tensor1D; // bool [N]: an <eos> has been emitted at or before this step
};

/**
 * The scalars every step uses, made once per call (not a scalar upload per op per step): the
 * temperature, 1 (the mask is 1 − done) and `<eos>`'s id.
 */
type StepConstants = { temperature: tf.Scalar; one: tf.Scalar; eos: tf.Scalar };

/** Pick one token per row from logits [N, V]; `noiseSeed` null = greedy. Call inside tf.tidy. */
function sampleStep(logits: tf.Tensor2D, done: tf.Tensor1D, noiseSeed: number | null, k: StepConstants, topK: number): StepOutput {
  const [n, v] = logits.shape;
  const scaled = tf.div<tf.Tensor2D>(logits, k.temperature); // [N, V]
  const logpAll = logSoftmax(scaled); // [N, V]
  let choice: tf.Tensor1D;
  if (noiseSeed === null) {
    choice = tf.argMax(logits, -1); // [N]
  } else {
    let z: tf.Tensor = scaled;
    if (topK > 0 && topK < v) {
      const kth = tf.slice(tf.topk(scaled, topK).values, [0, topK - 1], [n, 1]); // [N, 1]: the k-th largest
      z = tf.where(tf.less(scaled, kth), tf.fill([n, v], MASKED), scaled);
    }
    // On wasm the noise is made in the backend's memory by our kernel (./wasmGumbel.ts: the same bits).
    const noise = wasmGumbelNoise(noiseSeed, [n, v]) ?? tf.tensor2d(gumbelNoise(noiseSeed, n * v), [n, v]);
    choice = tf.argMax(tf.add(z, noise), -1); // [N]: Gumbel-max
  }
  const token: tf.Tensor1D = tf.where(done, tf.fill([n], PAD, 'int32'), choice); // <pad> once finished
  const chosenLogp = tf.sum(tf.mul(oneHotFloat(choice, v), logpAll), -1); // [N]
  const mask = tf.sub<tf.Tensor1D>(k.one, tf.cast(done, 'float32')); // 1 up to and including the first <eos>
  return {
    token,
    logp: tf.mul<tf.Tensor1D>(chosenLogp, mask),
    mask,
    done: tf.logicalOr<tf.Tensor1D>(done, tf.equal(token, k.eos)),
  };
}

/** Backends whose readback is a copy, not a wait for a device: sampling may stop early there. */
const STOPS_EARLY_ON = ['wasm', 'cpu'];

/** Whether sampling on the current backend stops once every row has finished (unless told not to). */
export function samplingStopsEarly(): boolean {
  return STOPS_EARLY_ON.includes(tf.getBackend());
}

/** Whether every row has finished (one readback of the [N] flags). */
async function allFinished(done: tf.Tensor1D): Promise<boolean> {
  const flags = await done.data();
  return flags.every((f) => f !== 0);
}

/**
 * The outputs of `count` steps after every row has finished, without decoding them: what
 * sampleStep gives there, token <pad>, mask 0 and log-prob chosen·0 (−0: a chosen log-prob
 * is below 0, or 0 for a certain token, whose product is +0; either is 0 to every consumer).
 */
function finishedSteps(n: number, count: number): { token: tf.Tensor1D; logp: tf.Tensor1D; mask: tf.Tensor1D }[] {
  return Array.from({ length: count }, () => ({ token: tf.fill<tf.Rank.R1>([n], PAD, 'int32'), logp: tf.fill<tf.Rank.R1>([n], -0), mask: tf.zeros<tf.Rank.R1>([n]) }));
}

/** Each of B rows' images repeated G times: [B·G] rows (shared images repeat only their row index). Call inside tf.tidy. */
function repeatImages(images: RowImages, g: number): RowImages {
  return isShared(images) ? { distinct: images.distinct, row: repeatRows(images.row, g) } : repeatRows(images, g);
}

/**
 * Generate B*G sequences of exactly maxNewTokens tokens. images [B, H, W, 3] or shared (B rows,
 * each distinct image encoded once: NoisyRollout's hybrid rows), prompts [B, promptLen].
 * The caller disposes the returned tensors; the inputs are left alone.
 */
export async function generate(net: TinyVLM, images: RowImages, prompts: tf.Tensor2D, opts: SampleOptions): Promise<SampleResult> {
  checkOptions(net, opts);
  const b = imageRowCount(images);
  const g = opts.groupSize;
  const n = b * g;
  const steps = opts.maxNewTokens;
  const v = net.config.vocabSize;
  const s0 = net.prefixLen;
  const useKv = opts.useKvCache ?? true;
  const share = opts.sharePrefix ?? true;
  const wantLogits = opts.returnLogits ?? false;
  // Not with returnLogits: the logits of skipped steps would be missing.
  const mayStop = (opts.stopWhenFinished ?? true) && !wantLogits && samplingStopsEarly();

  // Everything held across steps; whatever is still alive is disposed in `finally`.
  const tokens: tf.Tensor1D[] = [];
  const logps: tf.Tensor1D[] = [];
  const masks: tf.Tensor1D[] = [];
  const stepLogits: tf.Tensor2D[] = [];
  const held: { kvs: LayerKV[]; logits: tf.Tensor2D | null; done: tf.Tensor1D | null; generated: tf.Tensor2D | null } = {
    kvs: [],
    logits: null,
    done: null,
    generated: null,
  };
  const promptIds = tf.tidy(() => (prompts.dtype === 'int32' ? prompts.clone() : tf.cast(prompts, 'int32'))); // [B, promptLen]
  const stepK: StepConstants = { temperature: tf.scalar(opts.temperature), one: tf.scalar(1), eos: tf.scalar(EOS, 'int32') };
  const promptsN = repeatRows(promptIds, g); // [N, promptLen]
  let keyMask: tf.Tensor4D | null = null;
  let visual: tf.Tensor3D | null = null;
  let summary: tf.Tensor3D | null = null; // [N, 1, C]: the image summary every new token embedding adds
  try {
    if (useKv) {
      // Prefill: one pass over [visual, prompt] fills the cache and gives the first step's logits.
      // With sharePrefix it runs on B rows and the result is tiled to B*G, instead of G times the work.
      keyMask = tf.tidy(() => net.keyMask(promptsN, s0 + steps)); // [N, 1, 1, S0+T]: decode steps slice it
      const pre = tf.tidy(() => {
        const ids = share ? promptIds : promptsN; // [B|N, promptLen]
        const { visual: vis, summary: sum } = net.encodeRows(share ? images : repeatImages(images, g)); // [B|N, P, C], [B|N, 1, C]
        const x = net.prefixInput(vis, ids, sum); // [B|N, S0, C]
        const out = net.decode(x, net.attnMask(ids, s0), undefined, 1); // h [B|N, 1, C]: position S0-1 alone
        const rows = x.shape[0];
        const logits = tf.reshape<tf.Rank.R2>(net.logits(out.h), [rows, v]); // [B|N, V]
        const times = share ? g : 1;
        return {
          summary: repeatRows(sum, times), // [N, 1, C]
          logits: repeatRows(logits, times), // [N, V]
          kvs: out.kvs.map((kv) => ({ k: repeatRows(kv.k, times), v: repeatRows(kv.v, times) })), // each [N, H, S0, Dh]
        };
      });
      held.logits = pre.logits;
      held.kvs = pre.kvs;
      summary = pre.summary;
    } else {
      // Recompute baseline: the image is encoded once (it is not part of the growing sequence),
      // then every step runs the decoder over the whole sequence so far (and makes its summary).
      visual = tf.tidy(() => (share ? repeatRows(net.visualRows(images), g) : net.visualRows(repeatImages(images, g)))); // [N, P, C]
      const vis = visual;
      held.logits = tf.tidy(() => net.nextLogitsFull(vis, promptsN, null));
    }
    held.done = tf.zeros<tf.Rank.R1>([n], 'bool');

    for (let t = 0; t < steps; t++) {
      const noiseSeed = opts.greedy ? null : mixSeed(opts.seed, t);
      const logits: tf.Tensor2D = held.logits;
      const done: tf.Tensor1D = held.done;
      const s: StepOutput = tf.tidy(() => sampleStep(logits, done, noiseSeed, stepK, opts.topK));
      tokens.push(s.token);
      logps.push(s.logp);
      masks.push(s.mask);
      done.dispose();
      held.done = s.done;
      if (wantLogits) stepLogits.push(logits);
      else logits.dispose();
      held.logits = null;
      if (t === steps - 1) break; // the last token is never fed back
      if (mayStop && (await allFinished(s.done))) {
        for (const f of finishedSteps(n, steps - 1 - t)) {
          tokens.push(f.token);
          logps.push(f.logp);
          masks.push(f.mask);
        }
        break;
      }

      if (useKv) {
        // Feed token t at position S0+t; attend to the cache plus itself (only prompt pads masked).
        const pasts = held.kvs;
        const mask = keyMask!;
        const sum = summary!;
        const next = tf.tidy(() => {
          const x = net.embed(tf.reshape(s.token, [n, 1]), s0 + t, sum); // [N, 1, C]
          const keys = tf.slice(mask, [0, 0, 0, 0], [n, 1, 1, s0 + t + 1]); // [N, 1, 1, S0+t+1]
          const out = net.decode(x, keys, pasts);
          return { logits: tf.reshape<tf.Rank.R2>(net.logits(out.h), [n, v]), kvs: out.kvs }; // [N, V]
        });
        tf.dispose(pasts); // replaced by the grown cache
        held.kvs = next.kvs;
        held.logits = next.logits;
      } else {
        const prev = held.generated;
        held.generated = tf.tidy((): tf.Tensor2D => {
          const col: tf.Tensor2D = tf.reshape(s.token, [n, 1]); // [N, 1]
          return prev ? tf.concat([prev, col], 1) : col; // [N, t+1]
        });
        prev?.dispose();
        const vis = visual!;
        const gen: tf.Tensor2D = held.generated;
        held.logits = tf.tidy((): tf.Tensor2D => net.nextLogitsFull(vis, promptsN, gen));
      }
    }

    const result = tf.tidy(() => ({
      tokens: tf.stack(tokens, 1) as tf.Tensor2D, // [N, T]
      logp: tf.stack(logps, 1) as tf.Tensor2D, // [N, T]
      mask: tf.stack(masks, 1) as tf.Tensor2D, // [N, T]
      ...(wantLogits ? { logits: tf.stack(stepLogits, 1) as tf.Tensor3D } : {}), // [N, T, V]
    }));
    let tokenIds: Int32Array;
    try {
      tokenIds = (await result.tokens.data()) as Int32Array; // the one readback
    } catch (e) {
      tf.dispose(result);
      throw e;
    }
    return { ...result, tokenIds };
  } finally {
    tf.dispose([...tokens, ...logps, ...masks, ...stepLogits]);
    tf.dispose(held.kvs);
    tf.dispose([promptIds, promptsN, stepK.temperature, stepK.one, stepK.eos, ...[keyMask, visual, summary, held.logits, held.done, held.generated].filter((x) => x !== null)]);
  }
}
