import { test, expect } from './fixtures';
import { PlaygroundPage } from './pages/PlaygroundPage';

test('?backend=webgpu: the badge says WebGPU and a tiny run streams 5 iterations into the charts', async ({ playground }) => {
  await playground.goto({ backend: 'webgpu', config: { 'run.iterations': 6 } });
  await expect(playground.badge).toHaveAttribute('data-backend', 'webgpu');
  await expect(playground.badge).toContainText('WebGPU');
  await playground.start.click();
  await playground.waitIterationAtLeast(5);
  await expect.poll(() => playground.chartPoints('reward')).toBeGreaterThanOrEqual(5);
  await expect.poll(() => playground.chartPoints('kl')).toBeGreaterThanOrEqual(5);
  await playground.waitStatus('done');
});

test('auto backend: skips a software WebGPU adapter, says why, and streams 5 iterations', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 6 } });
  const name = await playground.backendName();
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(name);
  // What this browser's WebGPU adapter is (SwiftShader here): auto must not train on a fallback one.
  const fallback = await page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean } | null> } }).gpu;
    const adapter = await gpu?.requestAdapter();
    return adapter ? Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) : null;
  });
  if (fallback === true) {
    expect(name).not.toBe('webgpu');
    await expect(playground.badge).toContainText('software fallback');
  }
  await playground.start.click();
  await playground.waitIterationAtLeast(5);
  await expect.poll(() => playground.chartPoints('reward')).toBeGreaterThanOrEqual(5);
  await playground.waitStatus('done');
});

test('Pause stops the counter, Step advances it by exactly one, Stop ends the run', async ({ playground }) => {
  await playground.goto({ config: { 'run.iterations': 5000 } });
  await playground.start.click();
  await playground.waitStatus('running');
  await playground.waitIterationAtLeast(2);

  await playground.pause.click();
  await playground.waitStatus('paused'); // reached only once the iteration in flight has finished
  const n = await playground.currentIteration();
  await expect(playground.pause).toBeDisabled();

  await playground.step.click();
  await expect(playground.iteration).toHaveAttribute('data-iteration', String(n + 1));
  await playground.waitStatus('paused');
  await expect.poll(() => playground.chartPoints('reward')).toBe(n + 1);

  await playground.step.click();
  await expect(playground.iteration).toHaveAttribute('data-iteration', String(n + 2));
  await expect.poll(() => playground.chartPoints('reward')).toBe(n + 2);
  await expect(playground.iteration).toHaveAttribute('data-iteration', String(n + 2));

  await playground.stop.click();
  await playground.waitStatus('stopped');
  await expect(playground.iteration).toHaveAttribute('data-iteration', String(n + 2));
  await expect(playground.start).toHaveText('Start');
  await expect(playground.runRows.first()).toHaveAttribute('data-status', 'stopped');
});

test('after a reload the run is still listed with its metrics', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 5 } });
  await playground.start.click();
  await playground.waitStatus('done');
  await expect(playground.runRows).toHaveCount(1);
  await expect(playground.runRows.first()).toHaveAttribute('data-points', '5');

  await page.reload();
  await playground.waitReady();
  await expect(playground.runRows).toHaveCount(1);
  const row = playground.runRows.first();
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row).toHaveAttribute('data-iteration', '5');
  await expect(row).toHaveAttribute('data-points', '5');
  await expect.poll(() => playground.chartPoints('reward')).toBe(5);
});

test('a run interrupted by a reload is marked interrupted and resumes', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 5000 } });
  await playground.start.click();
  await playground.waitIterationAtLeast(3);
  await playground.pause.click();
  await playground.waitStatus('paused'); // pausing saves a checkpoint
  const n = await playground.currentIteration();

  await page.reload();
  await playground.waitReady();
  const row = playground.runRows.first();
  await expect(row).toHaveAttribute('data-status', 'interrupted');
  await row.getByTestId('btn-resume').click();
  await expect(row).toHaveAttribute('data-status', 'running');
  await expect.poll(async () => Number(await row.getAttribute('data-iteration'))).toBeGreaterThan(n);
  // After a reload the newest run is the active one: the controls act on it.
  await playground.stop.click();
  await playground.waitStatus('stopped');
});

test('keyboard: Space starts and pauses, . steps, X stops', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 5000 } });
  await page.locator('body').press('Space');
  await playground.waitStatus('running');
  await playground.waitIterationAtLeast(1);
  await page.locator('body').press('Space');
  await playground.waitStatus('paused');
  const n = await playground.currentIteration();
  await page.locator('body').press('.');
  await expect(playground.iteration).toHaveAttribute('data-iteration', String(n + 1));
  await page.locator('body').press('x');
  await playground.waitStatus('stopped');
});

test('a lost WebGPU device falls back to another backend and the run goes on from its checkpoint', async ({ playground, page }) => {
  // Long enough that it is still running on WASM (fast) when the test stops it.
  await page.goto(`/?backend=webgpu&debug${PlaygroundPage.hash({ config: { 'run.iterations': 5000 } })}`);
  await playground.waitReady();
  await expect(playground.badge).toHaveAttribute('data-backend', 'webgpu');
  await playground.start.click();
  await playground.waitIterationAtLeast(2);
  await playground.pause.click();
  await playground.waitStatus('paused'); // a checkpoint at n
  const n = await playground.currentIteration();

  await page.evaluate(async () => {
    const store = (window as unknown as { __rft: { getState(): { client: { api: { simulateBackendFailure(): Promise<void> } } } } }).__rft;
    await store.getState().client.api.simulateBackendFailure();
  });
  await playground.start.click();
  await expect(playground.badge).not.toHaveAttribute('data-backend', 'webgpu');
  await expect(playground.badge).toContainText('WebGPU failed');
  await expect(page.getByTestId('notice-error').filter({ hasText: 'WebGPU failed' })).toBeVisible();
  await playground.waitIterationAtLeast(n + 2);
  // Nothing before the checkpoint was lost: one record per iteration, 1..now.
  const now = await playground.currentIteration();
  await expect.poll(() => playground.chartPoints('reward')).toBeGreaterThanOrEqual(now);
  await playground.stop.click();
  await playground.waitStatus('stopped');
});

test('double-clicking Start makes one run, not two', async ({ playground }) => {
  await playground.goto({ config: { 'run.iterations': 3 } });
  await playground.start.dblclick();
  await playground.waitStatus('done');
  await expect(playground.runsList).toHaveAttribute('data-count', '1');
  await expect(playground.runRows).toHaveCount(1);
});
