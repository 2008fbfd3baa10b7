/**
 * Every speed patch the engine applies to tfjs's wasm backend, in one place: the Node CLIs
 * (cli/backend.ts) and the trainer (the browser's worker) both call this. Each gives the same
 * numbers as the kernels it replaces, bit for bit (each file's tests check it):
 *   - matmuls with a transposed operand transpose first (./wasmMatMul.ts);
 *   - batched matmuls (attention's) run in our SIMD kernel, and so do dense ones where tfjs
 *     computes on one thread (./wasmBatchMatMul.ts);
 *   - a dense layer's x·w + b is one kernel, the bias added inside the matmul (./wasmDense.ts);
 *   - slices copy whole runs, clones and same-dtype casts share their buffer (./wasmCopies.ts);
 *   - stacks go through that Concat, gathers along axis 0 copy whole rows (./wasmPackGather.ts);
 *   - a bias's gradient (a Sum over the rows) is one pass of our kernel (./wasmColumnSum.ts);
 *   - transposes that keep the last axis (attention's heads) copy whole runs (./wasmTranspose.ts);
 *   - LayerNorm is one kernel: its forward without a tape, and forward and backward under one
 *     (../model/wasmLayerNorm.ts);
 *   - GELU's element-wise chains, forward and gradient, are our kernels (../model/wasmGelu.ts);
 *   - attention's softmax gradient is one pass of our kernel (../model/wasmSoftmax.ts);
 *   - Exp over float32 is musl's expf in our SIMD kernel (../model/wasmExp.ts);
 *   - sampling's Gumbel noise is made in the backend's memory by our kernel (../model/wasmGumbel.ts);
 *   - a float one-hot is one kernel, not OneHot then Cast (../model/wasmOneHot.ts);
 *   - Adam's element-wise chain is one pass of our kernel (../algorithms/wasmAdam.ts);
 *   - the gradient tape keeps what a gradient needs as a second handle on the same data, not
 *     a cloning kernel and a tape node each (./wasmTapeSaves.ts).
 * Idempotent.
 */
import { registerWasmAdam } from '../algorithms/wasmAdam';
import { patchWasmExp } from '../model/wasmExp';
import { registerWasmGumbel } from '../model/wasmGumbel';
import { registerWasmOneHot } from '../model/wasmOneHot';
import { registerWasmGelu } from '../model/wasmGelu';
import { registerWasmSoftmax } from '../model/wasmSoftmax';
import { registerWasmLayerNorm, registerWasmLayerNormTaped } from '../model/wasmLayerNorm';
import { patchWasmBatchMatMul } from './wasmBatchMatMul';
import { registerWasmDense } from './wasmDense';
import { patchTransposedMatMul } from './wasmMatMul';
import { patchWasmCopies } from './wasmCopies';
import { patchWasmGather, patchWasmPack } from './wasmPackGather';
import { patchWasmColumnSum } from './wasmColumnSum';
import { patchWasmTranspose } from './wasmTranspose';
import { patchWasmTapeSaves } from './wasmTapeSaves';

export function patchWasmBackend(backendName = 'wasm'): void {
  patchTransposedMatMul(backendName);
  patchWasmBatchMatMul(backendName);
  registerWasmDense(backendName);
  patchWasmCopies(backendName);
  patchWasmPack(backendName);
  patchWasmGather(backendName);
  patchWasmColumnSum(backendName);
  patchWasmTranspose(backendName);
  registerWasmLayerNorm(backendName);
  registerWasmLayerNormTaped(backendName);
  registerWasmGelu(backendName);
  registerWasmSoftmax(backendName);
  patchWasmExp(backendName);
  registerWasmGumbel(backendName);
  registerWasmOneHot(backendName);
  registerWasmAdam(backendName);
  patchWasmTapeSaves(backendName);
}
