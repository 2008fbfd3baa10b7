/**
 * npm run eval -- --task digit-sum --checkpoint public/checkpoints/digit-sum --split ood|shift [--json]
 * Held-out accuracy, pass@k, format rate and mean length of a checkpoint on one split: id,
 * ood ("novel answers") or shift ("visual shift"); --json prints
 * {task, split, n, accuracy, passAtK, formatRate, meanLength}.
 */
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_TASK_SETTINGS } from '../engine/config';
import { Policy } from '../engine/model';
import { TASKS } from '../engine/tasks';
import { evaluate } from '../engine/train/evaluate';
import { initBackend } from './backend';
import { fileHandler } from './fileHandler';
import { runCli } from './args';
import { USAGE, parseEvalArgs } from './evalArgs';
import { Progress } from './progress';
import { formatEvalTable } from './evalTable';

runCli(USAGE, async () => {
  const args = parseEvalArgs(process.argv.slice(2));
  await initBackend(args.backend);
  const task = TASKS[args.task];
  const policy = await Policy.fromCheckpoint(fileHandler(args.checkpoint ?? `public/checkpoints/${args.task}`));
  const progress = new Progress(`eval ${args.task}/${args.split}`, args.n, args.json);
  const result = await evaluate(policy, task, {
    split: args.split,
    n: args.n,
    difficulty: args.difficulty,
    imageSize: policy.config.imageSize,
    jitter: DEFAULT_TASK_SETTINGS.jitter,
    maxNewTokens: DEFAULT_MAX_NEW_TOKENS,
    mode: args.sample || args.k > 1 ? { kind: 'sampled', k: args.k, temperature: args.temperature } : { kind: 'greedy' },
    onProgress: (d) => progress.update(d),
  });
  progress.done();
  policy.dispose();
  const { task: t, split, n, accuracy, passAtK, formatRate, meanLength } = result;
  process.stdout.write(args.json ? `${JSON.stringify({ task: t, split, n, accuracy, passAtK, formatRate, meanLength })}\n` : `${formatEvalTable([result])}\n`);
});
