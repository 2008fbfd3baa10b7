import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeWholeAxes, patchContiguousSlice, patchHeapConcat, patchSharedCast, patchSharedIdentity, patchWasmCopies } from './wasmCopies';

/** Slices and splits of every rank 1-5 (whole axes, partial axes, both), a gradient, as flat arrays. */
function cuts(): number[][] {
  return tf.tidy(() => {
    const x = tf.reshape(tf.range(0, 2 * 6 * 5 * 4 * 3), [2, 6, 5, 4, 3]);
    const out: tf.Tensor[] = [
      tf.slice(tf.reshape(x, [720]), [7], [30]),
      tf.slice(tf.reshape(x, [60, 12]), [3, 0], [20, 12]),
      tf.slice(tf.reshape(x, [60, 12]), [3, 2], [20, 5]),
      tf.slice(tf.reshape(x, [12, 5, 12]), [0, 1, 0], [12, 3, 12]),
      tf.slice(tf.reshape(x, [2, 6, 5, 12]), [0, 2, 0, 0], [2, 2, 5, 12]),
      tf.slice(tf.reshape(x, [2, 6, 5, 12]), [1, 2, 1, 3], [1, 3, 2, 4]),
      tf.slice(x, [0, 2, 0, 0, 0], [2, 3, 5, 4, 3]),
      tf.slice(x, [1, 0, 1, 0, 1], [1, 6, 3, 4, 2]),
      tf.slice(x, [0, 1, 1, 0, 1], [2, 3, 2, 4, 2]), // merged to rank 4: two outer axes, the inner one wrapping mid-way
      ...tf.split(tf.reshape(x, [2, 6, 5, 12]), 3, 1),
      ...tf.split(tf.reshape(x, [2, 6, 5, 12]), [2, 7, 3], 3),
      ...tf.split(x, [1, 1], 0),
      tf.slice(tf.cast(x, 'int32'), [1, 0, 1, 0, 1], [1, 6, 3, 4, 2]), // 4 bytes: the copy kernel
      tf.cast(tf.slice(tf.cast(tf.reshape(x, [60, 12]), 'bool'), [3, 2], [20, 5]), 'float32'), // 1 byte: runs copied in JavaScript
    ];
    const q = tf.reshape(tf.sin(tf.range(0, 2 * 6 * 5 * 4)), [2, 6, 5, 4]);
    out.push(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.split(t, 3, 1)[1]!, tf.reshape(tf.cos(tf.range(0, 2 * 2 * 5 * 4)), [2, 2, 5, 4]))))(q));
    return out.map((t) => Array.from(t.dataSync()));
  });
}

describe('mergeWholeAxes', () => {
  it('folds every axis taken whole into the one before it', () => {
    // Q of a [B, 3H, S, Dh] split: axes 2 and 3 whole -> [B, 3H·S·Dh], Q = columns 0 .. H·S·Dh.
    expect(mergeWholeAxes([64, 12, 31, 16], [0, 0, 0, 0], [64, 4, 31, 16])).toEqual({ shape: [64, 5952], begin: [0, 0], size: [64, 1984] });
    expect(mergeWholeAxes([64, 12, 31, 16], [0, 8, 0, 0], [64, 4, 31, 16])).toEqual({ shape: [64, 5952], begin: [0, 3968], size: [64, 1984] });
    // A partial last axis merges nothing; a whole axis 0 has nothing before it.
    expect(mergeWholeAxes([4, 6], [0, 1], [4, 2])).toEqual({ shape: [4, 6], begin: [0, 1], size: [4, 2] });
    expect(mergeWholeAxes([4, 6, 5], [0, 1, 0], [4, 2, 5])).toEqual({ shape: [4, 30], begin: [0, 5], size: [4, 10] });
  });
});

