import { test, expect } from './fixtures';

test('Compare with two presets gives two curves and the summary table', async ({ playground, page }) => {
  await playground.goto({ view: 'compare', config: { 'run.evalEvery': 2, 'run.evalN': 4 }, debug: true });
  await expect(page.getByTestId('tab-compare')).toHaveAttribute('aria-selected', 'true');
  // Default PPO, GRPO, DAPO; keep two.
  await expect(page.getByTestId('compare-preset-ppo')).toBeChecked();
  await expect(page.getByTestId('compare-preset-grpo')).toBeChecked();
  await page.getByTestId('compare-preset-dapo').uncheck();
  await page.getByTestId('compare-budget').fill('4');
  await page.getByTestId('btn-compare').click();

  const workspace = page.getByTestId('compare-workspace');
  await expect(workspace).toHaveAttribute('data-runs', '2');
  const summary = page.getByTestId('summary-table');
  await expect(summary.getByTestId('summary-row')).toHaveCount(2);
  await expect(workspace).toHaveAttribute('data-live', 'false', { timeout: 110_000 });

  const charts = page.getByTestId('compare-charts');
  await expect(playground.chart('reward', charts)).toHaveAttribute('data-runs', '2');
  // One total-reward curve per run (the per-function rewards are further series).
  await expect(playground.chart('reward', charts).locator('.metric-line.series-0')).toHaveCount(2);
  await expect.poll(() => playground.chartPoints('reward', charts)).toBe(4);
  // Each run reached its budget, and its "iters to 80%" is an iteration within it or says it was not reached.
  for (const row of await summary.getByTestId('summary-row').all()) {
    await expect(row).toContainText('4/4');
    await expect(row.locator('[data-col="itersTo80"]')).toHaveText(/^(not reached|[1-4])( ★best)?$/);
    // Every evaluation covers the visual-shift split too: its column shows a share, beside novel answers.
    await expect(row.locator('[data-col="accShift"]')).toHaveText(/^\d+\.\d%( ★best)?$/);
  }
  for (const id of (await workspace.getAttribute('data-run-ids'))!.split(',')) {
    for (const key of ['acc/eval_id', 'acc/eval_shift', 'acc/eval_ood']) expect(await playground.metric(id, 4, key), key).toBeGreaterThanOrEqual(0);
  }
  await expect(playground.chart('accuracy', charts).locator('.legend-item')).toContainText(['eval ID', 'eval visual shift', 'eval novel answers (OOD)']);
  await expect(summary.locator('thead')).toContainText('Final acc (visual shift)');
  // A star only where a run beats the others beyond the noise; every column says what it is and when it earns one.
  await expect(page.getByTestId('summary-notes')).toContainText('2 standard errors of the difference');
  await expect(page.getByTestId('summary-notes')).toContainText('Iters to 80%');
});

test('fewer than two presets is refused', async ({ playground, page }) => {
  await playground.goto({ view: 'compare' });
  await page.getByTestId('compare-preset-ppo').uncheck();
  await page.getByTestId('compare-preset-dapo').uncheck();
  await page.getByTestId('btn-compare').click();
  await expect(page.getByTestId('compare-error')).toContainText('Pick 2 to 4');
  await expect(page.getByTestId('compare-workspace')).toHaveAttribute('data-runs', '0');
});
