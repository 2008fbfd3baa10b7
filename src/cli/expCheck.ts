/**
 * npm run exp-check [-- --kernel exp|gumbel] [--chunk-log2 22]
 *
 * Two of the engine's wasm kernels are meant to give the bits of what they replace, not merely
 * close values, over inputs too many for a unit test; this runs one over its whole domain, in
 * chunks, and counts every output whose bits differ (two NaNs count as equal: a payload is not a
 * value). Exit 1 on any difference.
 *   - exp (../engine/model/kernels/exp.wat, musl's expf in SIMD): ALL 2^32 float32 bit patterns,
 *     beside tfjs's own Exp kernel on the same backend. About a minute on one core.
 *   - gumbel (../engine/model/kernels/gumbel.wat, sampling's noise): ALL 2^32 draws of the
 *     generator (its states form one cycle of 2^32, so every draw's mixing input appears once),
 *     beside ../engine/model/sampling.ts's gumbelNoise in JavaScript. About three minutes.
 * The unit tests (wasmExp.test.ts, wasmGumbel.test.ts) check samples in every CI run; this is the
 * whole domain, for when a kernel changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { parseCli, runCli } from './args';
import { initBackend } from './backend';
import { expKernels, unpatchWasmExp } from '../engine/model/wasmExp';
import { gumbelKernels } from '../engine/model/wasmGumbel';
import { gumbelNoise } from '../engine/model/sampling';
import type { WasmBackend } from '../engine/model/wasmModule';

const USAGE = 'usage: npm run exp-check [-- --kernel exp|gumbel] [--chunk-log2 22]';
const ArgsSchema = z.object({
  kernel: z.enum(['exp', 'gumbel']).default('exp'),
  'chunk-log2': z.coerce.number().int().min(10).max(24).default(22),
});

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

/** Draws [start, start + n) of the generator whose state before draw 0 is 0: ours in the heap, the JavaScript's in an array. How many differ. */
function compareGumbelChunk(be: Backend, start: number, n: number, examples: string[]): number {
  const ours = be.makeOutput([n], 'float32');
  try {
    const before = Math.imul(start, 0x6d2b79f5) >>> 0; // the state before draw `start`
    gumbelKernels.get(be)!(before, be.getMemoryOffset(ours.dataId), n);
    const theirs = new Uint32Array(gumbelNoise((before ^ 0x9e3779b9) >>> 0, n).buffer); // the seed whose Rng starts at that state
    const h = be.wasm.HEAPU32;
    const a = be.getMemoryOffset(ours.dataId) >>> 2;
    let differ = 0;
    for (let i = 0; i < n; i++) {
      if (h[a + i] === theirs[i]) continue;
      differ++;
      if (examples.length < 10) examples.push(`draw ${start + i}: ours 0x${h[a + i]!.toString(16)}, JavaScript 0x${theirs[i]!.toString(16)}`);
    }
    return differ;
  } finally {
    be.disposeData(ours.dataId);
  }
}

runCli(USAGE, async () => {
  const args = parseCli(process.argv.slice(2), { kernel: { type: 'string' }, 'chunk-log2': { type: 'string' } }, ArgsSchema);
  await initBackend('wasm');
  unpatchWasmExp(); // initBackend put our kernel under the name Exp: compare with tfjs's own
  const be = tf.backend() as unknown as Backend;
  if (!(args.kernel === 'exp' ? expKernels : gumbelKernels).get(be)) throw new Error(`The engine's ${args.kernel} kernel does not run here (no SIMD, or no wasm memory found).`);
  const compare = args.kernel === 'exp' ? compareChunk : compareGumbelChunk;
  const chunk = 2 ** args['chunk-log2'];
  const started = performance.now();
  const examples: string[] = [];
  let differ = 0;
  for (let start = 0; start < 2 ** 32; start += chunk) {
    differ += compare(be, start, chunk, examples);
    if ((start / chunk) % 64 === 63) process.stdout.write(`  ${(((start + chunk) / 2 ** 32) * 100).toFixed(0)}% of inputs, ${differ} differ so far\n`);
  }
  const against = args.kernel === 'exp' ? "tfjs's Exp" : "the JavaScript's gumbelNoise";
  process.stdout.write(`${args.kernel}: ${differ} of 2^32 inputs differ from ${against} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  for (const e of examples) process.stdout.write(`  ${e}\n`);
  if (differ > 0) process.exitCode = 1;
});
