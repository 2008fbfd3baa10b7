/**
 * The building blocks of the tiny VLM, written with plain tfjs-core ops and tf.Variable
 * (no tfjs-layers): a parameter store with seeded initialisers, Dense, LayerNorm, GELU,
 * self-attention with a fused QKV projection and an optional KV cache, the MLP, and the
 * pre-LN transformer block. Read top to bottom: each piece only uses the ones above it.
 *
 * Every `apply` is synchronous and allocates only tensors, so callers can wrap it in
 * tf.tidy, tf.variableGrads or optimizer.minimize.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, mixSeed } from '../random';
import { sumOnDevice } from '../rl';
import { taping } from '../rl/tape';
import { fusedBiasGelu, fusedDecodeAttention, fusedKernelsApply, fusedLayerNorm } from './webgpu/fused';
import { wasmDense } from './wasmDense';
import { wasmGelu } from './wasmGelu';
import { wasmOneHotFloat } from './wasmOneHot';
import { wasmTapedSoftmax } from './wasmSoftmax';
import { wasmTapedLayerNorm } from './wasmLayerNorm';

/** Added to attention scores that must get zero weight: exp(-1e9 - max) is exactly 0 in float32. */
export const MASKED = -1e9;

// ---------------------------------------------------------------------------------------------
// Parameters

/** How a fresh variable is filled. */
export type Init = { kind: 'normal'; std: number } | { kind: 'zeros' } | { kind: 'ones' };

/** FNV-1a over the characters of a name: turns a parameter name into a seed component. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Where a new ParamStore takes its values from: a seed (fresh init) or another store (a copy). */
export type ParamSource = { seed: number } | { copyOf: ParamStore };

/**
 * Owns every variable of a model under a stable, human-readable name ("dec.h.0.attn.qkv.w").
 * The names are what checkpoints store; tfjs's own variable names are left auto-generated so
 * that several models (policy, frozen reference) can live in one engine without clashing.
 *
 * Initialisation is deterministic and independent of creation order: each variable draws from
 * its own Rng seeded by (model seed, hash of its name), in JS, so every backend gets the same
 * numbers.
 */
export class ParamStore {
  readonly byName = new Map<string, tf.Variable>();
  /** The model's scalar constants (`constant`), by dtype and value: not parameters, never checkpointed. */
  private readonly constants = new Map<string, tf.Scalar>();

  constructor(
    private readonly source: ParamSource,
    readonly trainable: boolean,
  ) {}

  create(name: string, shape: number[], init: Init): tf.Variable {
    if (this.byName.has(name)) throw new Error(`Parameter "${name}" is defined twice.`);
    const value = tf.tidy(() => {
      if ('copyOf' in this.source) {
        const src = this.source.copyOf.byName.get(name);
        if (!src) throw new Error(`Cannot copy parameter "${name}": the source model has no such parameter.`);
        return src.clone();
      }
      const size = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      if (init.kind === 'ones') data.fill(1);
      else if (init.kind === 'normal') {
        const rng = new Rng(mixSeed(this.source.seed, hashName(name)));
        for (let i = 0; i < size; i++) data[i] = rng.normal() * init.std;
      }
      return tf.tensor(data, shape, 'float32');
    });
    const v = tf.variable(value, this.trainable);
    value.dispose();
    this.byName.set(name, v);
    return v;
  }

  get variables(): tf.Variable[] {
    return [...this.byName.values()];
  }

  /**
   * A scalar the model's ops multiply or add by (GELU's constants, attention's scale), made once
   * and kept for the store's life, shared by every layer that asks for the same value. A number
   * operand (`tf.mul(x, 0.5)`) makes a new scalar tensor at every call instead: on a GPU backend
   * a buffer upload each, about ten per decoding step. Layers take theirs in their constructors,
   * so the model's tensors are all made when it is built; `dispose` frees them.
   */
  constant(value: number, dtype: 'float32' | 'int32' = 'float32'): tf.Scalar {
    const key = `${dtype}:${value}`;
    let c = this.constants.get(key);
    if (!c) {
      c = tf.keep(tf.scalar(value, dtype)); // kept: a layer built inside a tidy must not lose it
      this.constants.set(key, c);
    }
    return c;
  }

