/**
 * `npm run bench`'s flags: usage, schema, parser, and the backends they select (imported by
 * bench.ts and tested in-process).
 */
import { z } from 'zod';
import { BROWSER_BACKENDS } from '../bench/schema';
import { NODE_BACKENDS, type NodeBackend } from './backend';
import { PRESET_IDS } from '../engine/presets';
import { parseSet } from './trainArgs';
import { numArg, parseCli, UsageError } from './args';

export const USAGE = `usage: npm run bench -- [--only all|node|browser|generate] [--backends ${[...new Set([...NODE_BACKENDS, ...BROWSER_BACKENDS])].join(',')}]
       [--iterations 3] [--growth 200] [--growth-at 10] [--growth-config tiny|default] [--limits-ms 150]
       [--prompts 8] [--group 8] [--repeats 3] [--fps-seconds 10] [--port 4390] [--out bench] [--profile]
       [--threads 1,2] [--learn-seeds 1|1,2,3|none] [--learn-preset grpo] [--learn-set section.knob=value ...]
--backends filters both environments (cpu and wasm run in Node and in the browser); --only generate is Node's generation benchmark alone.
--threads: the browser's wasm runs once per thread count (default: 1 and every core, at most 8); Node's wasm has one thread.
--learn-seeds: time to learn (the default preset until held-out accuracy is 15 points up) on wasm, once per seed; none skips it.
--learn-preset, --learn-set: the preset time to learn runs (default grpo, the app's default) and knobs set over it.`;

const Args = z
  .object({
    only: z.enum(['all', 'node', 'browser', 'generate'], { message: 'expected all, node, browser or generate' }).default('all'),
    backends: z.string().optional(),
    iterations: numArg(z.number().int().min(1).max(50)).default(3),
    growth: numArg(z.number().int().min(0).max(10_000)).default(200),
    'growth-at': numArg(z.number().int().min(1).max(10_000)).default(10),
    'growth-config': z.enum(['tiny', 'default'], { message: 'expected tiny or default' }).default('tiny'),
    'limits-ms': numArg(z.number().int().min(10).max(10_000)).default(150),
    prompts: numArg(z.number().int().min(1).max(64)).default(8),
    group: numArg(z.number().int().min(1).max(32)).default(8),
    repeats: numArg(z.number().int().min(1).max(20)).default(3),
    'fps-seconds': numArg(z.number().int().min(1).max(300)).default(10),
    port: numArg(z.number().int().min(1024).max(65_535)).default(4390),
    out: z.string().min(1).default('bench'),
    profile: z.boolean().default(false),
    threads: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'expected thread counts separated by commas, e.g. 1,2')
      .transform((s) => [...new Set(s.split(',').map(Number))])
      .refine((xs) => xs.every((x) => x >= 1 && x <= 8), 'each thread count must be 1 to 8 (tfjs-backend-wasm starts 8 threads)')
      .optional(),
    'learn-seeds': z
      .string()
      .regex(/^(none|\d+(,\d+)*)$/, 'expected seeds separated by commas (e.g. 1,2,3) or none')
      .transform((s) => (s === 'none' ? [] : s.split(',').map(Number)))
      .default([1]),
    'learn-set': z.array(z.string()).default([]),
    'learn-preset': z.enum(PRESET_IDS, { message: `expected one of ${PRESET_IDS.join(', ')}` }).default('grpo'),
  })
  .refine((a) => a.growth === 0 || a['growth-at'] < a.growth, { message: 'must be below --growth (0 turns the growth run off)', path: ['growth-at'] });
export type BenchArgs = z.infer<typeof Args>;

const OPTIONS = {
  only: { type: 'string' },
  backends: { type: 'string' },
  iterations: { type: 'string' },
  growth: { type: 'string' },
  'growth-at': { type: 'string' },
  'growth-config': { type: 'string' },
  'limits-ms': { type: 'string' },
  prompts: { type: 'string' },
  group: { type: 'string' },
  repeats: { type: 'string' },
  'fps-seconds': { type: 'string' },
  port: { type: 'string' },
  out: { type: 'string' },
  profile: { type: 'boolean' },
  threads: { type: 'string' },
  'learn-seeds': { type: 'string' },
  'learn-preset': { type: 'string' },
  'learn-set': { type: 'string', multiple: true },
} as const;

/** The validated flags of `npm run bench`; throws UsageError on a bad one. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  return parseCli(argv, OPTIONS, Args);
}

export /** The backends each environment runs: all of them, or those named in --backends. */
function pickBackends(args: BenchArgs): { node: NodeBackend[]; browser: (typeof BROWSER_BACKENDS)[number][] } {
  const node = args.only === 'browser' ? [] : [...NODE_BACKENDS];
  const browser = args.only === 'all' || args.only === 'browser' ? [...BROWSER_BACKENDS] : [];
  if (args.backends === undefined) return { node, browser };
  const wanted = args.backends.split(',').map((b) => b.trim());
  const known = new Set<string>([...node, ...browser]);
  for (const b of wanted) {
    if (!known.has(b)) throw new UsageError(`--backends: "${b}" is not a backend of --only ${args.only} (expected some of ${[...known].join(', ')})`);
  }
  return { node: node.filter((b) => wanted.includes(b)), browser: browser.filter((b) => wanted.includes(b)) };
}

/** --learn-set pairs as a settings object (each path checked against RunConfig, as train's --set). */
export function learnSettings(args: BenchArgs): Record<string, string | number | boolean> {
  return Object.fromEntries(args['learn-set'].map((item) => {
    const { path, value } = namedAs('--learn-set', () => parseSet(item));
    return [path, typeof value === 'number' || typeof value === 'boolean' ? value : String(value)];
  }));
}

/** train's --set parser, its errors naming this flag. */
function namedAs<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.message.replace(/^--set/, flag));
    throw e;
  }
}
