/**
 * `npm run table`'s flags (usage, schema, parser) and the finished runs it reads: imported by
 * table.ts and tested in-process.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseCli, UsageError } from './args';
import { parseRun, type RunResult } from './learningTable';

export const USAGE = 'usage: npm run table -- [--dir runs/table] [--at 50,100,200,300]';
const Args = z.object({
  dir: z.string().min(1).default('runs/table'),
  at: z.string().regex(/^\d+(,\d+)*$/, 'expected iterations separated by commas, e.g. 50,100,200').default('50,100,200,300'),
});
const OPTIONS = { dir: { type: 'string' }, at: { type: 'string' } } as const;

/** The validated flags of `npm run table`; throws UsageError on a bad one. */
export function parseTableArgs(argv: string[]): z.infer<typeof Args> {
  return parseCli(argv, OPTIONS, Args);
}

/** The finished runs (a .txt summary beside its .jsonl) in dir; a UsageError naming --dir when there are none. */
export async function finishedRuns(dir: string): Promise<RunResult[]> {
  const names = await readdir(dir).catch(() => {
    throw new UsageError(`--dir: cannot read ${dir}; run scripts/learning-table.sh first`);
  });
  const runs: RunResult[] = [];
  for (const name of names.sort()) {
    const m = /^(.+)-s(\d+)\.txt$/.exec(name); // only finished runs have a .txt
    if (!m) continue;
    const base = join(dir, name.slice(0, -'.txt'.length));
    runs.push(parseRun(m[1]!, Number(m[2]), await readFile(`${base}.txt`, 'utf8'), await readFile(`${base}.jsonl`, 'utf8')));
  }
  if (runs.length === 0) throw new UsageError(`--dir: no finished runs in ${dir}`);
  return runs;
}
