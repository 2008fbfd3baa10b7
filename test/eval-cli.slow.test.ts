import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** `npm run eval` as a real process, on the committed warm starts (flags are tested in-process in test/cli.test.ts). */
function evalCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/eval.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run eval', () => {
  it('--split shift --json prints one object {task, split, n, accuracy, passAtK, formatRate, meanLength}', () => {
    const r = evalCli(['--task', 'digit-sum', '--split', 'shift', '--n', '8', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['task', 'split', 'n', 'accuracy', 'passAtK', 'formatRate', 'meanLength']);
    expect(out).toMatchObject({ task: 'digit-sum', split: 'shift', n: 8 });
    for (const k of ['accuracy', 'passAtK', 'formatRate']) expect(out[k]).toBeGreaterThanOrEqual(0);
  });

  it('refuses an unknown split with exit status 2, naming --split and the splits it takes', () => {
    const r = evalCli(['--task', 'count', '--split', 'visual']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: --split: expected one of id, ood, shift/);
    expect(r.stdout).toBe('');
  });
});
