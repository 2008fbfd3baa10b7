/**
 * A speed patch for tfjs's wasm backend: Exp over float32 runs in the engine's own SIMD kernel
 * (./kernels/exp.wat) instead of tfjs's loop calling the C library's expf once per element
 * through a function pointer (~7 ns an element here; the log-softmax over the vocabulary,
 * [64, T, 68] floats per teacher-forced pass and [64, 68] per sampling step, made it ~3% of an
 * iteration's kernel time). The kernel is musl's expf, the algorithm tfjs's Exp runs, operation
 * for operation, so the bits are tfjs's: `npm run exp-check` (src/cli/expCheck.ts) compares the
 * two on all 2^32 float32 inputs, ./wasmExp.test.ts on a sample of them in every run. Exp of int32
 * (tfjs casts first) goes to the previous kernel. Idempotent; a no-op where there is no Exp.
 */
import * as tf from '@tensorflow/tfjs-core';
import { patchKernel, unpatchKernel } from './kernelPatch';
import { EXP_WASM_PLAIN, EXP_WASM_SHARED } from './kernels/exp.bytes';
import { type WasmBackend, instantiateOver, perBackend } from './wasmModule';

const MARK = '__rftExp';

/**
 * musl's __exp2f_data.tab: 2^(i/32) as double bits, minus i << 47, for i = 0..31 (added back with
 * the exponent: T[k mod 32] + (k << 47) is 2^(k/32)).
 */
export const EXP2F_TABLE: readonly bigint[] = [
  0x3ff0000000000000n, 0x3fefd9b0d3158574n, 0x3fefb5586cf9890fn, 0x3fef9301d0125b51n,
  0x3fef72b83c7d517bn, 0x3fef54873168b9aan, 0x3fef387a6e756238n, 0x3fef1e9df51fdee1n,
  0x3fef06fe0a31b715n, 0x3feef1a7373aa9cbn, 0x3feedea64c123422n, 0x3feece086061892dn,
  0x3feebfdad5362a27n, 0x3feeb42b569d4f82n, 0x3feeab07dd485429n, 0x3feea47eb03a5585n,
  0x3feea09e667f3bcdn, 0x3fee9f75e8ec5f74n, 0x3feea11473eb0187n, 0x3feea589994cce13n,
  0x3feeace5422aa0dbn, 0x3feeb737b0cdc5e5n, 0x3feec49182a3f090n, 0x3feed503b23e255dn,
  0x3feee89f995ad3adn, 0x3feeff76f2fb5e47n, 0x3fef199bdd85529cn, 0x3fef3720dcef9069n,
  0x3fef5818dcfba487n, 0x3fef7c97337b9b5fn, 0x3fefa4afa2a490dan, 0x3fefd0765b6e4540n,
];

/** The kernel over n floats at byte addresses x, out (the table's address bound in). */
export type ExpKernel = (x: number, out: number, n: number) => void;

/**
 * The kernel per backend. Its table goes into the backend's heap once (256 bytes from its
 * malloc, never freed: the backend's life), because the module imports tfjs's memory and owns
 * none of its own to hold data in.
 */
export const expKernels = perBackend((memory, backend): ExpKernel => {
  const exp = instantiateOver(memory, { plain: EXP_WASM_PLAIN, shared: EXP_WASM_SHARED }).exp as (x: number, out: number, n: number, table: number) => void;
  const table = backend.wasm._malloc(EXP2F_TABLE.length * 8);
  new BigUint64Array(memory.buffer, table, EXP2F_TABLE.length).set(EXP2F_TABLE); // a view made after the malloc: it may have grown the heap
  return (x, out, n) => exp(x, out, n, table);
});

/** Patch Exp of `backendName` (default 'wasm'). Returns true if it was patched now. */
export function patchWasmExp(backendName = 'wasm'): boolean {
  return patchKernel('Exp', backendName, MARK, (previous) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const be = args.backend as unknown as WasmBackend;
    const kernel = x.dtype === 'float32' ? expKernels.get(be) : null;
    if (!kernel) return previous.kernelFunc(args);
    const out = be.makeOutput([...x.shape], 'float32'); // first: it may grow the heap (offsets, not views, cross it)
    kernel(be.getMemoryOffset(x.dataId), be.getMemoryOffset(out.dataId), tf.util.sizeFromShape(x.shape));
    return out;
  });
}

/** Undo patchWasmExp (tests compare against tfjs's kernel). Returns true if it was patched. */
export function unpatchWasmExp(backendName = 'wasm'): boolean {
  return unpatchKernel('Exp', backendName, MARK);
}
