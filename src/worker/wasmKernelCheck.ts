/**
 * The engine's own wasm kernels (engine/train/wasmBatchMatMul.ts: batched and dense matmuls;
 * engine/train/wasmColumnSum.ts, engine/train/wasmTranspose.ts, the Concat of
 * engine/train/wasmCopies.ts, engine/model/wasmLayerNorm.ts,
 * engine/model/wasmGelu.ts, engine/model/wasmExp.ts, engine/algorithms/wasmAdam.ts; LayerNorm
 * under a gradient tape; a dense layer's x·w + b, engine/train/wasmDense.ts; attention's softmax
 * gradient, engine/model/wasmSoftmax.ts; sampling's Gumbel noise, engine/model/wasmGumbel.ts, against the
 * JavaScript's on this browser's own Math.log)
 * beside tfjs's, on the
 * worker's own backend: `TrainerApi.checkWasmKernels`, for the e2e suite (`?debug`,
 * e2e/wasmKernels.spec.ts). In the browser the page is cross-origin isolated, so tfjs runs its
 * threaded build, whose memory is shared: the build of our kernel that Node's tests never load.
 * Each case runs with our kernel, then with tfjs's (the patch lifted for the call), and reports
 * the largest relative difference and whether every value is the same bits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { backendMemory } from '../engine/model/wasmModule';
import { patchWasmColumnSum, unpatchWasmColumnSum } from '../engine/train/wasmColumnSum';
import { patchWasmTranspose, unpatchWasmTranspose } from '../engine/train/wasmTranspose';
import { patchWasmBatchMatMul, unpatchWasmBatchMatMul, wasmBatchMatMulActive, wasmDenseMatMulActive } from '../engine/train/wasmBatchMatMul';
import { Dense, LayerNorm, ParamStore, gelu } from '../engine/model/layers';
import { WASM_DENSE } from '../engine/model/wasmDense';
import { registerWasmDense, unregisterWasmDense } from '../engine/train/wasmDense';
import { FUSED_LAYER_NORM, WASM_LAYER_NORM_MAX_SIZE } from '../engine/model/webgpu/fused';
import { WASM_LAYER_NORM_TAPED, registerWasmLayerNorm, registerWasmLayerNormTaped, unregisterWasmLayerNormTaped, withoutWasmLayerNorm } from '../engine/model/wasmLayerNorm';
import { WASM_GELU, WASM_GELU_GRAD, registerWasmGelu, withoutWasmGelu } from '../engine/model/wasmGelu';
import { patchWasmExp, unpatchWasmExp } from '../engine/model/wasmExp';
import { gumbelNoise } from '../engine/model/sampling';
import { registerWasmGumbel, wasmGumbelNoise } from '../engine/model/wasmGumbel';
import { WASM_SOFTMAX_GRAD, registerWasmSoftmax, unregisterWasmSoftmax, wasmTapedSoftmax } from '../engine/model/wasmSoftmax';
import { Adam, clipScale } from '../engine/algorithms/optim';
import { registerWasmAdam, unregisterWasmAdam } from '../engine/algorithms/wasmAdam';
import type { WasmKernelCheck } from './protocol';

/**
 * [a shape, b shape, transposeA, transposeB]. Batched: every transpose, n and k off multiples of
 * 4 and past 48, a broadcast, the default model's attention. Dense (one matrix each; our kernel
 * on one thread, XNNPACK on several): a layer's forward, weight and input gradients with k past
 * the kernel's chunks of 64, and a shape it leaves to XNNPACK (m not a multiple of 4).
 */
