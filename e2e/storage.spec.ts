import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { PlaygroundPage } from './pages/PlaygroundPage';

/**
 * Storage under stress: runs that were only half written, a full quota, bad imports and bad
 * links (each refused with its reason, changing nothing), and two tabs sharing one IndexedDB.
 * Half-written states are made the way a crash leaves them: by writing IndexedDB directly.
 */

interface Stored {
  runs: { id: string; name: string; status: string; iteration: number; checkpointIteration?: number }[];
  /** Metric iterations by run id, ascending. */
  metrics: Record<string, number[]>;
  checkpoints: string[];
}

/** Everything the app has stored, read straight from IndexedDB (not through the app). */
function readStored(page: Page): Promise<Stored> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('rft-playground');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('open failed'));
    });
    const tx = db.transaction(['runs', 'metrics', 'checkpoints']);
    const ask = <T,>(req: IDBRequest<T>) => new Promise<T>((resolve) => (req.onsuccess = () => resolve(req.result)));
    const runs = (await ask(tx.objectStore('runs').getAll())) as Stored['runs'];
    const keys = (await ask(tx.objectStore('metrics').getAllKeys())) as [string, number][];
    const checkpoints = (await ask(tx.objectStore('checkpoints').getAllKeys())) as string[];
    db.close();
    const metrics: Record<string, number[]> = {};
    for (const [id, it] of keys) (metrics[id] ??= []).push(it);
    return {
      runs: runs.map((r) => ({ id: r.id, name: r.name, status: r.status, iteration: r.iteration, ...(r.checkpointIteration !== undefined ? { checkpointIteration: r.checkpointIteration } : {}) })).sort((a, b) => a.id.localeCompare(b.id)),
      metrics,
      checkpoints: checkpoints.sort(),
    };
  });
}

/** Change stored data as a page dying mid-write could have left it. */
function tamper(page: Page, op: { cloneRunAs?: { from: string; id: string; patch: Record<string, unknown> } }): Promise<void> {
  return page.evaluate(async (o) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('rft-playground');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('open failed'));
    });
    const tx = db.transaction(['runs', 'metrics'], 'readwrite');
    if (o.cloneRunAs) {
      const { from, id, patch } = o.cloneRunAs;
      const req = tx.objectStore('runs').get(from);
      req.onsuccess = () => tx.objectStore('runs').put({ ...(req.result as object), ...patch, id });
    }
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('write failed'));
    });
    db.close();
  }, op);
}

async function runToDone(playground: PlaygroundPage, config: Record<string, string | number | boolean>, debug = false, preset?: string): Promise<string> {
  await playground.goto({ config, debug, ...(preset ? { preset } : {}) });
  await playground.start.click();
  await playground.waitStatus('done');
  return (await playground.runRows.first().getAttribute('data-run-id')) ?? '';
}

test('a page closed mid-run leaves metrics, iteration and checkpoint that agree, and a half-created run reads as interrupted', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 5000, name: 'cut short' } });
  await playground.start.click();
  const row = playground.runRow('cut short');
  // Past a checkpoint (every 10 iterations), so the reload lands between two of them.
  await expect.poll(async () => Number(await row.getAttribute('data-checkpoint'))).toBeGreaterThanOrEqual(10);
  const id = (await row.getAttribute('data-run-id')) ?? '';
  // And a run whose record was written but whose creation never finished.
  await tamper(page, { cloneRunAs: { from: id, id: 'never-built', patch: { name: 'never built', status: 'loading', iteration: 0, checkpointIteration: undefined, createdAt: Date.now() } } });

  await page.reload();
  await playground.waitReady();
  // The worker wrote metrics, iteration and checkpoint in one transaction each time: what a
  // reload finds is whole, with the checkpoint never ahead of the metrics.
  const stored = await readStored(page);
  const run = stored.runs.find((r) => r.id === id)!;
  expect(stored.metrics[id]).toEqual(Array.from({ length: run.iteration }, (_, i) => i + 1));
  expect(run.checkpointIteration).toBeGreaterThanOrEqual(10);
  expect(run.checkpointIteration).toBeLessThanOrEqual(run.iteration);
  expect(stored.checkpoints).toContain(id);
  const cut = playground.runRow('cut short');
  await expect(cut).toHaveAttribute('data-status', 'interrupted');
  await expect(cut).toHaveAttribute('data-points', String(run.iteration));
  await expect(cut).toHaveAttribute('data-iteration', String(run.iteration));
  await expect(playground.runRow('never built')).toHaveAttribute('data-status', 'interrupted');
  await expect(page.getByTestId('run-incomplete')).toHaveCount(0);
  // Both can still be deleted like any other.
  await cut.getByTestId('btn-delete').click();
  await playground.runRow('never built').getByTestId('btn-delete').click();
  await expect(playground.runsList).toHaveAttribute('data-count', '0');
});

