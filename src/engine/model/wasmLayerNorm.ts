/**
 * LayerNorm's forward as one kernel on tfjs's wasm backend, where no gradient is taken
 * (sampling's decoding steps, the image encoder, the log-prob passes). The reference ops
 * (layers.ts's LayerNorm) launch nine kernels, each paying tfjs's per-kernel cost (~15 µs here)
 * on rows of 64 floats; a decoding step runs five LayerNorms, so sampling spent ~720 of its
 * ~3,900 kernels per default iteration on them.
 *
 * The kernel is the engine's own wasm (./kernels/layerNorm.wat: scalar sums in tfjs's order,
 * SIMD element-wise steps), over the backend's memory; where that module cannot run (no SIMD),
 * `layerNormRows` below does the same arithmetic in JavaScript, for small inputs only
 * (./webgpu/fused.ts's WASM_LAYER_NORM_MAX_SIZE: a JavaScript loop loses to tfjs's kernels above).
 *
 * Same bits as the reference ops, by construction: each float32 operation the nine kernels do
 * is done here in the same order, rounded to float32 after each (Math.fround of a double
 * result is the float32 result for +, −, ×, ÷ and sqrt), and tfjs-backend-wasm's Mean sums a
 * row left to right then divides by its length, its Rsqrt is 1 / sqrt(x) with both rounded.
 * wasmLayerNorm.test.ts checks every bit against the reference ops.
 *
 * Registered under layers' fused LayerNorm kernel name (./webgpu/fused.ts asks for it on both
 * backends); both forms read and write the wasm heap in place (no copy in or out).
 */
import * as tf from '@tensorflow/tfjs-core';
import { LAYER_NORM_WASM_PLAIN, LAYER_NORM_WASM_SHARED } from './kernels/layerNorm.bytes';
import { FUSED_LAYER_NORM, WASM_LAYER_NORM_MAX_SIZE, setWasmLayerNormMaxSize } from './webgpu/fused';
import { type WasmBackend, instantiateOver, perBackend } from './wasmModule';

const f = Math.fround;

/**
 * y = (x − mean)·rsqrt(var + eps)·g + b, row by row over the last axis (C = g.length), in
 * float32 steps. y may alias nothing in x; it holds x − mean between the two passes.
 */
export function layerNormRows(x: Float32Array, g: Float32Array, b: Float32Array, eps: number, y: Float32Array): void {
  const c = g.length;
  const epsF = f(eps);
  for (let o = 0; o < x.length; o += c) {
    let sum = 0;
    for (let j = 0; j < c; j++) sum = f(sum + x[o + j]!);
    const mean = f(sum / c);
    let squares = 0;
    for (let j = 0; j < c; j++) {
      const d = f(x[o + j]! - mean);
      y[o + j] = d;
      squares = f(squares + f(d * d));
    }
    const scale = f(1 / f(Math.sqrt(f(f(squares / c) + epsF)))); // rsqrt(var + eps)
    for (let j = 0; j < c; j++) y[o + j] = f(f(f(y[o + j]! * scale) * g[j]!) + b[j]!);
  }
}

/** The parts of tfjs-backend-wasm's BackendWasm the kernel uses. */
type HeapBackend = WasmBackend & { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };

/** The same arithmetic as layerNormRows, as the engine's own wasm kernel (./kernels/layerNorm.wat): byte addresses, float32 eps. */
type LayerNormKernel = (x: number, g: number, b: number, y: number, rows: number, cols: number, eps: number) => void;

/** ./kernels/layerNorm.wat's exports: the forward, and the gradient's two passes (byte addresses). */
interface LayerNormKernels {
  layerNorm: LayerNormKernel;
  layerNormVarEps(x: number, mean: number, ve: number, rows: number, cols: number, eps: number): void;
  layerNormGrad(x: number, g: number, dy: number, mean: number, ve: number, pw: number, dx1: number, dx2: number, dg: number, db: number, rows: number, cols: number, k: number): void;
}

const modules = perBackend((memory): LayerNormKernels => {
  const e = instantiateOver(memory, { plain: LAYER_NORM_WASM_PLAIN, shared: LAYER_NORM_WASM_SHARED });
  return { layerNorm: e.layerNorm as LayerNormKernel, layerNormVarEps: e.layerNormVarEps as LayerNormKernels['layerNormVarEps'], layerNormGrad: e.layerNormGrad as LayerNormKernels['layerNormGrad'] };
});
const kernels = { get: (be: WasmBackend): LayerNormKernel | null => modules.get(be)?.layerNorm ?? null };

