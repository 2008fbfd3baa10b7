import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { patchWasmBackend } from '../engine/train/wasmPatches';
import { registerGradients } from './gradients';

export const NODE_BACKENDS = ['cpu', 'wasm'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

/**
 * Node runs the engine on tfjs's cpu or wasm backend (tfjs-node would download a native
 * binary at install time, which this project never does). wasm is ~30x faster on matmuls.
 */
export async function initBackend(name: NodeBackend): Promise<string> {
  await registerGradients();
  // IS_TEST silences tfjs's "install tfjs-node" banner (advice we deliberately do not take)
  // while the backend is built; it is reset because on wasm it also turns on a leak check
  // that some kernels' gradients trip.
  tf.env().set('IS_TEST', true);
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok) throw new Error(`The ${name} backend failed to initialise.`);
  tf.tidy(() => tf.zeros([1])); // the banner is printed on the first tensor write: do it now
  tf.env().set('IS_TEST', false);
  // Kernels of ours where tfjs-backend-wasm's are slow (matmuls, copies, LayerNorm): same bits, see wasmPatches.ts.
  if (name === 'wasm') patchWasmBackend();
  return tf.getBackend();
}
