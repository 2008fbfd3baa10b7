/**
 * `npm run lessons`'s flags: usage, schema and parser. Imported by lessons.ts and tested in-process.
 */
import { z } from 'zod';
import { LESSONS } from '../app/lessons';
import { parseCli } from './args';
import { NODE_BACKENDS } from './backend';

export const DEFAULT_REFERENCE = 'src/app/lessons/reference.json';

export const USAGE = `usage: npm run lessons -- [--check] [--lesson ${LESSONS.map((l) => l.id).join(',')}] [--seeds 1,2,3]
       [--backend wasm|cpu] [--write] [--out ${DEFAULT_REFERENCE}] [--quiet]
  without --check: each lesson's promise and the committed table (${DEFAULT_REFERENCE})
  --check: train every arm of each lesson on every seed and report promise against measured (exit 1 if any fails)
  --write: also store the measured curves and numbers in --out (merged with the lessons already there)`;

const ids = new Set(LESSONS.map((l) => l.id));

const Args = z.object({
  check: z.boolean().default(false),
  // Default: every lesson (--check skips those that declare no promise).
  lesson: z
    .string()
    .optional()
    .transform((s) => s ?? LESSONS.map((l) => l.id).join(','))
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(
      z
        .array(z.string().refine((id) => ids.has(id), { message: `expected lesson ids among ${[...ids].join(', ')}` }))
        .min(1, 'expected at least one lesson id'),
    ),
  seeds: z
    .string()
    .default('1,2,3')
    .refine((s) => /^\d+(,\d+)*$/.test(s.trim()), 'expected seeds as comma-separated whole numbers, e.g. 1,2,3')
    .transform((s) => [...new Set(s.trim().split(',').map(Number))]),
  backend: z.enum(NODE_BACKENDS).default('wasm'),
  write: z.boolean().default(false),
  out: z.string().min(1).default(DEFAULT_REFERENCE),
  quiet: z.boolean().default(false),
});
const OPTIONS = {
  check: { type: 'boolean' },
  lesson: { type: 'string' },
  seeds: { type: 'string' },
  backend: { type: 'string' },
  write: { type: 'boolean' },
  out: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;
export type LessonsArgs = z.infer<typeof Args>;

export function parseLessonsArgs(argv: string[]): LessonsArgs {
  return parseCli(argv, OPTIONS, Args);
}
