import { test, expect } from './fixtures';

const G = 4;

test('locate: a run from its warm start trains, and Inspect draws every sampled box over the gold box with its IoU', async ({ playground, page }) => {
  // The full-size model: the committed warm start (checkpoints/locate/model.json) is what the worker loads.
  await playground.goto({ tiny: false, config: { 'task.task': 'locate', 'run.init': 'sft', 'run.iterations': 2, 'run.evalEvery': 0, 'run.keepBatches': 2, 'sampling.groupSize': G, 'sampling.promptsPerIter': 2 } });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openView('inspect');
  await expect(page.getByTestId('inspect-view')).toHaveAttribute('data-batches', '2');
  const drawing = page.getByTestId('locate-boxes');
  await expect(drawing).toBeVisible();
  await expect(page.getByTestId('locate-gold')).toHaveCount(1);
  // One row per response; the warm start writes well-formed boxes, so some are drawn, each with its IoU.
  await expect(page.getByTestId('locate-box-row')).toHaveCount(G);
  const drawn = Number(await drawing.getAttribute('data-drawn'));
  expect(drawn).toBeGreaterThan(0);
  const ious = (await page.getByTestId('locate-box').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-iou')))));
  expect(ious).toHaveLength(drawn);
  for (const v of ious) expect(v >= 0 && v <= 1).toBe(true);
});