  dispose(): void {
    for (const v of this.byName.values()) v.dispose();
    this.byName.clear();
    for (const c of this.constants.values()) c.dispose();
    this.constants.clear();
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** GELU's constants in the form `gelu` computes it: 2c and 2c·0.044715, with c = sqrt(2/π). */
export const GELU_LINEAR = 2 * Math.sqrt(2 / Math.PI);
export const GELU_CUBIC = GELU_LINEAR * 0.044715;

/** GELU's two constants as scalars made once (ParamStore.constant), for `gelu`'s second argument. */
export type GeluConstants = { cubic: tf.Scalar; linear: tf.Scalar };

/** The store's GELU constants (one pair per store, whatever the number of layers asking). */
export function geluConstants(store: ParamStore): GeluConstants {
  return { cubic: store.constant(GELU_CUBIC), linear: store.constant(GELU_LINEAR) };
}

/**
 * GPT-2's tanh approximation of GELU, 0.5·x·(1 + tanh(u)) with u = c·(x + 0.044715·x³) and
 * c = sqrt(2/π) (tfjs-core has no gelu op; these ops exist on every backend). Computed as
 * x·sigmoid(2u), the same function (0.5·(1 + tanh(u)) = sigmoid(2u)), with 2u written as
 * x·(2c + 2c·0.044715·x²): six kernels forward (square, mul, add, mul, sigmoid, mul) instead of
 * nine, and fewer backward. No tf.pow: its gradient also differentiates the exponent (a log and
 * a select per element), and pow was ~11% of a wasm iteration's kernel time (bench --profile).
 * `k`: the constants as kept scalars (a model's layers pass theirs); without it each call makes
 * (uploads) its own two scalars. On wasm, where registered, the same ops run as the engine's own
 * kernels (./wasmGelu.ts: same bits, forward and gradient).
 */
export function gelu(x: tf.Tensor, k?: GeluConstants): tf.Tensor {
  const fused = wasmGelu(x, GELU_CUBIC, GELU_LINEAR);
  if (fused) return fused;
  const twoU = tf.mul(x, tf.add(tf.mul(tf.square(x), k?.cubic ?? GELU_CUBIC), k?.linear ?? GELU_LINEAR)); // 2u = x·(2c + 2c·0.044715·x²)
  return tf.mul(x, tf.sigmoid(twoU));
}

/**
 * One-hot rows as float32: [...] int32 -> [..., depth]. tf.oneHot's dtype argument is not to
 * be trusted: the wasm kernel writes int32 bits whatever dtype it is asked for, so ask for
 * int32 and cast.
 */
export function oneHotFloat(ids: tf.Tensor, depth: number): tf.Tensor {
  return wasmOneHotFloat(ids, depth) ?? tf.cast(tf.oneHot(ids, depth), 'float32'); // on wasm one kernel (./wasmOneHot.ts)
}

/**
 * The max over the last axis, kept ([..., C] -> [..., 1]), with a zero gradient: the shift of a
 * log-sum-exp, whose gradient through the shift is exactly zero (d/dm [m + log Σ exp(x − m)] =
 * 1 − Σ softmax = 0). tf.max's own gradient compares x with its max, broadcast (Equal
 * [N, T, V] vs [N, T, 1]: ~12 ms on wasm, whose broadcasting comparisons walk element by element),
 * only to add what rounds to zero. The zeros need only x's shape, so nothing is kept alive, and
 * are filled on the device (tf.zeros would upload [N, T, V] floats from the host).
 */
const shiftWithZeroGrad: (x: tf.Tensor) => tf.Tensor = tf.customGrad<tf.Tensor>((...args) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.max(x, -1, true), gradFunc: () => tf.fill(x.shape, 0) }; // Fill, not tf.zeros: no host upload
});
// Without a tape the customGrad wrapper only adds its cost (a scope and clones, ~10 µs a call on wasm, per sampling step).
const shiftLastAxis = (x: tf.Tensor): tf.Tensor => (taping() ? shiftWithZeroGrad(x) : tf.max(x, -1, true));

