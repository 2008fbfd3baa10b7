import { test, expect } from './fixtures';

test('an invalid value shows an error at its field and Start is refused', async ({ playground, page }) => {
  await playground.goto();
  await playground.openGroup('sampling');
  const g = playground.input('sampling.groupSize');
  await g.fill('0');
  await expect(page.getByTestId('error-sampling.groupSize')).toBeVisible();
  await expect(page.getByTestId('error-sampling.groupSize')).toContainText(/at least 1/);
  await expect(g).toHaveAttribute('aria-invalid', 'true');

  await playground.openGroup('optim');
  await playground.input('optim.lr').fill('fast');
  await expect(page.getByTestId('error-optim.lr')).toContainText('not a number');

  await expect(playground.start).toHaveAttribute('aria-disabled', 'true');
  // aria-disabled, not disabled: a click (or Space) is answered with the reason.
  await playground.start.click({ force: true });
  await expect(page.getByTestId('notice-error').filter({ hasText: 'Start refused' })).toBeVisible();
  await expect(playground.runsList).toHaveAttribute('data-count', '0');
  await expect(playground.status).toHaveAttribute('data-status', 'none');

  // Fixing the fields lets Start through.
  await g.fill('2');
  await playground.input('optim.lr').fill('0.001');
  await expect(page.getByTestId('config-errors')).toHaveCount(0);
  await expect(playground.start).toHaveAttribute('aria-disabled', 'false');
});

test('a cross-field rule (dModel divisible by nHeads) is shown at the field', async ({ playground, page }) => {
  await playground.goto();
  await playground.openGroup('model');
  await playground.input('model.nHeads').fill('3');
  await expect(page.getByTestId('error-model.nHeads')).toContainText('multiple of nHeads');
});

test('choosing a preset marks the knobs it sets', async ({ playground, page }) => {
  await playground.goto();
  await page.getByTestId('preset-select').selectOption('dapo');
  await expect(page.getByTestId('preset-knobs')).toContainText('objective.epsHigh');
  await playground.openGroup('objective');
  await expect(playground.input('objective.epsHigh')).toHaveValue('0.28');
  await expect(playground.field('objective.epsHigh').locator('.preset-mark')).toBeVisible();
  await expect(page).toHaveURL(/preset=dapo/);
  // Settings no preset owns survive the switch (the tiny model from the link).
  await expect(playground.input('model.dModel')).toHaveValue('16');
});

test('knobs the chosen algorithm ignores are marked, read out, and still editable', async ({ playground, page }) => {
  await playground.goto();
  await playground.openGroup('objective');
  await playground.openGroup('optim');
  // GRPO (the default) has no critic: gamma is marked, beside its name and in its description.
  const gamma = playground.input('objective.gamma');
  await expect(playground.field('objective.gamma')).toHaveAttribute('data-ignored', 'true');
  await expect(page.getByTestId('ignored-objective.gamma')).toHaveText('ignored by GRPO');
  await expect(gamma).toHaveAccessibleName(/ignored by GRPO/);
  await expect(gamma).toHaveAccessibleDescription(/GRPO does not read this knob/);
  await expect(playground.field('objective.epsHigh')).toHaveAttribute('data-ignored', 'false');
  // Still editable: the value is taken, and no error blocks Start.
  await gamma.fill('0.9');
  await expect(gamma).toHaveValue('0.9');
  await expect(page.getByTestId('config-errors')).toHaveCount(0);

  // Choosing PPO-Clip (which learns a critic) unmarks it; the value typed under GRPO is kept.
  await playground.input('objective.algorithm').selectOption('ppo');
  await expect(playground.field('objective.gamma')).toHaveAttribute('data-ignored', 'false');
  await expect(page.getByTestId('ignored-objective.gamma')).toHaveCount(0);
  await expect(gamma).toHaveValue('0.9');

  // TRPO's step comes from its trust region: the learning rate and the clip are marked.
  await page.getByTestId('preset-select').selectOption('trpo');
  await expect(page.getByTestId('ignored-optim.lr')).toHaveText('ignored by TRPO');
  await expect(playground.field('objective.epsLow')).toHaveAttribute('data-ignored', 'true');
  await expect(playground.field('objective.trpoMaxKl')).toHaveAttribute('data-ignored', 'false');
  await expect(playground.field('optim.epochs')).toHaveAttribute('data-ignored', 'false');
});

