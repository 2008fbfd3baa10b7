import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Block, ParamStore } from '../model/layers';
import { patchWasmTapeSaves, unpatchWasmTapeSaves } from './wasmTapeSaves';

/** A transformer block's loss Σ block(x)·r and its gradients (every weight and x), flat; the kernels the pass ran; the tensors and buffers it left. */
async function gradients(block: Block, store: ParamStore, x: tf.Tensor3D, r: tf.Tensor) {
  const vars = [...store.byName.values()];
  const tensors = tf.memory().numTensors;
  const buffers = tf.engine().backend.numDataIds();
  const info = await tf.profile(() =>
    tf.tidy(() => {
      const f = (t: tf.Tensor3D) => tf.sum<tf.Scalar>(tf.mul(block.apply(t, null).y, r));
      const { value, grads } = tf.variableGrads(() => f(x), vars);
      return tf.concat([tf.reshape(value, [1]), tf.reshape(tf.grad((t: tf.Tensor) => f(t as tf.Tensor3D))(x), [-1]), ...vars.map((v) => tf.reshape(grads[v.name]!, [-1]))]);
    }),
  );
  const out = info.result as tf.Tensor;
  const values = Array.from(out.dataSync());
  out.dispose();
  return { values, kernels: info.kernelNames, tensorsLeft: tf.memory().numTensors - tensors, buffersLeft: tf.engine().backend.numDataIds() - buffers };
}

describe('patchWasmTapeSaves: tape saves share their data without a kernel', () => {
  for (const backend of ['wasm', 'cpu']) {
    describe(backend, () => {
      let patchedHere = false;
      beforeAll(async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        patchedHere = patchWasmTapeSaves();
      });
      afterAll(async () => {
        if (patchedHere) unpatchWasmTapeSaves();
        await tf.setBackend('cpu');
      });

      it(`gives tfjs's gradients bit for bit, leaves nothing behind, and ${backend === 'wasm' ? 'runs no Identity kernel to save' : 'leaves another backend\'s saves to tfjs'}`, async () => {
        const store = new ParamStore({ seed: 3 }, true);
        const block = new Block(store, 'b', 16, 2, 2, 1);
        const x = tf.randomNormal<tf.Rank.R3>([3, 5, 16], 0, 1, 'float32', 4);
        const r = tf.randomNormal([3, 5, 16], 0, 1, 'float32', 5);
        try {
          await gradients(block, store, x, r); // warm: one-time kernel state
          const ours = await gradients(block, store, x, r);
          expect(unpatchWasmTapeSaves()).toBe(true);
          let ref: Awaited<ReturnType<typeof gradients>>;
          try {
            ref = await gradients(block, store, x, r);
          } finally {
            expect(patchWasmTapeSaves()).toBe(true);
          }
          expect(ours.values.length).toBe(1 + x.size + [...store.byName.values()].reduce((n, v) => n + v.size, 0));
          expect(ours.values.findIndex((v, i) => !Object.is(v, ref.values[i]))).toBe(-1);
          expect(ref.kernels).toContain('Identity'); // tfjs's saves are clones
          expect(ours.kernels.includes('Identity')).toBe(backend !== 'wasm');
          for (const run of [ours, ref]) expect([run.tensorsLeft, run.buffersLeft]).toEqual([0, 0]);
        } finally {
          tf.dispose([x, r]);
          store.dispose();
        }
      });
    });
  }

  it('patches once, and unpatching puts tfjs\'s own back', () => {
    const saves = () => (Object.getPrototypeOf(tf.engine()) as { saveTensorsForBackwardMode: unknown }).saveTensorsForBackwardMode;
    const original = saves();
    expect(patchWasmTapeSaves()).toBe(true);
    expect(patchWasmTapeSaves()).toBe(false);
    expect(unpatchWasmTapeSaves()).toBe(true);
    expect(unpatchWasmTapeSaves()).toBe(false);
    expect(saves()).toBe(original);
  });
});