const CASES: [number[], number[], boolean, boolean][] = [
  [[3, 5, 7], [3, 7, 17], false, false],
  [[3, 7, 5], [3, 7, 31], true, false],
  [[3, 5, 47], [3, 3, 47], false, true],
  [[3, 100, 5], [3, 1, 100], true, true],
  [[4, 3, 6], [6, 5], false, false], // one b for every batch
  [[64, 4, 31, 16], [64, 4, 47, 16], false, true], // q·kᵀ
  [[64, 4, 31, 47], [64, 4, 47, 16], false, false], // a·v
  [[64, 4, 31, 47], [64, 4, 31, 16], true, false], // a gradient: attᵀ·dY
  [[256, 64], [64, 256], false, false], // a dense layer: x·w
  [[300, 64], [300, 256], true, false], // its weight gradient xᵀ·dy
  [[300, 256], [64, 256], false, true], // its input gradient dy·wᵀ
  [[256, 64], [64, 68], false, false], // the LM head over 68 words: blocks of 8, then one of 4
  [[300, 64], [300, 68], true, false], // its weight gradient
  [[1, 12, 130], [130, 24], false, false], // batch dimension 1, k of 130
  [[5, 7], [7, 9], false, false], // not our kernel's: XNNPACK's either way
];

function values(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): Float32Array {
  return tf.tidy(() => tf.matMul(a, b, ta, tb).dataSync() as Float32Array);
}

/** A decoding step's rows, the encoder's patches, the JavaScript fallback's largest input, a teacher-forced pass's rows for 16 prompts (LayerNorm over C = 64). */
const LAYER_NORM_SHAPES = [[64, 1, 64], [8, 16, 64], [WASM_LAYER_NORM_MAX_SIZE / 64, 64], [16, 31, 64]];

/** `run` with a kernel registered, then with it lifted (the reference ops), registered again however that ends. */
async function oursThenReference<T>(register: () => unknown, unregister: () => unknown, run: () => Promise<T>): Promise<[T, T]> {
  register();
  const ours = await run();
  unregister();
  try {
    return [ours, await run()];
  } finally {
    register();
  }
}

/** A LayerNorm with non-trivial gain and bias, over each shape: with our kernel, then with the reference ops. */
async function checkLayerNorm(): Promise<WasmKernelCheck['layerNorm']> {
  const store = new ParamStore({ seed: 1 }, false);
  const ln = new LayerNorm(store, 'check', 64);
  tf.tidy(() => {
    ln.g.assign(tf.randomNormal([64], 1, 0.3, 'float32', 3));
    ln.b.assign(tf.randomNormal([64], 0, 0.3, 'float32', 4));
  });
  const run = async (x: tf.Tensor) => {
    const info = await tf.profile(() => tf.tidy(() => ln.apply(x))); // tidy: the reference ops' intermediates
    const y = info.result as tf.Tensor;
    const values = y.dataSync() as Float32Array;
    y.dispose();
    return { values, ran: info.kernels.some((k) => k.name === FUSED_LAYER_NORM) };
  };
  try {
    const out: WasmKernelCheck['layerNorm'] = [];
    for (const [i, shape] of LAYER_NORM_SHAPES.entries()) {
      const x = tf.randomNormal(shape, 0.5, 2, 'float32', 30 + i);
      try {
        registerWasmLayerNorm();
        const ours = await run(x);
        const ref = await withoutWasmLayerNorm(() => run(x));
        out.push({ shape, ran: ours.ran && !ref.ran, ...compare(ours.values, ref.values) });
      } finally {
        x.dispose();
      }
    }
    return out;
  } finally {
    store.dispose();
  }
}

/**
 * LayerNorm under a gradient tape (the taped kernel and its gradient) in a residual block's use,
 * h = x + ln(x)·w1, loss = Σ h·w2: the loss and the gradients of x, the gain and the bias, flat,
 * with our kernels, then with the reference ops. 16 prompts' rows (not 64), and rows of 7.
 */
