import { readFile } from 'node:fs/promises';
import { test, expect } from './fixtures';
import type { PlaygroundPage } from './pages/PlaygroundPage';

/**
 * Training faults: a diverging run (issue #7), a dead trainer worker, a run too big for the
 * device. Each ends in a clear state the user can recover from without losing saved work.
 */

interface DebugStore {
  getState(): { client: { simulateCrash(): void } | null };
}

/**
 * A from-scratch tiny model earns the same reward on every sample, so GRPO's advantages and
 * gradient are exactly 0 and no learning rate can move it; a small entropy bonus gives every
 * update a gradient.
 */
const SIGNAL = { 'objective.entropyCoef': 0.01 };

/** Type `value` into a config field of the panel (opening its group first). */
async function setField(playground: PlaygroundPage, path: string, value: string): Promise<void> {
  await playground.openGroup(path.split('.')[0]!);
  await playground.input(path).fill(value);
  await expect(playground.page.getByTestId(`error-${path}`)).toHaveCount(0);
}

test('a run with lr 1e3 stops with the divergence message, saves nothing, and resumes from its start with a lower lr', async ({ playground, page }) => {
  await playground.goto({ config: { ...SIGNAL, 'run.iterations': 5000, 'optim.lr': 1000 } });
  await playground.start.click();
  await playground.waitStatus('error');
  // No NaN at lr 1e3: the weights blow up instead (engine/train/divergence.ts), and the message says by how much.
  await expect(page.getByTestId('run-error')).toHaveText(/^diverged at iteration 1: weights\/rms is \d+(\.\d+)? \(limit 100; healthy runs stay below 1\)/);
  await expect(page.getByTestId('notice-error').filter({ hasText: 'diverged at iteration 1' })).toBeVisible();
  const row = playground.runRows.first();
  await expect(row).toHaveAttribute('data-status', 'error');
  await expect(row).toHaveAttribute('data-checkpoint', '0'); // the diverged weights were not saved
  await expect(row).toHaveAttribute('data-points', '0'); // nor its metrics charted

  const recovery = page.getByTestId('run-recovery');
  await expect(recovery).toContainText('no checkpoint');
  await setField(playground, 'optim.lr', '0.0001');
  await expect(recovery.getByTestId('resume-changes')).toHaveText('optim.lr: 1000 → 0.0001');
  await recovery.getByRole('button', { name: 'Resume from checkpoint (iteration 0)' }).click();
  await expect(row).toHaveAttribute('data-status', 'running');
  await expect.poll(async () => Number(await row.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
  await playground.stop.click();
  await playground.waitStatus('stopped');
});

test('the last good checkpoint is kept and the run can be resumed from it with a changed config', async ({ playground, page }) => {
  await playground.goto({ config: { ...SIGNAL, 'run.iterations': 5000 } });
  await playground.start.click();
  await playground.waitIterationAtLeast(2);
  await playground.pause.click();
  await playground.waitStatus('paused'); // pausing saves a checkpoint
  const k = await playground.currentIteration();
  const row = playground.runRows.first();
  await expect(row).toHaveAttribute('data-checkpoint', String(k));
  await playground.stop.click();
  await playground.waitStatus('stopped');

  // From the checkpoint with lr 1e3: the next iteration diverges, and the checkpoint stays at k.
  const recovery = page.getByTestId('run-recovery');
  await setField(playground, 'optim.lr', '1000');
  await recovery.getByRole('button', { name: `Resume from checkpoint (iteration ${k})` }).click();
  await playground.waitStatus('error');
  await expect(page.getByTestId('run-error')).toHaveText(new RegExp(`^diverged at iteration ${k + 1}: weights/rms is \\d`));
  await expect(row).toHaveAttribute('data-checkpoint', String(k));
  await expect(recovery).toContainText(`last good checkpoint is iteration ${k}`);

  // A sane lr again, typed in the panel and resumed with the keyboard: it continues from k.
  await setField(playground, 'optim.lr', '0.0001');
  await expect(recovery.getByTestId('resume-changes')).toHaveText('optim.lr: 1000 → 0.0001');
  await recovery.getByTestId('btn-resume-checkpoint').focus();
  await page.keyboard.press('Enter');
  await expect(row).toHaveAttribute('data-status', 'running');
  await expect.poll(async () => Number(await row.getAttribute('data-iteration'))).toBeGreaterThan(k + 1);
  await playground.stop.click();
  await playground.waitStatus('stopped');
  // One record per iteration 1..n: nothing from the diverged attempt, nothing lost before k.
  const n = await playground.currentIteration();
  await expect(row).toHaveAttribute('data-points', String(n));
});

test('killing the worker mid-run shows the error state and the run list is intact after Restart', async ({ playground, page }) => {
  await playground.goto({ debug: true, config: { 'run.iterations': 5000 } });
  await playground.start.click();
  await playground.waitIterationAtLeast(3);
  // As the browser would on out-of-memory: the worker just goes, with no 'error' event.
  await page.evaluate(() => (window as unknown as { __rft: DebugStore }).__rft.getState().client?.simulateCrash());

  const banner = page.getByTestId('worker-crashed');
  await expect(banner).toBeVisible();
  await expect(banner.getByTestId('worker-crash-message')).toHaveText(/stopped unexpectedly/);
  await expect(playground.badge).toHaveAttribute('data-state', 'crashed');
  const row = playground.runRows.first();
  await expect(row).toHaveAttribute('data-status', 'interrupted');
  await expect(playground.start).toBeDisabled();
  const points = Number(await row.getAttribute('data-points'));
  expect(points).toBeGreaterThanOrEqual(3);
  // Every record the worker stored is shown, and they agree with the stored iteration.
  await expect(row).toHaveAttribute('data-iteration', String(points));

  await banner.getByTestId('btn-restart-worker').focus();
  await page.keyboard.press('Enter');
  await expect(playground.badge).toHaveAttribute('data-state', 'ready');
  await expect(banner).toBeHidden();
  await expect(playground.runRows).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'interrupted');
  await expect(row).toHaveAttribute('data-points', String(points));

  // The same from storage, and the run goes on.
  await page.reload();
  await playground.waitReady();
  await expect(playground.runRows).toHaveCount(1);
  await expect(row).toHaveAttribute('data-points', String(points));
  await row.getByTestId('btn-resume').click();
  await expect(row).toHaveAttribute('data-status', 'running');
  await playground.stop.click();
  await playground.waitStatus('stopped');
});

test('a run too big for the device is refused up front with an estimate, and resumes once made smaller', async ({ playground, page }) => {
  await playground.goto({ config: { 'sampling.promptsPerIter': 256, 'sampling.groupSize': 64, 'model.dModel': 64, 'model.nHeads': 4, 'run.iterations': 3 } });
  await playground.start.click();
  await playground.waitStatus('error');
  await expect(page.getByTestId('run-error')).toHaveText(/^Refused: this run would need about [\d.]+ (GB|TB) of tensor memory, more than the [\d.]+ (MB|GB) this device allows/);
  await expect(page.getByTestId('run-error')).toContainText('the update of 16384 responses (B=256 x G=64) x 8 tokens');

  await setField(playground, 'sampling.promptsPerIter', '2');
  await setField(playground, 'sampling.groupSize', '2');
  await page.getByTestId('run-recovery').getByRole('button', { name: 'Resume from checkpoint (iteration 0)' }).click();
  await playground.waitStatus('done');
  await expect(playground.runRows.first()).toHaveAttribute('data-points', '3');
});

test('a WebGPU device lost while an iteration is in flight falls back once, to wasm, and the notice names WebGPU', async ({ playground, page }) => {
  await playground.goto({ backend: 'webgpu', debug: true, config: { 'run.iterations': 5000 } });
  await expect(playground.badge).toHaveAttribute('data-backend', 'webgpu');
  await playground.start.click();
  await playground.waitIterationAtLeast(2);
  // Still running: the device goes while the scheduler is inside an iteration.
  await expect(playground.status).toHaveAttribute('data-status', 'running');
  await page.evaluate(async () => {
    const store = (window as unknown as { __rft: { getState(): { client: { api: { simulateBackendFailure(): Promise<void> } } } } }).__rft;
    await store.getState().client.api.simulateBackendFailure();
  });
  await expect(playground.badge).toHaveAttribute('data-backend', 'wasm');
  const after = await playground.currentIteration();
  // Several iterations on the new backend: a stale 'lost' of the old device would have moved it again by now.
  await playground.waitIterationAtLeast(after + 5);
  await expect(playground.badge).toHaveAttribute('data-backend', 'wasm');
  const notices = page.getByTestId('notice-error');
  await expect(notices.filter({ hasText: 'WebGPU failed' })).toHaveCount(1);
  await expect(notices.filter({ hasText: 'WASM failed' })).toHaveCount(0);
  await playground.stop.click();
  await playground.waitStatus('stopped');
  await expect(playground.badge).toHaveAttribute('data-backend', 'wasm');
});

test('a run diverging at iteration 1 is stored at iteration 0 with the divergence as its error, and its export re-imports alike', async ({ playground, page }) => {
  await playground.goto({ config: { ...SIGNAL, 'run.iterations': 50, 'optim.lr': 1000, name: 'diverges' } });
  await playground.start.click();
  await playground.waitStatus('error');
  await expect(page.getByTestId('run-error')).toHaveText(/^diverged at iteration 1: /);
  const row = playground.runRows.first();
  // Its iteration is that of its last saved record: none was saved, so 0 (not 1 with no metrics).
  await expect(row).toHaveAttribute('data-iteration', '0');
  await expect(row).toHaveAttribute('data-points', '0');

  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('btn-export-json').click()]);
  const path = await download.path();
  const file = JSON.parse(await readFile(path, 'utf8')) as { run: { iteration: number; status: string }; metrics: unknown[] };
  expect(file.run).toMatchObject({ iteration: 0, status: 'error' });
  expect(file.metrics).toEqual([]);

  await page.getByTestId('import-input').setInputFiles(path);
  await expect(playground.runRows).toHaveCount(2);
  const imported = playground.runRows.first();
  await expect(imported).toHaveAttribute('data-status', 'error');
  await expect(imported).toHaveAttribute('data-iteration', '0');
  await expect(imported).toHaveAttribute('data-points', '0');

  await page.reload(); // storage says the same
  await playground.waitReady();
  await expect(playground.runRows.nth(1)).toHaveAttribute('data-iteration', '0');
  await expect(playground.runRows.nth(1)).toHaveAttribute('data-status', 'error');
});
