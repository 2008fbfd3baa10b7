import { readFile } from 'node:fs/promises';
import { test, expect } from './fixtures';

test('"Export to TRL" downloads a .py file with the run\'s values, and the page shows the mapping', async ({ playground, page }) => {
  const run = { 'run.iterations': 2, 'optim.lr': 0.0023, 'objective.epsHigh': 0.27, 'sampling.temperature': 0.9, 'objective.beta': 0.05, name: 'to trl' };
  await playground.goto({ config: run });
  await playground.start.click();
  await playground.waitStatus('done');

  // Edit the panel after the run: the export is of the run's config, not the panel's.
  await playground.openGroup('objective');
  await playground.input('objective.epsHigh').fill('0.3');

  await playground.openTopic('trl');
  const panel = page.getByTestId('trl-panel');
  await expect(panel).toHaveAttribute('data-source', 'run');
  for (const arg of ['beta', 'epsilon', 'epsilon_high', 'num_generations', 'loss_type', 'scale_rewards', 'learning_rate', 'temperature', 'max_completion_length', 'num_iterations', 'importance_sampling_level']) {
    await expect(page.locator(`[data-testid="trl-row"][data-trl="${arg}"]`)).toHaveCount(1);
  }
  await expect(page.locator('[data-testid="trl-row"][data-trl="epsilon_high"]')).toContainText('0.27');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-export-trl').click()]);
  expect(download.suggestedFilename()).toBe('to-trl.trl.py');
  const py = await readFile(await download.path(), 'utf8');
  for (const line of [
    'from trl import GRPOConfig, GRPOTrainer',
    'learning_rate=0.0023,',
    'beta=0.05,',
    'epsilon=0.2,',
    'epsilon_high=0.27,',
    'num_generations=2,',
    'temperature=0.9,',
    'max_completion_length=8,',
    'num_iterations=1,',
    'loss_type="grpo",',
    'scale_rewards="group",',
    'importance_sampling_level="token",',
    'reward_weights=[1.0, 0.2],',
    'def accuracy_reward(completions, solution, **kwargs):',
    'def format_reward(completions, **kwargs):',
    '# Run: to trl',
  ]) {
    expect(py).toContain(line);
  }
  expect(py).not.toContain('epsilon_high=0.3,');
});