test('a full quota says what was not saved, pauses training, offers to delete old runs, then saves everything', async ({ playground, page }) => {
  await runToDone(playground, { 'run.iterations': 2, name: 'old run' }, true);
  await playground.goto({ config: { 'run.iterations': 5000, name: 'long run' }, debug: true });
  await playground.start.click();
  await playground.waitPoints('long run', 2); // so the write failed below is not the long run's first

  // The next write the worker makes fails as a full quota would.
  await page.evaluate(() => (window as unknown as { __rftStorage: { failNextWrites(n: number): void } }).__rftStorage.failNextWrites(1));
  const banner = page.getByTestId('storage-full');
  await expect(banner).toBeVisible();
  await expect(banner.getByTestId('storage-full-text')).toContainText(/^Storage is full: the metrics of iterations? [\d-]+ could not be saved\./);
  await playground.waitStatus('paused');
  const long = playground.runRow('long run');
  const shown = Number(await long.getAttribute('data-points'));
  const id = (await long.getAttribute('data-run-id')) ?? '';
  // Storage lacks what failed; nothing in it was overwritten or dropped.
  const before = await readStored(page);
  expect(before.metrics[id]!.length).toBeLessThan(shown);

  // Offered: the finished old run, not the paused one.
  const offers = banner.getByTestId('storage-offer');
  await expect(offers).toHaveCount(1);
  await expect(offers.first()).toContainText('old run');
  await offers.first().getByTestId('btn-free-run').click();
  await expect(banner).toBeHidden();
  await expect(page.getByTestId('notice-info').filter({ hasText: 'stored again' })).toBeVisible();
  await expect(playground.runRows).toHaveCount(1);

  const after = await readStored(page);
  expect(after.runs.map((r) => r.name)).toEqual(['long run']);
  const n = Number(await long.getAttribute('data-iteration'));
  expect(after.metrics[id]).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(after.runs[0]!.iteration).toBe(n);

  await page.reload();
  await playground.waitReady();
  await expect(playground.runRow('long run')).toHaveAttribute('data-points', String(n));
});

test('a malformed import produces its message and changes nothing', async ({ playground, page }, testInfo) => {
  await runToDone(playground, { 'run.iterations': 2, name: 'kept' }, true);
  const [download] = await Promise.all([page.waitForEvent('download'), playground.runRows.first().getByTestId('btn-export-json').click()]);
  const good = await readFile(await download.path(), 'utf8');
  const file = JSON.parse(good) as { version: number; config: { model: { dModel: number; nHeads: number } }; metrics: { iteration: number }[] };
  expect(file.config.model.nHeads).toBe(2); // so dModel 15 breaks the dModel % nHeads rule
  const before = await readStored(page);

  const big = testInfo.outputPath('big.run.json');
  await writeFile(big, Buffer.alloc(64 * 1024 * 1024 + 1, 32));
  const cases: { what: string; file: string | { name: string; text: string }; message: string | RegExp }[] = [
    { what: 'wrong type', file: { name: 'a.json', text: '{"format":"something-else","version":1}' }, message: 'Import failed: Not a playground run file: its format is "something-else", expected "rft-playground/run".' },
    { what: 'wrong version', file: { name: 'b.json', text: JSON.stringify({ ...file, version: 2 }) }, message: 'Import failed: Unsupported run file version 2: this app reads version 1.' },
    { what: 'truncated', file: { name: 'c.json', text: good.slice(0, Math.floor(good.length / 2)) }, message: /^Import failed: Truncated file: it ends before its JSON does/ },
    { what: 'mismatched model config', file: { name: 'd.json', text: JSON.stringify({ ...file, config: { ...file.config, model: { ...file.config.model, dModel: 15 } } }) }, message: /^Import failed: Invalid config at config\.model/ },
    { what: 'inconsistent metrics', file: { name: 'e.json', text: JSON.stringify({ ...file, metrics: [...file.metrics].reverse() }) }, message: /^Import failed: Inconsistent metrics: iteration 1 comes after iteration 2/ },
    { what: 'oversized', file: big, message: /^Import failed: file too large \(64\.0 MB, at most 64 MB\)/ },
    { what: 'not JSON', file: { name: 'f.json', text: '<script>alert(1)</script>' }, message: /^Import failed: Not JSON/ },
  ];
  for (const c of cases) {
    const input = page.getByTestId('import-input');
    if (typeof c.file === 'string') await input.setInputFiles(c.file);
    else await input.setInputFiles({ name: c.file.name, mimeType: 'application/json', buffer: Buffer.from(c.file.text) });
    const notice = page.getByTestId('notice-error').filter({ hasText: 'Import failed' });
    await expect(notice, c.what).toHaveCount(1);
    await expect(notice.locator('span').first(), c.what).toHaveText(c.message);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
  }
  // Shown as text, never as markup.
  expect(await page.locator('script', { hasText: 'alert(1)' }).count()).toBe(0);
  await expect(playground.runsList).toHaveAttribute('data-count', '1');
  expect(await readStored(page)).toEqual(before);

  // A good file refused for a full quota leaves nothing behind either; with room it imports.
  await page.evaluate(() => (window as unknown as { __rftStorage: { failNextWrites(n: number): void } }).__rftStorage.failNextWrites(1));
  await page.getByTestId('import-input').setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(good) });
  await expect(page.getByTestId('notice-error').filter({ hasText: 'Import failed: Storage is full: the imported run "kept" could not be saved. Nothing was changed.' })).toBeVisible();
  await expect(page.getByTestId('storage-full')).toBeVisible();
  await expect(playground.runsList).toHaveAttribute('data-count', '1');
  expect(await readStored(page)).toEqual(before);
  await page.getByTestId('btn-dismiss-storage').click();
  await page.getByTestId('import-input').setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(good) });
  await expect(playground.runsList).toHaveAttribute('data-count', '2');
});

