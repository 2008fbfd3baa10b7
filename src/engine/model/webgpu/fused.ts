/**
 * Fused forwards for tfjs-backend-webgpu: custom WGSL compute programs that each replace several
 * kernels of the reference ops (each its own dispatch on a GPU).
 *
 * - LayerNorm: one program in place of the nine kernels (mean, subtract, square, mean, add ε,
 *   rsqrt, two multiplies, add) that layers.ts's LayerNorm launches. One workgroup of 64
 *   threads per row: each thread sums a strided share of the row's C values, a tree reduction in
 *   workgroup memory gives the mean, the same again gives the biased variance of x − mean (the
 *   two-pass form the reference ops compute), and each thread then writes
 *   (x − mean)·inverseSqrt(var + ε)·g + b for its share.
 * - A decoding step's attention (one query per row against its KV cache): one program in place
 *   of q·scale, q·kᵀ, + mask, softmax, p·v and the heads' transpose back (six). One workgroup
 *   of 64 threads per (row, head): each thread scores a strided share of the keys into
 *   workgroup memory, tree reductions give the max and the sum of exp(score − max) (tfjs's
 *   softmax program's two passes), and each thread then writes Σⱼ pⱼ·vⱼ for its share of the
 *   head's Dh outputs, straight into the [B, 1, H·Dh] layout the output projection reads.
 * - Bias + GELU: one program in place of the seven kernels of a Dense layer's bias add and
 *   layers.ts's `gelu` (add, square, mul, add, mul, sigmoid, mul): one thread per element
 *   computes x + b, then the same x·sigmoid(x·(2c·0.044715·x² + 2c)) in the reference's order,
 *   with its two constants as f32 uniforms (no scalar tensor, no upload).
 *
 * When they run: only on the webgpu backend and only where no gradient is taken (no tape is
 * recording: sampling's decoding steps and prefill, the reference and old-log-prob passes,
 * evaluation). They have no gradient; training's forward and backward stay on the reference ops.
 * LayerNorm's kernel name is also registered for wasm by ../wasmLayerNorm.ts (JavaScript over
 * the wasm heap, the reference ops' bits), and `fusedLayerNorm` runs it there on the same terms.
 * The callers (LayerNorm.apply, layers.ts's denseGelu) ask here first and fall back to their ops
 * on null / false.
 *
 * Nothing here imports tfjs-backend-webgpu (Node must never load it): each program is a plain
 * object with the fields tfjs-backend-webgpu's WebGPUProgram reads, registered as a tfjs kernel
 * for the 'webgpu' backend on first use, and run through the backend's own runWebGPUProgram,
 * which adds the shader's preamble (the `getX`/`getGain`/`getBias` accessors, `setOutputAtCoords`,
 * `setOutputAtIndex`, `uniforms`, `localId`) around getUserCode. Checked against the reference
 * ops to 1e-5 on SwiftShader by e2e/kernels.spec.ts (through src/worker/kernelCheck.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { taping } from '../../rl/tape';

/** The kernels' registered names (tfjs kernels are global by name: prefixed to stay clear of tfjs's own). */
export const FUSED_LAYER_NORM = 'RftFusedLayerNorm';
export const FUSED_BIAS_GELU = 'RftFusedBiasGelu';
export const FUSED_DECODE_ATTENTION = 'RftFusedDecodeAttention';

/** Keys a decoding step's fused attention holds in workgroup memory (4 KiB of f32); a longer cache runs the reference ops. */
export const DECODE_ATTENTION_MAX_KEYS = 1024;

/** Threads per workgroup, one workgroup per row (tfjs's softmax program uses the same layout). */
const WORKGROUP = 64;

/** The fields of tfjs-backend-webgpu's WebGPUProgram this program fills (its type is not imported). */
interface WebGpuProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms: string;
  /** tfjs adds `uniforms.size` (the output's element count) when set. */
  size?: boolean;
  getUserCode(): string;
}

/** The one method of tfjs-backend-webgpu's WebGPUBackend the kernel calls. */
interface WebGpuBackendLike {
  runWebGPUProgram(program: WebGpuProgramLike, inputs: tf.TensorInfo[], outputDtype: tf.DataType, programUniforms?: { type: string; data: number[] }[]): tf.TensorInfo;
}

