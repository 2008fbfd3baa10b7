// The spec checks the page against the lesson definitions themselves (plain data, no DOM).
// eslint-disable-next-line no-restricted-imports
import { LESSONS } from '../src/app/lessons';
// eslint-disable-next-line no-restricted-imports
import { REFERENCE } from '../src/app/lessons/reference';
// eslint-disable-next-line no-restricted-imports
import { CHARTS } from '../src/app/charts/specs';
import { test, expect } from './fixtures';
import { TINY } from './pages/PlaygroundPage';

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
      if (!lesson.controls.includes(path)) continue;
      // The task is a picker of radio cards, not an input with a value.
      if (path === 'task.task') await expect(page.getByTestId(`task-option-${String(value)}`)).toBeChecked();
      else await expect(playground.input(path)).toHaveValue(String(value));
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
  await page.getByTestId('lesson-action').click(); // "Set β = 1"
  await expect(playground.input('objective.beta')).toHaveValue('1');
  await expect(page).toHaveURL(/#lesson=kl-anchor&.*objective\.beta=1/);
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
  await expect(playground.input('objective.beta')).toHaveValue('1'); // leaving keeps the edits

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

for (const lesson of LESSONS.filter((l) => REFERENCE.lessons[l.id])) {
  test(`lesson "${lesson.title}": its measured runs are drawn before Start, faint and labelled`, async ({ playground, page }) => {
    await page.goto(`/#lesson=${lesson.id}`);
    await playground.waitReady();
    await expect(playground.runRows).toHaveCount(0);
    const ref = REFERENCE.lessons[lesson.id]!;
    const first = playground.chart(lesson.charts[0]!);
    // On the lesson's first chart, a grey line per arm and committed series it charts, each in the legend; no run of the learner's yet.
    const spec = CHARTS.find((c) => c.id === lesson.charts[0])!;
    const onChart = (key: string) => spec.series.some((x) => x.key === key) || Boolean(spec.pattern?.test(key));
    const lines = Object.values(ref.arms).reduce((n, arm) => n + Object.keys(arm.series).filter(onChart).length, 0);
    expect(lines).toBeGreaterThanOrEqual(Object.keys(ref.arms).length);
    await expect(first).toHaveAttribute('data-reference', String(lines));
    await expect(first).toHaveAttribute('data-runs', '0');
    await expect(first.locator('.reference-line')).toHaveCount(lines);
    await expect(page.getByTestId(`chart-reference-legend-${lesson.charts[0]}`).locator('.legend-item')).toHaveCount(lines);
    await expect(page.getByTestId(`chart-reference-legend-${lesson.charts[0]}`)).toContainText('measured run');
    await expect(page.getByTestId(`chart-empty-${lesson.charts[0]}`)).toHaveCount(0);
  });
}

/** TINY, without what would make the run not the lesson's (a fixed setting the learner cannot change there). */
function tinyFor(lessonId: string): string {
  const lesson = LESSONS.find((l) => l.id === lessonId)!;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(TINY)) if (!(k in lesson.settings) || lesson.controls.includes(k)) params.set(k, String(v));
  params.delete('sampling.groupSize');
  return params.toString();
}

test('a lesson\'s takeaway appears when its run ends: the promise, the measured numbers and the run\'s own, side by side', async ({ playground, page }) => {
  // A tiny model from scratch, the lesson's own 10 iterations: it earns nothing, so every group ties.
  await page.goto(`/#lesson=zero-variance&${tinyFor('zero-variance')}`);
  await playground.waitReady();
  await expect(page.getByTestId('lesson-takeaway')).toHaveCount(0);
  await playground.start.click();
  await playground.waitStatus('done');
  const takeaway = page.getByTestId('lesson-takeaway');
  await expect(takeaway).toBeVisible();
  const ties = takeaway.getByTestId('takeaway-ties');
  await expect(ties.getByTestId('takeaway-expected')).toHaveText(/^\d/); // the committed mean (and range)
  await expect(ties.getByTestId('takeaway-yours')).toHaveText('1 (holds)'); // all 10 iterations tie: 1 − 0
  // The other claim needs the dynamic-sampling arm, which this run is not.
  await expect(takeaway.getByTestId('takeaway-extra-rounds').getByTestId('takeaway-yours')).toHaveText('run G = 4, dynamic sampling to see it');
  await expect(takeaway.getByTestId('takeaway-meaning')).toHaveText(LESSONS.find((l) => l.id === 'zero-variance')!.promise!.meaning);
});

