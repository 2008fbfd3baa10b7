import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileHandler } from '../../cli/fileHandler';
import { CHECKPOINT_FORMAT, Policy, checksum, loadCheckpoint, saveCheckpoint, type CheckpointTopology } from './index';
import { TINY_CONFIG } from './testing';

/** Save through withSaveHandler and hand back the artifacts, as a browser handler would see them. */
async function capture(policy: Policy, meta?: Record<string, string | number>): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await saveCheckpoint(
    policy,
    tf.io.withSaveHandler((a) => {
      saved = a;
      return Promise.resolve({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) });
    }),
    meta,
  );
  return saved!;
}

function weightsOf(policy: Policy): Record<string, Float32Array> {
  const w = policy.getWeights();
  const out = Object.fromEntries(Object.entries(w).map(([k, t]) => [k, t.dataSync() as Float32Array]));
  tf.dispose(w);
  return out;
}

function expectBitIdentical(a: Record<string, Float32Array>, b: Record<string, Float32Array>): void {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(a)) expect(Buffer.from(a[k]!.buffer).equals(Buffer.from(b[k]!.buffer)), k).toBe(true);
}

/** Re-encode a (modified) weight map with a consistent checksum, so only the intended fault remains. */
async function artifactsWith(base: tf.io.ModelArtifacts, weights: tf.NamedTensorMap, topo?: Partial<CheckpointTopology>): Promise<tf.io.ModelArtifacts> {
  const { data, specs } = await tf.io.encodeWeights(weights);
  return {
    ...base,
    modelTopology: { ...(base.modelTopology as object), weightsChecksum: checksum(data), ...topo },
    weightSpecs: specs,
    weightData: data,
  };
}

