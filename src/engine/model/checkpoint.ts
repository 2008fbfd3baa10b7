/**
 * Policy checkpoints through any tf.io.IOHandler (files in Node, IndexedDB or memory in the
 * browser). The topology is ours, not a tfjs-layers model:
 *   modelTopology = { format: 'rft-playground-policy', version: 1, config, meta, weightsChecksum }
 * and the weights are tf.io.encodeWeights' specs + one binary blob.
 *
 * Loading is suspicious by design: a wrong format or version, an invalid config, truncated or
 * corrupt bytes (length, checksum, non-finite values) are refused here with an Error naming
 * the problem; names and shapes are checked against the receiving Policy by Policy.setWeights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { ModelConfigSchema, type ModelConfig } from './config';
import type { Policy } from './policy';

export const CHECKPOINT_FORMAT = 'rft-playground-policy';
export const CHECKPOINT_VERSION = 1;

export type CheckpointMeta = Record<string, string | number>;

export interface CheckpointTopology {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  config: ModelConfig;
  meta: CheckpointMeta;
  /** "fnv1a32:xxxxxxxx" of the weight bytes: catches corruption that keeps the length. */
  weightsChecksum: string;
}

export interface LoadedCheckpoint {
  config: ModelConfig;
  /** name -> tensor; the caller disposes them. */
  weights: tf.NamedTensorMap;
  meta: CheckpointMeta;
}

const MetaSchema = z.record(z.string(), z.union([z.string(), z.number()]));

/** FNV-1a (32 bit) over bytes: cheap, and enough to notice flipped or shuffled bytes. */
export function checksum(data: ArrayBuffer): string {
  const bytes = new Uint8Array(data);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return `fnv1a32:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

function refuse(what: string): never {
  throw new Error(`Checkpoint refused: ${what}.`);
}

/** Save the policy's config, weights and `meta` (e.g. step, task, date) through `handler`. */
export async function saveCheckpoint(policy: Policy, handler: tf.io.IOHandler, meta: CheckpointMeta = {}): Promise<tf.io.SaveResult> {
  if (!handler.save) throw new Error('saveCheckpoint: this IOHandler cannot save (it has no save method).');
  const parsedMeta = MetaSchema.parse(meta);
  const weights = policy.getWeights();
  try {
    const { data, specs } = await tf.io.encodeWeights(weights);
    const topology: CheckpointTopology = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      config: policy.config,
      meta: parsedMeta,
      weightsChecksum: checksum(data),
    };
    return await handler.save({
      modelTopology: topology,
      weightSpecs: specs,
      weightData: data,
      format: CHECKPOINT_FORMAT,
      generatedBy: 'rft-playground',
      convertedBy: null,
    });
  } finally {
    tf.dispose(weights);
  }
}

/** Read and validate a checkpoint. Throws an Error saying exactly what is wrong. */
export async function loadCheckpoint(handler: tf.io.IOHandler): Promise<LoadedCheckpoint> {
  if (!handler.load) throw new Error('loadCheckpoint: this IOHandler cannot load (it has no load method).');
  const art = await handler.load();
  const topo = art.modelTopology;
  if (topo == null || typeof topo !== 'object' || topo instanceof ArrayBuffer) refuse('it has no JSON modelTopology (not an rft-playground policy checkpoint)');
  const t = topo as Record<string, unknown>;
  if (t.format !== CHECKPOINT_FORMAT) refuse(`format is ${JSON.stringify(t.format)}, expected "${CHECKPOINT_FORMAT}"`);
  if (t.version !== CHECKPOINT_VERSION) refuse(`version ${JSON.stringify(t.version)} is not supported (this build reads version ${CHECKPOINT_VERSION})`);

  const config = ModelConfigSchema.safeParse(t.config);
  if (!config.success) {
    refuse(`invalid model config: ${config.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const meta = MetaSchema.safeParse(t.meta ?? {});
  if (!meta.success) refuse('meta must map names to strings or numbers');

  const specs = art.weightSpecs;
  if (!Array.isArray(specs)) refuse('it has no weight specs');
  const seen = new Set<string>();
  let expectedBytes = 0;
  for (const s of specs) {
    if (s.dtype !== 'float32') refuse(`weight "${s.name}" has dtype ${s.dtype}; checkpoints hold float32 only`);
    if (s.quantization) refuse(`weight "${s.name}" is quantized; checkpoints hold plain float32 only`);
    if (seen.has(s.name)) refuse(`weight "${s.name}" appears twice`);
    seen.add(s.name);
    expectedBytes += s.shape.reduce((a, b) => a * b, 1) * 4;
  }
  if (art.weightData == null) refuse('it has no weight data');
  const data = tf.io.CompositeArrayBuffer.join(art.weightData);
  if (data.byteLength !== expectedBytes) {
    refuse(`weight data is ${data.byteLength} bytes but the specs describe ${expectedBytes} bytes (truncated or corrupt)`);
  }
  const stored = t.weightsChecksum;
  const actual = checksum(data);
  if (typeof stored !== 'string') refuse('it has no weightsChecksum');
  if (stored !== actual) refuse(`weight data is corrupt: checksum ${actual} does not match the stored ${stored}`);

  // Non-finite values would poison training silently; name the first weight that has one.
  const floats = new Float32Array(data);
  let offset = 0;
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    for (let i = offset; i < offset + size; i++) {
      if (!Number.isFinite(floats[i]!)) refuse(`weight "${s.name}" contains ${floats[i]} at index ${i - offset}`);
    }
    offset += size;
  }

  const weights = tf.io.decodeWeights(data, specs);
  return { config: config.data, weights, meta: meta.data };
}
