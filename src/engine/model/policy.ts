/**
 * The tiny vision-language model and the Policy that RL code trains.
 *
 *   image [N, H, W, 3] -> patches -> patch embedding + positions -> encoder blocks (bidirectional)
 *     -> projector (Linear-GELU-Linear, as LLaVA-1.5) -> visual tokens [N, P, C]
 *   image summary = Linear(all visual tokens side by side) [N, 1, C], added to every text token
 *   [visual tokens | prompt tokens (left-padded) | response tokens] + learned positions
 *     -> decoder blocks (pre-LN) -> final LN -> LM head (logits) and value head (scalar)
 *
 * Attention in the decoder is causal, with two refinements:
 *  - prefix-LM over the image: the P visual tokens attend to each other in both directions
 *    (they arrive all at once, like an encoder's output, so nothing has to be predicted there);
 *  - `<pad>` prompt positions are never attended to as keys, so left-padding a short prompt
 *    changes nothing but positions.
 * Every query after the visual block sees at least the visual tokens, so no softmax row is
 * ever fully masked. KV-cache decoding (sampling.ts) reproduces exactly this mask.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type ModelConfig, ModelConfigSchema, maxSeqLen, numPatches } from './config';
import { entropyFromLogProbs, sumOnDevice } from '../rl';
import { PAD } from '../tokenizer';
import { Block, Dense, LayerNorm, MASKED, ParamStore, denseGelu, geluConstants, logSoftmax, type GeluConstants, oneHotFloat, type LayerKV, type ParamSource, type SelfAttention } from './layers';
import { generate, type SampleOptions, type SampleResult } from './sampling';
import { loadCheckpoint, type CheckpointMeta } from './checkpoint';
import { isShared, pickRows, rowPicker, type RowImages, type SharedImages } from './images';

export type { SampleOptions, SampleResult } from './sampling';

export interface ForwardOutput {
  logp: tf.Tensor2D; // [N, T] log pi(response token t | everything before it)
  entropy: tf.Tensor2D; // [N, T] entropy of the distribution at t
  values: tf.Tensor2D; // [N, T] value head at the position that predicts token t
  /** [N, T, V] the whole log-distribution at each position; only when asked (`full`: the exact KL sums over it). */
  logProbs?: tf.Tensor3D;
}

// ---------------------------------------------------------------------------------------------
// The network

/**
 * All parameters and the pure tensor functions of the model. Internal: RL code uses Policy.
 * Methods allocate tensors and must be called inside tf.tidy (or a gradient function).
 */
export class TinyVLM {
  /** P: visual tokens per image. */
  readonly nPatches: number;
  /** S0 = P + promptLen: the positions before the first response token. */
  readonly prefixLen: number;
  /** P + promptLen + maxResponseLen: rows of the decoder position table. */
  readonly seqLen: number;
  readonly store: ParamStore;

  // Image encoder and projector.
  private readonly patchEmbed: Dense;
  private readonly encPos: tf.Variable; // [P, C]
  private readonly encBlocks: Block[];
  private readonly encLn: LayerNorm | null;
  private readonly projFc: Dense;
  private readonly projOut: Dense;
  /** The projector's GELU constants (ParamStore.constant: made once, shared with the MLPs). */
  private readonly geluK: GeluConstants;
  /** 0.5, the pixels' centre (ParamStore.constant: made once). */
  private readonly half: tf.Scalar;
  // Decoder and heads.
  private readonly tokEmb: tf.Variable; // [V, C]
  private readonly pos: tf.Variable; // [seqLen, C]
  private readonly blocks: Block[];
  private readonly lnF: LayerNorm;
  private readonly lmHead: Dense;
  private readonly summary: Dense;
  readonly valueHead: Dense;
  /** Additive causal + prefix-LM mask [seqLen, seqLen], built once; calls slice it. */
  private readonly causal: tf.Tensor2D;

