/**
 * The fused WebGPU kernels (engine/model/webgpu/fused.ts: LayerNorm, bias + GELU, a decoding step's attention) beside the reference ops, on the
 * worker's own backend: `TrainerApi.checkFusedKernels`, for the e2e suite (`?debug`,
 * e2e/kernels.spec.ts). Each case runs once with the fused kernels and once with them off (the
 * same LayerNorm, the same Policy, the same seed) and reports max |difference|, so a wrong
 * shader shows as a number, and the GPU programs each launched, so a kernel that silently fell
 * back to the reference ops shows too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { countDuring } from '../bench/counters';
import { DEFAULT_MODEL_CONFIG, Policy } from '../engine/model';
import { Dense, LayerNorm, MASKED, ParamStore, SelfAttention, denseGelu, geluConstants } from '../engine/model/layers';
import { randomInputs } from '../engine/model/testing';
import { setFusedKernels } from '../engine/model/webgpu/fused';
import type { FusedKernelCheck } from './protocol';

/** LayerNorm inputs: a decoding step of the default rollout (64 rows, 1 position, C = 64), a prefill, C above and below the workgroup's 64 threads. */
const LAYER_NORM_SHAPES = [
  [64, 1, 64],
  [8, 24, 64],
  [3, 5, 200],
  [2, 1, 16],
];

/**
 * Bias + GELU after a Dense layer: x's shape, the layer's output width, with or without a bias.
 * The MLP's fc at a decoding step (64 rows, 64 -> 256) and at a prefill, then odd sizes (rows x
 * width not a multiple of the 64-thread workgroup) and a layer without a bias (GELU alone).
 */
const GELU_CASES: { shape: number[]; out: number; bias: boolean }[] = [
  { shape: [64, 1, 64], out: 256, bias: true },
  { shape: [8, 24, 64], out: 256, bias: true },
  { shape: [3, 5, 20], out: 37, bias: true },
  { shape: [2, 1, 16], out: 13, bias: false },
];

/**
 * A decoding step's attention (one query per row against the cache): rows, heads, head width and
 * keys (the cache plus this step). The default rollout's first and last steps (64 rows, 4 heads of
 * 16, S0 + 1 = 25 and S0 + 31 = 55 keys), more keys than the workgroup's 64 threads with an odd
 * head width, and a head wider than 64 over two keys.
 */
const ATTENTION_CASES: { batch: number; heads: number; headDim: number; keys: number }[] = [
  { batch: 64, heads: 4, headDim: 16, keys: 25 },
  { batch: 64, heads: 4, headDim: 16, keys: 55 },
  { batch: 3, heads: 3, headDim: 5, keys: 70 },
  { batch: 2, heads: 1, headDim: 80, keys: 2 },
];

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  try {
    return (await d.data())[0]!;
  } finally {
    d.dispose();
  }
}

/** fn's result with the fused kernels on, then off, and the GPU programs each launched. */
async function bothWays<T extends tf.TensorContainer>(fn: () => Promise<T>): Promise<{ fused: T; reference: T; programs: { fused: number; reference: number } }> {
  try {
    setFusedKernels(true);
    const fused = await countDuring(fn);
    setFusedKernels(false);
    const reference = await countDuring(fn);
    return { fused: fused.result, reference: reference.result, programs: { fused: fused.counts.programs, reference: reference.counts.programs } };
  } finally {
    setFusedKernels(true);
  }
}

async function layerNormCase(shape: number[]): Promise<FusedKernelCheck['layerNorm'][number]> {
  const c = shape[shape.length - 1]!;
  const store = new ParamStore({ seed: 11 }, false);
  const ln = new LayerNorm(store, 'ln', c);
  const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 5), 3), 1)); // rows of mean ~1, std ~3
  try {
    tf.tidy(() => {
      ln.g.assign(tf.linspace(0.5, 2, c));
      ln.b.assign(tf.linspace(-1, 1, c));
    });
    const r = await bothWays(() => Promise.resolve(tf.tidy(() => ln.apply(x))));
    try {
      return { shape, maxAbsDiff: await maxAbsDiff(r.fused, r.reference), programs: r.programs };
    } finally {
      tf.dispose([r.fused, r.reference]);
    }
  } finally {
    x.dispose();
    store.dispose();
  }
}

async function geluCase({ shape, out, bias }: (typeof GELU_CASES)[number]): Promise<FusedKernelCheck['gelu'][number]> {
  const c = shape[shape.length - 1]!;
  const store = new ParamStore({ seed: 12 }, false);
  const dense = new Dense(store, 'fc', c, out, { bias, std: 1 / Math.sqrt(c) });
  const k = geluConstants(store);
  const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 6), 3), 1)); // pre-activations of std ~3: both tails of GELU
  try {
    if (dense.b) {
      const b = dense.b;
      tf.tidy(() => b.assign(tf.linspace(-2, 2, out)));
    }
    const r = await bothWays(() => Promise.resolve(tf.tidy(() => denseGelu(dense, x, k))));
    try {
      return { shape, out, bias, maxAbsDiff: await maxAbsDiff(r.fused, r.reference), programs: r.programs };
    } finally {
      tf.dispose([r.fused, r.reference]);
    }
  } finally {
    x.dispose();
    store.dispose();
  }
}