async function checkLayerNormTaped(): Promise<WasmKernelCheck['layerNormTaped']> {
  const out: WasmKernelCheck['layerNormTaped'] = [];
  for (const [i, shape] of [[16, 31, 64], [3, 5, 7]].entries()) {
    const c = shape[shape.length - 1]!;
    const store = new ParamStore({ seed: 5 + i }, true);
    const ln = new LayerNorm(store, 'taped', c);
    const [x, w1, w2] = [0, 1, 2].map((j) => tf.randomNormal(shape, 0.5, 2, 'float32', 140 + 10 * i + j));
    tf.tidy(() => {
      ln.g.assign(tf.randomNormal([c], 1, 0.3, 'float32', 150 + i));
      ln.b.assign(tf.randomNormal([c], 0, 0.3, 'float32', 160 + i));
    });
    const run = async () => {
      const info = await tf.profile(() =>
        tf.tidy(() => {
          const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.add(t, tf.mul(ln.apply(t), w1!)), w2!));
          const { value, grads } = tf.variableGrads(() => f(x!) as tf.Scalar, [ln.g, ln.b]);
          const dx = tf.grad(f)(x!);
          return tf.concat([tf.reshape(value, [1]), tf.reshape(dx, [-1]), grads[ln.g.name]!, grads[ln.b.name]!]);
        }),
      );
      const y = info.result as tf.Tensor;
      const values = y.dataSync() as Float32Array;
      y.dispose();
      return { values, ran: info.kernelNames.includes(WASM_LAYER_NORM_TAPED) };
    };
    try {
      const [ours, ref] = await oursThenReference(registerWasmLayerNormTaped, unregisterWasmLayerNormTaped, run);
      out.push({ shape, ran: ours.ran && !ref.ran, ...compare(ours.values, ref.values) });
    } finally {
      tf.dispose([x!, w1!, w2!]);
      store.dispose();
    }
  }
  return out;
}

/**
 * A dense layer's [x shape, nOut]: an MLP's fc on 16 prompts' rows (our dense matmul with the bias
 * inside, on 1 thread; the backend's MatMul and Add inside the op on several) and 15 rows (those
 * on any thread count).
 */
const DENSE_CASES: [number[], number][] = [[[16, 31, 64], 256], [[3, 5, 64], 192]];

/** A Dense (non-zero bias) forward and the gradients of Σ dense(x)·r for x, w and b, with the op's kernel, then with the reference ops. */
async function checkDense(): Promise<WasmKernelCheck['dense']> {
  const out: WasmKernelCheck['dense'] = [];
  for (const [i, [shape, nOut]] of DENSE_CASES.entries()) {
    const store = new ParamStore({ seed: 170 + i }, true);
    const dense = new Dense(store, 'dense', shape[shape.length - 1]!, nOut);
    tf.tidy(() => dense.b!.assign(tf.randomNormal([nOut], 0, 2, 'float32', 175 + i)));
    const x = tf.randomNormal(shape, 0, 1, 'float32', 180 + i);
    const r = tf.randomNormal([...shape.slice(0, -1), nOut], 0, 1, 'float32', 185 + i);
    const run = async () => {
      const info = await tf.profile(() =>
        tf.tidy(() => {
          const f = (t: tf.Tensor) => tf.sum<tf.Scalar>(tf.mul(dense.apply(t), r));
          const { grads } = tf.variableGrads(() => f(x), [dense.w, dense.b!]);
          return tf.concat([tf.reshape(dense.apply(x), [-1]), tf.reshape(tf.grad(f)(x), [-1]), tf.reshape(grads[dense.w.name]!, [-1]), grads[dense.b!.name]!]);
        }),
      );
      const y = info.result as tf.Tensor;
      const values = y.dataSync() as Float32Array;
      y.dispose();
      return { values, ran: info.kernelNames.includes(WASM_DENSE) };
    };
    try {
      const [ours, ref] = await oursThenReference(registerWasmDense, unregisterWasmDense, run);
      out.push({ shape, nOut, ran: ours.ran && !ref.ran, ...compare(ours.values, ref.values) });
    } finally {
      tf.dispose([x, r]);
      store.dispose();
    }
  }
  return out;
}

/** Attention's probabilities for 16 prompts (not 64), and rows of 7 keys (the kernel's scalar tail). */
const SOFTMAX_SHAPES = [[16, 4, 31, 47], [3, 5, 7]];

