import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsRecordSchema } from '../src/engine/train/metrics';

/**
 * The CLI as a real process: npm's pre-hook is off (.npmrc), and one end-to-end run writes
 * its metrics and summary. Argument validation is tested in-process in test/cli.test.ts.
 */

function train(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/train.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run train', () => {
  it('through npm itself, does not run `pretrain` first (npm would, as the pre-hook of `train`)', async () => {
    // Without .npmrc's ignore-scripts, `npm run train` ran `npm run pretrain` first: minutes of
    // SFT that overwrote every committed warm start. The hook prints "sft <task>" progress within
    // seconds; the whole process group is killed then, long before it could write a checkpoint.
    // The outer `npm test` exports its own config; drop it so the child reads .npmrc alone.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_ignore_scripts$/i.test(k)));
    const child = spawn('npm', ['run', '--silent', 'train', '--', '--bogus'], { env, detached: true });
    let stderr = '';
    const status = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/sft \w/.test(stderr)) {
          process.kill(-child.pid!, 'SIGKILL');
          resolve(null);
        }
      });
      child.on('exit', (code) => resolve(code));
    });
    expect(stderr).not.toMatch(/sft \w/);
    expect(status).toBe(2);
    expect(stderr).toMatch(/usage: npm run train/);
  }, 60_000);

  it('an --out that cannot be created exits 2 naming --out, before any model is built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rft-train-'));
    try {
      const file = join(dir, 'a-file');
      writeFileSync(file, 'x');
      // A missing warm start would fail later with exit 1: --out is refused before it is looked for.
      const r = train(['--task', 'count', '--warm-start', join(dir, 'no-checkpoint'), '--out', join(file, 'run.jsonl')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error: --out: cannot create .*a-file\/run\.jsonl \(/);
      expect(r.stderr).not.toMatch(/no-checkpoint/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a tiny model: one JSON line per iteration and a before -> after summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rft-train-'));
    try {
      const out = join(dir, 'runs', 'tiny.jsonl');
      const tiny = ['model.imageSize=16', 'task.imageSize=16', 'model.patchSize=8', 'model.dModel=16', 'model.nLayers=1', 'model.encoderLayers=0',
        'model.maxResponseLen=12', 'sampling.promptsPerIter=2', 'sampling.groupSize=2', 'sampling.maxNewTokens=12'].flatMap((s) => ['--set', s]);
      const r = train(['--preset', 'dapo', '--task', 'count', '--init', 'scratch', '--backend', 'cpu', '--iterations', '3', '--seed', '4', '--eval-n', '4', '--out', out, '--quiet', ...tiny]);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/dapo on count, seed 4, 3 iterations from scratch \(cpu\)/);
      expect(r.stdout).toMatch(/ID +\(n=4\) +\d+\.\d% -> +\d+\.\d%/);
      expect(r.stdout).toMatch(/shift +\(n=4\) +\d+\.\d% -> +\d+\.\d%/);
      expect(r.stdout).toMatch(/OOD +\(n=4\)/);
      expect(r.stdout).toMatch(/s\/iteration/);
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(3);
      lines.forEach((line, i) => {
        const rec = MetricsRecordSchema.parse(JSON.parse(line));
        expect(rec.iteration).toBe(i + 1);
        expect(rec.values['reward/mean']).toBeTypeOf('number');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['sft', 'rft'] as const)('--preset %s runs, logs and saves like any other preset', (preset) => {
    const dir = mkdtempSync(join(tmpdir(), 'rft-train-'));
    try {
      const out = join(dir, `${preset}.jsonl`);
      const save = join(dir, `${preset}-ckpt`);
      const tiny = ['model.imageSize=16', 'task.imageSize=16', 'model.patchSize=8', 'model.dModel=16', 'model.nLayers=1', 'model.encoderLayers=0',
        'model.maxResponseLen=12', 'sampling.promptsPerIter=2', 'sampling.groupSize=2', 'sampling.maxNewTokens=12', 'run.evalEvery=2', 'run.evalN=4'].flatMap((s) => ['--set', s]);
      const r = train(['--preset', preset, '--task', 'count', '--init', 'scratch', '--backend', 'cpu', '--iterations', '2', '--eval-n', '4', '--out', out, '--save', save, '--quiet', ...tiny]);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^${preset} on count, seed 1, 2 iterations from scratch`));
      const recs = readFileSync(out, 'utf8').trim().split('\n').map((l) => MetricsRecordSchema.parse(JSON.parse(l)));
      expect(recs).toHaveLength(2);
      // Every evaluation record has all three held-out splits.
      for (const key of ['acc/eval_id', 'acc/eval_shift', 'acc/eval_ood']) expect(recs[1]!.values[key], key).toBeTypeOf('number');
      // SFT samples nothing: no reward at all (absent, not 0); RFT samples and scores like RL, and says how many it kept.
      if (preset === 'sft') expect(recs[0]!.values).not.toHaveProperty('reward/mean');
      else expect(recs[0]!.values['rft/accepted_frac']).toBeTypeOf('number');
      expect(JSON.parse(readFileSync(join(save, 'model.json'), 'utf8'))).toHaveProperty('weightsManifest');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('RFT with G = 1 exits 2 with one sentence naming sampling.groupSize', () => {
    const r = train(['--preset', 'rft', '--set', 'sampling.groupSize=1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--set sampling\.groupSize: RFT \(rejection sampling\) needs at least 2 samples per prompt/);
  }, 60_000);
});
