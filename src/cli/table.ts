/**
 * npm run table [-- --dir runs/table --at 50,100,200,300]
 * Prints the README's learning table (Markdown) from the finished runs of
 * scripts/learning-table.sh, then the reward-hacking run's reward-against-accuracy table.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseCli, runCli, UsageError } from './args';
import { hackingSummary, labelRank, learningTable, parseRun, type RunResult } from './learningTable';

const USAGE = 'usage: npm run table -- [--dir runs/table] [--at 50,100,200,300]';
const Args = z.object({
  dir: z.string().min(1).default('runs/table'),
  at: z.string().regex(/^\d+(,\d+)*$/, 'expected iterations separated by commas, e.g. 50,100,200').default('50,100,200,300'),
});
const OPTIONS = { dir: { type: 'string' }, at: { type: 'string' } } as const;
/** The run scripts/learning-table.sh makes with the hackable reward on. */
const HACK_LABEL = 'hack';

runCli(USAGE, async () => {
  const args = parseCli(process.argv.slice(2), OPTIONS, Args);
  const names = await readdir(args.dir).catch(() => {
    throw new UsageError(`--dir: cannot read ${args.dir}; run scripts/learning-table.sh first`);
  });
  const runs: RunResult[] = [];
  for (const name of names.sort()) {
    const m = /^(.+)-s(\d+)\.txt$/.exec(name); // only finished runs have a .txt
    if (!m) continue;
    const base = join(args.dir, name.slice(0, -'.txt'.length));
    runs.push(parseRun(m[1]!, Number(m[2]), await readFile(`${base}.txt`, 'utf8'), await readFile(`${base}.jsonl`, 'utf8')));
  }
  if (runs.length === 0) throw new UsageError(`--dir: no finished runs in ${args.dir}`);
  const at = args.at.split(',').map(Number);
  runs.sort((a, b) => labelRank(a.label) - labelRank(b.label) || a.label.localeCompare(b.label) || a.seed - b.seed); // two variants of one preset tie on rank
  process.stdout.write(`${learningTable(runs.filter((r) => r.label !== HACK_LABEL), at)}\n`);
  const hack = runs.find((r) => r.label === HACK_LABEL);
  if (hack) process.stdout.write(`\n${hackingSummary(hack)}\n`);
});
