// The last decoder block computes only the positions the heads read (Block.apply's `keep`, used by
// the teacher-forced passes and the prefill: engine/model/policy.ts decode). Those outputs, the
// keys and values, and every gradient must be what the full block gives, bit for bit, on cpu and
// on wasm with the engine's kernels: the rows left out only ever received zero gradients.
// A slow-tier file (its own process): the wasm half patches the backend for good.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { Block, MASKED, ParamStore, type LayerKV } from '../model/layers';
import { buildPrefixCausalMask } from '../model/policy';
import { patchWasmBackend } from './wasmPatches';

const [B, S, PAST, D, H] = [4, 7, 3, 16, 2];

/** Flat values; toEqual compares them with Object.is, so even a zero's sign must match. */
const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

/** Every output and gradient of `block` over x (after a cache of PAST positions), keeping the last `keep` rows either way. */
function run(block: Block, vars: tf.Variable[], keep: number, mask: tf.Tensor, asked: boolean) {
  return tf.tidy(() => {
    const x = tf.randomNormal<tf.Rank.R3>([B, S, D], 0, 1, 'float32', 1);
    const past: LayerKV = { k: tf.randomNormal([B, H, PAST, D / H], 0, 1, 'float32', 2), v: tf.randomNormal([B, H, PAST, D / H], 0, 1, 'float32', 3) };
    const w = tf.randomNormal([B, keep, D], 0, 1, 'float32', 4);
    const f = (xIn: tf.Tensor3D, k: tf.Tensor4D, v: tf.Tensor4D) => {
      const out = block.apply(xIn, mask, { k, v }, asked ? keep : undefined);
      const y = asked ? out.y : tf.slice(out.y, [0, S - keep, 0], [B, keep, D]);
      return { y, kv: out.kv, loss: tf.sum<tf.Scalar>(tf.mul(y, w)) };
    };
    const { y, kv } = f(x, past.k, past.v);
    const inputs = tf.grads((xIn: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => f(xIn as tf.Tensor3D, k as tf.Tensor4D, v as tf.Tensor4D).loss)([x, past.k, past.v]);
    const weights = tf.variableGrads(() => f(x, past.k, past.v).loss, vars).grads;
    const result = { y: values(y), k: values(kv.k), v: values(kv.v), inputs: inputs.map(values), weights: vars.map((x) => values(weights[x.name]!)) };
    return { result, shape: y.shape };
  });
}

async function check(backend: 'cpu' | 'wasm'): Promise<void> {
  expect(await tf.setBackend(backend)).toBe(true);
  if (backend === 'wasm') patchWasmBackend();
  const store = new ParamStore({ seed: 2 }, true);
  const block = new Block(store, 'h', D, H, 4, 1);
  const vars = store.variables;
  // Queries are positions PAST..PAST+S-1 of a prefix-causal sequence; row 1 also hides key 0 (a <pad>).
  const causal = tf.tidy(() => tf.slice(tf.reshape(buildPrefixCausalMask(PAST + S, 2), [1, 1, PAST + S, PAST + S]), [0, 0, PAST, 0], [1, 1, S, PAST + S]));
  const pad = tf.tidy(() => tf.reshape(tf.tensor1d(Array.from({ length: B * (PAST + S) }, (_, i) => (i === PAST + S ? MASKED : 0))), [B, 1, 1, PAST + S]));
  const perRow = tf.tidy(() => tf.add(causal, pad)); // [B, 1, S, PAST+S]
  const before = tf.memory().numTensors;
  for (const [mask, keep] of [[perRow, 3], [causal, 1], [pad, 2], [perRow, S]] as const) {
    const full = run(block, vars, keep, mask, false);
    const kept = run(block, vars, keep, mask, true);
    expect(kept.shape).toEqual([B, keep, D]);
    expect(kept.result).toEqual(full.result);
  }
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([causal, pad, perRow]);
  store.dispose();
}

describe("Block.apply's keep", () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
  it('gives the last rows of the full block, the same keys and values, and the same gradients, on cpu', async () => {
    await check('cpu');
  });
  it('and on wasm with the engine kernels, bit for bit', async () => {
    await check('wasm');
  });
});
