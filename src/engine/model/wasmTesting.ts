/**
 * A fixture for the tests of the engine's own wasm kernels (not part of the public model API):
 * make tfjs's wasm heap grow, as a long run does, to check that a kernel reads and writes
 * through offsets rather than views taken before the growth.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WasmMemory } from './wasmModule';

/**
 * Allocate 16 MB tensors until `memory` grows (at most 64 of them: 1 GB), and return them for
 * the caller to dispose. Chunks, not one tensor "bigger than the heap": in a test process
 * whose heap is already large, one such tensor would pass wasm's 4 GB limit.
 */
export function growHeap(memory: WasmMemory): tf.Tensor[] {
  const before = memory.buffer.byteLength;
  const chunks: tf.Tensor[] = [];
  while (memory.buffer.byteLength === before && chunks.length < 64) chunks.push(tf.zeros([4 << 20]));
  if (memory.buffer.byteLength === before) throw new Error('growHeap: 1 GB of tensors did not grow the wasm heap');
  return chunks;
}