/** Softmax and the gradient of Σ softmax(x)·w under a tape, with our gradient kernel, then with tfjs's gradient. */
async function checkSoftmax(): Promise<WasmKernelCheck['softmax']> {
  const run = async (x: tf.Tensor, w: tf.Tensor) => {
    const info = await tf.profile(() =>
      tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => tf.sum<tf.Scalar>(tf.mul(wasmTapedSoftmax(t) ?? tf.softmax(t), w)))(x);
        return tf.concat([tf.reshape(value, [1]), tf.reshape(grad, [-1])]);
      }),
    );
    const y = info.result as tf.Tensor;
    const values = y.dataSync() as Float32Array;
    y.dispose();
    return { values, ran: info.kernelNames.includes(WASM_SOFTMAX_GRAD) };
  };
  const out: WasmKernelCheck['softmax'] = [];
  for (const [i, shape] of SOFTMAX_SHAPES.entries()) {
    const x = tf.randomNormal(shape, 0, 3, 'float32', 190 + i);
    const w = tf.randomNormal(shape, 0, 1, 'float32', 195 + i);
    try {
      const [ours, ref] = await oursThenReference(registerWasmSoftmax, unregisterWasmSoftmax, () => run(x, w));
      out.push({ shape, ran: ours.ran && !ref.ran, ...compare(ours.values, ref.values) });
    } finally {
      tf.dispose([x, w]);
    }
  }
  return out;
}

/** GELU's inputs: an MLP's rows for 4 prompts (C = 256), and a size off a multiple of 4 (the kernels' scalar tail). */
const GELU_SHAPES = [[16, 31, 256], [3, 5, 7]];

/** GELU forward and the gradient of Σ gelu(x)·w, with our kernels then the reference ops. */
async function checkGelu(): Promise<WasmKernelCheck['gelu']> {
  const run = async (x: tf.Tensor, w: tf.Tensor) => {
    const info = await tf.profile(() => tf.tidy(() => tf.concat([tf.reshape(gelu(x), [-1]), tf.reshape(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gelu(t), w)))(x), [-1])])));
    const y = info.result as tf.Tensor;
    const values = y.dataSync() as Float32Array;
    y.dispose();
    return { values, ran: info.kernelNames.includes(WASM_GELU) && info.kernelNames.includes(WASM_GELU_GRAD) };
  };
  registerWasmGelu();
  const out: WasmKernelCheck['gelu'] = [];
  for (const [i, shape] of GELU_SHAPES.entries()) {
    const x = tf.randomNormal(shape, 0, 3, 'float32', 60 + i);
    const w = tf.randomNormal(shape, 0, 1, 'float32', 70 + i);
    try {
      const ours = await run(x, w);
      const ref = await withoutWasmGelu(() => run(x, w));
      out.push({ shape, ran: ours.ran && !ref.ran, ...compare(ours.values, ref.values) });
    } finally {
      tf.dispose([x, w]);
    }
  }
  return out;
}

/** Sums over every axis but the last (a bias gradient's): the default MLP's rows, columns off a multiple of 4, rank 3. */
const COLUMN_SUM_SHAPES = [[300, 256], [33, 7], [4, 31, 65]];

/** Each Sum with our column-sum kernel, then with tfjs's (the patch lifted for the call). */
function checkColumnSum(): WasmKernelCheck['columnSum'] {
  patchWasmColumnSum();
  return COLUMN_SUM_SHAPES.map((shape, i) => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 80 + i);
    const axes = shape.slice(0, -1).map((_, j) => j);
    const run = () => tf.tidy(() => tf.sum(x, axes).dataSync() as Float32Array);
    try {
      const ours = run();
      unpatchWasmColumnSum();
      try {
        return { shape, ...compare(ours, run()) };
      } finally {
        patchWasmColumnSum();
      }
    } finally {
      x.dispose();
    }
  });
}

/**
 * Exp's inputs: a log-softmax's shifted logits over the vocabulary (16 rows, not 64), and a size
 * off a multiple of 4 spanning musl's special cases (overflow, underflow to 0 and through the
 * subnormals, ±inf, NaN, ±0).
 */
