import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense, ParamStore } from '../model/layers';
import { WASM_DENSE } from '../model/wasmDense';
import { growHeap } from '../model/wasmTesting';
import { type WasmBackend, backendMemory } from '../model/wasmModule';
import { denseMatMulPlan, patchWasmBatchMatMul, wasmDenseMatMulActive } from './wasmBatchMatMul';
import { registerWasmDense, unregisterWasmDense } from './wasmDense';

/** A Dense with non-zero bias (a fresh one's is 0, which would hide a bias added twice or not at all). */
function layer(nIn: number, nOut: number, seed: number): { dense: Dense; store: ParamStore } {
  const store = new ParamStore({ seed }, true);
  const dense = new Dense(store, 'd', nIn, nOut);
  tf.tidy(() => dense.b!.assign(tf.randomNormal([nOut], 0, 2, 'float32', seed + 1)));
  return { dense, store };
}

/** dense(x), and the gradients of Σ dense(x)·r for x, w and b, flat; and the kernels the pass ran. */
async function run(dense: Dense, x: tf.Tensor, r: tf.Tensor) {
  const info = await tf.profile(() =>
    tf.tidy(() => {
      const f = (t: tf.Tensor) => tf.sum<tf.Scalar>(tf.mul(dense.apply(t), r));
      const { grads } = tf.variableGrads(() => f(x), [dense.w, dense.b!]);
      return tf.concat([tf.reshape(dense.apply(x), [-1]), tf.reshape(tf.grad(f)(x), [-1]), tf.reshape(grads[dense.w.name]!, [-1]), grads[dense.b!.name]!]);
    }),
  );
  const out = info.result as tf.Tensor;
  const values = Array.from(out.dataSync());
  out.dispose();
  return { values, kernels: info.kernelNames };
}

/** Whether a's and b's floats are the same bits, as toEqual would say, reported as the first index that differs (-1: none). */
function firstDifference(a: number[], b: number[]): number {
  if (a.length !== b.length) return 0;
  return a.findIndex((v, i) => !Object.is(v, b[i]));
}

describe('the wasm dense kernel (x·w + b in one kernel)', () => {
  // The fast tier shares processes: put back exactly the matmul kernels found (the patch also
  // applies ./wasmMatMul.ts's, whose own test expects to be the first to).
  let found: tf.KernelConfig[] = [];
  let registeredHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    found = ['BatchMatMul', '_FusedMatMul'].map((name) => tf.getKernel(name, 'wasm'));
    patchWasmBatchMatMul();
    registeredHere = registerWasmDense();
  });
  afterAll(async () => {
    if (registeredHere) unregisterWasmDense();
    for (const k of found) {
      tf.unregisterKernel(k.kernelName, 'wasm');
      tf.registerKernel(k);
    }
    await tf.setBackend('cpu');
  });

  // [x shape, nOut], and whether our dense matmul takes it (rows % 4 = 0, nOut % 4 = 0).
  const CASES: [number[], number, boolean][] = [
    [[16, 31, 64], 256, true], // an MLP's fc on 16 prompts' rows (not 64)
    [[64, 1, 256], 64, true], // a decoding step's MLP output: k of 256, four chunks of 64
    [[8, 130], 24, true], // k past two chunks, not a multiple of 64
    [[3, 5, 64], 192, false], // 15 rows: the reference kernels inside the same op
    [[8, 64], 68, true], // the LM head's vocabulary: blocks of 8, then one of 4
    [[8, 64], 10, false], // nOut not a multiple of 4
  ];

  it('gives the reference ops\' forward and gradients (x, w, b) bit for bit, on its own kernel\'s shapes and the ones it hands back', async () => {
    for (const [i, [shape, nOut, ours]] of CASES.entries()) {
      const nIn = shape[shape.length - 1]!;
      const { dense, store } = layer(nIn, nOut, 10 + i);
      const x = tf.randomNormal(shape, 0, 1, 'float32', 30 + i);
      const r = tf.randomNormal([...shape.slice(0, -1), nOut], 0, 1, 'float32', 40 + i);
      try {
        const fused = await run(dense, x, r);
        unregisterWasmDense();
        let ref: Awaited<ReturnType<typeof run>>;
        try {
          ref = await run(dense, x, r);
        } finally {
          registerWasmDense();
        }
        const rows = x.size / nIn;
        expect(fused.values.length).toBe(rows * nOut + x.size + nIn * nOut + nOut);
        expect(firstDifference(fused.values, ref.values), `${JSON.stringify(shape)} x ${nOut}`).toBe(-1);
        expect(fused.kernels).toContain(WASM_DENSE);
        expect(fused.kernels).not.toContain('Add'); // the bias is inside, forward; its gradient is a Sum
        expect(ref.kernels).not.toContain(WASM_DENSE);
        expect(ref.kernels).toContain('Add');
        // The case table's claim: our dense matmul takes the shape (so its bias epilogue ran), or not.
        expect(denseMatMulPlan([rows, nIn], [nIn, nOut], false, false) !== null, `${JSON.stringify(shape)} x ${nOut}`).toBe(ours);
        expect(wasmDenseMatMulActive()).toBe(true);
      } finally {
        tf.dispose([x, r]);
        store.dispose();
      }
    }
  });

  it('adds the bias exactly once, where our dense matmul runs and where it hands back', () => {
    for (const [shape, nOut] of [[[4, 64], 8], [[3, 64], 8]] as const) {
      const { dense, store } = layer(64, nOut, 50);
      try {
        const [y, b] = tf.tidy(() => [Array.from(dense.apply(tf.zeros([...shape])).dataSync()), Array.from(dense.b!.dataSync())]);
        expect(y).toEqual(Array.from({ length: shape[0] }, () => b).flat()); // 0·w + b = b on every row
      } finally {
        store.dispose();
      }
    }
  });

  it('leaves no tensor and no backend buffer behind, forward and backward, on either path; and survives the heap growing under it', async () => {
    for (const [shape, nOut] of [[[16, 31, 64], 256], [[3, 5, 64], 192]] as const) {
      const { dense, store } = layer(64, nOut, 60);
      const x = tf.randomNormal([...shape], 0, 1, 'float32', 61);
      const r = tf.randomNormal([...shape.slice(0, -1), nOut], 0, 1, 'float32', 62);
      try {
        const first = await run(dense, x, r); // warm: the kernels' one-time state
        const chunks = growHeap(backendMemory((tf.backend() as unknown as WasmBackend).wasm)!); // the next outputs land in a bigger memory: offsets, not views
        try {
          const tensors = tf.memory().numTensors;
          const buffers = tf.engine().backend.numDataIds();
          const again = await run(dense, x, r);
          expect(tf.memory().numTensors).toBe(tensors);
          expect(tf.engine().backend.numDataIds()).toBe(buffers);
          expect(firstDifference(again.values, first.values)).toBe(-1);
        } finally {
          tf.dispose(chunks);
        }
      } finally {
        tf.dispose([x, r]);
        store.dispose();
      }
    }
  });
});