/**
 * log softmax over the last axis, as x - logSumExp(x), with tf.logSumExp's own ops in its
 * order (max, sub, exp, sum, log, add), so the same values bit for bit (the sum through
 * `sumOnDevice`, whose gradient builds its ones on the device: the [N, T, V] logits, every update); the max is a constant
 * for the gradient (shiftLastAxis). Not tf.logSoftmax: that op is a customGrad whose
 * saved-tensor clones trip the wasm backend's kernel leak check when IS_TEST is set (as the
 * CLIs do).
 */
export function logSoftmax(x: tf.Tensor): tf.Tensor {
  const xMax = shiftLastAxis(x); // [..., 1]
  const d = tf.log(sumOnDevice(tf.exp(tf.sub(x, xMax)), -1)); // [...]: log Σ exp(x − max); sumOnDevice: tf.sum's gradient would upload ones(x.shape) from the host
  const lse = tf.add(tf.reshape(xMax, d.shape), d); // [...]
  return tf.sub(x, tf.reshape(lse, xMax.shape)); // [..., C]
}

/**
 * Repeat every row G times along the batch axis: [B, ...] -> [B*G, ...], row b*G+g = row b.
 * Used to fan one prompt (its image, its prompt tokens or its KV cache) out to its G samples.
 */
export function repeatRows<T extends tf.Tensor>(x: T, times: number): T {
  if (times === 1) return x.clone();
  const [b, ...rest] = x.shape;
  const inner = rest.reduce((a, c) => a * c, 1);
  return tf.tidy(() => {
    // Concat of G views, not tf.tile: the same copy, but wasm's Tile walks element by element
    // (~30 ms for an [8, 1, 1536] cache fanned out x8) where Concat copies whole rows (<1 ms).
    const row = tf.reshape(x, [b, 1, inner]);
    const tiled = tf.concat(new Array<tf.Tensor>(times).fill(row), 1); // [B, G, rest]
    return tf.reshape(tiled, [b * times, ...rest]) as T; // [B*G, ...rest]
  });
}

// ---------------------------------------------------------------------------------------------
// Layers

/** y = x W + b over the last axis, for inputs of any rank. */
export class Dense {
  readonly w: tf.Variable;
  readonly b: tf.Variable | null;
  constructor(
    store: ParamStore,
    name: string,
    readonly nIn: number,
    readonly nOut: number,
    opts: { std?: number; bias?: boolean; zeroInit?: boolean } = {},
  ) {
    // Fan-in init (1/sqrt(nIn)), not GPT-2's fixed 0.02: 0.02 suits d = 768; at d = 64 it makes
    // attention scores ~40x too small to ever become selective, and the decoder then never
    // learns to look at particular image patches (measured: digit NLL stuck at chance).
    const std = opts.std ?? 1 / Math.sqrt(nIn);
    this.w = store.create(`${name}.w`, [nIn, nOut], opts.zeroInit ? { kind: 'zeros' } : { kind: 'normal', std });
    this.b = opts.bias === false ? null : store.create(`${name}.b`, [nOut], { kind: 'zeros' });
  }

  apply(x: tf.Tensor): tf.Tensor {
    // On wasm (patched): one kernel, the bias added inside the matmul (./wasmDense.ts: the same bits).
    const fused = this.b ? wasmDense(x, this.w as tf.Variable<tf.Rank.R2>, this.b as tf.Variable<tf.Rank.R1>) : null;
    if (fused) return fused;
    const lead = x.shape.slice(0, -1);
    const x2 = tf.reshape(x, [-1, this.nIn]); // [rows, nIn]: matMul wants rank 2 here
    // Plain matMul + add, not tf.fused.matMul: under a gradient tape the fused op trips the wasm
    // backend's kernel leak check (IS_TEST), and fusing buys little at these sizes.
    let y2: tf.Tensor = tf.matMul(x2, this.w); // [rows, nOut]
    if (this.b) y2 = tf.add(y2, this.b);
    return tf.reshape(y2, [...lead, this.nOut]); // [..., nOut]
  }
}

