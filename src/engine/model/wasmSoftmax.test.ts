import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taping } from '../rl/tape';
import { WASM_SOFTMAX, WASM_SOFTMAX_GRAD, registerWasmSoftmax, unregisterWasmSoftmax, wasmTapedSoftmax } from './wasmSoftmax';
import { backendMemory, type WasmBackend } from './wasmModule';
import { growHeap } from './wasmTesting';

/** softmax as attention runs it (the kernels under a tape where registered), its value and the gradient of Σ softmax(x)·w; and the kernels the pass ran. */
async function run(x: tf.Tensor, w: tf.Tensor) {
  const softmax = (t: tf.Tensor) => (taping() ? wasmTapedSoftmax(t) : null) ?? tf.softmax(t);
  const info = await tf.profile(() =>
    tf.tidy(() => {
      const f = (t: tf.Tensor) => tf.sum<tf.Scalar>(tf.mul(softmax(t), w));
      const { value, grad } = tf.valueAndGrad(f)(x);
      return tf.concat([tf.reshape(value, [1]), tf.reshape(grad, [-1])]);
    }),
  );
  const out = info.result as tf.Tensor;
  const values = Array.from(out.dataSync());
  out.dispose();
  return { values, kernels: info.kernelNames };
}

/** Logits with attention's masked keys (-1e9 added: probability exactly 0) and signed zeros among them. */
function logits(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.randomNormal(shape, 0, 3, 'float32', seed);
    const flat = x.dataSync().slice();
    for (let i = 0; i < flat.length; i += 7) flat[i] = -1e9;
    flat[1] = 0;
    flat[2] = -0;
    return tf.tensor(flat, shape);
  });
}

describe('the wasm softmax gradient kernel', () => {
  let registeredHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    registeredHere = registerWasmSoftmax();
  });
  afterAll(async () => {
    if (registeredHere) unregisterWasmSoftmax();
    await tf.setBackend('cpu');
  });

  it('gives tf.softmax\'s value and gradient bit for bit: attention\'s [16, 4, 31, 47] (16 rows, not 64), rows of 1-9 keys (the tail past a multiple of 4)', async () => {
    for (const [i, shape] of [[16, 4, 31, 47], [3, 5, 1], [2, 7, 4], [4, 9], [6, 8]].entries()) {
      const x = logits(shape, 10 + i);
      const w = tf.randomNormal(shape, 0, 1, 'float32', 20 + i);
      try {
        const ours = await run(x, w);
        unregisterWasmSoftmax();
        let ref: Awaited<ReturnType<typeof run>>;
        try {
          ref = await run(x, w);
        } finally {
          registerWasmSoftmax();
        }
        expect(ours.values.length).toBe(1 + x.size);
        expect(ours.values.findIndex((v, j) => !Object.is(v, ref.values[j])), JSON.stringify(shape)).toBe(-1);
        expect(ours.kernels).toEqual(expect.arrayContaining([WASM_SOFTMAX, WASM_SOFTMAX_GRAD]));
        expect(ours.kernels).not.toContain('Sub');
        expect(ref.kernels).not.toContain(WASM_SOFTMAX);
      } finally {
        tf.dispose([x, w]);
      }
    }
  });

  it('is not used without a tape, leaves nothing behind, and survives the heap growing under it', async () => {
    const x = logits([8, 4, 16, 16], 30);
    const w = tf.randomNormal([8, 4, 16, 16], 0, 1, 'float32', 31);
    try {
      const direct = wasmTapedSoftmax(x); // callable directly; layers.ts asks only under a tape
      expect(direct).not.toBeNull();
      direct?.dispose();
      const first = await run(x, w);
      const chunks = growHeap(backendMemory((tf.backend() as unknown as WasmBackend).wasm)!);
      try {
        const tensors = tf.memory().numTensors;
        const buffers = tf.engine().backend.numDataIds();
        const again = await run(x, w);
        expect([tf.memory().numTensors, tf.engine().backend.numDataIds()]).toEqual([tensors, buffers]);
        expect(again.values).toEqual(first.values);
      } finally {
        tf.dispose(chunks);
      }
      const noTape = await tf.profile(() => tf.tidy(() => (taping() ? wasmTapedSoftmax(x) : null) ?? tf.softmax(x)));
      (noTape.result as tf.Tensor).dispose();
      expect(noTape.kernelNames).toEqual(['Softmax']);
    } finally {
      tf.dispose([x, w]);
    }
  });
});
