import { test, expect } from './fixtures';

test("a lesson charts only its own runs: a run that collapsed outside it is left out (one click brings it back)", async ({ playground, page }) => {
  // A run that collapses: lr 1e3 blows the weights up at once (see faults.spec.ts).
  await playground.goto({ config: { 'objective.entropyCoef': 0.01, 'run.iterations': 5000, 'optim.lr': 1000 } });
  await playground.start.click();
  await playground.waitStatus('error');
  const grid = page.getByTestId('chart-grid');
  await expect(grid).toHaveAttribute('data-runs', '1');
  await expect(page.getByTestId('run-recovery')).toBeVisible(); // its own config: resume is offered

  await page.goto('/#lesson=grpo-no-critic');
  await playground.waitReady();
  await expect(page.getByTestId('lesson-panel')).toBeVisible();
  await expect(playground.runRows).toHaveCount(1); // still in the list...
  await expect(grid).toHaveAttribute('data-runs', '0'); // ...but not on the lesson's charts, so it sets none of their scales
  await expect(playground.chart('reward', grid)).toHaveAttribute('data-runs', '0');
  // Nor is it offered a resume under the lesson's config, which did not come from it.
  await expect(page.getByTestId('run-recovery')).toHaveCount(0);
  const toggle = page.getByTestId('show-other-runs');
  await expect(toggle).toContainText('Show other runs (1 not from this lesson)');
  await toggle.getByRole('checkbox').check();
  await expect(grid).toHaveAttribute('data-runs', '1');
  await toggle.getByRole('checkbox').uncheck();
  await expect(grid).toHaveAttribute('data-runs', '0');
  // Each chart says in plain words what up and down mean, with its terms in the glossary.
  await expect(page.getByTestId('chart-explain-reward')).toContainText('up is the policy earning more');
  await page.getByTestId('chart-explain-kl').locator('[data-term="reference"]').click();
  await expect(page.getByTestId('glossary')).toContainText('A frozen copy of the starting model');
});

test('the page fits a 400 px wide window: nothing overflows sideways on any view', async ({ playground, page }) => {
  await page.setViewportSize({ width: 400, height: 800 });
  await playground.goto();
  await playground.step.click();
  await playground.waitIterationAtLeast(1);
  const scrollWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
  await expect(playground.chart('reward')).not.toHaveAttribute('data-points', '0');
  expect(await scrollWidth()).toBeLessThanOrEqual(400);
  for (const view of ['compare', 'inspect', 'learn', 'train'] as const) {
    await playground.openView(view);
    expect(await scrollWidth(), view).toBeLessThanOrEqual(400);
  }
  await page.getByTestId('btn-glossary').click();
  await expect(page.getByTestId('glossary')).toBeVisible();
  expect(await scrollWidth(), 'glossary open').toBeLessThanOrEqual(400);
  await page.screenshot({ path: test.info().outputPath('train-400px.png'), fullPage: true });
});
