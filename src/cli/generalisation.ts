/**
 * npx tsx src/cli/generalisation.ts [--dir runs/gen]
 * Prints the README's generalisation table (Markdown) from the finished runs of
 * scripts/generalisation-table.sh (`<task>-<arm>-s<seed>.txt`, with `.shift.json` where the
 * summary predates the shift split).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseCli, runCli, UsageError } from './args';
import { fillShift, generalisationTable, parseSummarySplits, type GenRun } from './generalisationTable';

const USAGE = 'usage: npx tsx src/cli/generalisation.ts [--dir runs/gen]';
const Args = z.object({ dir: z.string().min(1).default('runs/gen') });

runCli(USAGE, async () => {
  const { dir } = parseCli(process.argv.slice(2), { dir: { type: 'string' } } as const, Args);
  const names = (await readdir(dir).catch(() => {
    throw new UsageError(`--dir: cannot read ${dir}; run scripts/generalisation-table.sh first`);
  })).sort();
  const runs: GenRun[] = [];
  const shiftAfter = new Map<string, number>();
  for (const name of names) {
    const m = /^(count|digit-sum|compare|area)-(.+)-s(\d+)\.txt$/.exec(name);
    if (!m) continue;
    const base = join(dir, name.slice(0, -'.txt'.length));
    const summary = await readFile(`${base}.txt`, 'utf8');
    const sec = /([\d.]+) s\/iteration/.exec(summary);
    runs.push({ task: m[1]!, arm: m[2]!, seed: Number(m[3]), splits: parseSummarySplits(summary), secondsPerIteration: sec ? Number(sec[1]) : NaN });
    const shift = await readFile(`${base}.shift.json`, 'utf8').catch(() => null);
    if (shift) shiftAfter.set(base, (JSON.parse(shift) as { accuracy: number }).accuracy);
  }
  if (runs.length === 0) throw new UsageError(`--dir: no finished runs in ${dir}`);
  const filled = fillShift(runs, (r) => shiftAfter.get(join(dir, `${r.task}-${r.arm}-s${r.seed}`)));
  process.stdout.write(`${generalisationTable(filled)}\n`);
});
