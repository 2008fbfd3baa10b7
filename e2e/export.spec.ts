import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

interface RunFile {
  format: string;
  run: { name: string; iteration: number };
  config: unknown;
  metrics: { iteration: number; values: Record<string, number> }[];
}

test('Export downloads a JSON run that imports back to the same run; CSV has a row per iteration', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 3, name: 'export me' } });
  await playground.start.click();
  await playground.waitStatus('done');
  const row = playground.runRows.first();
  await expect(row).toHaveAttribute('data-points', '3');

  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('btn-export-json').click()]);
  expect(download.suggestedFilename()).toBe('export-me.run.json');
  const path = await download.path();
  const original = JSON.parse(await readFile(path, 'utf8')) as RunFile;
  expect(original.format).toBe('rft-playground/run');
  expect(original.run.name).toBe('export me');
  expect(original.metrics).toHaveLength(3);

  const [csv] = await Promise.all([page.waitForEvent('download'), row.getByTestId('btn-export-csv').click()]);
  const csvText = await readFile(await csv.path(), 'utf8');
  expect(csvText.trim().split('\n')).toHaveLength(4);
  expect(csvText.split('\n')[0]).toContain('reward/mean');

  await page.getByTestId('import-input').setInputFiles(path);
  await expect(playground.runRows).toHaveCount(2);
  const imported = playground.runRows.first(); // newest first
  await expect(imported).toHaveAttribute('data-points', '3');
  await expect(imported).toHaveAttribute('data-iteration', '3');
  await expect(imported.getByTestId('run-name')).toHaveText('export me');

  const [again] = await Promise.all([page.waitForEvent('download'), imported.getByTestId('btn-export-json').click()]);
  const roundTrip = JSON.parse(await readFile(await again.path(), 'utf8')) as RunFile;
  expect(roundTrip.config).toEqual(original.config);
  expect(roundTrip.metrics).toEqual(original.metrics);
  expect(roundTrip.run).toMatchObject({ name: original.run.name, iteration: original.run.iteration });
});

test('a file that is not a run is refused with a message', async ({ playground, page }) => {
  await playground.goto();
  await page.getByTestId('import-input').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"}') });
  await expect(page.getByTestId('notice-error').filter({ hasText: 'Import failed' })).toBeVisible();
  await expect(playground.runsList).toHaveAttribute('data-count', '0');
});

test('runs can be renamed, hidden, deleted and brought back with Undo', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 2 } });
  await playground.start.click();
  await playground.waitStatus('done');
  const row = playground.runRows.first();

  await row.getByRole('button', { name: 'Rename' }).click();
  const nameInput = row.getByLabel('Run name');
  await nameInput.fill('renamed run');
  await nameInput.press('Enter');
  await expect(row.getByTestId('run-name')).toHaveText('renamed run');

  await row.getByRole('checkbox').uncheck();
  await expect(page.getByTestId('chart-grid')).toHaveAttribute('data-runs', '0');
  await row.getByRole('checkbox').check();
  await expect(page.getByTestId('chart-grid')).toHaveAttribute('data-runs', '1');

  await row.getByTestId('btn-delete').click();
  await expect(playground.runsList).toHaveAttribute('data-count', '0');
  await page.getByTestId('btn-undo').click();
  await expect(playground.runRows).toHaveCount(1);
  await expect(playground.runRows.first().getByTestId('run-name')).toHaveText('renamed run');
  await expect(playground.runRows.first()).toHaveAttribute('data-points', '2');

  // Undo survives a reload: the run was written back to IndexedDB.
  await page.reload();
  await playground.waitReady();
  await expect(playground.runRows).toHaveCount(1);
  await expect(playground.runRows.first()).toHaveAttribute('data-points', '2');
});

test('A chart saves as a PNG of its own size, drawn in the page', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 3 } });
  await playground.start.click();
  await playground.waitStatus('done');
  const chart = playground.chart('reward');
  const box = await chart.locator('svg.recharts-surface').boundingBox();
  const [download] = await Promise.all([page.waitForEvent('download'), chart.getByTestId('png-reward').click()]);
  expect(download.suggestedFilename()).toBe('rft-reward.png');
  const png = await readFile((await download.path()));
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]); // the PNG signature
  // IHDR: width and height at bytes 16 and 20; 2x the chart, plus a 22 px title band.
  expect(png.readUInt32BE(16)).toBe(Math.ceil(box!.width * 2));
  expect(png.readUInt32BE(20)).toBe(Math.ceil((box!.height + 22) * 2));
  expect(png.length).toBeGreaterThan(2000); // lines and axes, not a blank canvas
});

