/**
 * npm run train -- --preset grpo --task digit-sum --iterations 150 --seed 1 --init sft
 *                  --backend wasm --out runs/grpo.jsonl [--set objective.beta=0.02 ...]
 *
 * Runs one RL fine-tuning run headless: a progress bar on stderr, one JSON line per iteration
 * (a MetricsRecord) in --out, and a summary on stdout: held-out accuracy before -> after on
 * ID, visual-shift and novel-answer (OOD) prompts, wall time and seconds per iteration.
 */
import type { RunConfig } from '../engine/config';
import type { EvalResult } from '../engine/train/evaluate';
import { TASKS } from '../engine/tasks';
import { createTrainer } from '../engine/train/trainer';
import { createdFile, runCli, writableDir } from './args';
import { initBackend } from './backend';
import { fileHandler } from './fileHandler';
import { Progress } from './progress';
import { USAGE, buildConfig, parseTrainArgs, warmStartError } from './trainArgs';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

type Splits = { id: EvalResult; ood: EvalResult; shift: EvalResult };

function summary(config: RunConfig, backend: string, before: Splits, after: Splits, seconds: number, iterations: number, out?: string): string {
  // A graded task (locate: accuracy is the mean IoU) also shows the share its own line calls right (IoU >= 0.5).
  const graded = TASKS[config.task.task].scoreAnswer !== undefined;
  const row = (name: string, b: EvalResult, a: EvalResult) =>
    `  ${name.padEnd(5)} (n=${a.n})  ${pct(b.accuracy).padStart(6)} -> ${pct(a.accuracy).padStart(6)}  (${signed(a.accuracy - b.accuracy)} points; format ${pct(a.formatRate)})` +
    (graded ? `  right ${pct(b.passAtK)} -> ${pct(a.passAtK)}` : '');
  return [
    `${config.preset} on ${config.task.task}, seed ${config.run.seed}, ${iterations} iterations from ${config.run.init === 'sft' ? 'the SFT warm start' : 'scratch'} (${backend})`,
    'held-out accuracy (greedy)  before -> after  (shift: visual shift; OOD: novel answers)',
    row('ID', before.id, after.id),
    row('shift', before.shift, after.shift),
    row('OOD', before.ood, after.ood),
    `wall time ${seconds.toFixed(1)} s, ${(seconds / Math.max(iterations, 1)).toFixed(2)} s/iteration`,
    ...(out ? [`metrics: ${out} (one JSON line per iteration)`] : []),
  ].join('\n');
}

runCli(USAGE, async () => {
  const args = parseTrainArgs(process.argv.slice(2));
  const config = buildConfig(args);
  // Before any model is built: a path that cannot be written fails now, naming --out.
  const out = args.out ? await createdFile(args.out, '--out') : null;
  if (args.save) await writableDir(args.save, '--save'); // not after the whole run
  const backend = await initBackend(args.backend); // also registers tfjs's gradients

  const warmStart = args['warm-start'];
  const trainer = await createTrainer(config, {
    loadWarmStart: (task) => fileHandler(warmStart ?? `public/checkpoints/${task}`),
    onNote: (note) => {
      if (!args.quiet) process.stderr.write(`\n${note}\n`);
    },
  }).catch(async (e: unknown) => {
    await out?.close();
    throw warmStartError(e, config.run.init);
  });
  try {
    const before = await trainer.evaluate(args['eval-n']);
    const progress = new Progress(`${config.preset} ${config.task.task}`, config.run.iterations, args.quiet);
    const t0 = performance.now();
    let steps = 0;
    while (!trainer.done) {
      const m = await trainer.step();
      steps++;
      await out?.write(`${JSON.stringify(m)}\n`);
      const v = m.values;
      const evalNote = v['acc/eval_id'] !== undefined ? ` eval ${pct(v['acc/eval_id'])}` : '';
      // SFT samples nothing: its line shows the cross-entropy instead of a reward it does not have.
      const trainNote = v['reward/mean'] === undefined ? `loss ${(v['loss/policy'] ?? NaN).toFixed(3)}` : `reward ${v['reward/mean'].toFixed(2)} acc ${pct(v['acc/train'] ?? 0)}`;
      progress.update(m.iteration, `${trainNote}${evalNote}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    progress.done();
    const after = await trainer.evaluate(args['eval-n']);
    if (args.save) await trainer.saveCheckpoint(fileHandler(args.save));
    process.stdout.write(`${summary(config, backend, before, after, seconds, steps, args.out)}\n`);
  } finally {
    await out?.close();
    trainer.dispose();
  }
});