  constructor(
    readonly config: ModelConfig,
    source: ParamSource,
    trainable: boolean,
  ) {
    const c = config;
    const d = c.dModel;
    const p = c.patchSize;
    this.nPatches = numPatches(c);
    this.prefixLen = this.nPatches + c.promptLen;
    this.seqLen = maxSeqLen(c);
    const s = new ParamStore(source, trainable);
    this.store = s;
    // Creation order is the order of trainableVariables and of checkpoints; init does not depend on it.
    this.patchEmbed = new Dense(s, 'enc.patch', p * p * 3, d);
    this.encPos = s.create('enc.pos', [this.nPatches, d], { kind: 'normal', std: 0.02 });
    this.encBlocks = Array.from({ length: c.encoderLayers }, (_, i) => new Block(s, `enc.h.${i}`, d, c.nHeads, c.ffnMult, c.encoderLayers));
    this.encLn = c.encoderLayers > 0 ? new LayerNorm(s, 'enc.ln', d) : null;
    this.projFc = new Dense(s, 'proj.fc', d, d);
    this.projOut = new Dense(s, 'proj.out', d, d);
    this.geluK = geluConstants(s);
    this.half = s.constant(0.5);
    // A position-aware summary of the whole image (a linear map of all visual tokens side by
    // side) added to every text token: the text stream can use the image from the first step,
    // before attention has learned where to look. Without it SFT stalled at chance accuracy
    // (measured: single-digit NLL at ln 5 after 100 full-batch steps on 32 fixed images).
    this.summary = new Dense(s, 'proj.summary', this.nPatches * d, d, { std: 0.5 / Math.sqrt(this.nPatches * d) });
    this.tokEmb = s.create('dec.tok', [c.vocabSize, d], { kind: 'normal', std: 0.02 });
    this.pos = s.create('dec.pos', [this.seqLen, d], { kind: 'normal', std: 0.02 });
    this.blocks = Array.from({ length: c.nLayers }, (_, i) => new Block(s, `dec.h.${i}`, d, c.nHeads, c.ffnMult, c.nLayers));
    this.lnF = new LayerNorm(s, 'dec.ln', d);
    // Untied LM head: with 68 words tying saves only ~4k parameters, and an untied head lets
    // RL move output preferences without dragging the input embedding along.
    this.lmHead = new Dense(s, 'lm_head', d, c.vocabSize, { bias: false });
    // Zero-initialised: values start at 0, so the first advantages are plain returns.
    this.valueHead = new Dense(s, 'value_head', d, 1, { zeroInit: true });
    this.causal = tf.keep(buildPrefixCausalMask(this.seqLen, this.nPatches));
  }

  /** images [N, H, W, 3] in [0, 1] -> visual tokens [N, P, C] in the decoder's width. */
  encodeImages(images: tf.Tensor4D): tf.Tensor3D {
    const n = images.shape[0];
    const p = this.config.patchSize;
    const g = this.config.imageSize / p;
    // Cut into p x p patches in raster order. Pixel (y, x) = (gy*p + py, gx*p + px); px and the
    // colour channel stay merged so the transpose is rank 5 (the wasm backend's limit).
    // Centre pixels on 0: the light background otherwise adds one large constant to every patch.
    const rows = tf.reshape(tf.sub(images, this.half), [n, g, p, g, p * 3]); // [N, gy, py, gx, px*3]
    const grid = tf.transpose(rows, [0, 1, 3, 2, 4]); // [N, gy, gx, py, px*3]
    const patches = tf.reshape(grid, [n, g * g, p * p * 3]); // [N, P, p*p*3]
    let x = tf.add<tf.Tensor3D>(this.patchEmbed.apply(patches), this.encPos); // [N, P, C]
    for (const block of this.encBlocks) x = block.apply(x, null).y; // bidirectional: no mask
    if (this.encLn) x = this.encLn.apply(x) as tf.Tensor3D;
    return this.projOut.apply(denseGelu(this.projFc, x, this.geluK)) as tf.Tensor3D; // [N, P, C]
  }