/**
 * Register the kernel for 'wasm' (idempotent). Returns true if it was registered now. Where the
 * backend is up and our wasm kernel runs on it, LayerNorm takes it at any size; otherwise the
 * JavaScript fallback only up to WASM_LAYER_NORM_MAX_SIZE.
 */
export function registerWasmLayerNorm(backendName = 'wasm'): boolean {
  const backend = tf.findBackend(backendName) as unknown as HeapBackend | null;
  setWasmLayerNormMaxSize(backend && kernels.get(backend) ? Infinity : WASM_LAYER_NORM_MAX_SIZE);
  if (tf.getKernel(FUSED_LAYER_NORM, backendName)) return false;
  tf.registerKernel({
    kernelName: FUSED_LAYER_NORM,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, gain, bias } = inputs as { x: tf.TensorInfo; gain: tf.TensorInfo; bias: tf.TensorInfo };
      const heap = backend as unknown as HeapBackend;
      const out = heap.makeOutput([...x.shape], 'float32'); // first: making it may grow the heap and detach older views
      const { eps } = attrs as { eps: number };
      const kernel = kernels.get(heap);
      if (kernel) {
        const cols = gain.shape[0]!;
        kernel(heap.getMemoryOffset(x.dataId), heap.getMemoryOffset(gain.dataId), heap.getMemoryOffset(bias.dataId), heap.getMemoryOffset(out.dataId), tf.util.sizeFromShape(x.shape) / cols, cols, eps);
      } else {
        layerNormRows(heap.typedArrayFromHeap(x), heap.typedArrayFromHeap(gain), heap.typedArrayFromHeap(bias), eps, heap.typedArrayFromHeap(out));
      }
      return out;
    },
  });
  return true;
}

/**
 * LayerNorm under a gradient tape (the update's forward and backward) as one tfjs kernel each
 * way, where the reference ops ran 9 kernels forward and ~25 backward (broadcast products, sums,
 * casts, a Pow, reshapes), 11 LayerNorms an update: ~700 kernels, each with tfjs's per-kernel
 * cost, over rows of 64 floats.
 *
 * Same bits as the reference ops' values AND gradients. The forward is `layerNorm` above. The
 * gradient (./kernels/layerNorm.wat's `layerNormGrad`) does every float32 operation of
 * tfjs-core's gradients of the nine ops in their order; ve^1.5 (Rsqrt's gradient) is tfjs's
 * own Pow. One subtlety is the order in which x's gradients are added: x reaches the reference
 * twice (x − mean, and mean), and tfjs adds each to what x has gathered from its other uses (the
 * residual) as the tape meets it, Sub's first: (dres + dx₁) + dx₂, not dres + (dx₁ + dx₂). So
 * the kernel takes x twice, as inputs `xa` and `xb`, and returns their gradients apart: tfjs
 * then adds them in that same order. ./wasmLayerNorm.test.ts compares every bit, in a residual
 * block's graph.
 */
export const WASM_LAYER_NORM_TAPED = 'RftWasmLayerNormTaped';
const WASM_LAYER_NORM_GRAD = 'RftWasmLayerNormGrad';

type TapedAttrs = { eps: number };

