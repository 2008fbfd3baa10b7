import { test, expect } from './fixtures';
import { ToolsPage } from './pages/ToolsPage';

/** A 4 x 4 RGB PNG: the left two columns red, the right two blue. */
const HALF_RED_HALF_BLUE_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAE0lEQVR4nGP4z8AARGDiPwNxHACeow/xfxmViwAAAABJRU5ErkJggg==';

/** A tiny run trained to its end (3 iterations): it has a saved checkpoint. */
async function trainedRun(playground: import('./pages/PlaygroundPage').PlaygroundPage, view?: 'compare' | 'inspect', backend?: 'wasm'): Promise<void> {
  await playground.goto({ config: { 'run.iterations': 3 }, debug: true, ...(backend ? { backend } : {}) });
  await playground.start.click();
  await playground.waitStatus('done');
  if (view) await playground.openView(view);
}

test('fork a run at its checkpoint: A and B appear together in Compare, train on, and (wasm, inert knob) match exactly', async ({ playground, page }) => {
  await trainedRun(playground, 'compare', 'wasm');
  const tools = new ToolsPage(page);
  await expect(tools.fork.getByTestId('fork-determinism')).toContainText('backend');
  // A value the schema refuses is answered with a sentence, and nothing is forked.
  await tools.forkNewest('sampling.temperature', '0', 2);
  await expect(tools.fork.getByTestId('fork-error')).toContainText('sampling.temperature = 0 is refused by the config');
  await tools.forkNewest('objective.epsHigh', '0.3', 2);
  const workspace = page.getByTestId('compare-workspace');
  await expect(workspace).toHaveAttribute('data-runs', '2');
  await expect(page.getByTestId('summary-table').getByTestId('summary-row')).toHaveCount(2);
  await expect(page.getByTestId('summary-table')).toContainText('· B (objective.epsHigh');
  await expect(workspace).toHaveAttribute('data-live', 'false', { timeout: 110_000 });
  // Each branch kept the source's 3 iterations and ran 2 more.
  await expect.poll(() => playground.chartPoints('reward', page.getByTestId('compare-charts'))).toBe(5);
  await expect(tools.fork.getByTestId('fork-determinism')).toHaveAttribute('data-identical', 'true');
  // TINY updates once per rollout, so every ratio is 1 and epsHigh never acts: B is A, number for number.
  const [a, b] = (await workspace.getAttribute('data-run-ids'))!.split(',');
  for (const it of [4, 5]) {
    for (const key of ['reward/mean', 'loss/policy', 'grad/norm']) {
      const va = await playground.metric(a!, it, key);
      expect(va, `${key} at ${it}`).toBeDefined();
      expect(await playground.metric(b!, it, key), `${key} at ${it}`).toBe(va);
    }
  }
});

test('pass@k, best@N and majority@N of a tiny run, with standard errors', async ({ playground, page }) => {
  await trainedRun(playground, 'compare');
  const tools = new ToolsPage(page);
  await tools.evaluate({ split: 'ood', prompts: 4, n: 4, k: 2 });
  const rows = tools.evalPanel.getByTestId('eval-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-split', 'ood');
  await expect(rows.first().getByTestId('eval-pass-at-k')).toContainText(/pass@2 \d+\.\d% ± \d+\.\d/);
  const p = Number(await rows.first().getAttribute('data-pass-at-k'));
  expect(p).toBeGreaterThanOrEqual(0);
  expect(p).toBeLessThanOrEqual(1);
});

test('cross-task evaluation: a count run, greedy, on every task\'s ID, visual-shift and novel-answer splits', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 2, 'task.task': 'count' }, debug: true });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openView('compare');
  const tools = new ToolsPage(page);
  await tools.evaluateAcrossTasks(2);
  const table = tools.crossPanel.getByTestId('cross-table');
  await expect(table).toBeVisible();
  await expect(table.locator('thead th')).toHaveText(['Task', 'ID', 'visual shift', 'novel answers']);
  const rows = table.getByTestId('cross-row');
  await expect(rows).toHaveCount(4);
  // The task the run trained on comes first and says so; then the three it never saw.
  await expect(rows.first()).toHaveAttribute('data-task', 'count');
  await expect(rows.first()).toContainText('(trained on)');
  await expect(rows.nth(1)).not.toContainText('(trained on)');
  const cells = table.getByTestId('cross-cell');
  await expect(cells).toHaveCount(12);
  for (let i = 0; i < 12; i++) {
    const a = Number(await cells.nth(i).getAttribute('data-accuracy'));
    expect(a >= 0 && a <= 1, `cell ${i}: ${a}`).toBe(true);
    await expect(cells.nth(i)).toHaveText(/^\d+\.\d% ± \d+\.\d$/);
  }
  await expect(tools.crossPanel.getByTestId('cross-error')).toHaveCount(0);
});

test('Try your own: upload a picture, draw with the mouse and keys, ask, and see G samples with rewards and attention', async ({ playground, page }) => {
  await trainedRun(playground, 'inspect');
  const tools = new ToolsPage(page);
  await tools.openTryOwn();
  // A 4 x 4 picture, left half red, right half blue: scaled to the task's 32 x 32 in the page.
  await tools.upload(Buffer.from(HALF_RED_HALF_BLUE_PNG, 'base64'));
  expect(await tools.pixel(0, 0)).toEqual([255, 0, 0]);
  expect(await tools.pixel(31, 31)).toEqual([0, 0, 255]);
  await tools.drawStroke(0.2, 0.2, 0.7, 0.6);
  await tools.paintWithKeys(['ArrowRight', 'ArrowRight', 'Shift+ArrowDown', 'Space']);
  const question = tools.own.getByTestId('own-question');
  await question.fill('sum of purple digits ?');
  await expect(tools.own.getByTestId('own-question-error')).toContainText('"purple"');
  await expect(tools.own.getByTestId('btn-own-sample')).toBeDisabled();
  await question.fill('sum of digits ?');
  await tools.own.getByTestId('own-gold').fill('7');
  await tools.own.getByTestId('btn-own-sample').click();
  const samples = tools.own.getByTestId('own-samples');
  await expect(samples).toHaveAttribute('data-count', '2'); // TINY's G
  await expect(tools.own.getByTestId('own-sample').first()).toHaveAttribute('data-reward', /^-?\d/);
  await expect(tools.own.getByTestId('own-attention')).toBeVisible();
});