  /**
   * The visual tokens [N, P, C] and image summary [N, 1, C] of each row. Shared images are
   * encoded once per distinct image, then copied to their rows (./images.ts): the same numbers
   * as encoding every row's image, for K instead of N encoder passes.
   */
  encodeRows(images: RowImages): { visual: tf.Tensor3D; summary: tf.Tensor3D } {
    if (!isShared(images)) {
      const visual = this.encodeImages(images); // [N, P, C]
      return { visual, summary: this.imageSummary(visual) }; // [N, 1, C]
    }
    const visual = this.encodeImages(images.distinct); // [K, P, C]
    const summary = this.imageSummary(visual); // [K, 1, C]: the summary's matmul runs K times too
    return { visual: pickRows(visual, images.row), summary: pickRows(summary, images.row) }; // [N, P, C], [N, 1, C]
  }

  /**
   * The visual tokens [N, P, C] of each row alone: encodeRows without the image summary, for the
   * sampler's recompute path, whose every pass (nextLogitsFull) makes its own summary.
   */
  visualRows(images: RowImages): tf.Tensor3D {
    return isShared(images) ? pickRows(this.encodeImages(images.distinct), images.row) : this.encodeImages(images); // [N, P, C]
  }

  /** visual tokens [N, P, C] -> the image summary [N, 1, C] that `embed` adds to text tokens. */
  imageSummary(visual: tf.Tensor3D): tf.Tensor3D {
    const [n, p, d] = visual.shape;
    return tf.reshape(this.summary.apply(tf.reshape(visual, [n, p * d])), [n, 1, d]); // [N, P*C] -> [N, 1, C]
  }

  /** Token ids [N, L] at positions start..start+L-1, plus the image summary [N, 1, C] -> embeddings [N, L, C]. */
  embed(tokens: tf.Tensor2D, start: number, summary: tf.Tensor3D): tf.Tensor3D {
    const [n, l] = tokens.shape;
    const { vocabSize: v, dModel: d } = this.config;
    // A one-hot matmul rather than tf.gather: gather's gradient needs UnsortedSegmentSum,
    // which the wasm backend lacks; with V = 68 the matmul is just as cheap.
    const oneHot = oneHotFloat(tf.reshape(tokens, [n * l]), v); // [N*L, V]
    const emb = tf.reshape(tf.matMul(oneHot, this.tokEmb), [n, l, d]); // [N, L, C]
    return tf.add(tf.add(emb, tf.slice(this.pos, [start, 0], [l, d])), summary); // + positions [L, C] + summary [N, 1, C]
  }

  /** The decoder's input for [visual tokens, prompt]: [N, S0, C]. */
  prefixInput(visual: tf.Tensor3D, prompts: tf.Tensor2D, summary: tf.Tensor3D): tf.Tensor3D {
    const visPos = tf.slice(this.pos, [0, 0], [this.nPatches, this.config.dModel]); // [P, C]
    return tf.concat([tf.add<tf.Tensor3D>(visual, visPos), this.embed(prompts, this.nPatches, summary)], 1); // [N, S0, C]
  }

  /** Additive key mask [N, 1, 1, len]: MASKED at `<pad>` prompt positions, 0 everywhere else. */
  keyMask(prompts: tf.Tensor2D, len: number): tf.Tensor4D {
    const n = prompts.shape[0];
    const padKeys = tf.mul(tf.cast(tf.equal(prompts, PAD), 'float32'), MASKED); // [N, promptLen]
    // Zeros filled on the device (tf.zeros would upload them from the host, sized by len).
    const parts: tf.Tensor[] = [tf.fill([n, this.nPatches], 0), padKeys];
    if (len > this.prefixLen) parts.push(tf.fill([n, len - this.prefixLen], 0));
    return tf.reshape(tf.concat(parts, 1), [n, 1, 1, len]); // [N, 1, 1, len]: broadcast over heads and queries
  }

  /** Full attention mask for a sequence of `len` positions from position 0: [N, 1, len, len]. */
  attnMask(prompts: tf.Tensor2D, len: number): tf.Tensor4D {
    const causal = tf.reshape(tf.slice(this.causal, [0, 0], [len, len]), [1, 1, len, len]); // [1, 1, len, len]
    return tf.add(causal, this.keyMask(prompts, len));
  }

