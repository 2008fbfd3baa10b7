import { test, expect } from './fixtures';

/**
 * The page opens ready with the default preset, GRPO on digit-sum from the committed
 * warm-start checkpoint (public/checkpoints/digit-sum), and a run starts from it: the
 * fixture fails on the 404 a missing checkpoint would log, and a warm-started policy already
 * writes the grammar, so its first rollouts earn format reward that a random one cannot.
 */
test('the default preset trains from the warm-start checkpoint', async ({ playground }) => {
  // Default model and task; only the batch and the budget are cut so the test stays short.
  await playground.goto({
    tiny: false,
    debug: true,
    config: { 'run.iterations': 2, 'run.evalEvery': 0, 'sampling.promptsPerIter': 2, 'sampling.groupSize': 4 },
  });
  await expect(playground.page.getByTestId('task-option-digit-sum')).toBeChecked();
  await expect(playground.page.getByTestId('field-run.init').locator('select')).toHaveValue('sft');
  await playground.start.click();
  await playground.waitStatus('done');
  const runId = await playground.page.evaluate(() => (window as unknown as { __rft: { getState(): { activeRunId: string | null } } }).__rft.getState().activeRunId);
  expect(runId).toBeTruthy();
  const format = await playground.metric(runId!, 1, 'format/rate');
  // The warm start is >= 90% well formed on held-out prompts; a random policy is ~0%.
  expect(format).toBeGreaterThanOrEqual(0.5);
});
