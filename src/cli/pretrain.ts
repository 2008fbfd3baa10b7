/**
 * npm run pretrain [-- --task digit-sum] : the supervised warm start of every task, written
 * to public/checkpoints/<task>/ with a manifest of its held-out figures. Deterministic:
 * fixed seeds for the weights and the prompts.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_TASK_SETTINGS } from '../engine/config';
import { DEFAULT_MODEL_CONFIG, Policy, saveCheckpoint } from '../engine/model';
import { TASKS } from '../engine/tasks';
import { TASK_IDS, type TaskId } from '../engine/tasks/types';
import { evaluate, type EvalResult } from '../engine/train/evaluate';
import { warmStart, type SftConfig } from '../engine/train/sft';
import { initBackend } from './backend';
import { fileHandler } from './fileHandler';
import { runCli, writableDir } from './args';
import { USAGE, parsePretrainArgs } from './pretrainArgs';
import { Progress } from './progress';
import { formatEvalTable } from './evalTable';

/**
 * Per-task SFT settings. The stop rule (format >= 90%, accuracy in 20-60% on held-out ID
 * prompts) is what leaves RL its headroom; these only set how fast SFT gets there.
 */
const SFT: Record<TaskId, Partial<SftConfig>> = {
  // Counting answers 0-5 are right ~1 time in 6 by guessing: stop above that, not at it.
  count: { seed: 11, steps: 900, minAccuracy: 0.3 },
  'digit-sum': { seed: 12, steps: 900 },
  // compare is a two-way choice: chance is 50%, inside the band, so its warm start mainly
  // knows the grammar and RL has perception left to learn.
  compare: { seed: 13, steps: 900 },
  area: { seed: 14, steps: 900 },
  // motion mixes a four-way (direction) and a three-way (frame count) question: guessing is
  // right ~29% of the time, so stop above that.
  motion: { seed: 15, steps: 900, minAccuracy: 0.35 },
  // locate's accuracy is the mean IoU with the gold box (a graded score): its band is a mean IoU
  // of 0.3-0.6, above what a box of the right size in a roughly right place already earns.
  locate: { seed: 15, steps: 1500, minAccuracy: 0.3 },
  // click answers on a 16 x 16 grid, a hit being any of the 16-25 points of the target's box
  // (a blind click hits ~8%): stop above 25% so the 256-prompt check lands inside the band too.
  click: { seed: 15, steps: 900, minAccuracy: 0.25 },
};
const MODEL_SEED = 1;
const EVAL_N = 256;

export interface ManifestEntry {
  task: TaskId;
  steps: number;
  inBand: boolean;
  id: Pick<EvalResult, 'accuracy' | 'formatRate' | 'meanLength' | 'n'>;
  ood: Pick<EvalResult, 'accuracy' | 'formatRate' | 'meanLength' | 'n'>;
  seconds: number;
}

runCli(USAGE, async () => {
  const args = parsePretrainArgs(process.argv.slice(2));
  await writableDir(args.out, '--out'); // now, not after minutes of training
  const backend = await initBackend(args.backend);
  const tasks = args.task === 'all' ? [...TASK_IDS] : [args.task];
  const manifest: ManifestEntry[] = [];
  const results: EvalResult[] = [];
  for (const id of tasks) {
    const t0 = performance.now();
    const task = TASKS[id];
    const policy = Policy.create({ ...DEFAULT_MODEL_CONFIG, vocabSize: task.vocabSize }, MODEL_SEED);
    const cfg = { ...SFT[id], maxNewTokens: DEFAULT_MAX_NEW_TOKENS, imageSize: DEFAULT_TASK_SETTINGS.imageSize, jitter: DEFAULT_TASK_SETTINGS.jitter };
    const progress = new Progress(`sft ${id}`, cfg.steps ?? 600);
    const report = await warmStart(policy, task, cfg, (step, _total, loss, last) =>
      progress.update(step, `loss ${loss.toFixed(3)}${last ? ` acc ${(100 * last.accuracy).toFixed(0)}% fmt ${(100 * last.formatRate).toFixed(0)}%` : ''}`),
    );
    progress.done(report.inBand ? 'stopped: in band' : 'ran out of steps before the band', report.steps);
    const common = { n: EVAL_N, difficulty: 'mixed' as const, imageSize: cfg.imageSize, jitter: cfg.jitter, maxNewTokens: cfg.maxNewTokens, mode: { kind: 'greedy' as const } };
    const idEval = await evaluate(policy, task, { ...common, split: 'id' });
    const oodEval = await evaluate(policy, task, { ...common, split: 'ood' });
    results.push(idEval, oodEval);
    const dir = `${args.out}/${id}`;
    await mkdir(dir, { recursive: true });
    await saveCheckpoint(policy, fileHandler(dir), { task: id, sftSteps: report.steps, backend });
    policy.dispose();
    const pick = (r: EvalResult) => ({ n: r.n, accuracy: r.accuracy, formatRate: r.formatRate, meanLength: r.meanLength });
    manifest.push({ task: id, steps: report.steps, inBand: report.inBand, id: pick(idEval), ood: pick(oodEval), seconds: (performance.now() - t0) / 1000 });
  }
  // Merge with checkpoints made by earlier runs (e.g. one task at a time).
  const path = `${args.out}/manifest.json`;
  const earlier = await readFile(path, 'utf8').then((t) => (JSON.parse(t) as { checkpoints: ManifestEntry[] }).checkpoints, () => [] as ManifestEntry[]);
  const merged = [...earlier.filter((e) => !tasks.includes(e.task)), ...manifest].sort((a, b) => TASK_IDS.indexOf(a.task) - TASK_IDS.indexOf(b.task));
  await writeFile(path, `${JSON.stringify({ backend, modelSeed: MODEL_SEED, evalN: EVAL_N, checkpoints: merged }, null, 2)}\n`);
  process.stdout.write(`${formatEvalTable(results)}\n`);
  for (const m of manifest) process.stdout.write(`${m.task}: ${m.steps} SFT steps, ${m.seconds.toFixed(0)} s${m.inBand ? '' : ' (did not reach the band)'}\n`);
});