  /**
   * Decoder blocks + final LN. x [N, S, C]; `pasts` are the caches of earlier positions. With
   * `keep`, h is [N, keep, C]: the last block computes the outputs of x's last `keep` positions
   * only (every position's keys and values still), for the passes that read only those: the
   * heads read T positions of a teacher-forced pass, a prefill only its last.
   */
  decode(x: tf.Tensor3D, mask: tf.Tensor, pasts?: LayerKV[], keep?: number): { h: tf.Tensor3D; kvs: LayerKV[] } {
    const kvs: LayerKV[] = [];
    const last = this.blocks.length - 1;
    this.blocks.forEach((block, i) => {
      const out = block.apply(x, mask, pasts?.[i], i === last ? keep : undefined);
      x = out.y;
      kvs.push(out.kv);
    });
    return { h: this.lnF.apply(x) as tf.Tensor3D, kvs };
  }

  logits(h: tf.Tensor): tf.Tensor {
    return this.lmHead.apply(h); // [..., V]
  }

  values(h: tf.Tensor): tf.Tensor {
    return tf.squeeze(this.valueHead.apply(h), [-1]); // [..., 1] -> [...]
  }

  /**
   * Teacher forcing: the final hidden states [N, T, C] at the T positions that predict each
   * response token. Position S0-1+t (last prompt token for t = 0) predicts response token t, so
   * the last response token is never fed in.
   */
  responseHidden(images: RowImages, prompts: tf.Tensor2D, responses: tf.Tensor2D): tf.Tensor3D {
    if (isShared(images)) return this.responseHiddenShared(images, prompts, responses);
    const [n, t] = responses.shape;
    const { visual, summary } = this.encodeRows(images); // [N, P, C], [N, 1, C]
    let x = this.prefixInput(visual, prompts, summary); // [N, S0, C]
    if (t > 1) {
      const fed = tf.slice(responses, [0, 0], [n, t - 1]); // [N, T-1]
      x = tf.concat([x, this.embed(fed, this.prefixLen, summary)], 1); // [N, S0+T-1, C]
    }
    const len = this.prefixLen + t - 1;
    return this.decode(x, this.attnMask(prompts, len), undefined, t).h; // [N, T, C]: positions S0-1.., the last t
  }

  /**
   * responseHidden for shared images, with every part that depends on the image alone run once
   * per distinct image: the encoder, the summary, and the decoder over the P visual positions.
   * Those positions attend only to each other (prefix-LM; the summary is added to text tokens
   * only), so their keys and values in every layer are the image's, whatever the prompt and
   * response. They are computed on K rows, copied to the N rows (pickRows, whose gradient sums
   * them back per image), and the text positions run as a KV-cache continuation over them, with
   * rows P.. of the same mask. The same numbers as the per-row pass; the decoder then runs
   * K·P + N·(S − P) positions instead of N·S (with K = 8, N = 64, P = 16, S ≈ 43: ~1/3 fewer).
   */
  private responseHiddenShared(images: SharedImages, prompts: tf.Tensor2D, responses: tf.Tensor2D): tf.Tensor3D {
    const [n, t] = responses.shape;
    const { nPatches: p, prefixLen } = this;
    const d = this.config.dModel;
    const visual = this.encodeImages(images.distinct); // [K, P, C]
    const pick = rowPicker(images.row, visual.shape[0]); // one one-hot [N, K] for every copy below
    const summary = pick(this.imageSummary(visual)); // [K, 1, C] -> [N, 1, C]
    let x = tf.add<tf.Tensor3D>(visual, tf.slice(this.pos, [0, 0], [p, d])); // [K, P, C] at positions 0..P-1
    const pasts: LayerKV[] = [];
    this.blocks.forEach((block, i) => {
      // The visual tokens see each other only: no mask. The last layer's outputs are never read, only its keys and values.
      const kv = i < this.blocks.length - 1 ? block.apply(x, null) : { y: x, kv: block.attn.keysValues(block.ln1.apply(x) as tf.Tensor3D) };
      x = kv.y;
      pasts.push({ k: pick(kv.kv.k), v: pick(kv.kv.v) }); // [K, H, P, Dh] -> [N, H, P, Dh]
    });
    let text = this.embed(prompts, p, summary); // [N, promptLen, C] at positions P..S0-1
    if (t > 1) text = tf.concat([text, this.embed(tf.slice(responses, [0, 0], [n, t - 1]), prefixLen, summary)], 1); // [N, S-P, C]
    const len = prefixLen + t - 1;
    const mask = tf.slice(this.attnMask(prompts, len), [0, 0, p, 0], [n, 1, len - p, len]); // [N, 1, S-P, S]: the text rows
    return this.decode(text, mask, pasts, t).h; // [N, T, C]: text rows S0-1-P.., the last t
  }

