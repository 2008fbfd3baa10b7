import { test, expect } from './fixtures';
import { InspectPage } from './pages/InspectPage';

/** Rewards as the trainer computed them: GRPO's advantage is (r - mean) / (Bessel std + 1e-4) per group. */
function grpoAdvantages(rewards: number[]): number[] {
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  const std = Math.sqrt(rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / (rewards.length - 1));
  return rewards.map((r) => (r - mean) / (std + 1e-4));
}

const G = 4;
const B = 2;

test('after a short run, Inspect shows G responses per prompt; their rewards average to the logged reward/mean and their advantages are GRPO\'s', async ({ playground, page }) => {
  // Rewards a scratch model can vary on: "because" anywhere (hackable), and the length penalty.
  await playground.goto({
    debug: true,
    config: { 'run.iterations': 4, 'run.keepBatches': 4, 'sampling.groupSize': G, 'sampling.promptsPerIter': B, 'rewards.weights.hackable': 1, 'rewards.weights.length': 1 },
  });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openView('inspect');
  const view = page.getByTestId('inspect-view');
  await expect(view).toHaveAttribute('data-batches', '4'); // the worker sends every kept batch when the run ends
  const runId = (await view.getAttribute('data-run-id'))!;
  await expect(view).toHaveAttribute('data-group-size', String(G));

  const inspect = new InspectPage(page);
  let groupsWithSpread = 0;
  for (let b = 0; b < 4; b++) {
    await page.getByTestId('inspect-scrubber').fill(String(b));
    const iteration = b + 1;
    await expect(view).toHaveAttribute('data-iteration', String(iteration));
    const all: number[] = [];
    for (let p = 0; p < B; p++) {
      const cards = await inspect.openGroup(p, B, G);
      const rewards = (await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-reward')))).map(Number);
      const advantages = (await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-advantage')))).map(Number);
      // The trainer's advantages (float32 on the device) are GRPO's formula applied to the shown rewards.
      grpoAdvantages(rewards).forEach((a, i) => expect(advantages[i]!, `iteration ${iteration} prompt ${p} response ${i}`).toBeCloseTo(a, 3));
      const mean = rewards.reduce((x, y) => x + y, 0) / G;
      expect(Number(await page.getByTestId('group-stats').getAttribute('data-mean'))).toBeCloseTo(mean, 12);
      if (new Set(rewards).size > 1) groupsWithSpread++;
      all.push(...rewards);
    }
    const logged = await playground.metric(runId, iteration, 'reward/mean');
    expect(logged, `reward/mean of iteration ${iteration}`).toBeDefined();
    expect(all.reduce((x, y) => x + y, 0) / all.length).toBeCloseTo(logged!, 9);
    expect(Number(await page.getByTestId('logged-reward-mean').getAttribute('data-value'))).toBe(logged);
  }
  // The advantage check above meant something: some group had rewards that differ.
  expect(groupsWithSpread).toBeGreaterThan(0);
});

test('heatmaps switch, a token shows its numbers, zero-variance groups explain themselves, attention draws over the image', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 2, 'run.keepBatches': 2, 'sampling.groupSize': 2 } });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openView('inspect');
  await expect(page.getByTestId('inspect-view')).toHaveAttribute('data-batches', '2');

  const token = page.getByTestId('response-card').first().getByTestId('token').first();
  await token.focus();
  const detail = page.getByTestId('token-detail');
  await expect(detail).toHaveAttribute('data-t', '0');
  await expect(detail).toContainText('log π');
  await expect(detail).toContainText('entropy');
  await token.press('ArrowRight'); // one tab stop per response; arrows walk its tokens
  await expect(detail).toHaveAttribute('data-t', '1');
  await page.getByTestId('heat-entropy').check();
  await expect(token).toHaveAttribute('aria-label', /entropy/);
  await page.getByTestId('heat-ratio').check();
  await expect(token).toHaveAttribute('aria-label', /ratio 1$/); // one update per rollout: r = 1 exactly
  await expect(page.getByTestId('heat-value')).toBeDisabled(); // PPO only

  // A scratch model's rewards are almost always all 0: a zero-variance group, and it says why.
  await page.getByTestId('inspect-filter').selectOption('zero-variance');
  const zero = page.getByTestId('group-item');
  if ((await zero.count()) > 0) {
    await zero.first().click();
    await expect(page.getByTestId('zero-variance-note')).toContainText('teaches nothing');
  }
  await page.getByTestId('inspect-filter').selectOption('all');

  await page.getByTestId('btn-attention').first().click();
  await expect(page.getByTestId('attention-status')).toHaveAttribute('data-status', 'done');
  const cells = page.getByTestId('attention-overlay').locator('rect');
  await expect(cells).toHaveCount(16); // 32 px / 8 px patches
  const weights = (await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-weight'))))).filter((w) => w >= 0);
  expect(weights).toHaveLength(16);
  expect(weights.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-5);
});

