import { test, expect } from './fixtures';

const EXPLAINERS = ['mdp', 'ppo-clip', 'grpo', 'kl', 'gae', 'length'] as const;

async function count(page: import('@playwright/test').Page): Promise<number> {
  return Number(await page.getByTestId('clip-count').getAttribute('data-count'));
}

test('PPO-Clip explainer: moving ε_high moves the plotted clip region and changes the count of the run\'s clipped tokens', async ({ playground, page }) => {
  // PPO (2 epochs x 2 minibatches) with a large step, and a reward that is never 0 for a scratch
  // model (the length penalty), so the critic's advantages are not all 0 and the ratios move.
  await playground.goto({ preset: 'ppo', config: { 'run.iterations': 3, 'sampling.groupSize': 4, 'optim.lr': 0.01, 'rewards.weights.length': 1 } });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openTopic('ppo-clip');
  const region = page.getByTestId('clip-region-high');
  const counter = page.getByTestId('clip-count');
  await expect(counter).toHaveAttribute('data-total', /^[1-9]\d*$/);

  // At the run's own ε the page counts what the trainer marked.
  await expect(region).toHaveAttribute('data-x', '1.2');
  const atRun = await count(page);
  await expect(counter).toContainText(`clipped ${atRun} (`);

  const epsHigh = page.getByTestId('eps-high');
  const high = async () => Number(await counter.getAttribute('data-high'));
  const low = Number(await counter.getAttribute('data-low'));
  await epsHigh.fill('0');
  await expect(region).toHaveAttribute('data-x', '1');
  const tight = await count(page);
  const tightHigh = await high();
  await epsHigh.fill('1');
  await expect(region).toHaveAttribute('data-x', '2');
  const loose = await count(page);
  // Only the upper clip moved: every token with r > 1 and A > 0 is clipped at ε_high = 0, only r > 2 at 1.
  expect(tightHigh).toBeGreaterThan(await high());
  expect(tight).toBeGreaterThan(loose);
  expect(Number(await counter.getAttribute('data-low'))).toBe(low);
  // The formula follows the slider, and the run's own clip fractions are substituted.
  const formulas = page.getByTestId('explainer-ppo-clip').getByTestId('formula');
  await expect(formulas.first()).toHaveAttribute('data-tex', /1\+1\\big\)/);
  await expect(formulas.nth(1)).toHaveAttribute('data-tex', /iteration 3, mean of its \d+ updates?: clip\/low/);
  // The count of clipped tokens and the logged fractions are different numbers, and the text says which is which.
  await expect(page.getByTestId('clip-count')).toContainText(/in the last epoch.*averaged/);

  // Every explainer shows its formula, typeset, with this run's numbers where it has them.
  for (const topic of EXPLAINERS) {
    await playground.openTopic(topic);
    const formula = page.getByTestId(`explainer-${topic}`).getByTestId('formula').first();
    await expect(formula.locator('.katex')).toBeVisible();
  }
  await playground.openTopic('kl');
  await expect(page.getByTestId('explainer-kl').getByTestId('formula').nth(1)).toHaveAttribute('data-tex', /this run \(k1, iteration 3\)/);
  await playground.openTopic('mdp');
  await expect(page.getByTestId('explainer-mdp')).toContainText("your run's iteration 3");
  await expect(page.getByTestId('explainer-mdp').getByTestId('formula')).toHaveAttribute('data-tex', /e\^\{-/); // π(a|s) from the run's log-prob
  await playground.openTopic('gae');
  await expect(page.getByTestId('explainer-gae')).toContainText('from your run (iteration 3');
  await playground.openTopic('length');
  await expect(page.getByTestId('explainer-length')).toContainText("iteration 3");
});

test('GRPO explainer: editing a reward updates the advantages to the right numbers', async ({ playground, page }) => {
  await playground.goto({ config: { 'sampling.groupSize': 4 } });
  await playground.openTopic('grpo');
  await expect(page.getByTestId('grpo-table')).toHaveAttribute('data-g', '4');
  for (const [i, r] of ['1', '0', '0', '1'].entries()) await page.getByTestId(`grpo-reward-${i}`).fill(r);
  const adv = async (i: number) => Number(await page.getByTestId(`grpo-adv-${i}`).getAttribute('data-value'));

  // By hand: rewards 1, 0, 0.5, 1 -> mean 2.5 / 4 = 0.625; deviations 0.375, -0.625, -0.125, 0.375;
  // squares sum to 0.6875, / (G - 1) = 0.2291667, std = 0.4787136; A = dev / (0.4787136 + 0.0001).
  await page.getByTestId('grpo-reward-2').fill('0.5');
  await expect(page.getByTestId('grpo-mean')).toHaveAttribute('data-value', '0.625');
  expect(Number(await page.getByTestId('grpo-std').getAttribute('data-value'))).toBeCloseTo(0.4787136, 6);
  const expected = [0.78319, -1.30531, -0.26106, 0.78319];
  for (const [i, a] of expected.entries()) expect(await adv(i)).toBeCloseTo(a, 4);
  await expect(page.getByTestId('explainer-grpo').getByTestId('formula')).toHaveAttribute('data-tex', /\\hat A_1 = \\frac\{1 - 0\.625\}\{0\.479 \+ 10\^\{-4\}\} = 0\.7832/);

  // Dr. GRPO: no division, r - mean.
  await page.getByTestId('grpo-scheme-none').check();
  for (const [i, a] of [0.375, -0.625, -0.125, 0.375].entries()) expect(await adv(i)).toBeCloseTo(a, 10);
  // RLOO: r minus the mean of the other three: 1 - 1.5/3, 0 - 2.5/3, 0.5 - 2/3, 1 - 1.5/3.
  await page.getByTestId('grpo-scheme-leave-one-out').check();
  for (const [i, a] of [0.5, -0.833333, -0.166667, 0.5].entries()) expect(await adv(i)).toBeCloseTo(a, 5);

  // An all-equal group: every advantage is 0, and the page says why that matters.
  await page.getByTestId('grpo-scheme-group').check();
  await page.getByTestId('grpo-all-equal').click();
  await expect(page.getByTestId('grpo-zero')).toContainText('adds nothing to the gradient');
  for (let i = 0; i < 4; i++) expect(await adv(i)).toBe(0);
});