/**
 * gelu(dense.apply(x)). On WebGPU with no gradient tape (sampling, the log-prob passes) the bias
 * add and GELU run as one program (./webgpu/fused.ts): 7 dispatches become 1 after the matmul.
 */
export function denseGelu(dense: Dense, x: tf.Tensor, k?: GeluConstants): tf.Tensor {
  if (!fusedKernelsApply(x)) return gelu(dense.apply(x), k);
  const lead = x.shape.slice(0, -1);
  const y2 = tf.matMul(tf.reshape(x, [-1, dense.nIn]), dense.w); // [rows, nOut]
  const y = fusedBiasGelu(y2, dense.b, GELU_CUBIC, GELU_LINEAR)!; // not null: fusedKernelsApply(x) held and y2 is float32
  return tf.reshape(y, [...lead, dense.nOut]); // [..., nOut]
}

/**
 * Mean over the last axis, kept: [..., C] -> [..., 1]. The same forward as tf.mean; the
 * gradient is dy / C broadcast on the device, because tf.mean's own gradient builds
 * ones(x.shape) on the host and uploads it: 5.2 MiB per default-preset iteration from the
 * LayerNorms alone, a buffer upload each on a GPU backend (measured with the bench's counters).
 * The broadcast is a Mul of dy [..., 1] by a filled row [C] of 1/C (Fill, Mul): the same
 * products as broadcastTo then multiply, without broadcastTo's Tile, which on wasm walks element
 * by element (~40 ms for [64, 31, 1] -> [64, 31, 64], 17% of an iteration's kernel time).
 */
const meanWithDeviceGrad: (x: tf.Tensor) => tf.Tensor = tf.customGrad<tf.Tensor>((...args) => {
  const x = args[0] as tf.Tensor;
  const c = x.shape[x.rank - 1]!;
  return { value: tf.mean(x, -1, true), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.fill([c], 1 / c)) };
});
export const meanLastAxis = (x: tf.Tensor): tf.Tensor => (taping() ? meanWithDeviceGrad(x) : tf.mean(x, -1, true)); // no tape: no wrapper

/** LayerNorm over the last axis with a learned gain and bias. */
export class LayerNorm {
  readonly g: tf.Variable;
  readonly b: tf.Variable;
  /** eps as a scalar made once (ParamStore.constant): no scalar upload per call. */
  private readonly epsScalar: tf.Scalar;
  constructor(store: ParamStore, name: string, dim: number, readonly eps = 1e-5) {
    this.g = store.create(`${name}.g`, [dim], { kind: 'ones' });
    this.b = store.create(`${name}.b`, [dim], { kind: 'zeros' });
    this.epsScalar = store.constant(eps);
  }

  /**
   * (x − mean)·rsqrt(var + eps)·g + b, with x − mean computed once and reused for the variance:
   * nine kernels forward, where tf.moments (a cast, a reshape and its own x − mean) made twelve.
   */
  apply(x: tf.Tensor): tf.Tensor {
    // On WebGPU with no gradient tape (sampling, the log-prob passes): one fused dispatch (./webgpu/fused.ts).
    const fused = fusedLayerNorm(x, this.g, this.b, this.eps);
    if (fused) return fused;
    // Under a gradient tape on wasm: one kernel forward, one backward (./wasmLayerNorm.ts: the same bits).
    const taped = taping() ? wasmTapedLayerNorm(x, this.g, this.b, this.eps) : null;
    if (taped) return taped;
    const centred = tf.sub(x, meanLastAxis(x)); // x − mean, [..., dim]
    const variance = meanLastAxis(tf.square(centred)); // [..., 1]: the biased variance, as tf.moments
    const xhat = tf.mul(centred, tf.rsqrt(tf.add(variance, this.epsScalar)));
    return tf.add(tf.mul(xhat, this.g), this.b);
  }
}