test('a malformed link (URL hash) produces its notice and changes nothing', async ({ playground, page }) => {
  // Not the default preset, so a link that fell back to the default would show.
  await runToDone(playground, { 'run.iterations': 2, 'run.seed': 7 }, false, 'dapo');
  const before = await readStored(page);
  const hash = new URL(page.url()).hash;
  expect(hash).toContain('seed=7');

  // Pasted into the address bar of the open page: every part of it is wrong.
  await page.evaluate(() => {
    location.hash = '#bogus=1&sampling.temperature=hot&preset=sarsa';
  });
  await expect(page.getByTestId('notice-error').filter({ hasText: 'Unknown preset "sarsa"' })).toBeVisible();
  await expect(page.getByTestId('notice-error').filter({ hasText: 'Ignored unknown setting "bogus"' })).toBeVisible();
  await expect(page.getByTestId('notice-error').filter({ hasText: 'nothing in the link could be used, so nothing was changed' })).toBeVisible();
  await expect(playground.input('run.seed')).toHaveValue('7');
  await expect(page.getByTestId('preset-select')).toHaveValue('dapo');
  await expect.poll(() => new URL(page.url()).hash).toBe(hash);

  // Too long to read at all.
  await page.evaluate(() => {
    location.hash = `#seed=3&name=${'x'.repeat(9000)}`;
  });
  await expect(page.getByTestId('notice-error').filter({ hasText: 'Ignored the link: it is too long' })).toBeVisible();
  await expect(playground.input('run.seed')).toHaveValue('7');
  await expect.poll(() => new URL(page.url()).hash).toBe(hash);

  await expect(playground.runsList).toHaveAttribute('data-count', '1');
  await expect(playground.runRows.first()).toHaveAttribute('data-status', 'done');
  expect(await readStored(page)).toEqual(before);
});

