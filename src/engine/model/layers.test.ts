import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Block, GELU_LINEAR, LayerNorm, MASKED, ParamStore, gelu, geluConstants, logSoftmax, oneHotFloat, repeatRows } from './layers';
import { buildPrefixCausalMask } from './policy';
import { hostWritesDuring } from '../rl/testing.test-utils';

describe('layers', () => {
  it('gelu matches the tanh approximation at known points', () => {
    const y = tf.tidy(() => gelu(tf.tensor1d([-3, -1, 0, 1, 3])).arraySync());
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    tf.test_util.expectArraysClose(y, [-0.0036373, -0.1588080, 0, 0.8411920, 2.9963627], 1e-5);
  });

  it('gelu (x·sigmoid(2u)) equals the tanh form 0.5·x·(1 + tanh(u)) and its gradient to 1e-5, in 6 kernels', async () => {
    // The reference ops as the formula reads: u = sqrt(2/π)·(x + 0.044715·x³).
    const reference = (x: tf.Tensor) => tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
    const x = tf.linspace(-9, 9, 181); // steps of 0.1, both tails included
    const w = tf.linspace(0.5, 1.5, 181);
    tf.test_util.expectArraysClose(tf.tidy(() => gelu(x).dataSync()), tf.tidy(() => reference(x).dataSync()), 1e-5);
    const grad = (f: (t: tf.Tensor) => tf.Tensor) => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, f(t))))(x).dataSync());
    tf.test_util.expectArraysClose(grad(gelu), grad(reference), 1e-5);
    const profile = await tf.profile(() => tf.dispose(gelu(x)));
    expect(profile.kernels.map((k) => k.name)).toEqual(['Square', 'Multiply', 'Add', 'Multiply', 'Sigmoid', 'Multiply']);
    tf.dispose([x, w]);
  });

  it('ParamStore.constant: one kept scalar per value, shared, not a parameter, freed with the store; gelu with them equals gelu without', () => {
    const before = tf.memory().numTensors;
    const store = new ParamStore({ seed: 1 }, true);
    const k = tf.tidy(() => geluConstants(store)); // made inside a tidy: kept all the same
    expect(k.cubic.isDisposed).toBe(false);
    expect(geluConstants(store).cubic).toBe(k.cubic); // the second layer asking gets the same tensor
    expect(store.constant(GELU_LINEAR)).toBe(k.linear);
    expect(store.constant(1, 'int32').dtype).toBe('int32');
    expect(store.variables).toEqual([]); // not parameters: never trained or checkpointed
    expect(tf.memory().numTensors).toBe(before + 3);
    const x = tf.linspace(-9, 9, 181);
    expect(Array.from(tf.tidy(() => gelu(x, k).dataSync()))).toEqual(Array.from(tf.tidy(() => gelu(x).dataSync()))); // bit for bit
    // With the constants passed, gelu makes no scalar of its own: no host write outside kernels.
    expect(hostWritesDuring(() => tf.dispose(tf.tidy(() => gelu(x, k))))).toEqual([]);
    expect(hostWritesDuring(() => tf.dispose(tf.tidy(() => gelu(x))))).toEqual([1, 1]); // 2c·0.044715 and 2c
    x.dispose();
    store.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('LayerNorm equals the tf.moments form and its gradients to 1e-5, in 9 kernels', async () => {
    // Reference: (x − mean)/sqrt(var + eps)·g + b with tf.moments' mean and (biased) variance.
    const store = new ParamStore({ seed: 3 }, true);
    const ln = new LayerNorm(store, 'ln', 8);
    const g = tf.linspace(0.5, 2, 8);
    const b = tf.linspace(-1, 1, 8);
    ln.g.assign(g);
    ln.b.assign(b);
    const reference = (x: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, ln.eps))), ln.g), ln.b);
    };
    const x = tf.tidy(() => tf.add(tf.mul(tf.reshape(tf.sin(tf.range(0, 48)), [2, 3, 8]), 3), 1)); // rows of mean ~1, std ~2
    const w = tf.tidy(() => tf.reshape(tf.cos(tf.range(0, 48)), [2, 3, 8]));
    tf.test_util.expectArraysClose(tf.tidy(() => ln.apply(x).dataSync()), tf.tidy(() => reference(x).dataSync()), 1e-5);
    const grads = (f: (t: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const r = tf.variableGrads(() => tf.sum(tf.mul(w, f(x))), store.variables);
        const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, f(t))))(x);
        return [dx, r.grads[ln.g.name]!, r.grads[ln.b.name]!].map((t) => Array.from(t.dataSync()));
      });
    const [ours, theirs] = [grads((t) => ln.apply(t)), grads(reference)];
    for (let i = 0; i < 3; i++) tf.test_util.expectArraysClose(ours[i]!, theirs[i]!, 1e-5);
    const profile = await tf.profile(() => tf.dispose(ln.apply(x)));
    const kernels = profile.kernels.map((k) => k.name).filter((name) => name !== ''); // '' = meanLastAxis's customGrad wrapper, not a kernel
    expect(kernels).toEqual(['Mean', 'Sub', 'Square', 'Mean', 'Add', 'Rsqrt', 'Multiply', 'Multiply', 'Add']);
    // Its gradient makes nothing on the host of the input's size (tf.mean's builds ones(x.shape), 48 floats here):
    // count backend writes made outside kernels (kernels write their own outputs, on cpu through the same method).
    // Σ w ⊙ LN(x) as a matmul: tf.sum's own gradient would upload ones(x.shape) too.
    const sizes = hostWritesDuring(() => tf.dispose(tf.tidy(() => tf.grad((t: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(ln.apply(t), [1, x.size]), tf.reshape(w, [x.size, 1])), []))(x))));
    expect(Math.max(0, ...sizes)).toBeLessThan(x.size);
    // ...and broadcasts dy / C without a Tile (wasm's walks element by element: ~40 ms at the update's size).
    const backward = await tf.profile(() => tf.dispose(tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, ln.apply(t))))(x))));
    expect(backward.kernels.map((k) => k.name)).not.toContain('Tile');
    tf.dispose([g, b, x, w]);
    store.dispose();
  });

  it('logSoftmax equals x − tf.logSumExp(x) bit for bit and its gradient to 1e-5, with no broadcast comparison in the backward pass', async () => {
    // logits [2, 3, 5] with ties at the max in a row (where tf.max's gradient splits dy) and a large shift.
    const x = tf.tidy(() => tf.concat([tf.reshape(tf.mul(tf.sin(tf.range(0, 25)), 4), [1, 5, 5]), tf.fill([1, 5, 5], 2)], 0)); // [2, 5, 5]
    const xs = tf.tidy(() => tf.add(x, 100));
    const w = tf.tidy(() => tf.reshape(tf.cos(tf.range(0, 50)), [2, 5, 5]));
    const reference = (t: tf.Tensor) => tf.sub(t, tf.logSumExp(t, -1, true));
    for (const input of [x, xs]) {
      expect(tf.tidy(() => Array.from(logSoftmax(input).dataSync()))).toEqual(tf.tidy(() => Array.from(reference(input).dataSync())));
      const grad = (f: (t: tf.Tensor) => tf.Tensor) => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, f(t))))(input).dataSync());
      tf.test_util.expectArraysClose(grad(logSoftmax), grad(reference), 1e-5);
      // The analytic gradient dy − softmax·Σdy:
      tf.test_util.expectArraysClose(grad(logSoftmax), tf.tidy(() => tf.sub(w, tf.mul(tf.softmax(input), tf.sum(w, -1, true))).dataSync()), 1e-5);
    }
    const backward = await tf.profile(() => tf.dispose(tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, logSoftmax(t))))(x))));
    expect(backward.kernels.map((k) => k.name)).not.toContain('Equal');
    expect(backward.kernels.map((k) => k.name)).toContain('Fill'); // the max's zero gradient, made on the device
    tf.dispose([x, xs, w]);
  });

  it('logSoftmax equals log(softmax) and oneHotFloat is float 0/1', () => {
    const x = tf.tensor2d([[1, 2, 3], [-5, 0, 5]]);
    tf.test_util.expectArraysClose(tf.tidy(() => logSoftmax(x).arraySync()), tf.tidy(() => tf.log(tf.softmax(x)).arraySync()), 1e-5);
    const oh = oneHotFloat(tf.tensor1d([2, 0], 'int32'), 3);
    expect(oh.dtype).toBe('float32');
    expect(oh.arraySync()).toEqual([[0, 0, 1], [1, 0, 0]]);
    tf.dispose([x, oh]);
  });

  it('logSoftmax equals x − tf.logSumExp(x) and its gradient to 1e-5, and its gradient uploads nothing of the input size', () => {
    const x = tf.tidy(() => tf.mul(tf.randomNormal([2, 3, 7], 0, 1, 'float32', 5), 4));
    const w = tf.randomNormal([2, 3, 7], 0, 1, 'float32', 6);
    const reference = (t: tf.Tensor) => tf.sub(t, tf.logSumExp(t, -1, true)); // what logSoftmax was before sumOnDevice
    tf.test_util.expectArraysClose(tf.tidy(() => logSoftmax(x).dataSync()), tf.tidy(() => reference(x).dataSync()), 1e-5);
    const grad = (f: (t: tf.Tensor) => tf.Tensor) => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, f(t))))(x).dataSync());
    tf.test_util.expectArraysClose(grad(logSoftmax), grad(reference), 1e-5);
    // Σ w ⊙ logSoftmax(x) as a matmul (tf.sum's gradient would upload ones of x's size itself): count host writes outside kernels.
    const sizes = hostWritesDuring(() => tf.dispose(tf.tidy(() => tf.grad((t: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(logSoftmax(t), [1, x.size]), tf.reshape(w, [x.size, 1])), []))(x))));
    expect(Math.max(0, ...sizes)).toBeLessThan(x.size);
    tf.dispose([x, w]);
  });

  it('the prefix-causal mask lets visual tokens see each other and everything else only the past', () => {
    const m = buildPrefixCausalMask(5, 2);
    const allowed = m.arraySync().map((row) => row.map((v) => (v === 0 ? 1 : v === MASKED ? 0 : NaN)));
    expect(allowed).toEqual([
      [1, 1, 0, 0, 0],
      [1, 1, 0, 0, 0],
      [1, 1, 1, 0, 0],
      [1, 1, 1, 1, 0],
      [1, 1, 1, 1, 1],
    ]);
    m.dispose();
  });

  it('repeatRows lays out row b*G+g = row b', () => {
    const x = tf.tensor3d([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
    const r = repeatRows(x, 3);
    expect(r.shape).toEqual([6, 1, 2]);
    expect(r.arraySync()).toEqual([[[1, 2]], [[1, 2]], [[1, 2]], [[3, 4]], [[3, 4]], [[3, 4]]]);
    tf.dispose([x, r]);
  });

  it('repeatRows copies rows with one Concat, not a Tile, for any dtype', async () => {
    const ids = tf.tensor2d([[7, 8, 9], [1, 2, 3]], [2, 3], 'int32');
    const profile = await tf.profile(() => {
      const r = repeatRows(ids, 2);
      expect(r.dtype).toBe('int32');
      expect(r.arraySync()).toEqual([[7, 8, 9], [7, 8, 9], [1, 2, 3], [1, 2, 3]]);
      r.dispose();
    });
    expect(profile.kernels.map((k) => k.name).filter((n) => n !== 'Reshape')).toEqual(['Concat']);
    ids.dispose();
  });

  it('ParamStore initialises by (seed, name), refuses duplicate names, and copies', () => {
    const a = new ParamStore({ seed: 1 }, true);
    const w1 = a.create('x.w', [4, 4], { kind: 'normal', std: 0.02 });
    expect(() => a.create('x.w', [4, 4], { kind: 'zeros' })).toThrow(/defined twice/);
    const b = new ParamStore({ seed: 1 }, true);
    b.create('other', [3], { kind: 'ones' }); // creation order does not matter
    const w2 = b.create('x.w', [4, 4], { kind: 'normal', std: 0.02 });
    expect(w1.dataSync()).toEqual(w2.dataSync());
    const std = Math.sqrt(Array.from(w1.dataSync()).reduce((s, v) => s + v * v, 0) / 16);
    expect(std).toBeGreaterThan(0.005);
    expect(std).toBeLessThan(0.05);
    const c = new ParamStore({ copyOf: a }, false);
    const w3 = c.create('x.w', [4, 4], { kind: 'zeros' });
    expect(w3.trainable).toBe(false);
    expect(w3.dataSync()).toEqual(w1.dataSync());
    expect(() => c.create('missing', [1], { kind: 'zeros' })).toThrow(/source model has no such parameter/);
    [a, b, c].forEach((s) => s.dispose());
  });

  it('a block with a KV cache, fed one position at a time, equals the block over the whole sequence', () => {
    const store = new ParamStore({ seed: 2 }, true);
    const block = new Block(store, 'h', 8, 2, 2, 1);
    const x = tf.randomNormal<tf.Rank.R3>([2, 5, 8], 0, 1, 'float32', 1);
    const causal = tf.tidy(() => tf.reshape(buildPrefixCausalMask(5, 1), [1, 1, 5, 5]));
    const fullY = tf.tidy(() => block.apply(x, causal).y);
    const stepY = tf.tidy(() => {
      let kv = block.apply(tf.slice(x, [0, 0, 0], [2, 1, 8]), null).kv;
      const ys = [tf.slice(fullY, [0, 0, 0], [2, 1, 8])];
      for (let t = 1; t < 5; t++) {
        const out = block.apply(tf.slice(x, [0, t, 0], [2, 1, 8]), null, kv); // one query sees the cache + itself
        kv = out.kv;
        ys.push(out.y);
      }
      expect(kv.k.shape).toEqual([2, 2, 5, 4]); // [B, H, S, Dh]
      return tf.concat(ys, 1);
    });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(fullY, stepY))).dataSync()[0]!)).toBeLessThan(1e-5);
    tf.dispose([x, causal, fullY, stepY]);
    store.dispose();
  });
});
