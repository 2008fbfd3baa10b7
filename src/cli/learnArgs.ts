/**
 * `npx tsx src/cli/learn.ts`'s flags: time to learn for one budget, seed by seed (the bench's
 * definition, src/bench/timeToLearn.ts, without the rest of the bench). Parsed and tested in-process.
 */
import { z } from 'zod';
import { PRESET_IDS } from '../engine/presets';
import { numArg, parseCli, UsageError } from './args';
import { parseSet } from './trainArgs';

export const USAGE = `usage: npx tsx src/cli/learn.ts [--preset grpo] [--seeds 1,2,3] [--max 300] [--set section.knob=value ...] [--out file.json]
Runs the preset (with each --set over it) from the warm start until greedy accuracy on 128 held-out ID prompts stands
15 points above the warm start's, once per seed, on Node's wasm backend; prints the curve (held-out accuracy, train
accuracy, format, entropy, KL, gradient norm, learning rate) and the CPU milliseconds of each training iteration.
--max: iterations after which a seed counts as not reached.`;

const Args = z.object({
  preset: z.enum(PRESET_IDS, { message: `expected one of ${PRESET_IDS.join(', ')}` }).default('grpo'),
  seeds: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'expected seeds separated by commas, e.g. 1,2,3')
    .transform((s) => s.split(',').map(Number))
    .default([1]),
  max: numArg(z.number().int().min(10).max(10_000)).default(300),
  set: z.array(z.string()).default([]),
  out: z.string().min(1).optional(),
});
export type LearnArgs = z.infer<typeof Args>;

const OPTIONS = {
  preset: { type: 'string' },
  seeds: { type: 'string' },
  max: { type: 'string' },
  set: { type: 'string', multiple: true },
  out: { type: 'string' },
} as const;

export function parseLearnArgs(argv: string[]): LearnArgs {
  return parseCli(argv, OPTIONS, Args);
}

/** --set pairs as time to learn's settings (each path checked against RunConfig, as train's --set). */
export function learnSetSettings(args: LearnArgs): Record<string, string | number | boolean> {
  return Object.fromEntries(
    args.set.map((item) => {
      const { path, value } = parseSet(item);
      if (typeof value === 'object' && value !== null) throw new UsageError(`--set: ${path} takes a number, a boolean or a word, not ${JSON.stringify(value)}`);
      return [path, typeof value === 'number' || typeof value === 'boolean' ? value : String(value)];
    }),
  );
}