test('an imported run with a long name continues as a new run under its config (one name limit, 200)', async ({ playground, page }, testInfo) => {
  await playground.goto({ config: { 'run.iterations': 2, 'run.evalEvery': 0 } });
  await playground.start.click();
  await playground.waitStatus('done');
  const [download] = await Promise.all([page.waitForEvent('download'), playground.runRows.first().getByTestId('btn-export-json').click()]);
  const file = JSON.parse(await readFile(await download.path(), 'utf8')) as RunFile;
  const name = `long ${'n'.repeat(150)}`;
  const path = testInfo.outputPath('long.run.json');
  await writeFile(path, JSON.stringify({ ...file, run: { ...file.run, name } }));
  await page.getByTestId('import-input').setInputFiles(path);
  await expect(playground.runRows).toHaveCount(2);
  const imported = playground.runRows.first();
  await expect(imported.getByTestId('run-name')).toHaveText(name);

  // It has no checkpoint, so it continues as a new run; its config (and the name's length) must pass the same checks.
  await imported.getByTestId('btn-continue-new').click();
  await expect(playground.runRows).toHaveCount(3);
  await playground.waitStatus('done');
  await expect(playground.runRows.first()).toHaveAttribute('data-iteration', '2');
  await expect(page.getByTestId('notice-error')).toHaveCount(0);
});

test('an imported stopped run offers no Resume that would erase it, but continues as a new run from the warm start', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 5000, name: 'to import' } });
  await playground.start.click();
  await playground.waitIterationAtLeast(3);
  await playground.stop.click();
  await playground.waitStatus('stopped');
  const original = playground.runRows.first();
  const n = Number(await original.getAttribute('data-iteration'));
  const [download] = await Promise.all([page.waitForEvent('download'), original.getByTestId('btn-export-json').click()]);
  await page.getByTestId('import-input').setInputFiles(await download.path());
  await expect(playground.runRows).toHaveCount(2);
  const imported = playground.runRows.first(); // newest first
  const importedId = (await imported.getAttribute('data-run-id')) ?? '';
  await expect(imported).toHaveAttribute('data-status', 'stopped');
  await expect(imported).toHaveAttribute('data-points', String(n));
  // It has no checkpoint (files carry none): a resume would restart at 0 and drop every record.
  await expect(imported.getByTestId('btn-resume')).toHaveCount(0);
  await expect(page.getByTestId('run-recovery')).toHaveCount(0);

  await imported.getByTestId('btn-continue-new').click();
  await expect(playground.runRows).toHaveCount(3);
  await playground.waitIterationAtLeast(2); // the new run, active, trains from iteration 0
  await playground.stop.click();
  await playground.waitStatus('stopped');
  const kept = page.locator(`[data-testid="run-row"][data-run-id="${importedId}"]`);
  await expect(kept).toHaveAttribute('data-status', 'stopped');
  await expect(kept).toHaveAttribute('data-points', String(n));
  await expect(kept).toHaveAttribute('data-iteration', String(n));

  await page.reload(); // the same from storage
  await playground.waitReady();
  await expect(kept).toHaveAttribute('data-points', String(n));
  await expect(kept.getByTestId('btn-resume')).toHaveCount(0);
});

/** A run file of `n` records as a real run logs them: `perRecord` values a record (30,000 records of 40 are 43 MB of JSON), an evaluation every 500. */
function bigRunFile(config: unknown, n: number, perRecord = 40): string {
  const keys = Array.from({ length: perRecord }, (_, k) => `ext/metric_${k}`);
  const metrics = Array.from({ length: n }, (_, i) => {
    const iteration = i + 1;
    const values: Record<string, number> = {};
    for (const [k, key] of keys.entries()) values[key] = Math.sin(iteration * (k + 1)) / 3;
    if (iteration % 500 === 0) values['acc/eval_id'] = 0.5;
    return { iteration, wallMs: iteration * 10, klEstimator: 'k3', difficulty: 1, values };
  });
  return JSON.stringify({ format: 'rft-playground/run', version: 1, run: { name: 'huge', status: 'done', createdAt: 1, iteration: n, wallMs: n * 10 }, config, metrics });
}

const panelConfig = (page: Page): Promise<unknown> => page.evaluate(() => (window as unknown as { __rft: { getState(): { config: unknown } } }).__rft.getState().config);

/** What the page watches while an import runs: the longest gap between animation frames, long tasks, the progress bar's phases. */
interface ImportWatch {
  maxFrameGap: number;
  longestTask: number;
  phases: string[];
  values: number[];
}

