import { test, expect } from './fixtures';
import { TASK_IDS } from '../src/engine/tasks/types';

/**
 * The app's finishing work: the task picker with pictures (issue #16) and keyboard access.
 */
test('the task picker is a radio group of cards: the arrow keys choose a task, its picture and description show', async ({ playground }) => {
  await playground.goto({ config: { 'task.task': 'digit-sum' } });
  const page = playground.page;
  const picker = playground.field('task.task');
  // Every card has a picture (role img, an alt text naming the task) and its one-line description.
  const cards = picker.getByTestId(/^task-card-/);
  await expect(cards).toHaveCount(TASK_IDS.length); // one card per task in the registry
  await expect(picker.getByRole('radio')).toHaveCount(TASK_IDS.length);
  await expect(picker.getByRole('img', { name: /Example Digit sum picture, asked "/ })).toBeVisible();
  const digitSum = picker.getByRole('radio', { name: /Digit sum/ });
  await expect(digitSum).toBeChecked();
  // Keyboard only: focus the chosen task, the next arrow key chooses the next card.
  await digitSum.focus();
  await page.keyboard.press('ArrowDown');
  const next = picker.getByRole('radio', { checked: true });
  await expect(next).not.toHaveAttribute('value', 'digit-sum');
  await expect(next).toBeFocused();
  const chosen = (await next.getAttribute('value'))!;
  const card = picker.getByTestId(`task-card-${chosen}`);
  await expect(card).toHaveClass(/task-card-chosen/);
  // The chosen card's description is its radio's accessible description; the picture is drawn (not blank).
  const description = (await card.locator('.task-card-desc').textContent())!;
  expect(description.length).toBeGreaterThan(20);
  await expect(next).toHaveAccessibleDescription(description);
  const drawn = await card.getByRole('img').evaluate((c) => {
    const ctx = (c as HTMLCanvasElement).getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return colours.size;
  });
  expect(drawn, 'colours in the picture').toBeGreaterThan(1);
  // The config follows: the URL hash names the task the keyboard chose.
  await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toContain(`task.task=${chosen}`);
  // Compare's task choice is the same picker.
  await playground.openView('compare');
  const compareTask = page.getByTestId('compare-task');
  await expect(compareTask.getByRole('img', { name: /^Example .+ picture, asked/ }).first()).toBeVisible();
  await compareTask.getByRole('radio', { checked: true }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(compareTask.getByRole('radio', { checked: true })).toBeFocused();
});

test('Inspect shows an SFT run: its gold traces, the model\'s log-probs on them and the loss they make, never a blank view', async ({ playground, page }) => {
  // Responses long enough for a whole gold trace (TINY's 8 tokens would cut it before <answer>).
  await playground.goto({ preset: 'sft', config: { 'run.iterations': 2, 'run.keepBatches': 2, 'sampling.maxNewTokens': 24, 'model.maxResponseLen': 24 } });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openView('inspect');
  await expect(page.getByTestId('inspect-view')).toHaveAttribute('data-batches', '2');
  await expect(page.getByTestId('inspect-view')).toHaveAttribute('data-group-size', '1');
  const note = page.getByTestId('gold-batch-note');
  await expect(note).toContainText('samples nothing, so there are no rollouts');
  // One Adam step per iteration: minus the mean gold log-prob before the update is the logged loss.
  await expect(note).toContainText('✓');
  await expect(page.getByTestId('batch-check')).toHaveCount(0);
  // Each prompt's one row is its gold trace, with a heatmap over its tokens.
  const card = page.getByTestId('response-card').first();
  await expect(card.getByTestId('token').first()).toBeVisible();
  await expect(card).toContainText('<answer>');
});

test('keyboard: Inspect\'s tabs, the drawing canvas and its pens, attention weights as text, the glossary\'s focus', async ({ playground, page }) => {
  await playground.goto({ config: { 'run.iterations': 1, 'run.keepBatches': 1, 'sampling.groupSize': 2 } });
  await playground.start.click();
  await playground.waitStatus('done');
  await playground.openView('inspect');

  // Tabs (WAI-ARIA): one tab stop, arrows move and select, the panel names its tab.
  const batches = page.getByTestId('inspect-tab-batches');
  const own = page.getByTestId('inspect-tab-own');
  await expect(batches).toHaveAttribute('tabindex', '0');
  await expect(own).toHaveAttribute('tabindex', '-1');
  await batches.focus();
  await page.keyboard.press('ArrowRight');
  await expect(own).toBeFocused();
  await expect(own).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: 'Try your own' })).toBeVisible();
  await expect(page.getByTestId('try-own')).toBeVisible();

  // The drawing canvas: an image you can draw on with the keyboard, its pen position said in text.
  const canvas = page.getByTestId('own-canvas');
  await expect(canvas).toHaveAttribute('role', 'img');
  const version = Number(await page.getByTestId('try-own').getAttribute('data-version'));
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('own-cursor')).toContainText('Pen at column 18, row 17');
  await page.keyboard.press('Space');
  await expect.poll(async () => Number(await page.getByTestId('try-own').getAttribute('data-version'))).toBeGreaterThan(version);
  // Pen colours are a radio group: the arrow keys move the choice and the focus.
  const pens = page.getByRole('radiogroup', { name: 'Pen colour' }).getByRole('radio');
  const checked = pens.and(page.locator('[aria-checked="true"]'));
  const before = await checked.getAttribute('aria-label');
  await checked.focus();
  await page.keyboard.press('ArrowRight');
  await expect(checked).not.toHaveAttribute('aria-label', before!);
  await expect(checked).toBeFocused();

  await own.focus();
  await page.keyboard.press('Home');
  await expect(batches).toHaveAttribute('aria-selected', 'true');
  await expect(batches).toBeFocused();

  // Attention: the weights as text, reachable without hovering.
  const attend = page.getByTestId('btn-attention').first();
  await attend.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('attention-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('attention-weights-top')).toContainText(/Most attention .*row \d, column \d: \d+\.\d%/);
  const summary = page.getByTestId('attention-weights').locator('summary');
  await summary.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('attention-weights').getByRole('table')).toBeVisible();
  await expect(page.getByTestId('attention-weights').getByRole('cell')).toHaveCount(16); // 4 x 4 patches

  // Glossary: opening moves focus into it; Escape closes it and returns focus to the button.
  const button = page.getByTestId('btn-glossary');
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('glossary')).toBeVisible();
  await expect(page.getByTestId('glossary').locator('#glossary-title')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('glossary')).toHaveCount(0);
  await expect(button).toBeFocused();
});

test('Graduate refuses an RL script for an SFT config, in one sentence naming the field', async ({ playground, page }) => {
  await playground.goto({ preset: 'sft' });
  await playground.openTopic('trl');
  await expect(page.getByTestId('trl-refused')).toContainText('objective.algorithm is sft');
  await expect(page.getByTestId('trl-refused')).toContainText('SFTTrainer');
  await expect(page.getByTestId('btn-export-trl')).toHaveCount(0);
});