  /**
   * The attention probabilities of decoder layer `layer` under teacher forcing: [N, H, S, S]
   * with S = S0 + T - 1, the same sequence and mask as `responseHidden` (for the Inspect
   * view's attention map; nothing trains through it).
   */
  decoderAttention(images: RowImages, prompts: tf.Tensor2D, responses: tf.Tensor2D, layer: number): tf.Tensor4D {
    const [n, t] = responses.shape;
    const { visual, summary } = this.encodeRows(images); // [N, P, C], [N, 1, C]
    let x = this.prefixInput(visual, prompts, summary); // [N, S0, C]
    if (t > 1) x = tf.concat([x, this.embed(tf.slice(responses, [0, 0], [n, t - 1]), this.prefixLen, summary)], 1); // [N, S, C]
    const mask = this.attnMask(prompts, this.prefixLen + t - 1);
    for (let i = 0; i < layer; i++) x = this.blocks[i]!.apply(x, mask).y;
    const block = this.blocks[layer]!;
    return attentionProbs(block.attn, block.ln1.apply(x) as tf.Tensor3D, mask); // [N, H, S, S]
  }

  /**
   * Logits [N, V] for the token after [visual, prompt, generated]: one full pass over the
   * whole sequence, no cache (the recompute path that benchmarks compare the KV cache against).
   */
  nextLogitsFull(visual: tf.Tensor3D, prompts: tf.Tensor2D, generated: tf.Tensor2D | null): tf.Tensor2D {
    const n = visual.shape[0];
    const summary = this.imageSummary(visual); // [N, 1, C]
    let x = this.prefixInput(visual, prompts, summary); // [N, S0, C]
    if (generated) x = tf.concat([x, this.embed(generated, this.prefixLen, summary)], 1); // [N, S0+t, C]
    const len = x.shape[1];
    const { h } = this.decode(x, this.attnMask(prompts, len), undefined, 1); // [N, 1, C]: the last position
    return tf.reshape(this.logits(h), [n, this.config.vocabSize]); // [N, V]
  }

  dispose(): void {
    this.store.dispose();
    this.causal.dispose();
  }
}

/**
 * allowed(i, j) = j <= i (causal) or j < nPrefix (the visual tokens see each other), as an
 * additive mask: 0 where allowed, MASKED where not. [len, len].
 */
export function buildPrefixCausalMask(len: number, nPrefix: number): tf.Tensor2D {
  const data = new Float32Array(len * len);
  for (let i = 0; i < len; i++) {
    for (let j = 0; j < len; j++) data[i * len + j] = j <= i || j < nPrefix ? 0 : MASKED;
  }
  return tf.tensor2d(data, [len, len]);
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * softmax(q k^T / sqrt(Dh) + mask) of one SelfAttention over its (already layer-normed)
 * input x [B, S, C]: [B, H, S, S]. The same arithmetic as SelfAttention.apply, which does not
 * return its probabilities; policy.test.ts checks that att @ v through `proj` gives apply's output.
 */
export function attentionProbs(attn: SelfAttention, x: tf.Tensor3D, mask: tf.Tensor | null): tf.Tensor4D {
  const [b, s] = x.shape;
  const h = attn.nHeads;
  const dh = attn.headDim;
  const heads = tf.transpose(tf.reshape(attn.qkv.apply(x), [b, s, 3 * h, dh]), [0, 2, 1, 3]); // [B, 3H, S, Dh]
  const [q, k] = tf.split(heads, 3, 1) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]; // each [B, H, S, Dh]
  let att: tf.Tensor = tf.matMul(tf.mul(q, attn.scale), k, false, true); // [B, H, S, S]: q / sqrt(Dh)
  if (mask) att = tf.add(att, mask);
  return tf.softmax(att) as tf.Tensor4D;
}


