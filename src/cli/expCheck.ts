/**
 * npm run exp-check [-- --chunk-log2 22]
 *
 * The engine's wasm Exp (../engine/model/kernels/exp.wat, musl's expf in SIMD) is meant to give
 * tfjs's bits, not merely close values: this runs it on ALL 2^32 float32 bit patterns, in
 * chunks, beside tfjs's own Exp kernel on the same backend, and counts every input whose output
 * bits differ (two NaNs count as equal: a payload is not a value). Exit 1 on any difference.
 * About a minute on one core. ../engine/model/wasmExp.test.ts checks a 2^20 sample of the same
 * inputs in every CI run; this is the whole domain, for when the kernel changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { parseCli, runCli } from './args';
import { initBackend } from './backend';
import { expKernels, unpatchWasmExp } from '../engine/model/wasmExp';
import type { WasmBackend } from '../engine/model/wasmModule';

const USAGE = 'usage: npm run exp-check [-- --chunk-log2 22]';
const ArgsSchema = z.object({ 'chunk-log2': z.coerce.number().int().min(10).max(24).default(22) });

type Backend = WasmBackend & { disposeData(dataId: object): boolean; wasm: { HEAPU32: Uint32Array } };

const isNaNBits = (w: number) => (w & 0x7f800000) === 0x7f800000 && (w & 0x7fffff) !== 0;

/** Inputs [start, start + n) as bit patterns, through our kernel and through tfjs's: how many outputs differ. */
function compareChunk(be: Backend, start: number, n: number, examples: string[]): number {
  const x = be.makeOutput([n], 'float32');
  const ours = be.makeOutput([n], 'float32');
  let theirs: tf.TensorInfo | null = null;
  try {
    const xOff = be.getMemoryOffset(x.dataId) >>> 2;
    const bits = be.wasm.HEAPU32; // read after the allocations: a growing heap detaches older views
    for (let i = 0; i < n; i++) bits[xOff + i] = start + i;
    theirs = tf.getKernel('Exp', 'wasm').kernelFunc({ inputs: { x }, backend: be, attrs: {} }) as tf.TensorInfo;
    expKernels.get(be)!(be.getMemoryOffset(x.dataId), be.getMemoryOffset(ours.dataId), n);
    const h = be.wasm.HEAPU32;
    const a = be.getMemoryOffset(ours.dataId) >>> 2;
    const b = be.getMemoryOffset(theirs.dataId) >>> 2;
    let differ = 0;
    for (let i = 0; i < n; i++) {
      const u = h[a + i]!;
      const v = h[b + i]!;
      if (u === v || (isNaNBits(u) && isNaNBits(v))) continue;
      differ++;
      if (examples.length < 10) examples.push(`x bits 0x${(start + i).toString(16)}: ours 0x${u.toString(16)}, tfjs 0x${v.toString(16)}`);
    }
    return differ;
  } finally {
    for (const t of [x, ours, theirs]) if (t) be.disposeData(t.dataId);
  }
}

runCli(USAGE, async () => {
  const args = parseCli(process.argv.slice(2), { 'chunk-log2': { type: 'string' } }, ArgsSchema);
  await initBackend('wasm');
  unpatchWasmExp(); // initBackend put our kernel under the name Exp: compare with tfjs's own
  const be = tf.backend() as unknown as Backend;
  if (!expKernels.get(be)) throw new Error("The engine's Exp kernel does not run here (no SIMD, or no wasm memory found).");
  const chunk = 2 ** args['chunk-log2'];
  const started = performance.now();
  const examples: string[] = [];
  let differ = 0;
  for (let start = 0; start < 2 ** 32; start += chunk) {
    differ += compareChunk(be, start, chunk, examples);
    if ((start / chunk) % 64 === 63) process.stdout.write(`  ${(((start + chunk) / 2 ** 32) * 100).toFixed(0)}% of inputs, ${differ} differ so far\n`);
  }
  process.stdout.write(`exp: ${differ} of 2^32 inputs differ from tfjs's Exp (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  for (const e of examples) process.stdout.write(`  ${e}\n`);
  if (differ > 0) process.exitCode = 1;
});