/** LayerNorm over the last axis of x [rows, C] with gain and bias [C], ε as a uniform. */
export function layerNormProgram(rows: number, cols: number): WebGpuProgramLike {
  return {
    variableNames: ['x', 'gain', 'bias'],
    outputShape: [rows, cols],
    shaderKey: 'rftLayerNorm',
    dispatchLayout: { x: [0, 1] },
    dispatch: [rows, 1, 1], // one workgroup per row
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: 'eps : f32,',
    getUserCode: () => `
    var<workgroup> partial : array<f32, ${WORKGROUP}>;
    var<workgroup> rowMean : f32;
    var<workgroup> rowRstd : f32;
    const blockSize = ${WORKGROUP};

    // Tree sum of partial[0..blockSize) into partial[0]; every thread of the workgroup calls it.
    fn reducePartial(tid : i32) {
      for (var half = blockSize >> 1; half > 0; half = half >> 1) {
        if (tid < half) {
          partial[tid] = partial[tid] + partial[tid + half];
        }
        workgroupBarrier();
      }
    }

    fn main(index : i32) {
      let row = index / blockSize;
      let tid = i32(localId.x);
      let cols = uniforms.outShape[1];

      var s = 0.0;
      for (var col = tid; col < cols; col += blockSize) {
        s += getX(row, col);
      }
      partial[tid] = s;
      workgroupBarrier();
      reducePartial(tid);
      if (tid == 0) {
        rowMean = partial[0] / f32(cols);
      }
      workgroupBarrier();
      let mean = rowMean;

      var q = 0.0;
      for (var col = tid; col < cols; col += blockSize) {
        let d = getX(row, col) - mean;
        q += d * d;
      }
      partial[tid] = q;
      workgroupBarrier();
      reducePartial(tid);
      if (tid == 0) {
        rowRstd = inverseSqrt(partial[0] / f32(cols) + uniforms.eps);
      }
      workgroupBarrier();
      let rstd = rowRstd;

      for (var col = tid; col < cols; col += blockSize) {
        setOutputAtCoords(row, col, (getX(row, col) - mean) * rstd * getGain(col) + getBias(col));
      }
    }
    `,
  };
}

/**
 * GELU of x + bias, elementwise over x [rows, C] with bias [C] (or x alone when hasBias is
 * false), one thread per element. The arithmetic is layers.ts's `gelu` op for op, in its order:
 * t = x·((x·x)·cubic + linear), then x·sigmoid(t) with tfjs's own sigmoid, 1 / (1 + exp(−t)).
 * `cubic` = 2c·0.044715 and `linear` = 2c (c = sqrt(2/π)) arrive as f32 uniforms.
 */
export function biasGeluProgram(rows: number, cols: number, hasBias: boolean): WebGpuProgramLike {
  return {
    variableNames: hasBias ? ['x', 'bias'] : ['x'],
    outputShape: [rows, cols],
    shaderKey: hasBias ? 'rftBiasGelu' : 'rftGelu',
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil((rows * cols) / WORKGROUP), 1, 1], // one thread per element (tfjs reshapes a dispatch too wide for one axis)
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: 'cubic : f32, linear : f32,',
    size: true,
    getUserCode: () => `
    fn main(index : i32) {
      if (index < uniforms.size) {
        let cols = uniforms.outShape[1];
        let row = index / cols;
        let col = index - row * cols;
        let x = ${hasBias ? 'getX(row, col) + getBias(col)' : 'getX(row, col)'};
        let t = x * (x * x * uniforms.cubic + uniforms.linear);
        setOutputAtIndex(index, x * (1.0 / (1.0 + exp(-1.0 * t))));
      }
    }
    `,
  };
}

/**
 * Attention of one query per row: q [B, H, Dh] (already in heads, not yet scaled), k and v
 * [B, H, S, Dh], an additive mask [B, S] -> y [B, H, Dh] = softmax(q·scale·kᵀ + mask)·v, i.e.
 * [B, 1, H·Dh] with the heads side by side. One 64-thread workgroup per (b, h); the S scores sit
 * in workgroup memory (S ≤ DECODE_ATTENTION_MAX_KEYS).
 */