/** Keys and values of one attention layer for every position seen so far. */
// (Type aliases, not interfaces: tf.tidy can then return them as TensorContainers.)
export type LayerKV = {
  k: tf.Tensor4D; // [B, H, S_kv, Dh]
  v: tf.Tensor4D; // [B, H, S_kv, Dh]
};

export type AttentionOutput = {
  y: tf.Tensor3D; // [B, S, C]
  kv: LayerKV; // past + these positions: what the next decoding step attends to
};

/**
 * Multi-head self-attention. One matmul makes Q, K and V for all heads at once (fused QKV),
 * and the heads ride along as a batch axis so one batched matmul scores them all.
 *
 * `mask` is additive (0 = attend, MASKED = ignore) and broadcasts to [B, H, S, S_kv]; null
 * means every position sees every other (the bidirectional image encoder). `past` is the KV
 * cache of earlier positions: the new keys/values are appended to it, so a decoding step
 * costs one token's worth of projections instead of the whole sequence's.
 */
export class SelfAttention {
  readonly qkv: Dense;
  readonly proj: Dense;
  readonly headDim: number;
  /** 1/sqrt(Dh), made once (ParamStore.constant): no scalar upload per call. */
  readonly scale: tf.Scalar;
  constructor(store: ParamStore, name: string, readonly dModel: number, readonly nHeads: number, residScale: number) {
    this.headDim = dModel / nHeads;
    this.scale = store.constant(1 / Math.sqrt(this.headDim));
    this.qkv = new Dense(store, `${name}.qkv`, dModel, 3 * dModel);
    this.proj = new Dense(store, `${name}.proj`, dModel, dModel, { std: residScale / Math.sqrt(dModel) });
  }

  /** Queries, keys and values of x [B, S, C], each [B, H, S, Dh]. */
  private heads(x: tf.Tensor3D): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
    const [b, s] = x.shape;
    const qkv = tf.reshape(this.qkv.apply(x), [b, s, 3 * this.nHeads, this.headDim]); // [B, S, 3H, Dh]
    const heads = tf.transpose(qkv, [0, 2, 1, 3]); // [B, 3H, S, Dh]
    return tf.split(heads, 3, 1) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]; // each [B, H, S, Dh]
  }

  /** The keys and values of x [B, S, C] alone (what later positions attend to), without attending. */
  keysValues(x: tf.Tensor3D): LayerKV {
    const [, k, v] = this.heads(x);
    return { k, v };
  }

  /**
   * `keep`, when given, asks for the outputs of x's last `keep` positions only: every position
   * still gives its key and value, but only those queries attend (a pass whose later layers or
   * heads read only those positions). Each kept output is the same function of the same numbers.
   */
  apply(x: tf.Tensor3D, mask: tf.Tensor | null, past?: LayerKV, keep?: number): AttentionOutput {
    const [b, s, c] = x.shape;
    const [qAll, kNew, vNew] = this.heads(x); // each [B, H, S, Dh]
    const k = past ? tf.concat([past.k, kNew], 2) : kNew; // [B, H, S_kv, Dh]
    const v = past ? tf.concat([past.v, vNew], 2) : vNew; // [B, H, S_kv, Dh]
    const rows = keep !== undefined && keep < s ? keep : s;
    const qRaw = rows < s ? tf.slice(qAll, [0, 0, s - rows, 0], [b, this.nHeads, rows, this.headDim]) : qAll; // [B, H, rows, Dh]
    const rowMask = mask && rows < s && mask.shape[2] === s ? tf.slice(mask, [0, 0, s - rows, 0], [-1, -1, rows, -1]) : mask; // [B|1, 1, rows, S_kv]
    // A decoding step on WebGPU with no gradient tape: scores, softmax and p·v in one program (./webgpu/fused.ts).
    const fused = past && rowMask ? fusedDecodeAttention(qRaw, k, v, rowMask, 1 / Math.sqrt(this.headDim)) : null;
    if (fused) return { y: this.proj.apply(fused) as tf.Tensor3D, kv: { k, v } };
    // Scale q rather than the scores: S*Dh multiplies instead of S*S_kv.
    const q = tf.mul(qRaw, this.scale); // × 1/sqrt(Dh)
    let att: tf.Tensor = tf.matMul(q, k, false, true); // [B, H, rows, S_kv]
    if (rowMask) att = tf.add(att, rowMask);
    // Over keys. Under a gradient tape on wasm, the gradient is one kernel (./wasmSoftmax.ts: the same bits).
    att = (taping() ? wasmTapedSoftmax(att) : null) ?? tf.softmax(att);
    const yHeads = tf.matMul(att, v); // [B, H, rows, Dh]
    const y = tf.reshape(tf.transpose(yHeads, [0, 2, 1, 3]), [b, rows, c]); // [B, rows, C]: heads side by side again
    return { y: this.proj.apply(y) as tf.Tensor3D, kv: { k, v } };
  }
}

