/**
 * A tf.io.IOHandler for Node that keeps a model in a directory as `model.json` (topology,
 * weight specs) + `weights.bin` (the raw weights) — the layout `tf.loadLayersModel('file://')`
 * uses, without depending on tfjs-node. The CLIs save and load policy checkpoints with it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e).code) : undefined;
}

/** Write via a temporary file and rename, so a crash never leaves half a file under the real name. */
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export function fileHandler(dir: string): tf.io.IOHandler {
  const root = resolve(dir);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('fileHandler: binary model topologies are not supported.');
      await mkdir(root, { recursive: true });
      const weights = artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      // Weights first: model.json is what marks a checkpoint as present and complete.
      await writeAtomic(join(root, WEIGHTS_BIN), new Uint8Array(weights));
      await writeAtomic(join(root, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights }) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(root, MODEL_JSON);
      let text: string;
      try {
        text = await readFile(jsonPath, 'utf8');
      } catch (e) {
        if (errorCode(e) === 'ENOENT') throw new Error(`No model in ${root}: ${MODEL_JSON} not found.`, { cause: e });
        throw e;
      }
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(text) as tf.io.ModelJSON;
      } catch (e) {
        throw new Error(`${jsonPath} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      if (!Array.isArray(json.weightsManifest)) throw new Error(`${jsonPath} has no weightsManifest array.`);
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) {
          const path = resolve(root, p);
          if (!path.startsWith(root + sep)) throw new Error(`${jsonPath} points outside its directory: ${p}`);
          let bytes: Buffer;
          try {
            bytes = await readFile(path);
          } catch (e) {
            if (errorCode(e) === 'ENOENT') throw new Error(`Weights file ${path} named in ${jsonPath} not found.`, { cause: e });
            throw e;
          }
          // Copy into a standalone ArrayBuffer: a Node Buffer may be a view into a shared pool.
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        }
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs,
        weightData: tf.io.CompositeArrayBuffer.join(buffers),
      };
    },
  };
}