function toInt32<T extends tf.Tensor>(x: T): T {
  return x.dtype === 'int32' ? x : tf.cast<T>(x, 'int32');
}

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** "dModel is 32 in the checkpoint but 64 here"-style differences; empty when equal. */
export function diffConfigs(theirs: ModelConfig, ours: ModelConfig, theirName = 'the checkpoint', ourName = 'this policy'): string[] {
  const keys = new Set([...Object.keys(theirs), ...Object.keys(ours)]) as Set<keyof ModelConfig>;
  const out: string[] = [];
  for (const k of keys) {
    if (theirs[k] !== ours[k]) out.push(`${k} is ${String(theirs[k])} in ${theirName} but ${String(ours[k])} in ${ourName}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The policy

export class Policy {
  readonly config: ModelConfig;
  /** Every variable, value head included; empty for a frozen copy (see clone). */
  readonly trainableVariables: tf.Variable[];
  /** The value head's subset of trainableVariables (PPO may give it its own learning rate). */
  readonly valueHeadVariables: tf.Variable[];
  /** Every variable, trainable or not, in checkpoint order. */
  readonly variables: tf.Variable[];
  /** True for a clone(): its variables are not trainable, so optimizers never touch it. */
  readonly frozen: boolean;
  /** @internal The network; RL code should not need it. */
  readonly net: TinyVLM;

  private constructor(config: ModelConfig, source: ParamSource, trainable: boolean) {
    this.config = config;
    this.net = new TinyVLM(config, source, trainable);
    this.frozen = !trainable;
    this.variables = this.net.store.variables;
    this.trainableVariables = trainable ? [...this.variables] : [];
    const vh = this.net.valueHead;
    this.valueHeadVariables = trainable ? [vh.w, ...(vh.b ? [vh.b] : [])] : [];
  }

  /** A fresh policy, initialised deterministically from `seed` (same seed, same weights, any backend). */
  static create(config: ModelConfig, seed: number): Policy {
    return new Policy(ModelConfigSchema.parse(config), { seed }, true);
  }

  /** A new trainable policy with the config and weights stored behind `handler`. */
  static async fromCheckpoint(handler: tf.io.IOHandler): Promise<Policy> {
    const ck = await loadCheckpoint(handler);
    try {
      const policy = new Policy(ck.config, { seed: 0 }, true);
      const problems = policy.weightProblems(ck.weights);
      if (problems.length > 0) {
        policy.dispose();
        throw new Error(`Checkpoint refused: ${problems.join('; ')}.`);
      }
      policy.setWeights(ck.weights);
      return policy;
    } finally {
      tf.dispose(ck.weights);
    }
  }

  numParams(): number {
    return this.variables.reduce((a, v) => a + v.size, 0);
  }

  private checkInputs(images: RowImages, prompts: tf.Tensor2D, responses?: tf.Tensor2D): void {
    const c = this.config;
    const pixels = isShared(images) ? images.distinct : images;
    tf.util.assert(
      pixels.rank === 4 && pixels.shape[1] === c.imageSize && pixels.shape[2] === c.imageSize && pixels.shape[3] === 3,
      () => `images must be [N, ${c.imageSize}, ${c.imageSize}, 3], got ${shapeStr(pixels.shape)}`,
    );
    if (isShared(images)) {
      tf.util.assert(images.row.rank === 1 && images.row.dtype === 'int32', () => `shared images' row index must be int32 [N], got ${images.row.dtype} ${shapeStr(images.row.shape)}`);
    }
    const n = isShared(images) ? images.row.shape[0] : pixels.shape[0];
    tf.util.assert(
      prompts.rank === 2 && prompts.shape[0] === n && prompts.shape[1] === c.promptLen,
      () => `prompts must be [${n}, ${c.promptLen}] (one left-padded row per image), got ${shapeStr(prompts.shape)}`,
    );
    if (responses) {
      const t = responses.shape[1];
      tf.util.assert(
        responses.rank === 2 && responses.shape[0] === n && t !== undefined && t >= 1 && t <= c.maxResponseLen,
        () => `responses must be [${n}, T] with 1 <= T <= maxResponseLen ${c.maxResponseLen}, got ${shapeStr(responses.shape)}`,
      );
    }
  }

  /** The raw logits [N, T, V] at the positions that predict each response token. */
  responseLogits(images: RowImages, prompts: tf.Tensor2D, responses: tf.Tensor2D): tf.Tensor3D {
    this.checkInputs(images, prompts, responses);
    return tf.tidy(() => this.net.logits(this.net.responseHidden(images, toInt32(prompts), toInt32(responses))) as tf.Tensor3D);
  }

  /**
   * One teacher-forced pass: log-probs and entropies of the response tokens under
   * softmax(logits / temperature), and the value estimates, each [N, T]; with `full`, also the
   * whole log-distribution [N, T, V] (for the exact KL). `images` is one per row, or shared
   * (./images.ts: each distinct image encoded once, gradients summed over its rows).
   * `length` (default T): the caller knows every row's response ends within its first `length`
   * positions (the rest <pad>, masked): only those are computed, and every output is 0 beyond
   * them. The decoder is causal, so the positions computed are the same function of the same
   * inputs either way; a batch whose answers end by 13 of 24 tokens then costs about half.
   * Synchronous; safe inside tf.tidy, tf.variableGrads and optimizer.minimize.
   */
  forward(images: RowImages, prompts: tf.Tensor2D, responses: tf.Tensor2D, opts: { temperature?: number; full?: boolean; length?: number } = {}): ForwardOutput {
    this.checkInputs(images, prompts, responses);
    const temperature = opts.temperature ?? 1;
    tf.util.assert(temperature > 0 && Number.isFinite(temperature), () => `temperature must be > 0, got ${temperature}`);
    const [n, t] = responses.shape;
    const len = opts.length ?? t;
    tf.util.assert(Number.isInteger(len) && len >= 1 && len <= t, () => `forward: length must be an integer in 1..${t} (the responses' width), got ${len}`);
    const out = tf.tidy(() => {
      const ids = toInt32(len < t ? tf.slice(responses, [0, 0], [n, len]) : responses); // [N, L]
      const h = this.net.responseHidden(images, toInt32(prompts), ids); // [N, L, C]
      const logpAll = logSoftmax(tf.div(this.net.logits(h), temperature)); // [N, L, V]
      const chosen = oneHotFloat(ids, this.config.vocabSize); // [N, L, V]
      // Back to T positions with zeros after L (a Concat, whose gradient is a Slice).
      const widen = <R extends tf.Tensor>(x: R): R => (len < t ? (tf.concat([x, tf.fill([n, t - len, ...x.shape.slice(2)], 0)], 1) as R) : x);
      return {
        logp: widen(sumOnDevice(tf.mul(chosen, logpAll), -1) as tf.Tensor2D), // [N, T]: gather by one-hot (differentiable everywhere; the gradient made on the device)
        entropy: widen(entropyFromLogProbs(logpAll as tf.Tensor3D)), // [N, T]
        values: widen(this.net.values(h) as tf.Tensor2D), // [N, T]
        ...(opts.full ? { logProbs: widen(logpAll as tf.Tensor3D) } : {}),
      };
    });
    return out;
  }

  /**
   * Generate groupSize samples per prompt, all B*G at once, with a KV cache and sampling on the
   * device; one readback per call. See sampling.ts.
   */
  async sample(images: RowImages, prompts: tf.Tensor2D, opts: SampleOptions): Promise<SampleResult> {
    this.checkInputs(images, prompts); // inside the async function: bad inputs reject, never throw
    return await generate(this.net, images, prompts, opts);
  }

  /**
   * Where the model looked in the image when it chose response token `position`: the attention
   * of the query that predicts that token (position S0 - 1 + t) over the P visual tokens, per
   * head, at decoder layer `layer` (default the last). [N, H, P] in raster patch order. Each
   * head's full row sums to 1 over image, prompt and response keys, so the P entries sum to at
   * most 1: the rest of the attention went to text.
   */
  attentionToImage(images: RowImages, prompts: tf.Tensor2D, responses: tf.Tensor2D, position: number, layer = this.config.nLayers - 1): tf.Tensor3D {
    this.checkInputs(images, prompts, responses);
    const t = responses.shape[1];
    tf.util.assert(Number.isInteger(position) && position >= 0 && position < t, () => `attentionToImage: position must be in 0..${t - 1}, got ${position}`);
    tf.util.assert(Number.isInteger(layer) && layer >= 0 && layer < this.config.nLayers, () => `attentionToImage: layer must be in 0..${this.config.nLayers - 1}, got ${layer}`);
    return tf.tidy(() => {
      const att = this.net.decoderAttention(images, toInt32(prompts), toInt32(responses), layer); // [N, H, S, S]
      const [n, h] = att.shape;
      const row = tf.slice(att, [0, 0, this.net.prefixLen - 1 + position, 0], [n, h, 1, this.net.nPatches]); // [N, H, 1, P]
      return tf.reshape<tf.Rank.R3>(row, [n, h, this.net.nPatches]); // [N, H, P]
    });
  }

  /** A frozen deep copy (e.g. the KL reference): same weights, variables not trainable. */
  clone(): Policy {
    return new Policy(this.config, { copyOf: this.net.store }, false);
  }

  copyWeightsFrom(other: Policy): void {
    const diff = diffConfigs(other.config, this.config, 'the source policy');
    if (diff.length > 0) throw new Error(`copyWeightsFrom: configs differ: ${diff.join('; ')}.`);
    const weights = other.getWeights();
    try {
      this.setWeights(weights);
    } finally {
      tf.dispose(weights);
    }
  }

  /** name -> a copy of that variable's value (the caller disposes them). */
  getWeights(): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    for (const [name, v] of this.net.store.byName) out[name] = v.clone();
    return out;
  }

  /**
   * Replace every weight. All names, shapes and dtypes are checked first; on any mismatch this
   * throws an Error listing every problem and changes nothing. The tensors stay the caller's.
   */
  setWeights(weights: tf.NamedTensorMap): void {
    const problems = this.weightProblems(weights);
    if (problems.length > 0) throw new Error(`setWeights refused, weights unchanged: ${problems.join('; ')}.`);
    for (const [name, v] of this.net.store.byName) v.assign(weights[name]!);
  }

  /** Everything that stops `weights` from replacing this policy's weights; empty = fine. */
  private weightProblems(weights: tf.NamedTensorMap): string[] {
    const problems: string[] = [];
    const byName = this.net.store.byName;
    for (const [name, v] of byName) {
      const w = weights[name];
      if (!w) problems.push(`missing weight "${name}" ${shapeStr(v.shape)}`);
      else if (!tf.util.arraysEqual(w.shape, v.shape)) problems.push(`weight "${name}" has shape ${shapeStr(w.shape)} but the model expects ${shapeStr(v.shape)}`);
      else if (w.dtype !== 'float32') problems.push(`weight "${name}" has dtype ${w.dtype} but the model expects float32`);
      else if (w.isDisposed) problems.push(`weight "${name}" is a disposed tensor`);
    }
    for (const name of Object.keys(weights)) {
      if (!byName.has(name)) problems.push(`unexpected weight "${name}" (the model has no such parameter)`);
    }
    return problems;
  }

  /** Load weights saved by saveCheckpoint into this policy; refuses (keeping the current weights) on any mismatch. Returns the checkpoint's meta. */
  async loadCheckpoint(handler: tf.io.IOHandler): Promise<CheckpointMeta> {
    const ck = await loadCheckpoint(handler);
    try {
      const diff = diffConfigs(ck.config, this.config);
      if (diff.length > 0) throw new Error(`Checkpoint refused: its model config differs from this policy's: ${diff.join('; ')}.`);
      const problems = this.weightProblems(ck.weights);
      if (problems.length > 0) throw new Error(`Checkpoint refused, weights unchanged: ${problems.join('; ')}.`);
      this.setWeights(ck.weights);
      return ck.meta;
    } finally {
      tf.dispose(ck.weights);
    }
  }

  dispose(): void {
    this.net.dispose();
  }
}
