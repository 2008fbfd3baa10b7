/** `npm run eval`'s flags: usage, schema and parser (imported by eval.ts and tested in-process). */
import { z } from 'zod';
import { TASKS } from '../engine/tasks';
import { SPLITS, TASK_IDS } from '../engine/tasks/types';
import { NODE_BACKENDS } from './backend';
import { numArg, parseCli } from './args';

export const USAGE = `usage: npm run eval -- --task <${TASK_IDS.join('|')}> [--checkpoint DIR] [--split ${SPLITS.join('|')}] [--n 256]
       [--sample] [--k 1] [--temperature 1] (greedy unless --sample or k > 1: k samples per prompt give pass@k)
       (id: the training distribution; ood: novel answers; shift: visual shift, ID answers in pictures training never shows)
       [--difficulty mixed|1..]
       [--backend wasm|cpu] [--json]`;

const Args = z.object({
  task: z.enum(TASK_IDS, { message: `expected one of ${TASK_IDS.join(', ')}` }),
  checkpoint: z.string().optional(),
  split: z.enum(SPLITS, { message: `expected one of ${SPLITS.join(', ')} (id: training distribution, ood: novel answers, shift: visual shift)` }).default('id'),
  n: numArg(z.number().int().min(1).max(100_000)).default(256),
  k: numArg(z.number().int().min(1).max(64)).default(1),
  temperature: numArg(z.number().positive().max(10)).default(1),
  difficulty: z.union([z.literal('mixed'), numArg(z.number().int().min(1).max(10))], { message: 'expected mixed or a level 1, 2, ...' }).default('mixed'),
  backend: z.enum(NODE_BACKENDS).default('wasm'),
  sample: z.boolean().default(false),
  json: z.boolean().default(false),
}).superRefine((a, ctx) => {
  // The task's own levels: past them the engine would refuse later, with exit status 1.
  const levels = TASKS[a.task].levels;
  if (a.difficulty !== 'mixed' && a.difficulty > levels) ctx.addIssue({ code: 'custom', path: ['difficulty'], message: `the ${a.task} task has levels 1..${levels}` });
});

const OPTIONS = {
  task: { type: 'string' }, checkpoint: { type: 'string' }, split: { type: 'string' }, n: { type: 'string' },
  k: { type: 'string' }, temperature: { type: 'string' }, difficulty: { type: 'string' }, backend: { type: 'string' },
  sample: { type: 'boolean' }, json: { type: 'boolean' },
} as const;

/** The validated flags of `npm run eval`; throws UsageError on a bad one. */
export function parseEvalArgs(argv: string[]): z.infer<typeof Args> {
  return parseCli(argv, OPTIONS, Args);
}