export function decodeAttentionProgram(batch: number, heads: number, headDim: number): WebGpuProgramLike {
  return {
    variableNames: ['q', 'k', 'v', 'mask'],
    outputShape: [batch, heads, headDim],
    shaderKey: 'rftDecodeAttention',
    dispatchLayout: { x: [0, 1, 2] },
    dispatch: [batch * heads, 1, 1], // one workgroup per (row, head)
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: 'scale : f32,',
    getUserCode: () => `
    var<workgroup> scores : array<f32, ${DECODE_ATTENTION_MAX_KEYS}>;
    var<workgroup> partial : array<f32, ${WORKGROUP}>;
    var<workgroup> rowMax : f32;
    var<workgroup> rowSum : f32;
    const blockSize = ${WORKGROUP};

    fn main(index : i32) {
      let row = index / blockSize; // b·H + h
      let tid = i32(localId.x);
      let heads = uniforms.outShape[1];
      let dh = uniforms.outShape[2];
      let keys = uniforms.kShape[2];
      let b = row / heads;
      let h = row - b * heads;

      // Scores (q·scale)·kⱼ + maskⱼ, a strided share of the keys per thread, and their max.
      var threadMax = -3.402823e+38f;
      for (var j = tid; j < keys; j += blockSize) {
        var s = 0.0;
        for (var d = 0; d < dh; d++) {
          s += (getQ(b, h, d) * uniforms.scale) * getK(b, h, j, d);
        }
        s = s + getMask(b, j);
        scores[j] = s;
        threadMax = max(threadMax, s);
      }
      partial[tid] = threadMax;
      workgroupBarrier();
      for (var half = blockSize >> 1; half > 0; half = half >> 1) {
        if (tid < half) {
          partial[tid] = max(partial[tid], partial[tid + half]);
        }
        workgroupBarrier();
      }
      if (tid == 0) {
        rowMax = partial[0];
      }
      workgroupBarrier();

      // exp(score − max) in place, and their sum.
      var threadSum = 0.0;
      for (var j = tid; j < keys; j += blockSize) {
        let e = exp(scores[j] - rowMax);
        scores[j] = e;
        threadSum += e;
      }
      partial[tid] = threadSum;
      workgroupBarrier();
      for (var half = blockSize >> 1; half > 0; half = half >> 1) {
        if (tid < half) {
          partial[tid] = partial[tid] + partial[tid + half];
        }
        workgroupBarrier();
      }
      if (tid == 0) {
        rowSum = partial[0];
      }
      workgroupBarrier();

      // y_d = Σⱼ pⱼ·v_jd, pⱼ = exp(scoreⱼ − max) / sum, a strided share of d per thread.
      for (var d = tid; d < dh; d += blockSize) {
        var acc = 0.0;
        for (var j = 0; j < keys; j++) {
          acc += (scores[j] / rowSum) * getV(b, h, j, d);
        }
        setOutputAtCoords(b, h, d, acc);
      }
    }
    `,
  };
}

let registered = false;

/** Register the kernels for 'webgpu' once (the registry is global; a second registration would warn). */
function register(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel(FUSED_LAYER_NORM, 'webgpu')) {
    tf.registerKernel({
      kernelName: FUSED_LAYER_NORM,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, gain, bias } = inputs as { x: tf.TensorInfo; gain: tf.TensorInfo; bias: tf.TensorInfo };
        const eps = (attrs as { eps: number }).eps;
        const [rows, cols] = x.shape as [number, number];
        return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(layerNormProgram(rows, cols), [x, gain, bias], 'float32', [{ type: 'float32', data: [eps] }]);
      },
    });
  }
  if (!tf.getKernel(FUSED_BIAS_GELU, 'webgpu')) {
    tf.registerKernel({
      kernelName: FUSED_BIAS_GELU,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, bias } = inputs as { x: tf.TensorInfo; bias?: tf.TensorInfo };
        const { cubic, linear } = attrs as { cubic: number; linear: number };
        const [rows, cols] = x.shape as [number, number];
        const uniforms = [{ type: 'float32', data: [cubic] }, { type: 'float32', data: [linear] }];
        return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(biasGeluProgram(rows, cols, !!bias), bias ? [x, bias] : [x], 'float32', uniforms);
      },
    });
  }
  if (!tf.getKernel(FUSED_DECODE_ATTENTION, 'webgpu')) {
    tf.registerKernel({
      kernelName: FUSED_DECODE_ATTENTION,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { q, k, v, mask } = inputs as { q: tf.TensorInfo; k: tf.TensorInfo; v: tf.TensorInfo; mask: tf.TensorInfo };
        const [batch, heads, headDim] = q.shape as [number, number, number];
        const program = decodeAttentionProgram(batch, heads, headDim);
        return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(program, [q, k, v, mask], 'float32', [{ type: 'float32', data: [(attrs as { scale: number }).scale] }]);
      },
    });
  }
}

let enabled = true;

/** Turn the fused kernels off (true again to restore): the check runs the reference ops on WebGPU beside them. */
export function setFusedKernels(on: boolean): void {
  enabled = on;
}

/** Whether a fused kernel may run on x now: the webgpu backend, float32, no tape recording, the kernels on. */
export function fusedKernelsApply(x: tf.Tensor): boolean {
  return enabled && x.dtype === 'float32' && tf.getBackend() === 'webgpu' && !taping();
}

