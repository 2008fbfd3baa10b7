/**
 * The CLIs' argument validation, in-process: each CLI's parser (src/cli/*Args.ts) refuses a
 * bad flag with one line naming it, and runCli turns that into "error: ..." + the usage line on
 * stderr and exit status 2 (other errors: status 1). Real processes are spawned only in
 * test/train-cli.slow.test.ts (npm's pre-hook, one end-to-end run).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Policy } from '../src/engine/model';
import { createTrainer } from '../src/engine/train/trainer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, createdFile, runCli, writableDir } from '../src/cli/args';
import { USAGE as BENCH_USAGE, learnSettings, parseBenchArgs, pickBackends } from '../src/cli/benchArgs';
import { USAGE as EVAL_USAGE, parseEvalArgs } from '../src/cli/evalArgs';
import { fileHandler } from '../src/cli/fileHandler';
import { USAGE as PRETRAIN_USAGE, parsePretrainArgs } from '../src/cli/pretrainArgs';
import { USAGE as TABLE_USAGE, finishedRuns, parseTableArgs } from '../src/cli/tableArgs';
import { USAGE as TRAIN_USAGE, buildConfig, parseTrainArgs, warmStartError } from '../src/cli/trainArgs';

/** Run one CLI's validation as its main does, up to the first thing that needs a backend. */
const VALIDATE: Record<string, (argv: string[]) => unknown> = {
  eval: parseEvalArgs,
  pretrain: parsePretrainArgs,
  bench: (argv) => {
    const args = parseBenchArgs(argv);
    learnSettings(args);
    return pickBackends(args);
  },
  table: (argv) => finishedRuns(parseTableArgs(argv).dir),
  train: (argv) => buildConfig(parseTrainArgs(argv)),
};

