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

const kernels = perBackend((memory) => instantiateOver(memory, { plain: LAYER_NORM_WASM_PLAIN, shared: LAYER_NORM_WASM_SHARED }).layerNorm as LayerNormKernel);

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