describe('patchContiguousSlice (wasm)', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the same values as the original kernels, leaks nothing, copies whole runs, and patches once', () => {
    const before = cuts();
    expect(patchContiguousSlice()).toBe(true);
    const n = tf.memory().numTensors;
    const after = cuts();
    expect(tf.memory().numTensors).toBe(n);
    expect(after).toEqual(before);
    // Splitting attention's [B, 3H, S, Dh] = [8, 12, 31, 16] along axis 1: 8 runs per piece, not
    // 8·4·31, all moved by the copy kernel (one call per piece), none by TypedArray.set.
    const heads = tf.zeros([8, 12, 31, 16]);
    const proto = Float32Array.prototype as unknown as { set: (...a: unknown[]) => void };
    const set = proto.set;
    let copies = 0;
    proto.set = function (this: Float32Array, ...a: unknown[]) {
      copies++;
      set.apply(this, a);
    };
    try {
      tf.dispose(tf.split(heads, 3, 1));
    } finally {
      proto.set = set;
    }
    expect(copies).toBe(0);
    heads.dispose();
    expect(patchContiguousSlice()).toBe(false); // already patched
    expect(patchContiguousSlice('no-such-backend')).toBe(false);
  });

  it('slices from views of the heap: nothing read back, and right after the output grows the heap', () => {
    patchContiguousSlice();
    const backend = tf.backend() as unknown as { readSync: (...a: unknown[]) => unknown; wasm: { HEAPU8: Uint8Array } };
    const readSync = backend.readSync;
    let reads = 0;
    backend.readSync = function (this: unknown, ...a: unknown[]) {
      reads++;
      return readSync.apply(this, a);
    };
    try {
      // Adam's split of its flat vector into the variables: each piece once read the whole vector back.
      tf.tidy(() => {
        tf.split(tf.range(0, 1000), [100, 300, 600]);
        tf.split(tf.zeros([8, 12, 31, 16]), 3, 1);
      });
    } finally {
      backend.readSync = readSync;
    }
    expect(reads).toBe(0);
    // A slice whose output does not fit in the heap: making it grows the heap, and the copy must
    // read and write through views taken after that.
    const heap = backend.wasm.HEAPU8.buffer.byteLength;
    const n = Math.ceil(heap / 4 / 2) + (1 << 20);
    const x = tf.range(0, n);
    const tail = tf.slice(x, [1], [n - 1]);
    expect(backend.wasm.HEAPU8.buffer.byteLength).toBeGreaterThan(heap);
    const [xs, ts] = [x.dataSync(), tail.dataSync()];
    for (const i of [0, 1, n >> 1, n - 2]) expect(ts[i]).toBe(xs[i + 1]);
    tf.dispose([x, tail]);
  });

  it('shares the buffer in Identity (clones, tensors saved for the gradient), with the same values, gradients and memory', () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.reshape(tf.sin(tf.range(0, 24)), [2, 3, 4]);
        const c = tf.clone(x);
        // exp and square save their inputs/outputs for the backward pass: clones under the tape.
        const [dx] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.exp(t), tf.square(t))))([x]);
        return [c, dx!].map((t) => Array.from(t.dataSync()));
      });
    const before = run();
    const buffers = () => tf.memory().numDataBuffers;
    const start = buffers();
    const x = tf.ones([64, 64]);
    const copied = tf.clone(x);
    expect(buffers() - start).toBe(2); // x and its copy
    expect(patchWasmCopies()).toBe(true); // Slice is patched already (above); Identity now
    const shared = tf.clone(x);
    expect(buffers() - start).toBe(2); // no new buffer: the clone shares x's
    x.dispose(); // the clone keeps the buffer alive
    expect(Array.from(shared.dataSync().slice(0, 3))).toEqual([1, 1, 1]);
    tf.dispose([copied, shared]);
    expect(buffers()).toBe(start);
    const n = tf.memory().numTensors;
    expect(run()).toEqual(before);
    expect(tf.memory().numTensors).toBe(n);
    expect(patchSharedIdentity()).toBe(false);
  });
});