async function attentionCase({ batch, heads, headDim, keys }: (typeof ATTENTION_CASES)[number]): Promise<FusedKernelCheck['attention'][number]> {
  const c = heads * headDim;
  const store = new ParamStore({ seed: 13 }, false);
  const attn = new SelfAttention(store, 'attn', c, heads, 1);
  const [x, past, mask] = tf.tidy(() => {
    const cache: [number, number, number, number] = [batch, heads, keys - 1, headDim];
    // Every third row masks its second key (a <pad> prompt position): MASKED there, 0 elsewhere.
    const rows = tf.reshape(tf.equal(tf.mod(tf.range(0, batch, 1, 'int32'), 3), 0), [batch, 1]);
    const second = tf.reshape(tf.equal(tf.range(0, keys, 1, 'int32'), 1), [1, keys]);
    const masked = tf.mul(tf.cast(tf.logicalAnd(rows, second), 'float32'), MASKED);
    return [
      tf.mul<tf.Tensor3D>(tf.randomNormal([batch, 1, c], 0, 1, 'float32', 7), 2),
      { k: tf.randomNormal<tf.Rank.R4>(cache, 0, 2, 'float32', 8), v: tf.randomNormal<tf.Rank.R4>(cache, 0, 1, 'float32', 9) },
      tf.reshape(masked, [batch, 1, 1, keys]),
    ] as const;
  });
  try {
    const r = await bothWays(() => Promise.resolve(tf.tidy(() => attn.apply(x, mask, past).y)));
    try {
      return { batch, heads, headDim, keys, maxAbsDiff: await maxAbsDiff(r.fused, r.reference), programs: r.programs };
    } finally {
      tf.dispose([r.fused, r.reference]);
    }
  } finally {
    tf.dispose([x, past.k, past.v, mask]);
    store.dispose();
  }
}

/** Sampling on the default model (random weights): the rollout's decoding steps, fused against reference. */
async function decodeCase(): Promise<FusedKernelCheck['decode']> {
  const policy = Policy.create(DEFAULT_MODEL_CONFIG, 3);
  const { images, prompts } = randomInputs(DEFAULT_MODEL_CONFIG, 2, 4);
  const sample = (steps: number, returnLogits: boolean) => policy.sample(images, prompts, { groupSize: 4, temperature: 1, topK: 0, maxNewTokens: steps, seed: 9, returnLogits });
  try {
    const long = await bothWays(async () => {
      const out = await sample(4, true);
      return { logits: out.logits!, tokens: out.tokens, rest: [out.logp, out.mask] };
    });
    // One decoding step's programs: a 3-step call less a 2-step one (the prefill and the final stack cancel).
    const three = await bothWays(async () => tf.dispose(Object.values(await sample(3, false)).filter((t) => t instanceof tf.Tensor)));
    const two = await bothWays(async () => tf.dispose(Object.values(await sample(2, false)).filter((t) => t instanceof tf.Tensor)));
    // Host-to-device writes of one step the same way (the fused kernels on: the rollout's own path).
    const stepUploads = async (steps: number) => (await countDuring(async () => tf.dispose(Object.values(await sample(steps, false)).filter((t) => t instanceof tf.Tensor)))).counts.uploads;
    const uploadsPerDecodingStep = (await stepUploads(3)) - (await stepUploads(2));
    try {
      const [fusedTokens, referenceTokens] = await Promise.all([long.fused.tokens.data(), long.reference.tokens.data()]);
      return {
        logitsMaxAbsDiff: await maxAbsDiff(long.fused.logits, long.reference.logits),
        tokensEqual: fusedTokens.every((t, i) => t === referenceTokens[i]),
        programsPerDecodingStep: { fused: three.programs.fused - two.programs.fused, reference: three.programs.reference - two.programs.reference },
        uploadsPerDecodingStep,
      };
    } finally {
      tf.dispose([long.fused, long.reference]);
    }
  } finally {
    tf.dispose([images, prompts]);
    policy.dispose();
  }
}

/** Every fused kernel against its reference ops on the active backend (meaningful on webgpu; elsewhere both ways are the reference). */
export async function checkFusedKernels(): Promise<FusedKernelCheck> {
  const before = tf.memory().numTensors;
  const layerNorm: FusedKernelCheck['layerNorm'] = [];
  for (const shape of LAYER_NORM_SHAPES) layerNorm.push(await layerNormCase(shape));
  const gelu: FusedKernelCheck['gelu'] = [];
  for (const c of GELU_CASES) gelu.push(await geluCase(c));
  const attention: FusedKernelCheck['attention'] = [];
  for (const c of ATTENTION_CASES) attention.push(await attentionCase(c));
  const decode = await decodeCase();
  return { backend: tf.getBackend(), layerNorm, gelu, attention, decode, tensorsLeft: tf.memory().numTensors - before };
}
