/**
 * A speed patch for tfjs's wasm backend. Its BatchMatMul and _FusedMatMul kernels are 5-40x
 * slower when asked for a transposed operand (transposeA / transposeB) than an explicit
 * Transpose followed by a plain matmul (measured on Node 20, 2 cores: [3584, 64]ᵀ x [3584, 256]
 * takes 118 ms transposed in the kernel, 22 ms transposed first). Every matmul's backward pass
 * asks for exactly those transposes, so on wasm the backward pass cost ~6x the forward.
 *
 * `patchTransposedMatMul()` re-registers both kernels with a wrapper that transposes the
 * operand explicitly and calls the original kernel untransposed: same numbers, and one
 * forward + backward of the default model on B·G = 64 rows drops from ~2.0 s to ~0.46 s.
 * Idempotent; a no-op where the backend has no such kernels.
 */
import * as tf from '@tensorflow/tfjs-core';

const MATMUL_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
/** Marks a kernel that already transposes explicitly (./wasmBatchMatMul.ts's wrapper carries it too). */
export const TRANSPOSE_PATCH_MARK = '__rftTransposePatched';
const MARK = TRANSPOSE_PATCH_MARK;

type MatMulAttrs = { transposeA?: boolean; transposeB?: boolean };
type BackendWithDispose = { disposeData(dataId: object): boolean };

/** Patch the matmul kernels of `backendName` (default 'wasm'). Returns true if anything was patched. */
export function patchTransposedMatMul(backendName = 'wasm'): boolean {
  const transpose = tf.getKernel('Transpose', backendName);
  if (!transpose) return false;
  let patched = false;
  for (const name of MATMUL_KERNELS) {
    const original = tf.getKernel(name, backendName);
    if (!original || (original.kernelFunc as unknown as Record<string, unknown>)[MARK]) continue;
    const kernelFunc: tf.KernelFunc = (args) => {
      const attrs = args.attrs as MatMulAttrs;
      if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
      const temporaries: tf.TensorInfo[] = [];
      const transposed = (x: tf.TensorInfo): tf.TensorInfo => {
        const rank = x.shape.length;
        const perm = Array.from({ length: rank }, (_, i) => i);
        [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2]; // swap the last two axes
        const out = transpose.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
        temporaries.push(out);
        return out;
      };
      const a = attrs.transposeA ? transposed(args.inputs.a!) : args.inputs.a!;
      const b = attrs.transposeB ? transposed(args.inputs.b!) : args.inputs.b!;
      const out = original.kernelFunc({ ...args, inputs: { ...args.inputs, a, b }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      for (const t of temporaries) (args.backend as BackendWithDispose).disposeData(t.dataId);
      return out;
    };
    (kernelFunc as unknown as Record<string, unknown>)[MARK] = true;
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ ...original, kernelFunc });
    patched = true;
  }
  return patched;
}