async function usageError(script: string, argv: string[]): Promise<string> {
  try {
    await VALIDATE[script]!(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`${script} ${JSON.stringify(argv)} was accepted`);
}

describe('CLI argument validation (in-process)', () => {
  it.each([
    ['eval', ['--task', 'nope'], /^--task: expected one of count, digit-sum, compare, area/],
    ['eval', ['--task', 'count', '--n=-5'], /^--n: Must be at least 1\.$/],
    ['eval', ['--task', 'count', '--n', 'lots'], /^--n: /],
    ['eval', ['--task', 'count', '--split', 'test'], /^--split: expected one of id, ood, shift /],
    ['eval', ['--task', 'count', '--bogus'], /Unknown option '--bogus'/],
    ['eval', [], /^--task: /],
    ['pretrain', ['--backend', 'webgpu'], /^--backend: /],
    ['bench', ['--backends', 'cpu,tpu'], /^--backends: "tpu" is not a backend/],
    ['bench', ['--only', 'gpu'], /^--only: /],
    ['bench', ['--growth', '10', '--growth-at', '10'], /^--growth-at: must be below --growth/],
    ['table', ['--at', '50,x'], /^--at: expected iterations separated by commas/],
    ['table', ['--dir', '/nonexistent-dir'], /^--dir: cannot read \/nonexistent-dir/],
    ['train', ['--preset', 'ppo2'], /^--preset: expected one of reinforce, rloo, ppo, ppo-penalty, trpo, grpo, dr-grpo, dapo, gspo/],
    ['train', ['--task', 'sudoku'], /^--task: expected one of/],
    ['train', ['--iterations', '0'], /^--iterations: /],
    ['train', ['--backend', 'webgpu'], /^--backend: /],
    ['train', ['--set', 'objective.betta=0.1'], /^--set: unknown config field "objective.betta"/],
    ['train', ['--set', '__proto__.polluted=1'], /^--set: unknown config field "__proto__.polluted"/],
    ['train', ['--set', 'objective.beta=-1'], /^--set objective.beta: /],
    ['train', ['--set', 'objective.klMode=sideways'], /^--set objective.klMode: /],
    ['train', ['--set', 'beta'], /^--set: expected section.knob=value/],
    ['train', ['--bogus'], /Unknown option '--bogus'/],
  ])('%s %j: a usage error naming the flag', async (script, argv, message) => {
    expect(await usageError(script, argv)).toMatch(message);
  });

  it('every usage line starts "usage: npm run <script>"', () => {
    const usages = { eval: EVAL_USAGE, pretrain: PRETRAIN_USAGE, bench: BENCH_USAGE, table: TABLE_USAGE, train: TRAIN_USAGE };
    for (const [script, usage] of Object.entries(usages)) expect(usage).toMatch(new RegExp(`^usage: npm run ${script}\\b`));
  });

  it('accepts good flags: train builds the preset, task and every --set into one config', () => {
    const config = buildConfig(parseTrainArgs(['--preset', 'dapo', '--task', 'count', '--iterations', '7', '--seed', '4', '--init', 'scratch', '--set', 'objective.beta=0.02', '--set', 'objective.klEstimator=k2']));
    expect(config.preset).toBe('dapo');
    expect(config.task.task).toBe('count');
    expect(config.run).toMatchObject({ iterations: 7, seed: 4, init: 'scratch' });
    expect(config.objective).toMatchObject({ beta: 0.02, klEstimator: 'k2' });
    expect(parseEvalArgs(['--task', 'area', '--n', '12', '--sample'])).toMatchObject({ task: 'area', n: 12, sample: true, split: 'id', backend: 'wasm' });
    expect(parseEvalArgs(['--task', 'digit-sum', '--split', 'shift', '--json'])).toMatchObject({ task: 'digit-sum', split: 'shift', json: true });
    expect(pickBackends(parseBenchArgs(['--only', 'node', '--backends', 'wasm']))).toEqual({ node: ['wasm'], browser: [] });
    expect(parseBenchArgs(['--threads', '1,2,2', '--learn-seeds', '1,2,3'])).toMatchObject({ threads: [1, 2], 'learn-seeds': [1, 2, 3] });
    expect(parseBenchArgs(['--learn-seeds', 'none'])['learn-seeds']).toEqual([]);
    expect(parseBenchArgs([])['learn-seeds']).toEqual([1]);
    expect(learnSettings(parseBenchArgs(['--learn-set', 'optim.epochs=2', '--learn-set', 'objective.klEstimator=k3']))).toEqual({ 'optim.epochs': 2, 'objective.klEstimator': 'k3' });
  });
});

describe('out-of-range and unwritable flags exit 2 naming the flag, before any work', () => {
  it.each([
    ['eval', ['--task', 'count', '--difficulty', '4'], /^--difficulty: the count task has levels 1\.\.3\.$/],
    ['eval', ['--task', 'count', '--difficulty', '1.5'], /^--difficulty: expected mixed or a level/],
    ['eval', ['--task', 'count', '--n', '0x10'], /^--n: expected a number\.$/],
    ['train', ['--iterations', '0x10'], /^--iterations: expected a number\.$/],
    ['train', ['--seed', 'Infinity'], /^--seed: expected a number\.$/],
    ['bench', ['--port', '0b10000000000'], /^--port: expected a number\.$/],
    ['bench', ['--threads', '1,two'], /^--threads: expected thread counts separated by commas/],
    ['bench', ['--threads', '0'], /^--threads: each thread count must be 1 to 8/],
    ['bench', ['--learn-seeds', 'all'], /^--learn-seeds: expected seeds separated by commas/],
    ['bench', ['--learn-set', 'optim.epoch=2'], /^--learn-set: unknown config field "optim\.epoch"/],
    ['bench', ['--learn-preset', 'grpo-mu4'], /^--learn-preset: expected one of reinforce/],
    ['train', ['--set', 'sampling.groupSize=1'], /^--set sampling\.groupSize: GRPO needs at least 2/],
  ])('%s %j', async (script, argv, message) => {
    expect(await usageError(script, argv)).toMatch(message);
  });

  it('accepts each numeric flag at its bounds', () => {
    expect(parseEvalArgs(['--task', 'count', '--difficulty', '3', '--n', '100000', '--k', '64', '--temperature', '10']).difficulty).toBe(3);
    expect(parseTrainArgs(['--iterations', '100000', '--seed', '0', '--eval-n', '4096']).iterations).toBe(100000);
    expect(parseBenchArgs(['--port', '65535', '--iterations', '50', '--growth', '0']).port).toBe(65535);
  });

  it('--out under a file (or a directory that cannot be made) is refused at once, naming --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-out-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await expect(createdFile(join(file, 'run.jsonl'), '--out')).rejects.toThrow(new RegExp(`^--out: cannot create ${file}/run\\.jsonl \\(`));
    await expect(createdFile(join(file, 'run.jsonl'), '--out')).rejects.toBeInstanceOf(UsageError);
    await expect(writableDir(join(file, 'checkpoints'), '--out')).rejects.toThrow(/^--out: cannot write to .*a-file\/checkpoints \(/);
    const ok = await createdFile(join(dir, 'deep', 'run.jsonl'), '--out');
    await ok.close();
    await writableDir(join(dir, 'ckpt'), '--out');
    rmSync(dir, { recursive: true });
  });
});

describe('--set refuses keys that are not own fields of RunConfig, prototype keys at every depth', () => {
  it.each(['__proto__', 'constructor', 'prototype', 'toString'])('%s', async (key) => {
    for (const path of [key, `${key}.polluted`, `objective.${key}`, `objective.${key}.polluted`, `rewards.weights.${key}`, `model.${key}.prototype`]) {
      expect(await usageError('train', ['--set', `${path}=1`]), path).toBe(`--set: unknown config field "${path}"`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('runCli: usage errors exit 2 with the usage line, other errors 1', () => {
  afterEach(() => vi.restoreAllMocks());

  async function run(main: () => Promise<void>): Promise<{ status: number | undefined; stderr: string; stdout: string }> {
    let stderr = '';
    let stdout = '';
    let resolveExit!: (code: number | undefined) => void;
    const exited = new Promise<number | undefined>((r) => (resolveExit = r));
    vi.spyOn(process, 'exit').mockImplementation(((code?: number) => resolveExit(code)) as never);
    vi.spyOn(process.stderr, 'write').mockImplementation(((s: string) => ((stderr += s), true)) as never);
    vi.spyOn(process.stdout, 'write').mockImplementation(((s: string) => ((stdout += s), true)) as never);
    runCli('usage: npm run x -- [--flag]', main);
    const status = await exited;
    vi.restoreAllMocks();
    return { status, stderr, stdout };
  }

  it('a UsageError: status 2, "error: <message>" then the usage, nothing on stdout', async () => {
    const r = await run(() => Promise.resolve().then(() => void parseTrainArgs(['--bogus'])));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: Unknown option '--bogus'/);
    expect(r.stderr).toMatch(/\nusage: npm run x/);
    expect(r.stdout).toBe('');
  });

  it('any other error: status 1, its message, no usage', async () => {
    const r = await run(() => Policy.fromCheckpoint(fileHandler('/nonexistent/ckpt')).then(() => undefined));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\/nonexistent\/ckpt/);
    expect(r.stderr).not.toMatch(/usage:/);
  });

  it('success: status 0', async () => {
    expect((await run(() => Promise.resolve())).status).toBe(0);
  });
});

describe('missing checkpoints', () => {
  it('eval: a checkpoint directory that does not exist is named', async () => {
    await expect(Policy.fromCheckpoint(fileHandler('/nonexistent/ckpt'))).rejects.toThrow(/\/nonexistent\/ckpt/);
  });

  it('train: a missing warm start is named, with what to do', async () => {
    const config = buildConfig(parseTrainArgs(['--task', 'count', '--iterations', '1']));
    const err = await createTrainer(config, { loadWarmStart: () => fileHandler('/nonexistent/ckpt') }).then(
      () => null,
      (e: unknown) => warmStartError(e, config.run.init),
    );
    expect(err?.message).toMatch(/\/nonexistent\/ckpt/);
    expect(err?.message).toMatch(/npm run pretrain|--init scratch/);
  });
});
