import { TINY } from './pages/PlaygroundPage';
import { test, expect } from './fixtures';

// The "SFT vs RL" lesson's one-click comparison, on the tiny model: SFT, GRPO and RFT run side by
// side, and the Accuracy chart draws each arm's held-out ID and visual-shift curves. SFT samples
// nothing, so it has no train-accuracy curve (absent, not a line at 0).
test('the SFT vs RL lesson compares SFT, GRPO and RFT: each arm has its ID and visual-shift curves', async ({ playground, page }) => {
  const tiny = new URLSearchParams(Object.entries({ ...TINY, 'run.iterations': 4, 'run.evalEvery': 2, 'run.evalN': 4 }).map(([k, v]) => [k, String(v)]));
  await page.goto(`/#lesson=sft-vs-rl&${tiny.toString()}`);
  await playground.waitReady();
  const panel = page.getByTestId('lesson-panel');
  await expect(panel).toHaveAttribute('data-lesson', 'sft-vs-rl');
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('lesson-action')).toHaveText('Compare SFT, GRPO and RFT');
  await page.getByTestId('lesson-action').click();

  await expect(page.getByTestId('tab-compare')).toHaveAttribute('aria-selected', 'true');
  for (const p of ['sft', 'grpo', 'rft']) await expect(page.getByTestId(`compare-preset-${p}`)).toBeChecked();
  await expect(page.getByTestId('compare-preset-ppo')).not.toBeChecked();
  const workspace = page.getByTestId('compare-workspace');
  await expect(workspace).toHaveAttribute('data-runs', '3');
  await expect(workspace).toHaveAttribute('data-live', 'false', { timeout: 110_000 });
  const rows = page.getByTestId('summary-table').getByTestId('summary-row');
  await expect(rows).toHaveCount(3);
  for (const row of await rows.all()) await expect(row).toContainText('4/4');

  const accuracy = playground.chart('accuracy', page.getByTestId('compare-charts'));
  await expect(accuracy).toHaveAttribute('data-runs', '3');
  // Series 1 is eval ID and 2 eval visual shift (charts/specs.ts): one curve per arm each.
  await expect(accuracy.locator('.metric-line.series-1')).toHaveCount(3);
  await expect(accuracy.locator('.metric-line.series-2')).toHaveCount(3);
  // Train accuracy (series 0) comes from samples: GRPO and RFT have it, SFT does not.
  await expect(accuracy.locator('.metric-line.series-0')).toHaveCount(2);
});
