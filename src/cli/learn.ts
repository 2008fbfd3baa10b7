/**
 * Time to learn for one budget (src/bench/timeToLearn.ts: training seconds until held-out ID
 * accuracy stands 15 points above the warm start), with the curve behind it. What the README's
 * first-minute table was measured with; `npm run bench` reports the same figure for the default.
 */
import { writeFile } from 'node:fs/promises';
import { TIME_TO_LEARN_DEFAULTS, timeToLearn } from '../bench/timeToLearn';
import type { MetricsRecord } from '../engine/train/metrics';
import { runCli, createdFile } from './args';
import { initBackend } from './backend';
import { fileHandler } from './fileHandler';
import { USAGE, learnSetSettings, parseLearnArgs } from './learnArgs';

const started = performance.now();
const log = (line: string) => process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const show = (v: number | undefined, digits = 3) => (v === undefined ? '-' : v.toFixed(digits));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * CPU milliseconds of each training iteration: what an iteration costs, far less sensitive
 * than wall time to other processes on a shared machine. The first iteration of a seed (it
 * includes building the trainer and the warm start's evaluation) and every iteration with a
 * held-out evaluation are left out.
 */
function cpuMeter() {
  const ms: number[] = [];
  let last = process.cpuUsage();
  return {
    ms,
    step(m: MetricsRecord) {
      const d = process.cpuUsage(last);
      last = process.cpuUsage();
      if (m.iteration > 1 && m.values['acc/eval_id'] === undefined) ms.push((d.user + d.system) / 1000);
    },
  };
}

runCli(USAGE, async () => {
  const args = parseLearnArgs(process.argv.slice(2));
  const settings = learnSetSettings(args);
  if (args.out) await (await createdFile(args.out, '--out')).close(); // now, not after the runs
  await initBackend('wasm');
  const cpu = cpuMeter();
  const result = await timeToLearn(
    {
      ...TIME_TO_LEARN_DEFAULTS,
      preset: args.preset,
      settings,
      seeds: args.seeds,
      maxIterations: args.max,
      log,
      onIteration: (m) => {
        cpu.step(m);
        if (m.iteration > 3 && m.iteration % 5 !== 0) return;
        const v = m.values;
        log(
          `  it ${m.iteration}: train acc ${show(v['acc/train'])}, format ${show(v['format/rate'])}, entropy ${show(v['entropy'])}, ` +
            `KL ${show(v['kl/ref'], 4)}, grad norm ${show(v['grad/norm'])}, lr ${show(v['lr'], 6)}, CPU ms per iteration (median so far) ${median(cpu.ms).toFixed(0)}`,
        );
      },
    },
    { loadWarmStart: (task: string) => fileHandler(`public/checkpoints/${task}`) },
  );
  for (const s of result.timeToLearn.seeds) {
    log(`seed ${s.seed}: ${s.iterations === null ? `not reached in ${args.max} iterations` : `${s.iterations} iterations, ${s.seconds?.toFixed(0)} s of training`} (held-out ${(100 * s.before).toFixed(1)}% -> ${(100 * s.reached).toFixed(1)}%)`);
  }
  log(`CPU ms per training iteration: median ${median(cpu.ms).toFixed(0)} over ${cpu.ms.length}`);
  if (args.out) await writeFile(args.out, `${JSON.stringify({ ...result, cpuMsPerIteration: median(cpu.ms), cpuMs: cpu.ms }, null, 2)}\n`);
});