describe('checkpoints', () => {
  let source: Policy;
  let artifacts: tf.io.ModelArtifacts;
  let dir: string;

  beforeAll(async () => {
    source = Policy.create(TINY_CONFIG, 42);
    artifacts = await capture(source, { step: 12, task: 'count' });
    dir = await mkdtemp(join(tmpdir(), 'rft-ckpt-'));
  });
  afterAll(async () => {
    source.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores our topology: format, version, config, meta, checksum', () => {
    const topo = artifacts.modelTopology as unknown as CheckpointTopology;
    expect(topo.format).toBe(CHECKPOINT_FORMAT);
    expect(topo.version).toBe(1);
    expect(topo.config).toEqual(TINY_CONFIG);
    expect(topo.meta).toEqual({ step: 12, task: 'count' });
    expect(topo.weightsChecksum).toMatch(/^fnv1a32:[0-9a-f]{8}$/);
    expect(artifacts.weightSpecs!.map((s) => s.name)).toEqual([...source.net.store.byName.keys()]);
    expect(artifacts.weightSpecs!.every((s) => s.dtype === 'float32')).toBe(true);
  });

  it('round-trips through memory bit-identically (fromCheckpoint and loadCheckpoint)', async () => {
    const restored = await Policy.fromCheckpoint(tf.io.fromMemory(artifacts));
    expect(restored.config).toEqual(TINY_CONFIG);
    expectBitIdentical(weightsOf(restored), weightsOf(source));
    const other = Policy.create(TINY_CONFIG, 1);
    const meta = await other.loadCheckpoint(tf.io.fromMemory(artifacts));
    expect(meta).toEqual({ step: 12, task: 'count' });
    expectBitIdentical(weightsOf(other), weightsOf(source));
    const ck = await loadCheckpoint(tf.io.fromMemory(artifacts));
    expect(Object.keys(ck.weights).length).toBe(source.variables.length);
    tf.dispose(ck.weights);
    restored.dispose();
    other.dispose();
  });

  it('round-trips through fileHandler in a directory bit-identically', async () => {
    const target = join(dir, 'a', 'b'); // created on save
    await saveCheckpoint(source, fileHandler(target), { note: 'file' });
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect((await readFile(join(target, 'weights.bin'))).byteLength).toBe(source.numParams() * 4);
    const restored = await Policy.fromCheckpoint(fileHandler(target));
    expectBitIdentical(weightsOf(restored), weightsOf(source));
    restored.dispose();
  });

  it('fileHandler says which file is missing', async () => {
    await expect(fileHandler(join(dir, 'nothing-here')).load!()).rejects.toThrow(/No model in .*nothing-here: model\.json not found/);
    const target = join(dir, 'nobin');
    await saveCheckpoint(source, fileHandler(target));
    await rm(join(target, 'weights.bin'));
    await expect(Policy.fromCheckpoint(fileHandler(target))).rejects.toThrow(/weights\.bin named in .*model\.json not found/);
    await writeFile(join(target, 'model.json'), '{ not json');
    await expect(Policy.fromCheckpoint(fileHandler(target))).rejects.toThrow(/model\.json is not valid JSON/);
  });

  it('refuses a truncated weights.bin on disk', async () => {
    const target = join(dir, 'trunc');
    await saveCheckpoint(source, fileHandler(target));
    await truncate(join(target, 'weights.bin'), 1000);
    const p = Policy.create(TINY_CONFIG, 3);
    const before = weightsOf(p);
    await expect(p.loadCheckpoint(fileHandler(target))).rejects.toThrow(/weight data is 1000 bytes but the specs describe \d+ bytes \(truncated or corrupt\)/);
    expectBitIdentical(weightsOf(p), before);
    p.dispose();
  });

  describe('refuses bad checkpoints, keeping the current weights', () => {
    const cases: [string, () => tf.io.ModelArtifacts | Promise<tf.io.ModelArtifacts>, RegExp][] = [
      ['wrong format', () => ({ ...artifacts, modelTopology: { ...(artifacts.modelTopology as object), format: 'layers-model' } }), /format is "layers-model", expected "rft-playground-policy"/],
      ['wrong version', () => ({ ...artifacts, modelTopology: { ...(artifacts.modelTopology as object), version: 2 } }), /version 2 is not supported \(this build reads version 1\)/],
      ['no topology', () => ({ ...artifacts, modelTopology: undefined }), /no JSON modelTopology/],
      ['invalid config', () => ({ ...artifacts, modelTopology: { ...(artifacts.modelTopology as object), config: { ...TINY_CONFIG, dModel: 15 } } }), /invalid model config: nHeads: dModel must be a multiple of nHeads/],
      [
        'a different config',
        async () => {
          const other = Policy.create({ ...TINY_CONFIG, nLayers: 2 }, 0);
          const a = await capture(other);
          other.dispose();
          return a;
        },
        /config differs from this policy's: nLayers is 2 in the checkpoint but 1 in this policy/,
      ],
      [
        'a missing weight',
        async () => {
          const w = source.getWeights();
          const { ['enc.pos']: gone, ...rest } = w;
          const a = await artifactsWith(artifacts, rest);
          tf.dispose(w);
          void gone;
          return a;
        },
        /missing weight "enc\.pos" \[4, 16\]/,
      ],
      [
        'an extra weight',
        async () => {
          const w = source.getWeights();
          const extra = tf.zeros([3]);
          const a = await artifactsWith(artifacts, { ...w, 'critic.w': extra });
          tf.dispose([w, extra]);
          return a;
        },
        /unexpected weight "critic\.w"/,
      ],
      [
        'a misshapen weight',
        async () => {
          const w = source.getWeights();
          const wrong = tf.reshape(w['dec.h.0.attn.qkv.w']!, [48, 16]);
          const a = await artifactsWith(artifacts, { ...w, 'dec.h.0.attn.qkv.w': wrong });
          tf.dispose([w, wrong]);
          return a;
        },
        /weight "dec\.h\.0\.attn\.qkv\.w" has shape \[48, 16\] but the model expects \[16, 48\]/,
      ],
      [
        'truncated weight data',
        () => ({ ...artifacts, weightData: tf.io.CompositeArrayBuffer.join(artifacts.weightData).slice(0, 4000) }),
        /weight data is 4000 bytes but the specs describe \d+ bytes \(truncated or corrupt\)/,
      ],
      [
        'a flipped byte',
        () => {
          const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData).slice(0));
          bytes[1234] = bytes[1234]! ^ 0x10;
          return { ...artifacts, weightData: bytes.buffer };
        },
        /weight data is corrupt: checksum fnv1a32:[0-9a-f]{8} does not match the stored fnv1a32:[0-9a-f]{8}/,
      ],
      [
        'a NaN with a valid checksum',
        async () => {
          const w = source.getWeights();
          const data = w['proj.fc.w']!.dataSync().slice();
          data[5] = NaN;
          const bad = tf.tensor(data, w['proj.fc.w']!.shape);
          const a = await artifactsWith(artifacts, { ...w, 'proj.fc.w': bad });
          tf.dispose([w, bad]);
          return a;
        },
        /weight "proj\.fc\.w" contains NaN at index 5/,
      ],
      ['no weight data', () => ({ ...artifacts, weightData: undefined }), /no weight data/],
    ];

    it.each(cases)('%s', async (_name, make, message) => {
      const bad = await make();
      const p = Policy.create(TINY_CONFIG, 9);
      const before = weightsOf(p);
      const tensorsBefore = tf.memory().numTensors;
      await expect(p.loadCheckpoint(tf.io.fromMemory(bad))).rejects.toThrow(message);
      // fromCheckpoint takes the checkpoint's own config, so only a config mismatch is acceptable there.
      if (!/config differs/.test(message.source)) await expect(Policy.fromCheckpoint(tf.io.fromMemory(bad))).rejects.toThrow(message);
      expect(tf.memory().numTensors).toBe(tensorsBefore); // refused loads leak nothing
      expectBitIdentical(weightsOf(p), before);
      p.dispose();
    });
  });
});
