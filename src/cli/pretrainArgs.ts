/** `npm run pretrain`'s flags: usage, schema and parser (imported by pretrain.ts and tested in-process). */
import { z } from 'zod';
import { TASK_IDS } from '../engine/tasks/types';
import { NODE_BACKENDS } from './backend';
import { parseCli } from './args';

export const USAGE = `usage: npm run pretrain -- [--task all|${TASK_IDS.join('|')}] [--out public/checkpoints] [--backend wasm|cpu]`;

const Args = z.object({
  task: z.enum(['all', ...TASK_IDS], { message: `expected all or one of ${TASK_IDS.join(', ')}` }).default('all'),
  out: z.string().min(1).default('public/checkpoints'),
  backend: z.enum(NODE_BACKENDS).default('wasm'),
});
const OPTIONS = { task: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' } } as const;

/** The validated flags of `npm run pretrain`; throws UsageError on a bad one. */
export function parsePretrainArgs(argv: string[]): z.infer<typeof Args> {
  return parseCli(argv, OPTIONS, Args);
}