const EXP_INPUTS: (() => tf.Tensor)[] = [
  () => tf.tidy(() => {
    const logits = tf.randomNormal([16, 24, 68], 0, 4, 'float32', 110);
    return tf.sub(logits, tf.max(logits, -1, true));
  }),
  () => tf.tensor1d([88.8, 88.7, -104, -103.9, -90, -87.4, Infinity, -Infinity, NaN, 0, -0, 1e-30, -1e-30, 3.5, -3.5, 60, -60]),
];

/** Each Exp with our kernel, then with tfjs's (the patch lifted for the call). */
function checkExp(): WasmKernelCheck['exp'] {
  patchWasmExp();
  return EXP_INPUTS.map((make) => {
    const x = make();
    const run = () => tf.tidy(() => tf.exp(x).dataSync() as Float32Array);
    try {
      const ours = run();
      unpatchWasmExp();
      try {
        return { shape: x.shape, ...compare(ours, run()) };
      } finally {
        patchWasmExp();
      }
    } finally {
      x.dispose();
    }
  });
}

/** Sampling's noise for a decoding step ([64, 68]) of several seeds and a size off a multiple of 4: our kernel against the JavaScript's (this browser's Math.log). */
function checkGumbel(): WasmKernelCheck['gumbel'] {
  registerWasmGumbel();
  const cases: [number, number[]][] = [[1, [64, 68]], [12345, [64, 68]], [0x7fffffff, [64, 68]], [7, [3, 5, 7]]];
  const ours: number[] = [];
  const ref: number[] = [];
  for (const [seed, shape] of cases) {
    ours.push(...tf.tidy(() => wasmGumbelNoise(seed, shape)!.dataSync()));
    ref.push(...gumbelNoise(seed, tf.util.sizeFromShape(shape)));
  }
  return compare(new Float32Array(ours), new Float32Array(ref));
}

/** Two Adam steps (one clipped) on variables of sizes off a multiple of 4: the weights after each, flat. */
function adamSteps(): Float32Array {
  const vars = [[3, 5], [7], [64, 33]].map((shape, i) => tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 120 + i)))); // tidy: the initial values
  const opt = new Adam(vars);
  const out: number[] = [];
  try {
    for (let t = 0; t < 2; t++) {
      const grads = vars.map((v, i) => tf.randomNormal(v.shape, 0, 3, 'float32', 130 + 10 * t + i));
      const { norm, scale } = clipScale(grads, t === 0 ? 1 : 1e6);
      opt.step(grads, 1e-3, scale ?? undefined);
      for (const v of vars) out.push(...v.dataSync());
      tf.dispose([...grads, norm, ...(scale ? [scale] : [])]);
    }
  } finally {
    opt.dispose();
    tf.dispose(vars);
  }
  return new Float32Array(out);
}

/** Adam with our kernel, then with the reference chain (the kernel lifted for the call). */
function checkAdam(): WasmKernelCheck['adam'] {
  registerWasmAdam();
  const ours = adamSteps();
  unregisterWasmAdam();
  try {
    return compare(ours, adamSteps());
  } finally {
    registerWasmAdam();
  }
}

/** Transposes that keep the last axis: attention's heads both ways (16 rows, not 64), a run of 5 floats. */
const TRANSPOSE_CASES: [number[], number[]][] = [
  [[16, 31, 12, 16], [0, 2, 1, 3]],
  [[16, 4, 31, 16], [0, 2, 1, 3]],
  [[3, 4, 5], [1, 0, 2]],
];

/** Each Transpose with our kernel, then with tfjs's (the patch lifted for the call). */
function checkTranspose(): WasmKernelCheck['transpose'] {
  patchWasmTranspose();
  return TRANSPOSE_CASES.map(([shape, perm], i) => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 90 + i);
    const run = () => tf.tidy(() => tf.transpose(x, perm).dataSync() as Float32Array);
    try {
      const ours = run();
      unpatchWasmTranspose();
      try {
        return { shape, perm, ...compare(ours, run()) };
      } finally {
        patchWasmTranspose();
      }
    } finally {
      x.dispose();
    }
  });
}

