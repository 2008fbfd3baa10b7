import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package does this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_VOCAB_SIZE as VOCAB_SIZE, EOS, PAD } from '../tokenizer';
import { DEFAULT_MODEL_CONFIG, ModelConfigSchema } from './config';
import { Policy, type SampleOptions } from './index';
import { countDuring } from '../../bench/counters';
import { TINY_CONFIG, biasTowardEos, randomInputs, randomResponses, tileRows } from './testing';

const B = 3;
const G = 4;
const T = TINY_CONFIG.maxResponseLen;

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

function disposeSample(r: { tokens: tf.Tensor; logp: tf.Tensor; mask: tf.Tensor; logits?: tf.Tensor }): void {
  tf.dispose([r.tokens, r.logp, r.mask, ...(r.logits ? [r.logits] : [])]);
}

describe('Policy at the default config', () => {
  it('has ~250k parameters and the documented output shapes', async () => {
    const policy = Policy.create(DEFAULT_MODEL_CONFIG, 0);
    // 184,257 for the transformer and heads + 65,600 for the image summary (16 x 64 -> 64, + bias).
    expect(policy.numParams()).toBe(249_857);
    expect(policy.numParams()).toBeGreaterThan(100_000);
    expect(policy.numParams()).toBeLessThan(300_000);
    const { images, prompts } = randomInputs(DEFAULT_MODEL_CONFIG, 2, 1);
    const responses = randomResponses(2, 6, 2);
    const out = policy.forward(images, prompts, responses);
    expect(out.logp.shape).toEqual([2, 6]);
    expect(out.entropy.shape).toEqual([2, 6]);
    expect(out.values.shape).toEqual([2, 6]);
    const logits = policy.responseLogits(images, prompts, responses);
    expect(logits.shape).toEqual([2, 6, VOCAB_SIZE]);
    const s = await policy.sample(images, prompts, { groupSize: 2, temperature: 1, topK: 0, maxNewTokens: 5, seed: 1 });
    expect(s.tokens.shape).toEqual([4, 5]);
    expect(s.tokens.dtype).toBe('int32');
    expect(s.tokenIds.length).toBe(20);
    // Broad at init: the fan-in LM head gives logits of std ~1, so entropy is within 0.5 nats of log V.
    expect(out.entropy.dataSync()[0]).toBeGreaterThan(Math.log(VOCAB_SIZE) - 0.5);
    disposeSample(s);
    tf.dispose([images, prompts, responses, out.logp, out.entropy, out.values, logits]);
    policy.dispose();
  });

  it('rejects inconsistent configs with zod messages', () => {
    expect(() => Policy.create({ ...DEFAULT_MODEL_CONFIG, dModel: 30, nHeads: 4 }, 0)).toThrow(/dModel must be a multiple of nHeads/);
  });
});