/**
 * The largest input (elements) for which the wasm LayerNorm kernel's JavaScript fallback (no
 * SIMD wasm: ../wasmLayerNorm.ts) beats the nine reference ops: it loops in JavaScript, ~10 ns
 * per element here, and tfjs's SIMD kernels catch up once a call is big enough to hide their
 * per-kernel cost. Measured on Node 20 (2 cores, alternating, median of 6): rows of 64 floats,
 * 64 rows 78 µs against 140, 128 rows 124 against 202, 384 rows 337 against 172, 1,984 rows
 * 1,467 against 809. Where the kernel runs as the engine's own wasm (../kernels/layerNorm.wat)
 * there is no limit: 1,984 rows took 156 µs against the reference ops' 328 (one timing each).
 */
export const WASM_LAYER_NORM_MAX_SIZE = 128 * 64;

let wasmLayerNormMaxSize = WASM_LAYER_NORM_MAX_SIZE;

/** Set by ../wasmLayerNorm.ts: Infinity once its wasm kernel runs on the backend, WASM_LAYER_NORM_MAX_SIZE for the JavaScript fallback. */
export function setWasmLayerNormMaxSize(n: number): void {
  wasmLayerNormMaxSize = n;
}

/** The wasm LayerNorm kernel may run on x now: registered, within its size limit, float32, no tape, the kernels on. */
function wasmLayerNormApplies(x: tf.Tensor): boolean {
  return enabled && x.dtype === 'float32' && x.size <= wasmLayerNormMaxSize && tf.getBackend() === 'wasm' && !!tf.getKernel(FUSED_LAYER_NORM, 'wasm') && !taping();
}

/**
 * LayerNorm's forward in one WebGPU dispatch, or on wasm in one kernel (../wasmLayerNorm.ts,
 * where registered: same bits as the reference ops; its JavaScript fallback only up to
 * WASM_LAYER_NORM_MAX_SIZE), or null where it must not run (another backend, a
 * gradient being taken, the kernels turned off): the caller then runs the reference ops.
 * x [..., C] float32, g and b [C].
 */
export function fusedLayerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor | null {
  if (fusedKernelsApply(x)) register();
  else if (!wasmLayerNormApplies(x)) return null;
  const cols = x.shape[x.rank - 1]!;
  return tf.tidy(() => {
    const x2 = tf.reshape(x, [-1, cols]); // [rows, C]: a reshape moves no data on WebGPU
    const y = tf.engine().runKernel<tf.Tensor>(FUSED_LAYER_NORM, { x: x2, gain: g, bias: b }, { eps });
    return tf.reshape(y, x.shape);
  });
}

/**
 * GELU(x + bias) in one WebGPU dispatch (bias [C] over x's last axis, or null for GELU alone),
 * or null where it must not run: the caller then runs the reference ops. `cubic` and `linear`
 * are GELU's constants as layers.ts defines them.
 */
export function fusedBiasGelu(x: tf.Tensor, bias: tf.Tensor | null, cubic: number, linear: number): tf.Tensor | null {
  if (!fusedKernelsApply(x)) return null;
  register();
  const cols = x.shape[x.rank - 1]!;
  return tf.tidy(() => {
    const x2 = tf.reshape(x, [-1, cols]); // [rows, C]
    const y = tf.engine().runKernel<tf.Tensor>(FUSED_BIAS_GELU, bias ? { x: x2, bias } : { x: x2 }, { cubic, linear });
    return tf.reshape(y, x.shape);
  });
}

/**
 * A decoding step's attention in one WebGPU dispatch: q [B, H, 1, Dh] (unscaled), k and v
 * [B, H, S, Dh] (the cache with this step's key and value appended), mask [B, 1, 1, S] additive
 * -> [B, 1, H·Dh], the heads side by side (what SelfAttention.apply's transpose and reshape
 * give). Null where it must not run (the conditions of the other kernels; more than one query
 * or another mask shape; more keys than DECODE_ATTENTION_MAX_KEYS; more (row, head) workgroups
 * than one dispatch axis holds): the caller then runs the reference ops.
 */
export function fusedDecodeAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask: tf.Tensor, scale: number): tf.Tensor3D | null {
  if (!fusedKernelsApply(q)) return null;
  const [b, h, s, dh] = q.shape;
  const keys = k.shape[2];
  const maskOk = mask.dtype === 'float32' && mask.rank === 4 && mask.shape[0] === b && mask.shape[1] === 1 && mask.shape[2] === 1 && mask.shape[3] === keys;
  if (s !== 1 || !maskOk || keys > DECODE_ATTENTION_MAX_KEYS || b * h > 65535) return null;
  register();
  return tf.tidy(() => {
    const y = tf.engine().runKernel<tf.Tensor>(FUSED_DECODE_ATTENTION, { q: tf.reshape(q, [b, h, dh]), k, v, mask: tf.reshape(mask, [b, keys]) }, { scale });
    return tf.reshape<tf.Rank.R3>(y, [b, 1, h * dh]);
  });
}