test('a large import (30,000 records) is read in the worker with a progress bar and a Cancel while the page keeps drawing frames, and is thinned to at most 2,000 records, every evaluation kept', async ({ playground, page }, testInfo) => {
  await playground.goto({ debug: true });
  const config = await panelConfig(page);
  expect(config).not.toBeNull();
  const N = 30_000;
  const path = testInfo.outputPath('huge.run.json');
  await writeFile(path, bigRunFile(config, N));

  // Cancel, while the worker reads or checks it, stores nothing.
  await page.getByTestId('import-input').setInputFiles(path);
  await page.getByTestId('btn-cancel-import').click();
  await expect(page.getByTestId('notice-info').filter({ hasText: 'The import was cancelled; nothing was changed.' })).toBeVisible();
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(playground.runsList).toHaveAttribute('data-count', '0');

  // Watch the main thread from here on: a frame loop and the long-task observer.
  await page.evaluate(() => {
    const watch: ImportWatch & { on: boolean; last: number } = { maxFrameGap: 0, longestTask: 0, phases: [], values: [], on: true, last: performance.now() };
    Object.assign(window, { __importWatch: watch });
    const frame = (t: number) => {
      watch.maxFrameGap = Math.max(watch.maxFrameGap, t - watch.last);
      watch.last = t;
      if (watch.on) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) watch.longestTask = Math.max(watch.longestTask, e.duration);
    }).observe({ type: 'longtask' });
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid="import-progress"]');
      const phase = bar?.getAttribute('data-phase');
      if (phase && watch.phases.at(-1) !== phase) watch.phases.push(phase);
      const now = Number(bar?.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow'));
      if (bar && watch.values.at(-1) !== now) watch.values.push(now);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-phase', 'aria-valuenow'] });
  });
  await page.getByTestId('import-input').setInputFiles(path);
  // (a) A progress bar says the phase while the worker works.
  await expect(page.getByRole('progressbar', { name: /^Importing "huge\.run\.json": / })).toBeVisible();
  // (c) The run appears, and the bar goes.
  await expect(playground.runRows).toHaveCount(1);
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  const watch = await page.evaluate(() => {
    const w = (window as unknown as { __importWatch: ImportWatch & { on: boolean } }).__importWatch;
    w.on = false;
    return { maxFrameGap: w.maxFrameGap, longestTask: w.longestTask, phases: w.phases, values: w.values };
  });
  testInfo.annotations.push({ type: 'main thread', description: `longest frame gap ${Math.round(watch.maxFrameGap)} ms, longest task ${Math.round(watch.longestTask)} ms, phases ${watch.phases.join(' > ')}` });
  // The phases shown came in order, checking the records among them, and the bar only grew.
  const order = ['reading', 'parsing', 'validating', 'thinning', 'storing'];
  expect(watch.phases).toContain('validating');
  expect(watch.phases).toEqual([...watch.phases].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
  expect(watch.values).toEqual([...watch.values].sort((a, b) => a - b));
  // (b) The page stayed responsive: parsing this file on the main thread held it for seconds in one task (3.4 s
  // between frames, measured with the page's old parse); here 83 ms. The bound leaves room for a loaded machine.
  expect(watch.maxFrameGap, 'longest gap between animation frames during the import (ms)').toBeLessThan(1500);
  expect(watch.longestTask, 'longest main-thread task during the import (ms)').toBeLessThan(1500);

  const imported = playground.runRows.first();
  await expect(imported).toHaveAttribute('data-iteration', String(N));
  const id = (await imported.getAttribute('data-run-id')) ?? '';
  const kept = await page.evaluate((runId) => {
    const s = (window as unknown as { __rft: { getState(): { metrics: Record<string, { iteration: number; values: Record<string, number> }[]> } } }).__rft.getState();
    const list = s.metrics[runId] ?? [];
    return { count: list.length, evals: list.filter((r) => 'acc/eval_id' in r.values).length, last: list.at(-1)?.iteration };
  }, id);
  expect(kept.count).toBeLessThanOrEqual(2000 + N / 500);
  expect(kept.evals).toBe(N / 500);
  expect(kept.last).toBe(N);
  await expect(imported).toHaveAttribute('data-points', String(kept.count));
  // Storage holds the same thinned records: a reload draws what the tab drew.
  await page.reload();
  await playground.waitReady();
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${id}"]`)).toHaveAttribute('data-points', String(kept.count));
});

test('a worker that dies during an import takes the progress bar with it and says so; nothing is stored and the next import works', async ({ playground, page }, testInfo) => {
  await playground.goto({ debug: true });
  const path = testInfo.outputPath('huge.run.json');
  await writeFile(path, bigRunFile(await panelConfig(page), 20_000));
  await page.getByTestId('import-input').setInputFiles(path);
  await expect(page.getByTestId('import-progress')).toBeVisible();
  // As the browser would on out-of-memory: the worker just goes, and its import call never answers.
  await page.evaluate(() => (window as unknown as { __rft: { getState(): { client: { simulateCrash(): void } | null } } }).__rft.getState().client?.simulateCrash());
  await expect(page.getByTestId('notice-error').filter({ hasText: 'Import of "huge.run.json" stopped: the trainer stopped.' })).toBeVisible();
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(playground.runsList).toHaveAttribute('data-count', '0');
  await page.getByTestId('btn-restart-worker').click();
  await expect(playground.badge).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('import-input').setInputFiles(path);
  await expect(playground.runRows).toHaveCount(1);
  await expect(playground.runRows.first()).toHaveAttribute('data-iteration', '20000');
});
