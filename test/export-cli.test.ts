/**
 * `npm run export`'s flags in-process (test/cli.test.ts style): each bad flag is a UsageError
 * naming it; a --run file is read as `npm run train --out` metrics (config from the flags) or
 * as the app's run file (config inside, config flags refused).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/args';
import { USAGE, parseExportArgs, planExport } from '../src/cli/exportArgs';
import { applyPreset } from '../src/engine/presets';

const dir = mkdtempSync(join(tmpdir(), 'rft-export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const record = (iteration: number) => ({ iteration, wallMs: iteration * 100, klEstimator: 'k3', difficulty: 1, values: { 'reward/mean': 0.1 * iteration } });

async function usageError(argv: string[]): Promise<string> {
  try {
    await planExport(parseExportArgs(argv));
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`export ${JSON.stringify(argv)} was accepted`);
}

describe('npm run export: flags', () => {
  it('starts its usage with "usage: npm run export"', () => expect(USAGE).toMatch(/^usage: npm run export\b/));

  it.each([
    [[], /^--out: /],
    [['--out', 'x.zip', '--n', '0'], /^--n: /],
    [['--out', 'x.zip', '--n', 'many'], /^--n: /],
    [['--out', 'x.zip', '--preset', 'ppo2'], /^--preset: expected one of/],
    [['--out', 'x.zip', '--task', 'sudoku'], /^--task: expected one of/],
    [['--out', 'x.zip', '--set', 'objective.betta=1'], /^--set: unknown config field "objective.betta"/],
    [['--out', 'x.zip', '--bogus'], /Unknown option '--bogus'/],
    [['--out', 'x.zip', '--run', '/nonexistent/run.jsonl'], /^--run: cannot read \/nonexistent\/run.jsonl/],
  ])('%j: a usage error naming the flag', async (argv, message) => {
    expect(await usageError(argv)).toMatch(message);
  });

  it('refuses a non-empty folder without --force, and a file where a folder goes', async () => {
    file('taken.txt', 'x');
    expect(await usageError(['--out', dir])).toMatch(/^--out: .* is not empty/);
    expect(await usageError(['--out', join(dir, 'taken.txt')])).toMatch(/^--out: .* is a file/);
    expect(parseExportArgs(['--out', dir, '--force']).force).toBe(true);
  });

  it('--preset/--task/--n: the config as train builds it', async () => {
    const plan = await planExport(parseExportArgs(['--out', 'b.zip', '--preset', 'dapo', '--task', 'count', '--n', '1000', '--set', 'objective.beta=0.02']));
    expect(plan.config.preset).toBe('dapo');
    expect(plan.config.task.task).toBe('count');
    expect(plan.config.objective.beta).toBe(0.02);
    expect(plan.metrics).toBeUndefined();
    expect(parseExportArgs(['--out', 'b.zip', '--n', '1000']).n).toBe(1000);
  });

  it('--run with train\'s jsonl: its metrics, the flags\' config; a bad line is named', async () => {
    const run = file('grpo.jsonl', [1, 2, 3].map((i) => JSON.stringify(record(i))).join('\n') + '\n');
    const plan = await planExport(parseExportArgs(['--out', 'b.zip', '--run', run, '--task', 'area']));
    expect(plan.metrics?.map((m) => m.iteration)).toEqual([1, 2, 3]);
    expect(plan.config.task.task).toBe('area');
    expect(plan.name).toBe('grpo');
    const cut = file('cut.jsonl', `${JSON.stringify(record(1))}\n${JSON.stringify(record(2)).slice(0, 20)}`);
    expect(await usageError(['--out', 'b.zip', '--run', cut])).toMatch(/^--run: line 2 of .* is not JSON \(the file looks cut off\)/);
    const strings = file('strings.jsonl', JSON.stringify({ ...record(1), iteration: 'one' }));
    expect(await usageError(['--out', 'b.zip', '--run', strings])).toMatch(/^--run: line 1 of .* is not a metrics record \(iteration: /);
    expect(await usageError(['--out', 'b.zip', '--run', file('empty.jsonl', '\n')])).toMatch(/holds no metrics records/);
  });

  it('--run with the app\'s run file: its own config and name; config flags are refused', async () => {
    const config = applyPreset('gspo', { task: { task: 'compare' } });
    const runFile = file('run.json', JSON.stringify({ format: 'rft-playground/run', version: 1, run: { name: 'my gspo', status: 'done', createdAt: 0, iteration: 2, wallMs: 5 }, config, metrics: [record(1), record(2)] }));
    const plan = await planExport(parseExportArgs(['--out', 'b.zip', '--run', runFile]));
    expect(plan.config).toEqual(config);
    expect(plan.name).toBe('my gspo');
    expect(plan.metrics).toHaveLength(2);
    expect(await usageError(['--out', 'b.zip', '--run', runFile, '--preset', 'grpo'])).toMatch(/^--preset: .* carries its own config/);
  });
});