/** Position-wise MLP: Linear -> GELU -> Linear, hidden width ffnMult * dModel. */
export class MLP {
  readonly fc: Dense;
  readonly proj: Dense;
  readonly gelu: GeluConstants;
  constructor(store: ParamStore, name: string, dModel: number, hidden: number, residScale: number) {
    this.fc = new Dense(store, `${name}.fc`, dModel, hidden);
    this.proj = new Dense(store, `${name}.proj`, hidden, dModel, { std: residScale / Math.sqrt(hidden) });
    this.gelu = geluConstants(store);
  }

  apply(x: tf.Tensor): tf.Tensor {
    return this.proj.apply(denseGelu(this.fc, x, this.gelu));
  }
}

/**
 * Pre-LN transformer block: x + attn(ln1(x)), then + mlp(ln2(x)). Pre-LN keeps the residual
 * stream un-normalised, which trains stably without warm-up at this size.
 */
export class Block {
  readonly ln1: LayerNorm;
  readonly attn: SelfAttention;
  readonly ln2: LayerNorm;
  readonly mlp: MLP;
  constructor(store: ParamStore, name: string, dModel: number, nHeads: number, ffnMult: number, nResidualLayers: number) {
    // GPT-2: residual projections are scaled down by sqrt(2 * layers) so the residual stream's
    // variance does not grow with depth.
    const residScale = 1 / Math.sqrt(2 * nResidualLayers);
    this.ln1 = new LayerNorm(store, `${name}.ln1`, dModel);
    this.attn = new SelfAttention(store, `${name}.attn`, dModel, nHeads, residScale);
    this.ln2 = new LayerNorm(store, `${name}.ln2`, dModel);
    this.mlp = new MLP(store, `${name}.mlp`, dModel, ffnMult * dModel, residScale);
  }

  /** `keep`: the outputs of the last `keep` positions only (SelfAttention.apply); y is then [B, keep, C]. */
  apply(x: tf.Tensor3D, mask: tf.Tensor | null, past?: LayerKV, keep?: number): { y: tf.Tensor3D; kv: LayerKV } {
    const a = this.attn.apply(this.ln1.apply(x) as tf.Tensor3D, mask, past, keep);
    const [b, s, c] = x.shape;
    const rows = a.y.shape[1];
    const residual = rows < s ? tf.slice(x, [0, s - rows, 0], [b, rows, c]) : x; // [B, rows, C]
    const h = tf.add(residual, a.y);
    const y = tf.add<tf.Tensor3D>(h, this.mlp.apply(this.ln2.apply(h))); // [B, rows, C]
    return { y, kv: a.kv };
  }
}
