import { test, expect } from './fixtures';

/**
 * The app's finishing work: the task picker with pictures (issue #16) and keyboard access.
 */
test('the task picker is a radio group of cards: the arrow keys choose a task, its picture and description show', async ({ playground }) => {
  await playground.goto({ config: { 'task.task': 'digit-sum' } });
  const page = playground.page;
  const picker = playground.field('task.task');
  // Every card has a picture (role img, an alt text naming the task) and its one-line description.
  const cards = picker.getByTestId(/^task-card-/);
  await expect(cards).toHaveCount(await picker.getByRole('radio').count());
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
