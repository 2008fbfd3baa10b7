import { test, expect } from './fixtures';

test('the page loads ready: a backend badge, the config panel with help text, Start', async ({ playground, page }) => {
  await playground.goto({ tiny: false });
  await expect(playground.badge).not.toHaveAttribute('data-backend', '');
  await expect(playground.start).toBeEnabled();
  await expect(page.getByTestId('preset-select')).toHaveValue('grpo');
  for (const group of ['task', 'model', 'sampling', 'optim', 'objective', 'rewards', 'tricks', 'run']) {
    await expect(page.getByTestId(`group-${group}`)).toBeAttached();
  }
  // Every field carries its schema help text.
  const helps = page.locator('.field-help');
  const count = await helps.count();
  expect(count).toBeGreaterThan(40);
  for (let i = 0; i < count; i++) expect((await helps.nth(i).textContent())?.trim().length ?? 0).toBeGreaterThan(3);
  // The URL hash holds the config and the seed.
  await expect(page).toHaveURL(/#preset=grpo&seed=1/);
});

test('a shared link restores its config; bad parts fall back to defaults with a notice', async ({ playground, page }) => {
  await page.goto('/#preset=dapo&seed=7&sampling.groupSize=4&sampling.temperature=banana&nonsense=1');
  await playground.waitReady();
  await expect(page.getByTestId('preset-select')).toHaveValue('dapo');
  await expect(playground.input('run.seed')).toHaveValue('7');
  await expect(playground.input('sampling.groupSize')).toHaveValue('4');
  await expect(playground.input('sampling.temperature')).toHaveValue('1');
  await expect(page.getByTestId('notice-error').filter({ hasText: 'temperature' })).toBeVisible();
  await expect(page.getByTestId('notice-error').filter({ hasText: 'nonsense' })).toBeVisible();
});
