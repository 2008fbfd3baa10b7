/**
 * npx tsx src/cli/motionShortcut.ts [--checkpoints public/checkpoints/motion,DIR,...] [--n 256] [--backend wasm|cpu]
 *
 * Does a motion policy read the order of the frames, or answer from single frames? Greedy
 * accuracy of each checkpoint on the same n held-out level-1 ID prompts, split by question
 * ("which way" / "how many frames"), with the four frames (1) in order, (2) shuffled (the same
 * seeded orders T-GRPO uses, never the original one), and (3) the last frame shown four times.
 * A policy that reads the order loses its "which way" answers when the frames are shuffled; one
 * that answers from the last frame keeps them when it is all it sees. Frame counts do not
 * depend on the order, so their shuffled accuracy should stay.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { DEFAULT_MAX_NEW_TOKENS } from '../engine/config';
import { Policy } from '../engine/model';
import { parseResponse } from '../engine/rewards/parse';
import { TASKS, isCorrectAnswer } from '../engine/tasks';
import { FRAMES, shuffleFrames, tileSize } from '../engine/tasks/motion';
import type { TaskInstance } from '../engine/tasks/types';
import { instancesToTensors, rows } from '../engine/train/batch';
import { heldOutInstances } from '../engine/train/evaluate';
import { numArg, parseCli, runCli } from './args';
import { NODE_BACKENDS, initBackend } from './backend';
import { fileHandler } from './fileHandler';

const USAGE = 'usage: npx tsx src/cli/motionShortcut.ts [--checkpoints public/checkpoints/motion,DIR,...] [--n 256] [--backend wasm|cpu]';
const Args = z.object({
  checkpoints: z.string().min(1).default('public/checkpoints/motion'),
  n: numArg(z.number().int().min(1).max(100_000)).default(256),
  backend: z.enum(NODE_BACKENDS).default('wasm'),
});
const OPTIONS = { checkpoints: { type: 'string' }, n: { type: 'string' }, backend: { type: 'string' } } as const;

/** The image with every tile replaced by the last frame's. */
function lastFrameOnly(image: Float32Array, size: number): Float32Array {
  const t = tileSize(size);
  const out = new Float32Array(image);
  const [lx, ly] = [((FRAMES - 1) % 2) * t, Math.floor((FRAMES - 1) / 2) * t];
  for (let k = 0; k < FRAMES; k++) {
    const [ox, oy] = [(k % 2) * t, Math.floor(k / 2) * t];
    for (let y = 0; y < t; y++) out.set(image.subarray(((ly + y) * size + lx) * 3, ((ly + y) * size + lx + t) * 3), ((oy + y) * size + ox) * 3);
  }
  return out;
}

async function accuracy(policy: Policy, instances: readonly TaskInstance[]): Promise<number> {
  let right = 0;
  for (let s = 0; s < instances.length; s += 64) {
    const chunk = instances.slice(s, s + 64);
    const { images, prompts } = instancesToTensors(chunk, policy.config.promptLen);
    const out = await policy.sample(images, prompts, { groupSize: 1, temperature: 1, topK: 0, maxNewTokens: DEFAULT_MAX_NEW_TOKENS, seed: s, greedy: true });
    rows(out.tokenIds, chunk.length, DEFAULT_MAX_NEW_TOKENS).forEach((r, i) => {
      if (isCorrectAnswer(chunk[i]!, parseResponse(r).answer)) right++;
    });
    tf.dispose([images, prompts, out.tokens, out.logp, out.mask]);
  }
  return right / instances.length;
}

const cell = (acc: number, n: number): string => `${(100 * acc).toFixed(1)} ± ${(100 * Math.sqrt((acc * (1 - acc)) / n)).toFixed(1)}`;

runCli(USAGE, async () => {
  const args = parseCli(process.argv.slice(2), OPTIONS, Args);
  await initBackend(args.backend);
  const all = heldOutInstances(TASKS.motion, { split: 'id', n: args.n, difficulty: 1, imageSize: 32, jitter: 0.5 });
  const way = all.filter((i) => i.promptTokens.length === 6);
  const frames = all.filter((i) => i.promptTokens.length === 7);
  const shuffled = (xs: readonly TaskInstance[]) => xs.map((i) => ({ ...i, image: shuffleFrames(i.image, i.imageSize, i.seed) }));
  const last = (xs: readonly TaskInstance[]) => xs.map((i) => ({ ...i, image: lastFrameOnly(i.image, i.imageSize) }));
  process.stdout.write(`| checkpoint | which way: in order | shuffled | last frame only | how many frames: in order | shuffled |\n|---|---|---|---|---|---|\n`);
  process.stdout.write(`| (n) | ${way.length} | ${way.length} | ${way.length} | ${frames.length} | ${frames.length} |\n`);
  for (const dir of args.checkpoints.split(',')) {
    const policy = await Policy.fromCheckpoint(fileHandler(dir));
    const cells = [await accuracy(policy, way), await accuracy(policy, shuffled(way)), await accuracy(policy, last(way))].map((a) => cell(a, way.length));
    const fcells = [await accuracy(policy, frames), await accuracy(policy, shuffled(frames))].map((a) => cell(a, frames.length));
    policy.dispose();
    process.stdout.write(`| ${dir} | ${[...cells, ...fcells].join(' | ')} |\n`);
  }
});
