import { test, expect } from './fixtures';

/**
 * The server sends COOP/COEP, so the page is cross-origin isolated and tfjs-backend-wasm
 * loads its threaded SIMD build, under the same CSP, and trains on it. Its default is half the
 * logical cores (at most 8); `?threads=N` asks for N.
 */
test('the page is cross-origin isolated; wasm runs its threaded build on half the cores by default', async ({ playground, page }) => {
  const wasmFiles: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasmFiles.push(r.url());
  });
  await playground.goto({ backend: 'wasm' });
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  expect(wasmFiles.join(' ')).toContain('threaded-simd');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const expected = Math.min(8, Math.max(1, Math.floor(cores / 2)));
  await expect(playground.badge).toHaveAttribute('data-threads', String(expected));
  await expect(playground.badge).toContainText(`${expected} thread`);
  await playground.start.click();
  await playground.waitIterationAtLeast(2);
});

test('?threads=2 trains on two threads; a bad value is said and ignored', async ({ playground, page }) => {
  await playground.goto({ backend: 'wasm', threads: '2' });
  await expect(playground.badge).toHaveAttribute('data-threads', '2');
  await expect(playground.badge).toContainText('2 threads');
  await playground.start.click();
  await playground.waitIterationAtLeast(2);

  await playground.goto({ backend: 'wasm', threads: 'lots' });
  await expect(page.getByText('Unknown ?threads=lots')).toBeVisible();
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(playground.badge).toHaveAttribute('data-threads', String(Math.min(8, Math.max(1, Math.floor(cores / 2)))));
});
