import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzip } from '../src/engine/export/zip';
import { test, expect } from './fixtures';
import { InteropPage } from './pages/Interop';

test('"Download bundle" saves a zip with the data, rewards.py, the TRL script and the EasyR1 config', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 2, name: 'bundle me' } });
  await playground.start.click();
  await playground.waitStatus('done');
  const interop = new InteropPage(page, playground);
  const download = await interop.downloadBundle();
  expect(download.suggestedFilename()).toBe('bundle-me.bundle.zip');
  const files = unzip(new Uint8Array(await readFile(await download.path())));
  const names = [...files.keys()];
  for (const f of ['README.md', 'config.json', 'metrics.jsonl', 'rewards.py', 'check_rewards.py', 'tests/reward_cases.jsonl', 'trl/train_grpo.py', 'easyr1/config.yaml', 'data/train/metadata.jsonl', 'data/test/metadata.jsonl', 'data/ood/metadata.jsonl']) {
    expect(names).toContain(f);
  }
  expect(names.filter((n) => /^data\/train\/\d{5}\.png$/.test(n))).toHaveLength(256);
  const metrics = new TextDecoder().decode(files.get('metrics.jsonl')).trim().split('\n');
  expect(metrics).toHaveLength(2); // the active run's own records
  expect(new TextDecoder().decode(files.get('trl/train_grpo.py'))).toContain('# Run: bundle me');

  // What the page made runs as shipped: the Python rewards re-score the TypeScript scores of its
  // cases exactly, and every Python file compiles (the system python3, standard library only).
  const dir = await mkdtemp(join(tmpdir(), 'rft-bundle-'));
  try {
    for (const [name, bytes] of files) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), bytes);
    }
    const check = spawnSync('python3', ['check_rewards.py'], { cwd: dir, encoding: 'utf8' });
    expect(check.stdout).toMatch(/^\d+ cases, 0 mismatches$/m);
    expect(check.status).toBe(0);
    const compiled = spawnSync('python3', ['-m', 'py_compile', 'rewards.py', 'check_rewards.py', 'trl/train_grpo.py'], { cwd: dir, encoding: 'utf8' });
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a TRL trainer_state.json, a veRL/EasyR1 JSONL and a W&B CSV import as read-only runs with their curves', async ({ playground, page }) => {
  await playground.goto();
  const interop = new InteropPage(page, playground);
  for (const [file, name] of [
    ['trainer_state.json', 'TRL: trainer_state'],
    ['experiment_log.jsonl', 'veRL: experiment_log'],
    ['wandb_export.csv', 'W&B: wandb_export'],
  ] as const) {
    const row = await interop.importRun(`test/fixtures/external/${file}`, name, 4);
    await expect(row).toHaveAttribute('data-status', 'done');
    // Their config is a placeholder: nothing to resume or to go on with.
    await expect(row.getByTestId('btn-resume')).toHaveCount(0);
    await expect(row.getByTestId('btn-continue-new')).toHaveCount(0);
  }
  // Their curves: every run's reward reaches the chart, and what has no counterpart gets its own.
  await expect(playground.chart('reward')).toHaveAttribute('data-runs', '3');
  await expect(playground.chart('imported')).toHaveAttribute('data-runs', '3');
  // A broken one is refused with one sentence, and nothing is stored.
  await page.getByTestId('import-input').setInputFiles({ name: 'trainer_state.json', mimeType: 'application/json', buffer: Buffer.from('{"log_history": [{"step": 1, "reward": 0.5}') });
  await expect(page.getByTestId('notice-error').filter({ hasText: 'TRL trainer_state.json: Truncated file' })).toBeVisible();
  await expect(playground.runRows).toHaveCount(3);

  // In Compare, beside a live comparison: each imported run is picked and drawn with it.
  await playground.openView('compare');
  await page.getByTestId('compare-preset-dapo').uncheck();
  await page.getByTestId('compare-budget').fill('30');
  await page.getByTestId('btn-compare').click();
  const workspace = page.getByTestId('compare-workspace');
  await expect(workspace).toHaveAttribute('data-runs', '2');
  const saved = page.getByTestId('compare-saved');
  await expect(saved).toContainText('imported from TRL');
  for (const box of await saved.getByRole('checkbox').all()) await box.check();
  await expect(workspace).toHaveAttribute('data-runs', '5');
  await expect(workspace).toHaveAttribute('data-live', 'true');
  const charts = page.getByTestId('compare-charts');
  await expect(playground.chart('reward', charts)).toHaveAttribute('data-runs', '5');
  await expect(playground.chart('imported', charts)).toHaveAttribute('data-runs', '3');
  await page.getByTestId('btn-compare-stop').click();
  await expect(workspace).toHaveAttribute('data-live', 'false');
});