/** Concats: the KV cache's append at a decoding step (16 rows, not 64), three inputs, a run of 3 floats. */
const CONCAT_CASES: [number[][], number][] = [
  [[[16, 4, 25, 16], [16, 4, 1, 16]], 2],
  [[[2, 3, 4], [2, 1, 4], [2, 5, 4]], 1],
  [[[6, 3], [6, 5]], 1],
];

/** Each Concat (the patched kernel: ../engine/train/wasmCopies.ts) against the same join done in JavaScript from the inputs' values. */
function checkConcat(): WasmKernelCheck['concat'] {
  return CONCAT_CASES.map(([shapes, axis], i) => {
    const xs = shapes.map((shape, j) => tf.randomNormal(shape, 0, 1, 'float32', 100 + 10 * i + j));
    try {
      const ours = tf.tidy(() => tf.concat(xs, axis).dataSync() as Float32Array);
      // [outer, inner_j] per input -> [outer, Σ inner_j], row by row.
      const outer = shapes[0]!.slice(0, axis).reduce((p, d) => p * d, 1);
      const values = xs.map((x) => x.dataSync() as Float32Array);
      const inner = shapes.map((shape) => shape.slice(axis).reduce((p, d) => p * d, 1));
      const ref = new Float32Array(ours.length);
      let k = 0;
      for (let o = 0; o < outer; o++) values.forEach((v, j) => v.subarray(o * inner[j]!, (o + 1) * inner[j]!).forEach((x) => (ref[k++] = x)));
      return { shapes, axis, ...compare(ours, ref) };
    } finally {
      tf.dispose(xs);
    }
  });
}

/** The largest difference relative to 1 + |reference|, and whether every value is the same bits (NaN and NaN agree). */
function compare(ours: Float32Array, ref: Float32Array): { maxRelDiff: number; sameBits: boolean } {
  let maxRelDiff = 0;
  let sameBits = ours.length === ref.length;
  for (let j = 0; j < ours.length; j++) {
    if (Object.is(ours[j], ref[j])) continue;
    maxRelDiff = Math.max(maxRelDiff, Math.abs(ours[j]! - ref[j]!) / (1 + Math.abs(ref[j]!)));
    sameBits = false;
  }
  return { maxRelDiff, sameBits };
}

export async function checkWasmKernels(): Promise<WasmKernelCheck> {
  const backend = tf.getBackend();
  if (backend !== 'wasm') throw new Error(`checkWasmKernels: the backend is ${backend}, not wasm (open the page with ?backend=wasm).`);
  const tensorsBefore = tf.memory().numTensors;
  patchWasmBatchMatMul();
  const memory = backendMemory((tf.backend() as unknown as { wasm: never }).wasm);
  const cases = CASES.map(([sa, sb, ta, tb], i) => {
    const a = tf.randomNormal(sa, 0, 1, 'float32', 10 + i);
    const b = tf.randomNormal(sb, 0, 1, 'float32', 20 + i);
    try {
      const ours = values(a, b, ta, tb);
      unpatchWasmBatchMatMul();
      let ref: Float32Array;
      try {
        ref = values(a, b, ta, tb);
      } finally {
        patchWasmBatchMatMul();
      }
      return { a: sa, b: sb, transposeA: ta, transposeB: tb, ...compare(ours, ref) };
    } finally {
      tf.dispose([a, b]);
    }
  });
  return {
    backend,
    threads: getThreadsCount(),
    sharedMemory: !!memory && typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer,
    kernelActive: wasmBatchMatMulActive(),
    denseActive: wasmDenseMatMulActive(),
    cases,
    layerNorm: await checkLayerNorm(),
    layerNormTaped: await checkLayerNormTaped(),
    gelu: await checkGelu(),
    dense: await checkDense(),
    softmax: await checkSoftmax(),
    columnSum: checkColumnSum(),
    transpose: checkTranspose(),
    concat: checkConcat(),
    exp: checkExp(),
    adam: checkAdam(),
    gumbel: checkGumbel(),
    tensorsLeft: tf.memory().numTensors - tensorsBefore,
  };
}