test('the loss tricks\' bad combinations are refused at the field to fix, each with its sentence', async ({ playground, page }) => {
  await playground.goto();
  await playground.openGroup('objective');
  // Dual clip between 0 and 1 would cap losses the ordinary clip already bounds.
  await playground.input('objective.dualClipC').fill('0.5');
  await expect(page.getByTestId('error-objective.dualClipC')).toContainText('Must be above 1');
  await playground.input('objective.dualClipC').fill('3');
  await expect(page.getByTestId('error-objective.dualClipC')).toHaveCount(0);
  // The exact KL cannot sit in the reward.
  await playground.input('objective.klEstimator').selectOption('exact');
  await playground.input('objective.klMode').selectOption('reward');
  await expect(page.getByTestId('error-objective.klEstimator')).toContainText('klMode loss only');
  await playground.input('objective.klMode').selectOption('loss');
  await expect(page.getByTestId('error-objective.klEstimator')).toHaveCount(0);
  // A product of rewards with the length penalty weighted.
  await playground.openGroup('rewards');
  await playground.input('rewards.combine').selectOption('product');
  await playground.input('rewards.weights.length').fill('1');
  await expect(page.getByTestId('error-rewards.combine')).toContainText('rewards.weights.length');
  await playground.input('rewards.weights.length').fill('0');
  await expect(page.getByTestId('config-errors')).toHaveCount(0);
  await expect(playground.start).toHaveAttribute('aria-disabled', 'false');
});

test('dense step rewards: refused at rewards.dense under GRPO (marked ignored), accepted under PPO with StepRAR weighted', async ({ playground, page }) => {
  await playground.goto();
  await playground.openGroup('rewards');
  const dense = playground.input('rewards.dense');
  await expect(page.getByTestId('ignored-rewards.dense')).toHaveText('ignored by GRPO');
  await dense.focus();
  await page.keyboard.press('Space'); // keyboard usable
  await expect(dense).toBeChecked();
  await expect(page.getByTestId('error-rewards.dense')).toContainText('one shared advantage');
  await expect(playground.start).toHaveAttribute('aria-disabled', 'true');
  await playground.openGroup('objective');
  await playground.input('objective.algorithm').selectOption('ppo');
  await expect(page.getByTestId('ignored-rewards.dense')).toHaveCount(0);
  await expect(page.getByTestId('error-rewards.dense')).toContainText('rewards.weights.stepRAR is 0');
  await playground.input('rewards.weights.stepRAR').fill('0.5');
  await expect(page.getByTestId('error-rewards.dense')).toHaveCount(0);
  await expect(page.getByTestId('config-errors')).toHaveCount(0);
});

test('Curr-ReFT: the self-improvement stage without the curriculum is refused at its field, with help text', async ({ playground, page }) => {
  await playground.goto();
  await playground.openGroup('tricks');
  await expect(playground.input('tricks.curriculumRewards')).toHaveAccessibleDescription(/difficulty-aware rewards/);
  await playground.input('tricks.curriculumRejectIters').fill('3');
  await expect(page.getByTestId('error-tricks.curriculumRejectIters')).toContainText('turn tricks.curriculum on');
  await playground.input('tricks.curriculum').check();
  await expect(page.getByTestId('error-tricks.curriculumRejectIters')).toHaveCount(0);
  await expect(playground.start).toHaveAttribute('aria-disabled', 'false');
});

test('Curr-ReFT: the staged question formats have help text, and are refused at their field without the curriculum', async ({ playground, page }) => {
  await playground.goto();
  await playground.openGroup('tricks');
  const format = playground.input('tricks.curriculumFormat');
  await expect(format).toHaveAccessibleDescription(/binary question.*choice of three.*open question/);
  await format.focus();
  await format.selectOption('staged');
  await expect(page.getByTestId('error-tricks.curriculumFormat')).toContainText('turn tricks.curriculum on');
  await expect(playground.start).toHaveAttribute('aria-disabled', 'true');
  await playground.input('tricks.curriculum').check();
  await expect(page.getByTestId('error-tricks.curriculumFormat')).toHaveCount(0);
  await expect(playground.start).toHaveAttribute('aria-disabled', 'false');
});
