/**
 * npm run eval -- --task digit-sum --checkpoint public/checkpoints/digit-sum --split ood [--json]
 * Held-out accuracy, pass@k, format rate and mean length of a checkpoint.
 */
import { z } from 'zod';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_TASK_SETTINGS } from '../engine/config';
import { Policy } from '../engine/model';
import { TASKS } from '../engine/tasks';
import { TASK_IDS } from '../engine/tasks/types';
import { evaluate } from '../engine/train/evaluate';
import { NODE_BACKENDS, initBackend } from './backend';
import { fileHandler } from './fileHandler';
import { numArg, parseCli, runCli } from './args';
import { Progress } from './progress';
import { formatEvalTable } from './evalTable';

const USAGE = `usage: npm run eval -- --task <${TASK_IDS.join('|')}> [--checkpoint DIR] [--split id|ood] [--n 256]
       [--sample] [--k 1] [--temperature 1] (greedy unless --sample or k > 1: k samples per prompt give pass@k)
       [--difficulty mixed|1..]
       [--backend wasm|cpu] [--json]`;

const Args = z.object({
  task: z.enum(TASK_IDS, { message: `expected one of ${TASK_IDS.join(', ')}` }),
  checkpoint: z.string().optional(),
  split: z.enum(['id', 'ood']).default('id'),
  n: numArg(z.number().int().min(1).max(100_000)).default(256),
  k: numArg(z.number().int().min(1).max(64)).default(1),
  temperature: numArg(z.number().positive().max(10)).default(1),
  difficulty: z.union([z.literal('mixed'), numArg(z.number().int().min(1).max(10))]).default('mixed'),
  backend: z.enum(NODE_BACKENDS).default('wasm'),
  sample: z.boolean().default(false),
  json: z.boolean().default(false),
});

const OPTIONS = {
  task: { type: 'string' }, checkpoint: { type: 'string' }, split: { type: 'string' }, n: { type: 'string' },
  k: { type: 'string' }, temperature: { type: 'string' }, difficulty: { type: 'string' }, backend: { type: 'string' },
  sample: { type: 'boolean' }, json: { type: 'boolean' },
} as const;


runCli(USAGE, async () => {
  const args = parseCli(process.argv.slice(2), OPTIONS, Args);
  await initBackend(args.backend);
  const task = TASKS[args.task];
  const policy = await Policy.fromCheckpoint(fileHandler(args.checkpoint ?? `public/checkpoints/${args.task}`));
  const progress = new Progress(`eval ${args.task}/${args.split}`, args.n, args.json);
  const result = await evaluate(policy, task, {
    split: args.split,
    n: args.n,
    difficulty: args.difficulty,
    imageSize: policy.config.imageSize,
    jitter: DEFAULT_TASK_SETTINGS.jitter,
    maxNewTokens: DEFAULT_MAX_NEW_TOKENS,
    mode: args.sample || args.k > 1 ? { kind: 'sampled', k: args.k, temperature: args.temperature } : { kind: 'greedy' },
    onProgress: (d) => progress.update(d),
  });
  progress.done();
  policy.dispose();
  const { task: t, split, n, accuracy, passAtK, formatRate, meanLength } = result;
  process.stdout.write(args.json ? `${JSON.stringify({ task: t, split, n, accuracy, passAtK, formatRate, meanLength })}\n` : `${formatEvalTable([result])}\n`);
});
