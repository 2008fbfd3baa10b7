// The spec checks the page against the lesson definitions themselves (plain data, no DOM).
// eslint-disable-next-line no-restricted-imports
import { LESSONS } from '../src/app/lessons';
import { test, expect } from './fixtures';

for (const lesson of LESSONS) {
  test(`lesson "${lesson.title}": its URL opens with its preset and only its controls`, async ({ playground, page }) => {
    await page.goto(`/#lesson=${lesson.id}`);
    await playground.waitReady();
    const panel = page.getByTestId('lesson-panel');
    await expect(panel).toHaveAttribute('data-lesson', lesson.id);
    await expect(panel).toHaveAttribute('data-preset', lesson.preset);
    await expect(page.getByTestId('lesson-step-text')).toHaveText(lesson.steps[0]!.text);
    expect(await playground.visibleFields()).toEqual([...lesson.controls].sort());
    await expect(page.getByTestId('preset-select')).toHaveCount(lesson.presetPicker ? 1 : 0);
    if (lesson.presetPicker) await expect(page.getByTestId('preset-select')).toHaveValue(lesson.preset);
    const charts = await page.locator('.chart-grid figure.chart').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(charts.sort()).toEqual(lesson.charts.map((c) => `chart-${c}`).sort());
    // The lesson's settings are in the panel, and the URL still names the lesson.
    for (const [path, value] of Object.entries(lesson.settings)) {
      if (lesson.controls.includes(path)) await expect(playground.input(path)).toHaveValue(String(value));
    }
    await expect(page).toHaveURL(new RegExp(`#lesson=${lesson.id}&preset=${lesson.preset}`));
  });
}

test('a lesson walks through its steps; its actions set knobs; leaving it shows every control again', async ({ playground, page }) => {
  await page.goto('/#lesson=kl-anchor');
  await playground.waitReady();
  const panel = page.getByTestId('lesson-panel');
  await expect(panel).toHaveAttribute('data-step', '0');
  await page.getByTestId('lesson-action').click(); // step 1: open the KL explainer
  await expect(page.getByTestId('learn-workspace')).toHaveAttribute('data-topic', 'kl');
  await playground.openView('train');
  await page.getByTestId('lesson-next').click();
  await page.getByTestId('lesson-next').click();
  await expect(panel).toHaveAttribute('data-step', '2');
  await expect(playground.input('objective.beta')).toHaveValue('0.04');
  await page.getByTestId('lesson-action').click(); // "Set β = 0"
  await expect(playground.input('objective.beta')).toHaveValue('0');
  await expect(page).toHaveURL(/#lesson=kl-anchor&.*objective\.beta=0/);
  await page.getByTestId('lesson-prev').click();
  await expect(panel).toHaveAttribute('data-step', '1');

  await page.getByTestId('lesson-show-all').check();
  expect((await playground.visibleFields()).length).toBeGreaterThan(40);
  await page.getByTestId('lesson-show-all').uncheck();
  expect(await playground.visibleFields()).toEqual(['objective.beta', 'objective.klEstimator', 'optim.lr']);

  await page.getByTestId('lesson-exit').click();
  await expect(panel).toHaveCount(0);
  expect((await playground.visibleFields()).length).toBeGreaterThan(40);
  await expect(page).not.toHaveURL(/lesson=/);
  await expect(playground.input('objective.beta')).toHaveValue('0'); // leaving keeps the edits

  // The Learn view lists every lesson; a link opens it.
  await playground.openTopic('lessons');
  await page.getByTestId('lesson-link-reward-hacking').click();
  await expect(panel).toHaveAttribute('data-lesson', 'reward-hacking');
  await expect(playground.input('rewards.weights.hackable')).toHaveValue('1');
});

test('an unknown lesson is refused with a notice and the page loads normally', async ({ playground, page }) => {
  await page.goto('/#lesson=nope&preset=dapo');
  await playground.waitReady();
  await expect(page.getByTestId('notice-error').filter({ hasText: 'unknown lesson' })).toBeVisible();
  await expect(page.getByTestId('lesson-panel')).toHaveCount(0);
  await expect(page.getByTestId('preset-select')).toHaveValue('dapo');
});