describe('patchSharedCast (wasm)', () => {
  /** Casts of every kind, and a square's gradient (which casts its input to float32), as arrays. */
  const casts = () =>
    tf.tidy(() => {
      const x = tf.tensor([-2.7, -0.5, 0, 0.5, 1.5, 3.9]);
      const [dx] = tf.grads((t: tf.Tensor) => tf.sum(tf.square(t)))([x]);
      // (No float-to-bool cast: tfjs-backend-wasm's own gives wrong values there, patched or not.)
      return [tf.cast(x, 'float32'), tf.cast(x, 'int32'), tf.cast(tf.cast(x, 'int32'), 'float32'), tf.cast(tf.tensor([3, -4], undefined, 'int32'), 'int32'), dx!].map((t) => [t.dtype, ...Array.from(t.dataSync())]);
    });
  let want: (string | number)[][] = [];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    want = casts();
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('shares the buffer when the dtype is already the one asked for, casts otherwise as the cpu backend does, and leaks nothing', () => {
    patchSharedCast(); // patchWasmCopies may have done so already in this process
    expect(patchSharedCast()).toBe(false);
    expect(casts()).toEqual(want);
    const buffers = () => tf.memory().numDataBuffers;
    const start = buffers();
    const x = tf.ones([64, 64]);
    const same = tf.cast(x, 'float32');
    expect(buffers() - start).toBe(1); // no new buffer: the cast shares x's
    const other = tf.cast(x, 'int32');
    expect(buffers() - start).toBe(2); // a real cast makes one
    x.dispose(); // the same-dtype cast keeps the buffer alive
    expect(Array.from(same.dataSync().slice(0, 2))).toEqual([1, 1]);
    tf.dispose([same, other]);
    expect(buffers()).toBe(start);
  });
});

describe('patchHeapConcat (wasm)', () => {
  /** Concats of every kind the model makes and a few it does not, as flat arrays (with each dtype). */
  function joins(): number[][] {
    return tf.tidy(() => {
      const seq = (shape: number[], from: number, dtype: 'float32' | 'int32' = 'float32') => tf.reshape(tf.range(from, from + shape.reduce((a, b) => a * b, 1), 1, dtype), shape);
      const out: tf.Tensor[] = [
        tf.concat([seq([6, 4, 5, 3], 0), seq([6, 4, 1, 3], 1000)], 2), // the KV cache's append
        tf.concat([seq([2, 3, 4], 0), seq([2, 1, 4], 100), seq([2, 5, 4], 200)], 1), // three inputs
        tf.concat([seq([3, 4], 0), seq([2, 4], 50)], 0), // axis 0: one run per input
        tf.concat([seq([3, 2], 0, 'int32'), seq([3, 5], 10, 'int32')], -1), // int32, last axis
        tf.cast(tf.concat([tf.greater(seq([2, 3], 0), 2), tf.less(seq([2, 2], 0), 1)], 1), 'int32'), // bool
        tf.concat([seq([2, 0, 3], 0), seq([2, 2, 3], 7), seq([2, 1, 3], 40)], 1), // an empty input
        tf.concat([seq([2, 0], 0), seq([2, 3], 5)], 1), // one input left: tfjs's kernel
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.concat([t, tf.square(t)], 1), seq([2, 6], 1))))(tf.div(seq([2, 3], 0), 4)), // exact inputs: the backends' sin differ, not their copies
      ];
      return out.map((t) => Array.from(t.dataSync()));
    });
  }

  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives what the cpu backend gives, leaks nothing, grows the heap safely, and patches once', async () => {
    await tf.setBackend('cpu');
    const want = joins();
    expect(await tf.setBackend('wasm')).toBe(true);
    patchHeapConcat();
    const n = tf.memory().numTensors;
    expect(joins()).toEqual(want);
    expect(tf.memory().numTensors).toBe(n);
    // An output that does not fit in the heap: making it grows the heap (and detaches older views).
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    const heap = backend.wasm.HEAPU8.buffer.byteLength;
    const half = 2 * Math.ceil(heap / 4 / 4) + (1 << 20); // even
    // int32: a float32 range stops counting at 2^24 (tfjs adds its step in float32), and a heap
    // grown by earlier tests puts these values past it.
    const a = tf.range(0, half, 1, 'int32');
    const b = tf.range(half, 2 * half, 1, 'int32');
    const ab = tf.tidy(() => tf.concat([tf.reshape(a, [2, half / 2]), tf.reshape(b, [2, half / 2])], 1)); // tidy: the reshapes hold a's and b's buffers
    try {
      expect(backend.wasm.HEAPU8.buffer.byteLength).toBeGreaterThan(heap);
      const v = ab.dataSync();
      for (const [i, x] of [[0, 0], [half / 2 - 1, half / 2 - 1], [half / 2, half], [half, half / 2], [2 * half - 1, 2 * half - 1]] as const) expect(v[i], `element ${i}`).toBe(x);
    } finally {
      tf.dispose([a, b, ab]); // also when an expectation fails: a leak here would fail other files' memory checks
    }
    expect(patchHeapConcat()).toBe(false);
    expect(patchHeapConcat('no-such-backend')).toBe(false);
  });
});
