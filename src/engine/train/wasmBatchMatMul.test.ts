import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backendMemory } from '../model/wasmModule';
import { growHeap } from '../model/wasmTesting';
import { batchMatMulPlan, denseMatMulPlan, patchWasmBatchMatMul, unpatchWasmBatchMatMul, wasmDenseMatMulActive } from './wasmBatchMatMul';
import { patchTransposedMatMul } from './wasmMatMul';

type Case = { batch: number[]; m: number; n: number; k: number; ta: boolean; tb: boolean };

function operands(c: Case, seed: number, bBatch = c.batch): [tf.Tensor, tf.Tensor] {
  const a = tf.randomNormal([...c.batch, ...(c.ta ? [c.k, c.m] : [c.m, c.k])], 0, 1, 'float32', seed);
  const b = tf.randomNormal([...bBatch, ...(c.tb ? [c.n, c.k] : [c.k, c.n])], 0, 1, 'float32', seed + 1);
  return [a, b];
}

/** a·b's values, run by whatever BatchMatMul kernel is registered now. */
function product(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): Float32Array {
  return tf.tidy(() => tf.matMul(a, b, ta, tb).dataSync() as Float32Array);
}

/** The same values under tfjs's own kernel (our patch lifted for the call). */
function reference<T>(f: () => T): T {
  expect(unpatchWasmBatchMatMul()).toBe(true);
  try {
    return f();
  } finally {
    patchWasmBatchMatMul();
  }
}

/** Largest |x − ref| / (1 + |ref|): 1e-5 relative for the large values, absolute near 0. */
function maxRelDiff(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  expect(x.length).toBe(ref.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - ref[i]!) / (1 + Math.abs(ref[i]!)));
  return worst;
}

const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