test('a token shows its whole objective with the run\'s numbers; the shares sum to the logged loss; loss-share and Δ log-prob heatmaps', async ({ playground, page }) => {
  // GRPO with the KL in the loss (β 0.04, k3) and an entropy bonus, so every line of the objective appears;
  // rewards a scratch model can vary on (as above), so some advantages are not 0.
  await playground.goto({
    debug: true,
    config: { 'run.iterations': 2, 'run.keepBatches': 2, 'sampling.groupSize': G, 'objective.entropyCoef': 0.01, 'rewards.weights.hackable': 1, 'rewards.weights.length': 1 },
  });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openView('inspect');
  const inspect = new InspectPage(page);
  await expect(inspect.view).toHaveAttribute('data-batches', '2');
  const runId = (await inspect.view.getAttribute('data-run-id'))!;
  const iteration = await inspect.iteration();

  // The batch's Σ-check: one update per rollout, so the recorded shares sum to the logged loss/policy.
  const logged = await playground.metric(runId, iteration, 'loss/policy');
  expect(logged).toBeDefined();
  await expect(inspect.sumCheck).toHaveAttribute('data-matches', 'true');
  expect(Number(await inspect.sumCheck.getAttribute('data-sum'))).toBeCloseTo(logged!, 5);
  await expect(inspect.sumCheck).toContainText('logged loss/policy');
  // One sentence on what the update did (a batch whose rewards all tie has no signal, and says so).
  await expect(inspect.updateEffect).toContainText(/After the update, of the \d+ tokens with A>0, \d+% became likelier|Every advantage was 0/);
  const [positive, up] = await Promise.all([inspect.updateEffect.getAttribute('data-positive'), inspect.updateEffect.getAttribute('data-positive-up')]);
  // Both counts are on the element (a missing one would read as 0 and pass the comparison).
  expect(positive).toMatch(/^\d+$/);
  expect(up).toMatch(/^\d+$/);
  expect(Number(up)).toBeLessThanOrEqual(Number(positive));

  await inspect.selectToken(0, 1);
  await expect(inspect.objective).toBeVisible();
  for (const line of ['r_t', 'A_t', 'clip(r_t)·A_t', 'min took', 'β·KL_t (k3)', '− c_H·H_t', 'weight w', 'w·ℓ_t']) await expect(inspect.objective).toContainText(line);
  await expect(inspect.objective).toHaveAttribute('data-branch', 'equal'); // r = 1: both branches agree
  // The page's recomputation (rl/host) equals the share the trainer recorded for this token.
  const share = Number(await inspect.objective.getAttribute('data-share'));
  expect(share).toBeCloseTo(Number(await inspect.objective.getAttribute('data-recorded')), 6);
  await expect(inspect.detail).toContainText('log π after − log π before');

  await inspect.heatmap('contribution');
  await expect(inspect.token(0, 1)).toHaveAttribute('aria-label', /contribution -?\d/);
  await inspect.heatmap('dlogp');
  await expect(inspect.token(0, 1)).toHaveAttribute('aria-label', /dlogp -?\d/);
});

test('Curr-ReFT\'s staged formats: Inspect shows a stage-1 prompt with its two candidate answers after the question', async ({ playground, page }) => {
  await playground.goto({ config: { 'task.task': 'digit-sum', 'run.iterations': 1, 'tricks.curriculum': true, 'tricks.curriculumFormat': 'staged' } });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openView('inspect');
  await expect(page.getByTestId('inspect-view')).toHaveAttribute('data-batches', '1');
  const question = page.getByTestId('prompt-question').first();
  await expect(question).toHaveText(/^sum of digits \? \d+ \d+$/);
});