test('two tabs: a run training in one is read-only in the other, each trains its own, and changes show up in both', async ({ playground, context }) => {
  await playground.goto({ config: { 'run.iterations': 5000, name: 'tab A run' } });
  await playground.start.click();
  await playground.waitIterationAtLeast(2);

  const pageB = await context.newPage();
  const errorsB: string[] = [];
  pageB.on('console', (msg) => {
    if (msg.type() === 'error') errorsB.push(msg.text());
  });
  pageB.on('pageerror', (err) => errorsB.push(`pageerror: ${err.message}`));
  const b = new PlaygroundPage(pageB);
  await b.goto({ config: { 'run.iterations': 3, name: 'tab B run' } });

  // In B, A's run: its live status, a badge, no verbs, and metrics that keep coming.
  const aInB = b.runRow('tab A run');
  await expect(aInB).toHaveAttribute('data-foreign', 'true');
  await expect(aInB).toHaveAttribute('data-status', 'running');
  await expect(aInB.getByTestId('run-foreign')).toHaveText('training in another tab');
  await expect(aInB.getByTestId('btn-delete')).toBeDisabled();
  await expect(aInB.getByRole('button', { name: 'Rename' })).toBeDisabled();
  await expect(aInB.getByTestId('btn-resume')).toHaveCount(0);
  const seen = Number(await aInB.getAttribute('data-points'));
  await expect.poll(async () => Number(await aInB.getAttribute('data-points'))).toBeGreaterThan(seen);

  // B trains its own run; A sees it appear, finish, and stay editable.
  await b.start.click();
  await b.waitStatus('done');
  const bInA = playground.runRow('tab B run');
  await expect(bInA).toHaveAttribute('data-status', 'done');
  await expect(bInA).toHaveAttribute('data-points', '3');
  await expect(bInA).toHaveAttribute('data-foreign', 'false');
  await expect(playground.runRow('tab A run')).toHaveAttribute('data-foreign', 'false');

  // A stops its run: B may now act on it, and deleting it in B removes it from A.
  await playground.stop.click();
  await playground.waitStatus('stopped');
  await expect(aInB).toHaveAttribute('data-foreign', 'false');
  await expect(aInB).toHaveAttribute('data-status', 'stopped');
  await expect(aInB.getByTestId('btn-delete')).toBeEnabled();
  await aInB.getByTestId('btn-delete').click();
  await expect(playground.runRow('tab A run')).toHaveCount(0);
  await expect(playground.runRows).toHaveCount(1);

  // A tab that closes mid-run lets go of it: the other tab shows it interrupted and can resume it.
  await b.goto({ config: { 'run.iterations': 5000, name: 'orphan' } });
  await b.start.click();
  await b.waitPoints('orphan', 1); // B's controls may still show its finished run
  const orphan = playground.runRow('orphan');
  await expect(orphan).toHaveAttribute('data-foreign', 'true');
  await pageB.close();
  await expect(orphan).toHaveAttribute('data-status', 'interrupted');
  await expect(orphan).toHaveAttribute('data-foreign', 'false');
  await expect(orphan.getByTestId('btn-resume')).toBeVisible();
  expect(errorsB, 'console errors in tab B').toEqual([]);
});

test('Reset (Shift+R) of a finished run can be undone like Delete: its metrics and checkpoint come back as stored', async ({ playground, page }) => {
  const id = await runToDone(playground, { 'run.iterations': 12, name: 'finished' });
  const row = playground.runRow('finished');
  await expect(row).toHaveAttribute('data-points', '12');
  const before = await readStored(page);
  expect(before.checkpoints).toContain(id);

  await page.locator('body').press('Shift+R');
  const undo = page.getByTestId('notice-undo').filter({ hasText: 'Reset "finished" to iteration 0.' });
  await expect(undo).toBeVisible();
  await playground.waitStatus('ready');
  await expect(row).toHaveAttribute('data-points', '0');
  await expect.poll(async () => (await readStored(page)).metrics[id] ?? []).toEqual([]);

  await undo.getByTestId('btn-undo').click();
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row).toHaveAttribute('data-points', '12');
  await expect(row).toHaveAttribute('data-checkpoint', '12');
  expect(await readStored(page)).toEqual(before);
});

test('Undo after Delete puts back what was stored when it was deleted, not the copy the page held', async ({ playground, page, context }) => {
  const id = await runToDone(playground, { 'run.iterations': 3, name: 'as shown here' });
  const other = await context.newPage();
  const b = new PlaygroundPage(other);
  await b.goto();
  await expect(b.runRow('as shown here')).toHaveAttribute('data-status', 'done');
  // Another writer renames the run in storage, and this tab has not heard yet (as when the
  // other tab's worker wrote just before this tab's Delete).
  await tamper(page, { cloneRunAs: { from: id, id, patch: { name: 'as stored' } } });
  await playground.runRow('as shown here').getByTestId('btn-delete').click();
  await expect(b.runRow('as shown here')).toHaveCount(0);
  await page.getByTestId('notice-undo').getByTestId('btn-undo').click();

  await expect(playground.runRow('as stored')).toHaveAttribute('data-points', '3');
  await expect(b.runRow('as stored')).toHaveAttribute('data-status', 'done');
  expect((await readStored(page)).runs.map((r) => r.name)).toEqual(['as stored']);
  await other.close();
});