describe('patchWasmBatchMatMul (wasm): the engine-owned SIMD batched matmul', () => {
  // The fast tier shares processes: put back exactly the matmul kernels found (the patch also
  // applies ./wasmMatMul.ts's, whose own test expects to be the first to).
  let found: tf.KernelConfig[] = [];
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    found = ['BatchMatMul', '_FusedMatMul'].map((name) => tf.getKernel(name, 'wasm'));
    patchWasmBatchMatMul();
  });
  afterEach(() => expect(tf.getKernel('BatchMatMul', 'wasm').kernelFunc).toHaveProperty('__rftSimdBatchMatMul'));
  afterAll(async () => {
    for (const k of found) {
      tf.unregisterKernel(k.kernelName, 'wasm');
      tf.registerKernel(k);
    }
    await tf.setBackend('cpu');
  });

  it('finds the backend memory and plans only batched float matmuls it can express', () => {
    expect(backendMemory((tf.backend() as unknown as { wasm: never }).wasm)).toBeInstanceOf((globalThis as unknown as { WebAssembly: { Memory: new () => object } }).WebAssembly.Memory);
    expect(backendMemory(undefined)).toBeNull();
    expect(batchMatMulPlan([256, 31, 16], [256, 47, 16], false, true)).toMatchObject({ batch: 256, m: 31, n: 47, k: 16, aBatch: 31 * 16, bBatch: 47 * 16 });
    expect(batchMatMulPlan([1, 31, 16], [16, 47], false, false)).toBeNull(); // batch 1: XNNPACK's
    expect(batchMatMulPlan([2, 3, 4, 5], [3, 5, 6], false, false)).toBeNull(); // [2, 3] against [3]: neither whole nor one
    expect(batchMatMulPlan([4, 3, 5], [1, 5, 6], false, false)).toMatchObject({ batch: 4, bBatch: 0 });
    expect(batchMatMulPlan([4, 3, 0], [4, 0, 6], false, false)).toBeNull(); // empty: tfjs's
    expect(batchMatMulPlan([4, 3, 5], [4, 4, 6], false, false)).toBeNull(); // k mismatch: tfjs's error
  });

  it('equals tfjs\'s kernel bit for bit: every transpose combination, n of 1, 2, 3, 5, 6, 17, 31, 47 (every tail width), k of 1, 3, 5, 17, 31, 47, and k > 48 (tfjs\'s blocks)', () => {
    const cases: Case[] = [];
    for (const [ta, tb] of TRANSPOSES) {
      for (const n of [1, 2, 3, 5, 6, 17, 31, 47]) cases.push({ batch: [3], m: 5, n, k: 7, ta, tb });
      for (const k of [1, 3, 5, 17, 31, 47, 100]) cases.push({ batch: [2, 2], m: 3, n: 20, k, ta, tb });
    }
    let compared = 0;
    cases.forEach((c, i) => {
      const [a, b] = operands(c, 10 + i);
      const ours = product(a, b, c.ta, c.tb);
      const ref = reference(() => product(a, b, c.ta, c.tb));
      expect(Array.from(ours), JSON.stringify(c)).toEqual(Array.from(ref));
      expect(maxRelDiff(ours, ref)).toBeLessThanOrEqual(1e-5);
      compared += ours.length;
      tf.dispose([a, b]);
    });
    expect(compared).toBeGreaterThan(1000);
  });

  it('equals tfjs\'s kernel on the default model\'s attention matrices (4 heads, Dh 16, 31 text and 47 key positions, and a decoding step; 16 rows, not 64, to stay fast)', () => {
    // q·kᵀ, a·v and the four gradient products of the update; the decoding step's q·kᵀ and a·v.
    const shapes: [number[], number[], boolean, boolean][] = [
      [[16, 4, 31, 16], [16, 4, 47, 16], false, true], // q·kᵀ
      [[16, 4, 31, 47], [16, 4, 47, 16], false, false], // a·v; dq = dAtt·k
      [[16, 4, 31, 16], [16, 4, 47, 16], false, true], // dAtt = dY·vᵀ
      [[16, 4, 31, 47], [16, 4, 31, 16], true, false], // dv = attᵀ·dY; dk = dAttᵀ·q
      [[16, 4, 1, 16], [16, 4, 40, 16], false, true], // a decoding step's q·kᵀ
      [[16, 4, 1, 40], [16, 4, 40, 16], false, false], // and its a·v
    ];
    shapes.forEach(([sa, sb, ta, tb], i) => {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 40 + i);
      const b = tf.randomNormal(sb, 0, 1, 'float32', 50 + i);
      const ours = product(a, b, ta, tb);
      const ref = reference(() => product(a, b, ta, tb));
      expect(maxRelDiff(ours, ref), `[${sa.join(', ')}] x [${sb.join(', ')}]`).toBe(0);
      tf.dispose([a, b]);
    });
  });

  it('broadcasts one operand over the batch, bit for bit as tfjs\'s kernel does', () => {
    const cases: [Case, number[]][] = [
      [{ batch: [4], m: 3, n: 5, k: 6, ta: false, tb: false }, [1]],
      [{ batch: [4], m: 3, n: 5, k: 6, ta: true, tb: true }, [1]],
      [{ batch: [2, 3], m: 7, n: 9, k: 17, ta: false, tb: true }, []], // b rank 2: one matrix for all
    ];
    let checked = 0;
    cases.forEach(([c, bBatch], i) => {
      const [a, b] = operands(c, 60 + i, bBatch);
      const ours = product(a, b, c.ta, c.tb);
      expect(Array.from(ours), JSON.stringify(c)).toEqual(Array.from(reference(() => product(a, b, c.ta, c.tb))));
      checked += ours.length;
      tf.dispose([a, b]);
    });
    // a broadcast: a [1, m, k] against b [4, k, n]
    const a = tf.randomNormal([1, 3, 6], 0, 1, 'float32', 70);
    const b = tf.randomNormal([4, 6, 5], 0, 1, 'float32', 71);
    expect(batchMatMulPlan(a.shape, b.shape, false, false)).toMatchObject({ batch: 4, aBatch: 0 });
    expect(Array.from(product(a, b, false, false))).toEqual(Array.from(reference(() => product(a, b, false, false))));
    tf.dispose([a, b]);
    expect(checked).toBe(4 * 15 + 4 * 15 + 6 * 63);
  });

  it('gives the gradients of a small attention that tfjs\'s kernel gives', () => {
    const run = () =>
      tf.tidy(() => {
        const q = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 80);
        const k = tf.randomNormal([2, 3, 7, 4], 0, 1, 'float32', 81);
        const v = tf.randomNormal([2, 3, 7, 4], 0, 1, 'float32', 82);
        const w = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 83);
        const loss = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.softmax(tf.matMul(q, k, false, true)), v), w));
        return tf.grads(loss)([q, k, v]).map((g) => Array.from(g.dataSync()));
      });
    const ours = run();
    const ref = reference(run);
    ours.forEach((g, i) => expect(maxRelDiff(g, ref[i]!), `gradient ${i}`).toBeLessThanOrEqual(1e-5));
  });

  it('reads transposed operands itself: one BatchMatMul kernel, no Transpose', async () => {
    const a = tf.randomNormal([8, 16, 5], 0, 1, 'float32', 90);
    const b = tf.randomNormal([8, 7, 16], 0, 1, 'float32', 91);
    let out: tf.Tensor | undefined;
    const profile = await tf.profile(() => {
      out = tf.matMul(a, b, true, true);
    });
    expect(profile.kernelNames).toEqual(['BatchMatMul']);
    out!.dispose();
    tf.dispose([a, b]);
  });

  it('leaks no tensor and no wasm heap bytes', () => {
    const a = tf.randomNormal([16, 9, 6], 0, 1, 'float32', 100);
    const b = tf.randomNormal([16, 11, 6], 0, 1, 'float32', 101);
    tf.matMul(a, b, false, true).dispose(); // warm: the kernel's instance is made once
    const before = tf.memory();
    for (let i = 0; i < 5; i++) tf.matMul(a, b, false, true).dispose();
    tf.tidy(() => {
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y, false, true)))([a, b]);
    });
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([a, b]);
  });

  it('still reads and writes the right bytes after the heap grows between calls: batched and dense, each with a transposed B in scratch', () => {
    const memory = backendMemory((tf.backend() as unknown as { wasm: never }).wasm)!;
    for (const [sa, sb, seed] of [[[32, 31, 16], [32, 47, 16], 110], [[64, 40], [32, 40], 250]] as const) {
      const a = tf.randomNormal([...sa], 0, 1, 'float32', seed);
      const b = tf.randomNormal([...sb], 0, 1, 'float32', seed + 1);
      const first = product(a, b, false, true);
      const bytesBefore = memory.buffer.byteLength;
      const big = growHeap(memory);
      const second = product(a, b, false, true);
      expect(memory.buffer.byteLength).toBeGreaterThan(bytesBefore);
      tf.dispose(big);
      expect(Array.from(second)).toEqual(Array.from(first));
      expect(Array.from(second)).toEqual(Array.from(reference(() => product(a, b, false, true))));
      tf.dispose([a, b]);
    }
  });

  it('plans dense matmuls only for one matrix each, m and n multiples of 4', () => {
    expect(denseMatMulPlan([1984, 64], [64, 256], false, false)).toEqual({ outShape: [1984, 256], m: 1984, n: 256, k: 64 });
    expect(denseMatMulPlan([1984, 64], [1984, 256], true, false)).toEqual({ outShape: [64, 256], m: 64, n: 256, k: 1984 }); // xᵀ·dy
    expect(denseMatMulPlan([1984, 256], [64, 256], false, true)).toEqual({ outShape: [1984, 64], m: 1984, n: 64, k: 256 }); // dy·wᵀ
    expect(denseMatMulPlan([1, 8, 4], [4, 16], false, false)).toEqual({ outShape: [1, 8, 16], m: 8, n: 16, k: 4 }); // batch dimension 1
    expect(denseMatMulPlan([6, 4], [4, 16], false, false)).toBeNull(); // m = 6
    expect(denseMatMulPlan([8, 4], [4, 12], false, false)).toEqual({ outShape: [8, 12], m: 8, n: 12, k: 4 }); // n = 12: blocks of 8, then one of 4
    expect(denseMatMulPlan([8, 4], [4, 10], false, false)).toBeNull(); // n = 10
    expect(denseMatMulPlan([2, 8, 4], [2, 4, 16], false, false)).toBeNull(); // batched: the other kernel's
    expect(denseMatMulPlan([8, 0], [0, 16], false, false)).toBeNull(); // empty: tfjs's
    expect(denseMatMulPlan([8, 4], [5, 16], false, false)).toBeNull(); // k mismatch: tfjs's error
  });

  it('runs dense matmuls in our kernel on one thread (Node\'s backend) and equals XNNPACK bit for bit: every transpose, m of 4-12, n of 4-28 (blocks of 8, and one of 4 where n mod 8 = 4), k of 1 to 200 (chunks of 64 and their tails)', () => {
    let compared = 0;
    let seed = 200;
    for (const [ta, tb] of TRANSPOSES) {
      for (const [m, n] of [[4, 8], [8, 16], [12, 24], [4, 4], [8, 12], [12, 28]] as const) {
        for (const k of [1, 3, 63, 64, 65, 128, 200]) {
          const c: Case = { batch: [], m, n, k, ta, tb };
          const [a, b] = operands(c, seed++);
          expect(denseMatMulPlan(a.shape, b.shape, ta, tb), JSON.stringify(c)).not.toBeNull();
          const ours = product(a, b, ta, tb);
          const ref = reference(() => product(a, b, ta, tb));
          expect(Array.from(ours), JSON.stringify(c)).toEqual(Array.from(ref));
          compared += ours.length;
          tf.dispose([a, b]);
        }
      }
    }
    expect(wasmDenseMatMulActive()).toBe(true);
    expect(compared).toBe(4 * 7 * (4 * 8 + 8 * 16 + 12 * 24 + 4 * 4 + 8 * 12 + 12 * 28));
  });

  it('equals XNNPACK on a dense layer\'s products at the default model\'s widths (300 rows, not 1984, to stay fast), and on its gradients', () => {
    const shapes: [number[], number[], boolean, boolean][] = [
      [[300, 64], [64, 256], false, false], // x·w
      [[300, 256], [256, 64], false, false], // the MLP's second layer
      [[300, 64], [300, 192], true, false], // xᵀ·dy, k = 300
      [[300, 256], [64, 256], false, true], // dy·wᵀ
      [[1, 64, 64], [64, 64], false, false], // a decoding step, batch dimension 1
      [[300, 64], [64, 68], false, false], // the LM head over 68 words: n mod 8 = 4
      [[300, 64], [300, 68], true, false], // its weight gradient
      [[300, 68], [64, 68], false, true], // its input gradient
    ];
    shapes.forEach(([sa, sb, ta, tb], i) => {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 210 + i);
      const b = tf.randomNormal(sb, 0, 1, 'float32', 220 + i);
      const ours = product(a, b, ta, tb);
      expect(maxRelDiff(ours, reference(() => product(a, b, ta, tb))), `[${sa.join(', ')}] x [${sb.join(', ')}]`).toBe(0);
      tf.dispose([a, b]);
    });
    const run = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([96, 64], 0, 1, 'float32', 230);
        const w = tf.randomNormal([64, 32], 0, 1, 'float32', 231);
        const t = tf.randomNormal([96, 32], 0, 1, 'float32', 232);
        return tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, w), t)))([x, w]).map((g) => Array.from(g.dataSync()));
      });
    const ours = run();
    const ref = reference(run);
    ours.forEach((g, i) => expect(g, `gradient ${i}`).toEqual(ref[i]));
  });

  it('reads a dense matmul\'s transposed operands itself too: one BatchMatMul kernel, no Transpose; no tensor or heap bytes left', async () => {
    const a = tf.randomNormal([16, 8], 0, 1, 'float32', 240);
    const b = tf.randomNormal([24, 16], 0, 1, 'float32', 241);
    let out: tf.Tensor | undefined;
    const profile = await tf.profile(() => {
      out = tf.matMul(a, b, true, true);
    });
    expect(profile.kernelNames).toEqual(['BatchMatMul']);
    out!.dispose();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) tf.matMul(a, b, true, true).dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([a, b]);
  });

  it('is idempotent, patches nothing on a backend without the kernel, and stays on top of the transposing patch', () => {
    expect(patchWasmBatchMatMul()).toBe(false);
    expect(patchWasmBatchMatMul('no-such-backend')).toBe(false);
    // The transposing patch is applied beneath ours: applied again, it must not wrap ours (it
    // would hand our kernel explicit Transposes instead of the flags).
    expect(patchTransposedMatMul()).toBe(false);
    expect(tf.getKernel('BatchMatMul', 'wasm').kernelFunc).toHaveProperty('__rftSimdBatchMatMul');
  });
});
