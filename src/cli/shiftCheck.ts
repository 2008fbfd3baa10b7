/**
 * npx tsx src/cli/shiftCheck.ts [--n 1024] [--difficulty mixed|1..3] [--backend wasm|cpu]
 *
 * The check behind each task's visual-shift split (README, "Two kinds of OOD"): greedy accuracy
 * of the committed warm start on ID and on visual-shift prompts, each beside its picture-blind
 * baseline, the accuracy the same answers would get if they ignored the picture (answers
 * shuffled over the prompts: sum over answers a of share-said(a) x share-gold(a)). A shift is
 * tuned when the warm start's shift accuracy lies above that baseline and below its ID accuracy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_TASK_SETTINGS } from '../engine/config';
import { Policy } from '../engine/model';
import { parseResponse } from '../engine/rewards/parse';
import { TASKS } from '../engine/tasks';
import { TASK_IDS, type Split } from '../engine/tasks/types';
import { instancesToTensors, rows } from '../engine/train/batch';
import { heldOutInstances } from '../engine/train/evaluate';
import { numArg, parseCli, runCli } from './args';
import { NODE_BACKENDS, initBackend } from './backend';
import { fileHandler } from './fileHandler';

const USAGE = 'usage: npx tsx src/cli/shiftCheck.ts [--n 1024] [--difficulty mixed|1..3] [--backend wasm|cpu]';
const Args = z.object({
  n: numArg(z.number().int().min(1).max(100_000)).default(1024),
  difficulty: z.union([z.literal('mixed'), numArg(z.number().int().min(1).max(3))], { message: 'expected mixed or a level 1, 2, 3' }).default('mixed'),
  backend: z.enum(NODE_BACKENDS).default('wasm'),
});
const OPTIONS = { n: { type: 'string' }, difficulty: { type: 'string' }, backend: { type: 'string' } } as const;

const pct = (x: number): string => (100 * x).toFixed(1);

/** Greedy accuracy, its standard error, and the picture-blind baseline of the same answers. */
async function measure(policy: Policy, taskId: (typeof TASK_IDS)[number], split: Split, n: number, difficulty: number | 'mixed'): Promise<string> {
  const instances = heldOutInstances(TASKS[taskId], { split, n, difficulty, imageSize: policy.config.imageSize, jitter: DEFAULT_TASK_SETTINGS.jitter });
  const said: (string | null)[] = [];
  for (let s = 0; s < instances.length; s += 64) {
    const chunk = instances.slice(s, s + 64);
    const { images, prompts } = instancesToTensors(chunk, policy.config.promptLen);
    const out = await policy.sample(images, prompts, { groupSize: 1, temperature: 1, topK: 0, maxNewTokens: DEFAULT_MAX_NEW_TOKENS, seed: s, greedy: true });
    for (const r of rows(out.tokenIds, chunk.length, DEFAULT_MAX_NEW_TOKENS)) said.push(parseResponse(r).answer);
    tf.dispose([images, prompts, out.tokens, out.logp, out.mask]);
  }
  const gold = instances.map((i) => i.answer);
  const acc = gold.filter((g, i) => said[i] === g).length / n;
  const share = (xs: (string | null)[]) => xs.reduce((m, x) => (x === null ? m : m.set(x, (m.get(x) ?? 0) + 1 / n)), new Map<string, number>());
  const goldShare = share(gold);
  const blind = [...share(said)].reduce((sum, [a, q]) => sum + q * (goldShare.get(a) ?? 0), 0);
  return `${pct(acc)} ± ${pct(Math.sqrt((acc * (1 - acc)) / n))} (blind ${pct(blind)})`;
}

runCli(USAGE, async () => {
  const args = parseCli(process.argv.slice(2), OPTIONS, Args);
  await initBackend(args.backend);
  process.stdout.write(`| task | ID accuracy (blind) | visual-shift accuracy (blind) |\n|---|---|---|\n`);
  for (const t of TASK_IDS) {
    const policy = await Policy.fromCheckpoint(fileHandler(`public/checkpoints/${t}`));
    const id = await measure(policy, t, 'id', args.n, args.difficulty);
    const shift = await measure(policy, t, 'shift', args.n, args.difficulty);
    policy.dispose();
    process.stdout.write(`| \`${t}\` | ${id} | ${shift} |\n`);
  }
});