test('check yourself: a wrong answer shows its feedback, a right one says so, and progress stays in this browser', async ({ playground, page }) => {
  await page.goto('/#lesson=kl-anchor');
  await playground.waitReady();
  await expect(page.getByTestId('quiz')).toHaveCount(0); // the questions close the lesson
  const next = page.getByTestId('lesson-next');
  while (await next.isEnabled()) await next.click();
  const q = page.getByTestId('quiz-kl-anchor/beta');
  await q.getByRole('radio', { name: 'KL rose faster' }).check();
  await q.getByTestId('quiz-check').click();
  await expect(q.getByTestId('quiz-feedback')).toContainText('Not quite.');
  await expect(q.getByTestId('quiz-feedback')).toContainText('Compare the two measured runs on the KL chart');
  await expect(q).toHaveAttribute('data-answered', 'wrong');
  await q.getByRole('radio', { name: /KL stayed lower/ }).check();
  await q.getByTestId('quiz-check').click();
  await expect(q.getByTestId('quiz-feedback')).toContainText('Right.');
  await expect(page.getByTestId('quiz-progress')).toHaveText('(1 of 2 answered right)');
  await page.reload();
  await playground.waitReady();
  while (await next.isEnabled()) await next.click();
  await expect(page.getByTestId('quiz-progress')).toHaveText('(1 of 2 answered right)');
  // Explainers end with their own questions, keyboard first: Tab to a choice, arrows, Space.
  await playground.openTopic('kl');
  const k1 = page.getByTestId('quiz-kl/k1-negative');
  await k1.getByRole('radio').first().focus();
  await page.keyboard.press('ArrowDown'); // the second choice, "0.3": wrong
  await k1.getByTestId('quiz-check').click();
  await expect(k1.getByTestId('quiz-feedback')).toContainText('k1 = x itself, sign included.');
});

test('a lesson opened beside a run at a huge learning rate keeps its charts\' scale: the run is left off, the measured runs set the axes', async ({ playground, page }) => {
  // Every tick label of the chart (both axes): its scale as drawn.
  const yTicks = () => playground.chart('reward').locator('svg.recharts-surface text').allTextContents();
  await page.goto('/#lesson=kl-anchor');
  await playground.waitReady();
  await expect(playground.chart('reward')).toHaveAttribute('data-reference', '2');
  await expect.poll(async () => (await yTicks()).length).toBeGreaterThan(1);
  const clean = await yTicks();
  // A run with a huge learning rate that does not stop (lr 1e3 would diverge at iteration 1 and
  // store no records): a tiny model at lr 0.05 earns nothing, so drawn it would pull the reward axis to 0.
  await playground.goto({ config: { 'optim.lr': 0.05, 'run.iterations': 4 } });
  await playground.start.click();
  await playground.waitStatus('done');
  await page.goto('/#lesson=kl-anchor');
  await playground.waitReady();
  await expect(playground.runRows).toHaveCount(1);
  await expect(playground.chart('reward')).toHaveAttribute('data-runs', '0');
  await expect(playground.chart('reward')).toHaveAttribute('data-reference', '2');
  await expect.poll(yTicks).toEqual(clean);
  // Shown, the collapsed run would set the scale (so the check above can fail).
  await page.getByTestId('show-other-runs').getByRole('checkbox').check();
  await expect(playground.chart('reward')).toHaveAttribute('data-runs', '1');
  await expect.poll(yTicks).not.toEqual(clean);
});
