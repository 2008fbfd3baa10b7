import { test, expect } from './fixtures';
import { WARM_START_MODEL } from './pages/PlaygroundPage';
import { InspectPage } from './pages/InspectPage';

/**
 * Dense rewards in Inspect: a PPO run with rewards.dense on digit-sum (its StepRAR key steps),
 * from the warm start so the responses hold key steps. Each response card shows the reward
 * placed on every token, which sums to the response's reward, and GAE's advantages, which the
 * page recomputes from those rewards and V and finds equal to the trainer's.
 */
test('PPO with dense rewards: Inspect shows the reward on each token, summing to the response\'s reward, and the GAE advantages made of it', async ({ playground, page }) => {
  const G = 4;
  const B = 2;
  await playground.goto({
    preset: 'ppo',
    config: {
      ...WARM_START_MODEL, // the warm start's own model (not TINY's), room for its traces
      'task.task': 'digit-sum',
      'run.init': 'sft',
      'run.iterations': 1,
      'run.keepBatches': 1,
      'sampling.groupSize': G,
      'sampling.promptsPerIter': B,
      'rewards.dense': true,
      'rewards.weights.stepRAR': 0.5,
    },
  });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openView('inspect');
  await expect(page.getByTestId('inspect-view')).toHaveAttribute('data-batches', '1');

  const inspect = new InspectPage(page);
  let paidInside = 0;
  for (let p = 0; p < B; p++) {
    const cards = await inspect.openGroup(p, B, G);
    for (let i = 0; i < G; i++) {
      const card = cards.nth(i);
      const credit = card.getByTestId('token-credit');
      await expect(credit).toHaveAttribute('data-dense', 'true');
      await expect(credit.getByTestId('credit-text')).toHaveText(/^Dense rewards: /);
      // The page's GAE over the shown rewards (minus β·KL: PPO's KL is in the reward) and V equals the trainer's Â.
      await expect(credit).toHaveAttribute('data-gae-agrees', 'true');
      const rewards = (await credit.getByTestId('credit-reward').locator('td').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value')))).map(Number);
      const tokens = await card.getByTestId('token').count();
      expect(rewards).toHaveLength(tokens);
      await expect(credit.getByTestId('credit-gae-reward').locator('td')).toHaveCount(tokens);
      await expect(credit.getByTestId('credit-advantage').locator('td')).toHaveCount(tokens);
      // They sum to the response's reward (float32 on the device).
      const reward = Number(await card.getAttribute('data-reward'));
      expect(rewards.reduce((a, b) => a + b, 0), `prompt ${p} response ${i}`).toBeCloseTo(reward, 5);
      if (rewards.slice(0, -1).some((r) => r !== 0)) paidInside++;
    }
  }
  // Credit moved inside some response: a key step was paid before the last token.
  expect(paidInside).toBeGreaterThan(0);

  // The reward heatmap, chosen by keyboard, and the token panel's numbers.
  await page.getByTestId('heat-reward').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('heat-reward')).toBeChecked();
  await inspect.selectToken(0, 0);
  await expect(inspect.detail).toContainText('reward r_t');
  await expect(inspect.detail).toContainText('GAE Â');
});
