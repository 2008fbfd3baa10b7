import { test, expect } from './fixtures';

/**
 * The motion task in the browser: a run from its warm start (the worker fetches
 * checkpoints/motion/model.json) with T-GRPO on trains a few tiny iterations; the ordered vs
 * shuffled chart appears, and Inspect draws the prompt's four frames in a strip with the
 * group's answers beside them.
 */
test('motion: a T-GRPO run from the warm start trains, charts ordered vs shuffled accuracy, and Inspect draws the frames and the answers', async ({ playground, page }) => {
  await playground.goto({
    tiny: false,
    config: {
      'task.task': 'motion',
      'run.init': 'sft',
      'run.iterations': 2,
      'run.evalEvery': 0,
      'run.keepBatches': 2,
      'sampling.promptsPerIter': 2,
      'sampling.groupSize': 4,
      'tricks.temporalGrpo': true,
    },
  });
  await playground.start.click();
  await playground.waitStatus('done');

  // Both accuracies are logged every iteration: the chart has a point per iteration.
  await expect(page.getByTestId('chart-temporal-accuracy')).toHaveAttribute('data-points', '2');

  await playground.openView('inspect');
  await expect(page.getByTestId('inspect-view')).toHaveAttribute('data-batches', '2');
  const strip = page.getByTestId('motion-frames');
  await expect(strip.getByTestId('motion-frame')).toHaveCount(4);
  // Every frame is a 16 x 16 tile of the 32 x 32 image.
  await expect(strip.getByTestId('motion-frame').first().locator('canvas')).toHaveAttribute('width', '16');
  // The answers of the group's 4 responses are all listed with their counts (the warm start is well formed: it answers).
  const counts = await page.getByTestId('motion-answers').locator('span').evaluateAll((els) => els.map((e) => Number(/×(\d+)/.exec(e.textContent ?? '')?.[1] ?? 0)));
  expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
  // A direction question draws one arrow per direction answered; a frame-count question draws none.
  const question = (await page.getByTestId('prompt-question').textContent()) ?? '';
  const arrows = strip.getByTestId('motion-answer-arrow');
  if (question.includes('which way')) await expect(arrows.first()).toBeVisible();
  else await expect(arrows).toHaveCount(0);
});
