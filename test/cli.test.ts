import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Run a CLI the way `npm run <x> --` does, without npm's own noise. */
function cli(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI argument validation', () => {
  it.each([
    ['eval', ['--task', 'nope'], /--task: expected one of count, digit-sum, compare, area/],
    ['eval', ['--task', 'count', '--n=-5'], /--n: .*>=\s*1/],
    ['eval', ['--task', 'count', '--n', 'lots'], /--n: /],
    ['eval', ['--task', 'count', '--split', 'test'], /--split: /],
    ['eval', ['--task', 'count', '--bogus'], /Unknown option '--bogus'/],
    ['eval', [], /--task: /],
    ['pretrain', ['--backend', 'webgpu'], /--backend: /],
    ['bench', ['--backends', 'cpu,tpu'], /--backends: "tpu" is not a backend/],
    ['bench', ['--only', 'gpu'], /--only: /],
    ['table', ['--at', '50,x'], /--at: expected iterations separated by commas/],
    ['table', ['--dir', '/nonexistent-dir'], /--dir: cannot read \/nonexistent-dir/],
  ])('%s %j exits 2 with a clear message', (script, args, message) => {
    const r = cli(script, args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage: npm run/);
    expect(r.stdout).toBe('');
  });

  it('eval refuses a checkpoint directory that does not exist (exit 1, says which)', () => {
    const r = cli('eval', ['--task', 'count', '--checkpoint', '/nonexistent/ckpt', '--backend', 'cpu']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\/nonexistent\/ckpt/);
  });
});