/** Register the taped kernel, its gradient kernel (for 'wasm'), and the gradient (once). Returns true if registered now. */
export function registerWasmLayerNormTaped(backendName = 'wasm'): boolean {
  if (!tf.getGradient(WASM_LAYER_NORM_TAPED)) {
    tf.registerGradient({
      kernelName: WASM_LAYER_NORM_TAPED,
      inputsToSave: ['xa', 'gain'],
      gradFunc: (dy, saved, attrs) => {
        const [x, gain] = saved as [tf.Tensor, tf.Tensor];
        const [dx1, dx2, dg, db] = tf.engine().runKernel<tf.Tensor[]>(WASM_LAYER_NORM_GRAD, { x, gain, dy: dy as tf.Tensor }, attrs);
        return { xa: () => dx1!, xb: () => dx2!, gain: () => dg!, bias: () => db! };
      },
    });
  }
  if (tf.getKernel(WASM_LAYER_NORM_TAPED, backendName)) return false;
  tf.registerKernel({
    kernelName: WASM_LAYER_NORM_TAPED,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { xa: x, gain, bias } = inputs as { xa: tf.TensorInfo; gain: tf.TensorInfo; bias: tf.TensorInfo };
      const be = backend as unknown as HeapBackend;
      const out = be.makeOutput([...x.shape], 'float32');
      const cols = gain.shape[0]!;
      modules.get(be)!.layerNorm(be.getMemoryOffset(x.dataId), be.getMemoryOffset(gain.dataId), be.getMemoryOffset(bias.dataId), be.getMemoryOffset(out.dataId), tf.util.sizeFromShape(x.shape) / cols, cols, (attrs as unknown as TapedAttrs).eps);
      return out;
    },
  });
  tf.registerKernel({
    kernelName: WASM_LAYER_NORM_GRAD,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, gain, dy } = inputs as { x: tf.TensorInfo; gain: tf.TensorInfo; dy: tf.TensorInfo };
      const be = backend as unknown as HeapBackend & { disposeData(dataId: object): boolean };
      const k = modules.get(be)!;
      const { eps } = attrs as unknown as TapedAttrs;
      const cols = gain.shape[0]!;
      const rows = tf.util.sizeFromShape(x.shape) / cols;
      // Each row's mean and ve = var + eps, then ve^1.5 by tfjs's own Pow (the reference's Rsqrt gradient calls pow(x, 1.5)).
      const mean = be.makeOutput([rows], 'float32');
      const ve = be.makeOutput([rows], 'float32');
      const exponent = be.makeOutput([], 'float32');
      let pw: tf.TensorInfo | null = null;
      try {
        k.layerNormVarEps(be.getMemoryOffset(x.dataId), be.getMemoryOffset(mean.dataId), be.getMemoryOffset(ve.dataId), rows, cols, eps);
        be.typedArrayFromHeap(exponent)[0] = 1.5;
        pw = tf.getKernel('Pow', backendName).kernelFunc({ inputs: { a: ve, b: exponent }, backend, attrs: {} }) as tf.TensorInfo;
        const outs = [[...x.shape], [...x.shape], [cols], [cols]].map((shape) => be.makeOutput(shape, 'float32'));
        const [dx1, dx2, dg, db] = outs.map((t) => be.getMemoryOffset(t.dataId)) as [number, number, number, number];
        k.layerNormGrad(
          be.getMemoryOffset(x.dataId), be.getMemoryOffset(gain.dataId), be.getMemoryOffset(dy.dataId), be.getMemoryOffset(mean.dataId), be.getMemoryOffset(ve.dataId), be.getMemoryOffset(pw.dataId),
          dx1, dx2, dg, db, rows, cols, Math.fround(1 / cols),
        );
        return outs;
      } finally {
        for (const t of [mean, ve, exponent, pw]) if (t) be.disposeData(t.dataId);
      }
    },
  });
  return true;
}

/** Undo registerWasmLayerNormTaped's kernels (tests compare against the reference ops). Returns true if registered. */
export function unregisterWasmLayerNormTaped(backendName = 'wasm'): boolean {
  if (!tf.getKernel(WASM_LAYER_NORM_TAPED, backendName)) return false;
  tf.unregisterKernel(WASM_LAYER_NORM_TAPED, backendName);
  tf.unregisterKernel(WASM_LAYER_NORM_GRAD, backendName);
  return true;
}

/**
 * LayerNorm of x (any rank, over the last axis) through the taped kernel, or null where it does
 * not apply (another backend, not registered, not float32, the module does not run): the caller
 * runs the reference ops.
 */
export function wasmTapedLayerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor | null {
  if (x.dtype !== 'float32' || tf.getBackend() !== 'wasm' || !tf.getKernel(WASM_LAYER_NORM_TAPED, 'wasm')) return null;
  if (!modules.get(tf.backend() as unknown as WasmBackend)) return null;
  return tf.engine().runKernel<tf.Tensor>(WASM_LAYER_NORM_TAPED, { xa: x, xb: x, gain: g, bias: b }, { eps: Math.fround(eps) });
}

/** Whether the wasm LayerNorm kernel is registered (tests unregister it to compare). */
export function wasmLayerNormRegistered(backendName = 'wasm'): boolean {
  return !!tf.getKernel(FUSED_LAYER_NORM, backendName);
}

/** f run on the reference ops (the kernel lifted for the call, registered again after, however f ends): what the checks compare against. */
export async function withoutWasmLayerNorm<T>(f: () => Promise<T>, backendName = 'wasm'): Promise<T> {
  unregisterWasmLayerNorm(backendName);
  try {
    return await f();
  } finally {
    registerWasmLayerNorm(backendName);
  }
}

/** Undo registerWasmLayerNorm. Returns true if it was registered. */
export function unregisterWasmLayerNorm(backendName = 'wasm'): boolean {
  if (!tf.getKernel(FUSED_LAYER_NORM, backendName)) return false;
  tf.unregisterKernel(FUSED_LAYER_NORM, backendName);
  return true;
}
