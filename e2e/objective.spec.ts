import { test, expect } from './fixtures';

const STEPS = ['prompt', 'samples', 'rewards', 'group', 'advantages', 'tokens', 'aggregation', 'update', 'metrics'] as const;

test('Objectives: GRPO vs DAPO marks clip-higher, token-mean and the KL term as differing, and equal terms as not', async ({ playground, page }) => {
  await playground.goto();
  await playground.openTopic('objectives');
  const explainer = page.getByTestId('explainer-objectives');
  // The picker starts at the config panel's objective (GRPO here), typeset.
  await expect(page.getByTestId('objective-formula')).toHaveAttribute('data-algorithm', 'GRPO');
  await expect(page.getByTestId('objective-formula').locator('.katex')).toBeVisible();
  await expect(page.getByTestId('objective-term-kl')).toBeVisible();

  // Keyboard: focus the selects and choose with the keyboard's select semantics.
  await page.getByTestId('diff-a').selectOption('grpo');
  await page.getByTestId('diff-b').selectOption('dapo');
  const clip = page.getByTestId('diff-row-clip');
  await expect(clip).toHaveAttribute('data-differs', 'true');
  await expect(clip).toContainText('differs');
  await expect(clip).toContainText('clip-higher');
  await expect(clip.getByTestId('diff-knob-objective.epsHigh')).toHaveAttribute('data-changed', 'true');
  await expect(clip.getByTestId('diff-knob-objective.epsHigh')).toContainText('0.28');
  const agg = page.getByTestId('diff-row-aggregation');
  await expect(agg).toHaveAttribute('data-differs', 'true');
  await expect(agg).toContainText('token-mean');
  await expect(page.getByTestId('diff-row-kl')).toHaveAttribute('data-differs', 'true');
  await expect(page.getByTestId('diff-row-kl')).toContainText('no such term');
  // What both share is not marked.
  for (const id of ['sampling', 'advantage', 'ratio']) {
    await expect(page.getByTestId(`diff-row-${id}`)).toHaveAttribute('data-differs', 'false');
    await expect(page.getByTestId(`diff-row-${id}`)).not.toContainText('differs');
  }
  await expect(page.getByTestId('diff-summary')).toContainText('clipped surrogate');

  // The picker shows any preset's objective: TRPO's constraint, no clip.
  await page.getByTestId('objective-select').selectOption('trpo');
  await expect(page.getByTestId('objective-formula')).toHaveAttribute('data-algorithm', 'TRPO');
  await expect(page.getByTestId('objective-term-constraint')).toBeVisible();
  await expect(explainer.getByTestId('objective-term-clip')).toHaveCount(0);
});

test('One iteration, step by step: the run\'s newest batch, walked with the keyboard', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 2, 'rewards.weights.length': 1 } });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openTopic('iteration');
  await expect(page.getByTestId('walk-source')).toHaveAttribute('data-source', 'run');
  await expect(page.getByTestId('walk-source')).toContainText('Iteration 2');
  const step = page.getByTestId('walk-step');
  await expect(step).toHaveAttribute('data-step', 'prompt');
  await expect(page.getByTestId('walk-image')).toBeVisible();

  // Next, by keyboard, through every step.
  const next = page.getByTestId('walk-next');
  await next.focus();
  for (const id of STEPS.slice(1)) {
    await page.keyboard.press('Enter');
    await expect(step).toHaveAttribute('data-step', id);
  }
  await expect(next).toBeDisabled();
  await expect(step).toContainText('Iteration 2 adds one point');
  // Arrow keys anywhere in the panel, and Previous.
  await page.getByTestId('walk-prev').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(step).toHaveAttribute('data-step', 'update');
  await page.keyboard.press('Enter');
  await expect(step).toHaveAttribute('data-step', 'aggregation');

  // Play advances on its own; Pause stops it (a real button, pressed state announced).
  const play = page.getByTestId('walk-play');
  await play.focus();
  await page.keyboard.press('Space');
  await expect(play).toHaveAttribute('aria-pressed', 'true');
  await expect(step).toHaveAttribute('data-step', 'update', { timeout: 15_000 });
  await page.keyboard.press('Space');
  await expect(play).toHaveAttribute('aria-pressed', 'false');

  // Each step links to its explainer.
  await page.getByTestId('walk-goto-group').click();
  await page.getByTestId('walk-topic-link').click();
  await expect(page.getByTestId('learn-workspace')).toHaveAttribute('data-topic', 'grpo');
});

test('One iteration without a run: a worked example of the config\'s task', async ({ playground, page }) => {
  await playground.goto({ preset: 'dapo' });
  await playground.openTopic('iteration');
  await expect(page.getByTestId('walk-source')).toHaveAttribute('data-source', 'example');
  await page.getByTestId('walk-goto-tokens').click();
  await expect(page.getByTestId('walk-step')).toHaveAttribute('data-step', 'tokens');
  await expect(page.getByTestId('walk-step').getByTestId('formula').locator('.katex')).toBeVisible();
});