describe('Policy (tiny config)', () => {
  let policy: Policy;
  let images: tf.Tensor4D;
  let prompts: tf.Tensor2D;
  let imagesN: tf.Tensor4D; // tiled to B*G rows, as sample() lays them out
  let promptsN: tf.Tensor2D;

  beforeAll(() => {
    policy = Policy.create(TINY_CONFIG, 7);
    biasTowardEos(policy, 3); // p(<eos>) ~ 0.23 per step: most rows finish early, some do not
    ({ images, prompts } = randomInputs(TINY_CONFIG, B, 11));
    imagesN = tileRows(images, G);
    promptsN = tileRows(prompts, G);
  });
  afterAll(() => {
    tf.dispose([images, prompts, imagesN, promptsN]);
    policy.dispose();
  });

  it('same seed gives the same weights; another seed does not', () => {
    const a = Policy.create(TINY_CONFIG, 3);
    const b = Policy.create(TINY_CONFIG, 3);
    const c = Policy.create(TINY_CONFIG, 4);
    const wa = a.getWeights();
    const wb = b.getWeights();
    const wc = c.getWeights();
    expect(Object.keys(wa)).toEqual(Object.keys(wb));
    for (const k of Object.keys(wa)) expect(wa[k]!.dataSync()).toEqual(wb[k]!.dataSync());
    expect(wa['dec.h.0.attn.qkv.w']!.dataSync()).not.toEqual(wc['dec.h.0.attn.qkv.w']!.dataSync());
    // Different parameters of one model draw different numbers (seeded by name).
    expect(wa['dec.h.0.mlp.fc.w']!.dataSync().slice(0, 8)).not.toEqual(wa['enc.h.0.mlp.fc.w']!.dataSync().slice(0, 8));
    tf.dispose([wa, wb, wc]);
    [a, b, c].forEach((p) => p.dispose());
  });

  it('lists every variable as trainable and the value head separately', () => {
    expect(policy.trainableVariables.length).toBe(policy.variables.length);
    expect(policy.trainableVariables.every((v) => v.trainable)).toBe(true);
    expect(policy.valueHeadVariables.length).toBe(2);
    expect(policy.valueHeadVariables.every((v) => policy.trainableVariables.includes(v))).toBe(true);
    expect(policy.numParams()).toBe(policy.variables.reduce((a, v) => a + v.size, 0));
  });

  it.each([
    { name: 'sampled, T=1', temperature: 1, topK: 0, greedy: false },
    { name: 'sampled, T=0.7, top-k 5', temperature: 0.7, topK: 5, greedy: false },
    { name: 'greedy', temperature: 1, topK: 0, greedy: true },
  ])('KV-cache decoding matches full recomputation at every step ($name)', async ({ temperature, topK, greedy }) => {
    const s = await policy.sample(images, prompts, { groupSize: G, temperature, topK, maxNewTokens: T, seed: 5, greedy, returnLogits: true });
    const full = policy.responseLogits(imagesN, promptsN, s.tokens);
    expect(s.logits!.shape).toEqual([B * G, T, VOCAB_SIZE]);
    expect(maxAbsDiff(s.logits!, full)).toBeLessThan(1e-4);
    disposeSample(s);
    full.dispose();
  });

  it('the recompute path produces the same logits as the KV cache', async () => {
    const opts: SampleOptions = { groupSize: G, temperature: 1, topK: 0, maxNewTokens: T, seed: 9, returnLogits: true };
    const kv = await policy.sample(images, prompts, opts);
    const re = await policy.sample(images, prompts, { ...opts, useKvCache: false });
    expect(Array.from(re.tokenIds)).toEqual(Array.from(kv.tokenIds));
    expect(maxAbsDiff(kv.logits!, re.logits!)).toBeLessThan(1e-4);
    disposeSample(kv);
    disposeSample(re);
  });

  it.each([true, false])('sharePrefix and useKvCache do not change the tokens (greedy=%s)', async (greedy) => {
    const base: SampleOptions = { groupSize: G, temperature: 0.9, topK: 0, maxNewTokens: T, seed: 21, greedy };
    const runs = [];
    for (const useKvCache of [true, false]) {
      for (const sharePrefix of [true, false]) runs.push(await policy.sample(images, prompts, { ...base, useKvCache, sharePrefix }));
    }
    const ref = Array.from(runs[0]!.tokenIds);
    for (const r of runs) expect(Array.from(r.tokenIds)).toEqual(ref);
    runs.forEach(disposeSample);
  });

  it('a decoding step uploads only its sampling noise: the model\'s and the step\'s scalars are made once', async () => {
    // One step's uploads = a (k+1)-step call less a k-step one (the prefill and the final stack cancel).
    // Per step: the Gumbel noise [N, V] and nothing else. Before the constants were made once, each
    // step also uploaded, per decoder layer, attention's 1/sqrt(Dh), GELU's two constants and its
    // two LayerNorms' eps (5, one layer here), then the final LayerNorm's eps, the temperature, the
    // mask's 1 and <eos>'s id: 10 uploads per step here (checked: this test then fails with 10),
    // 15 at the default config's two layers on cpu/wasm, 10 on WebGPU (its fused LayerNorm takes
    // eps as a uniform).
    const opts: SampleOptions = { groupSize: G, temperature: 0.8, topK: 0, maxNewTokens: 2, seed: 5 };
    const uploads = async (steps: number) => (await countDuring(async () => disposeSample(await policy.sample(images, prompts, { ...opts, maxNewTokens: steps })))).counts;
    const [two, three, four] = [await uploads(2), await uploads(3), await uploads(4)];
    expect(three.uploads - two.uploads).toBe(1);
    expect(four.uploads - three.uploads).toBe(1);
    expect(three.uploadBytes - two.uploadBytes).toBe(B * G * TINY_CONFIG.vocabSize * 4); // the noise, float32
  });

  it('is seeded: same seed, same tokens; another seed, other tokens; greedy rows of a group agree', async () => {
    const opts: SampleOptions = { groupSize: G, temperature: 1, topK: 0, maxNewTokens: T, seed: 3 };
    const a = await policy.sample(images, prompts, opts);
    const b = await policy.sample(images, prompts, opts);
    const c = await policy.sample(images, prompts, { ...opts, seed: 4 });
    expect(Array.from(a.tokenIds)).toEqual(Array.from(b.tokenIds));
    expect(Array.from(a.tokenIds)).not.toEqual(Array.from(c.tokenIds));
    const g = await policy.sample(images, prompts, { ...opts, greedy: true });
    for (let bi = 0; bi < B; bi++) {
      const first = Array.from(g.tokenIds.slice(bi * G * T, bi * G * T + T));
      for (let k = 1; k < G; k++) expect(Array.from(g.tokenIds.slice((bi * G + k) * T, (bi * G + k + 1) * T))).toEqual(first);
    }
    [a, b, c, g].forEach(disposeSample);
  });

  it('samples only from the top k', async () => {
    const s = await policy.sample(images, prompts, { groupSize: G, temperature: 2, topK: 3, maxNewTokens: T, seed: 8, returnLogits: true });
    const logits = s.logits!.arraySync();
    const mask = s.mask.arraySync();
    for (let r = 0; r < B * G; r++) {
      for (let t = 0; t < T; t++) {
        if (mask[r]![t] === 0) continue;
        const row = logits[r]![t]!;
        const kth = [...row].sort((x, y) => y - x)[2]!;
        expect(row[s.tokenIds[r * T + t]!]).toBeGreaterThanOrEqual(kth);
      }
    }
    disposeSample(s);
  });

  it.each([1, 0.6, 1.5])('sampled log-probs equal teacher-forced forward log-probs (temperature %s)', async (temperature) => {
    const s = await policy.sample(images, prompts, { groupSize: G, temperature, topK: 4, maxNewTokens: T, seed: 13 });
    const out = policy.forward(imagesN, promptsN, s.tokens, { temperature });
    const masked = tf.mul(out.logp, s.mask);
    expect(maxAbsDiff(masked, s.logp)).toBeLessThan(1e-4);
    // The log-probs are real: finite and negative where the mask is 1.
    expect(s.logp.arraySync().flat().every((x) => Number.isFinite(x) && x <= 0)).toBe(true);
    disposeSample(s);
    tf.dispose([out.logp, out.entropy, out.values, masked]);
  });

  it('pads and masks everything after the first <eos>', async () => {
    const s = await policy.sample(images, prompts, { groupSize: G, temperature: 1, topK: 0, maxNewTokens: T, seed: 17 });
    const mask = s.mask.arraySync();
    const logp = s.logp.arraySync();
    let early = 0;
    let unfinished = 0;
    for (let r = 0; r < B * G; r++) {
      const row = Array.from(s.tokenIds.slice(r * T, (r + 1) * T));
      const eos = row.indexOf(EOS);
      const end = eos < 0 ? T : eos + 1;
      if (eos >= 0 && eos < T - 1) early++;
      if (eos < 0) unfinished++;
      for (let t = 0; t < T; t++) {
        expect(mask[r]![t]).toBe(t < end ? 1 : 0);
        if (t >= end) {
          expect(row[t]).toBe(PAD);
          expect(Math.abs(logp[r]![t]!)).toBe(0);
        } else {
          expect(logp[r]![t]).toBeLessThan(0);
        }
      }
    }
    // The fixture makes both cases happen, so the checks above are not vacuous.
    expect(early).toBeGreaterThan(0);
    expect(unfinished).toBeGreaterThan(0);
    disposeSample(s);
  });

  it('ignores <pad> prompt positions: changing the pad embedding changes no response logit', () => {
    const responses = randomResponses(B, 5, 3);
    const before = policy.responseLogits(images, prompts, responses);
    const w = policy.getWeights();
    const tok = w['dec.tok']!.arraySync() as number[][];
    // Not a constant shift: LayerNorm would erase that. A zig-zag survives normalisation.
    const nudge = (row: number[]) => row.map((x, i) => x + (i % 2 === 0 ? 1 : -1) * (1 + i / 4));
    tok[PAD] = nudge(tok[PAD]!);
    const changed = { ...w, 'dec.tok': tf.tensor2d(tok) };
    const other = policy.clone();
    other.setWeights(changed);
    const after = other.responseLogits(images, prompts, responses);
    expect(maxAbsDiff(before, after)).toBeLessThan(1e-5);
    // ...while the same change to a real token's row does change them (the test can fail).
    const real = prompts.arraySync()[B - 1]![TINY_CONFIG.promptLen - 1]!;
    tok[real] = nudge(tok[real]!);
    const changed2 = { ...w, 'dec.tok': tf.tensor2d(tok) };
    other.setWeights(changed2);
    const after2 = other.responseLogits(images, prompts, responses);
    expect(maxAbsDiff(before, after2)).toBeGreaterThan(1e-3);
    tf.dispose([responses, before, after, after2, w, changed['dec.tok'], changed2['dec.tok']]);
    other.dispose();
  });

  it('is causal over responses: token t moves the logits after it and none before', () => {
    const responses = randomResponses(B, 6, 8);
    const edited = tf.tidy(() => {
      const rows = responses.arraySync();
      for (const row of rows) row[1] = row[1] === 10 ? 11 : 10;
      return tf.tensor2d(rows, [B, 6], 'int32');
    });
    const a = policy.responseLogits(images, prompts, responses);
    const b = policy.responseLogits(images, prompts, edited);
    const perStep = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b)), [0, 2]).arraySync() as number[]); // [T]
    expect(perStep[0]).toBe(0);
    expect(perStep[1]).toBe(0); // logits at t predict token t from tokens < t
    for (let t = 2; t < 6; t++) expect(perStep[t], `step ${t}`).toBeGreaterThan(1e-4); // the edit reaches every later step
    tf.dispose([responses, edited, a, b]);
  });

  it('forward over the first `length` positions gives the same outputs there, zeros after, and the same gradients of a masked loss', () => {
    const t = 6;
    const len = 3;
    // Every row ends by position len - 1; <pad> after, as sampling leaves them.
    const responses = tf.tidy(() => tf.concat<tf.Tensor2D>([randomResponses(B, len, 8), tf.fill([B, t - len], PAD, 'int32')], 1));
    const mask = tf.tidy(() => tf.concat<tf.Tensor2D>([tf.ones([B, len]), tf.zeros([B, t - len])], 1));
    const run = (length?: number) => {
      const f = policy.forward(images, prompts, responses, { temperature: 0.9, full: true, length });
      const out = [f.logp, f.entropy, f.values, f.logProbs!].map((x) => x.arraySync());
      tf.dispose([f.logp, f.entropy, f.values, f.logProbs!]);
      const { value, grads } = tf.variableGrads(() => {
        const g = policy.forward(images, prompts, responses, { temperature: 0.9, length });
        return tf.sum<tf.Scalar>(tf.mul(tf.add(g.logp, tf.mul(g.entropy, 0.1)), mask));
      }, policy.trainableVariables);
      const gradValues = Object.values(grads).map((g) => Array.from(g.dataSync()));
      tf.dispose([value, ...Object.values(grads)]);
      return { out, gradValues };
    };
    const all = run();
    const cut = run(len);
    const flat = (x: unknown) => [x].flat(4) as number[];
    all.out.forEach((o, k) => {
      const [a, c] = [o, cut.out[k]!];
      for (let b = 0; b < B; b++) {
        expect(flat(c[b]!.slice(0, len))).toEqual(flat(a[b]!.slice(0, len))); // the same numbers where computed
        expect(flat(c[b]!.slice(len)).every((x) => x === 0)).toBe(true); // zeros after
      }
    });
    all.gradValues.forEach((g, i) => g.forEach((x, j) => expect(Math.abs(cut.gradValues[i]![j]! - x)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(x)))));
    expect(() => policy.forward(images, prompts, responses, { length: t + 1 })).toThrow(/length must be an integer in 1\.\.6/);
    tf.dispose([responses, mask]);
  });

  it('gradients reach every variable and a few Adam steps lower the loss', () => {
    const p = Policy.create(TINY_CONFIG, 1);
    const responses = randomResponses(B, 6, 4);
    const lossFn = () =>
      tf.tidy(() => {
        const out = p.forward(images, prompts, responses, { temperature: 1 });
        const ce = tf.neg(tf.mean(out.logp));
        const valueLoss = tf.mean(tf.square(tf.sub(out.values, 1)));
        return tf.add<tf.Scalar>(ce, valueLoss);
      });
    const { value, grads } = tf.variableGrads(lossFn, p.trainableVariables);
    for (const v of p.trainableVariables) {
      const g = grads[v.name];
      expect(g, `no gradient for a variable of shape [${v.shape.join(', ')}]`).toBeDefined();
      expect(tf.tidy(() => tf.max(tf.abs(g!)).dataSync()[0]!)).toBeGreaterThan(0);
    }
    const first = value.dataSync()[0]!;
    tf.dispose([value, grads]);
    const opt = tf.train.adam(1e-2);
    let last = first;
    for (let i = 0; i < 8; i++) {
      const cost = opt.minimize(lossFn, true, p.trainableVariables)!;
      last = cost.dataSync()[0]!;
      cost.dispose();
    }
    expect(last).toBeLessThan(first - 0.5);
    opt.dispose();
    responses.dispose();
    p.dispose();
  });

  it('leaks no tensors across sample + forward + an optimizer step', async () => {
    const p = Policy.create(TINY_CONFIG, 2);
    const opt = tf.train.adam(1e-3);
    const responses = randomResponses(B, 4, 5);
    const step = () => opt.minimize(() => tf.neg(tf.mean(p.forward(images, prompts, responses).logp)) as tf.Scalar, false, p.trainableVariables);
    step(); // Adam creates its slot variables on the first step
    const before = tf.memory().numTensors;
    for (const useKvCache of [true, false]) {
      const s = await p.sample(images, prompts, { groupSize: G, temperature: 1, topK: 3, maxNewTokens: T, seed: 1, useKvCache, returnLogits: true });
      disposeSample(s);
    }
    const out = p.forward(images, prompts, responses);
    tf.dispose([out.logp, out.entropy, out.values]);
    tf.dispose(p.responseLogits(images, prompts, responses));
    step();
    expect(tf.memory().numTensors).toBe(before);
    // A failing call (bad options) leaks nothing either.
    await expect(p.sample(images, prompts, { groupSize: 0, temperature: 1, topK: 0, maxNewTokens: 2, seed: 0 })).rejects.toThrow(/groupSize/);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    responses.dispose();
    p.dispose();
  });

  it('clone() is a frozen deep copy; copyWeightsFrom copies back', () => {
    const p = Policy.create(TINY_CONFIG, 5);
    const ref = p.clone();
    expect(ref.frozen).toBe(true);
    expect(ref.trainableVariables).toEqual([]);
    expect(ref.variables.every((v) => !v.trainable)).toBe(true);
    const responses = randomResponses(B, 4, 6);
    const a = p.forward(images, prompts, responses);
    const b = ref.forward(images, prompts, responses);
    expect(maxAbsDiff(a.logp, b.logp)).toBe(0);
    // Training the original leaves the clone alone...
    const opt = tf.train.adam(1e-2);
    opt.minimize(() => tf.neg(tf.mean(p.forward(images, prompts, responses).logp)) as tf.Scalar, false, p.trainableVariables);
    const c = ref.forward(images, prompts, responses);
    expect(maxAbsDiff(b.logp, c.logp)).toBe(0);
    const d = p.forward(images, prompts, responses);
    expect(maxAbsDiff(c.logp, d.logp)).toBeGreaterThan(0);
    // ...and copyWeightsFrom brings it level.
    ref.copyWeightsFrom(p);
    const e = ref.forward(images, prompts, responses);
    expect(maxAbsDiff(d.logp, e.logp)).toBe(0);
    const other = Policy.create({ ...TINY_CONFIG, dModel: 8 }, 0);
    expect(() => ref.copyWeightsFrom(other)).toThrow(/dModel is 8 in the source policy but 16 in this policy/);
    tf.dispose([a, b, c, d, e].flatMap((o) => [o.logp, o.entropy, o.values]));
    [p, ref, other].forEach((x) => x.dispose());
    opt.dispose();
    responses.dispose();
  });

  it('setWeights refuses missing, extra, misshapen and non-float weights, changing nothing', () => {
    const p = Policy.create(TINY_CONFIG, 6);
    const orig = p.getWeights();
    const cases: [string, (w: tf.NamedTensorMap) => tf.NamedTensorMap, RegExp][] = [
      ['missing', (w) => Object.fromEntries(Object.entries(w).filter(([k]) => k !== 'enc.pos')), /missing weight "enc\.pos" \[4, 16\]/],
      ['extra', (w) => ({ ...w, 'dec.h.9.attn.qkv.w': tf.zeros([2, 2]) }), /unexpected weight "dec\.h\.9\.attn\.qkv\.w"/],
      ['misshapen', (w) => ({ ...w, 'lm_head.w': tf.zeros([VOCAB_SIZE, 16]) }), /"lm_head\.w" has shape \[68, 16\] but the model expects \[16, 68\]/],
      ['int32', (w) => ({ ...w, 'value_head.b': tf.zeros([1], 'int32') }), /"value_head\.b" has dtype int32/],
    ];
    for (const [, make, message] of cases) {
      const bad = tf.tidy(() => {
        const zeros = Object.fromEntries(Object.entries(orig).map(([k, t]) => [k, tf.zerosLike(t)]));
        return make(zeros);
      });
      expect(() => p.setWeights(bad)).toThrow(message);
      tf.dispose(bad);
      const now = p.getWeights();
      for (const k of Object.keys(orig)) expect(now[k]!.dataSync()).toEqual(orig[k]!.dataSync());
      tf.dispose(now);
    }
    tf.dispose(orig);
    p.dispose();
  });

  it('validates inputs with clear messages', async () => {
    const bad = tf.zeros<tf.Rank.R4>([B, 8, 8, 3]);
    const two = randomResponses(B, 2, 0);
    expect(() => policy.forward(bad, prompts, two)).toThrow(/images must be \[N, 16, 16, 3\], got \[3, 8, 8, 3\]/);
    const long = randomResponses(B, T + 1, 0);
    expect(() => policy.forward(images, prompts, long)).toThrow(/maxResponseLen 8/);
    await expect(policy.sample(images, prompts, { groupSize: 1, temperature: 1, topK: 0, maxNewTokens: T + 1, seed: 0 })).rejects.toThrow(/maxNewTokens/);
    await expect(policy.sample(images, prompts, { groupSize: 1, temperature: 0, topK: 0, maxNewTokens: 2, seed: 0 })).rejects.toThrow(/temperature/);
    tf.dispose([bad, two, long]);
  });

  it('KV decoding also matches with no encoder blocks and two 4-head decoder layers', async () => {
    const cfg = ModelConfigSchema.parse({ ...TINY_CONFIG, encoderLayers: 0, nLayers: 2, nHeads: 4 });
    const p = Policy.create(cfg, 1);
    const s = await p.sample(images, prompts, { groupSize: 2, temperature: 1, topK: 0, maxNewTokens: 6, seed: 2, returnLogits: true });
    const [im2, pr2] = [tileRows(images, 2), tileRows(prompts, 2)];
    const full = p.responseLogits(im2, pr2, s.tokens);
    expect(maxAbsDiff(s.logits!, full)).toBeLessThan(1e-4);
    disposeSample(s);
    tf.dispose([full, im2, pr2]);
    p.dispose();
  });
});
