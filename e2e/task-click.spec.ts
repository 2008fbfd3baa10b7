import { test, expect } from './fixtures';
import { WARM_START_MODEL } from './pages/PlaygroundPage';

/**
 * The click task on the page: a tiny run from its committed warm start (the worker fetches
 * checkpoints/click/model.json), then Inspect draws every sampled click of the group over the
 * target's box, hit or miss.
 */
test('a click run starts from its warm start and Inspect draws the group\'s clicks over the target box', async ({ playground, page }) => {
  const G = 4;
  // The warm start's own model (not TINY's), and room for its 18-token answers.
  await playground.goto({ config: { ...WARM_START_MODEL, 'task.task': 'click', 'run.init': 'sft', 'run.iterations': 2, 'run.keepBatches': 2, 'run.evalEvery': 0, 'sampling.groupSize': G, 'sampling.promptsPerIter': 2 } });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openView('inspect');
  await expect(page.getByTestId('inspect-view')).toHaveAttribute('data-batches', '2');
  await expect(page.getByTestId('prompt-question')).toContainText(/^click (red|green|blue|yellow) (circle|square|triangle)$/);
  const overlay = page.getByTestId('click-overlay');
  await expect(overlay).toBeVisible();
  await expect(page.getByTestId('click-box')).toHaveCount(1);
  // The warm start answers in the grammar: each of the G answers a click on the screen, drawn once, hit or miss.
  const clicks = Number(await overlay.getAttribute('data-clicks'));
  const unparsed = Number(await overlay.getAttribute('data-unparsed'));
  expect(clicks + unparsed).toBe(G);
  expect(clicks).toBeGreaterThan(0);
  const marks = page.getByTestId('click-mark');
  await expect(marks).toHaveCount(clicks);
  // A mark is a hit exactly when its response earned accuracy 1 (the card's reward breakdown agrees).
  const hits = await marks.evaluateAll((els) => els.filter((e) => e.getAttribute('data-hit') === 'true').length);
  expect(Number(await overlay.getAttribute('data-hits'))).toBe(hits);
  await expect(page.getByTestId('click-summary')).toContainText(`${hits} of ${G} clicks inside the target's box`);
});
