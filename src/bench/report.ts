/**
 * bench/results.md: the tables the README shows, rendered from results.json's entries.
 */
import { DEFAULT_MAX_NEW_TOKENS } from '../engine/config';
import { TINY_GROWTH } from './engineBench';
import type { BenchEntry } from './schema';

const fixed = (x: number | undefined, digits = 0) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));
const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`);
/** The backend column: "wasm (2 threads)" where the entry says how many threads ran it. */
const backendCell = (e: BenchEntry) => (e.threads !== undefined ? `${e.backend} (${e.threads} thread${e.threads === 1 ? '' : 's'})` : e.backend);
const bytes = (x: number | undefined) => (x === undefined ? '—' : `${x >= 0 ? '+' : ''}${(x / 1024).toFixed(1)} KiB`);

export function generateTable(entries: BenchEntry[]): string {
  const head = '| env | backend | B x G | KV cache tok/s | KV, shared prefix tok/s | recompute tok/s | KV speedup (target >= 4x) | prefix-share speedup |';
  const sep = '|---|---|---|---|---|---|---|---|';
  const rows = entries.map(
    (e) =>
      `| ${e.env} | ${backendCell(e)} | ${e.prompts} x ${e.groupSize} | ${fixed(e.tokensPerSec.kvUnshared)} | ${fixed(e.tokensPerSec.kvShared)} | ${fixed(e.tokensPerSec.recompute)} | ${fixed(e.kvSpeedup, 2)}x | ${fixed(e.prefixShareSpeedup, 2)}x |`,
  );
  return [head, sep, ...rows].join('\n');
}

export function iterationTable(entries: BenchEntry[]): string {
  const head =
    '| env | backend | iteration ms | generation / reward / log-prob / update ms | it/s | readbacks | dispatches | MFLOP | matmul GFLOP/s | dispatch floor µs | efficiency (rollout / log-prob / update) | tensors growth | bytes growth | fps | longest task ms |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const rows = entries
    .filter((e) => e.iterationMs !== undefined)
    .map((e) => {
      const p = e.phaseMs;
      const split = p ? `${fixed(p.generation)} / ${fixed(p.reward, 1)} / ${fixed(p.logprob)} / ${fixed(p.update)}` : '—';
      const pe = e.phaseEfficiency;
      const passes = pe?.logprob !== undefined && pe.update !== undefined ? `${pct(pe.logprob)} / ${pct(pe.update)}` : `${pct(pe?.passes)} log-prob+update`;
      const eff = `${pct(e.efficiency)}${pe ? ` (${pct(pe.rollout)} / ${passes})` : ''}`;
      return `| ${e.env} | ${backendCell(e)} | ${fixed(e.iterationMs)} | ${split} | ${fixed(e.iterationsPerSec, 2)} | ${fixed(e.readbacksPerIteration)} | ${fixed(e.dispatchesPerIteration)} | ${fixed((e.flopsPerIteration ?? NaN) / 1e6)} | ${fixed(e.matmulGflops, 2)} | ${fixed(e.dispatchFloorUs, 1)} | ${eff} | ${fixed(e.tensorsGrowth)} | ${bytes(e.bytesGrowth)} | ${fixed(e.fps, 1)} | ${fixed(e.longestTaskMs)} |`;
    });
  return [head, sep, ...rows].join('\n');
}

/** The --profile results: per entry, its longest kernels by phase. */
export function profileTable(entries: BenchEntry[]): string {
  const share = (ms: number, total: number | undefined) => (total ? `${((100 * ms) / total).toFixed(1)}%` : '—');
  const rows = entries.flatMap((e) =>
    (e.kernelProfile ?? []).map((k) => `| ${e.env} | ${backendCell(e)} | ${k.phase} | ${k.kernel} | ${k.ms.toFixed(1)} | ${share(k.ms, e.kernelProfileMs)} | ${k.calls} |`),
  );
  return ['| env | backend | phase | kernel | ms | share of kernel time | calls |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

/** Time to learn, per entry that measured it: the mean, and each seed's seconds and iterations. */
export function learnTable(entries: BenchEntry[]): string {
  const rows = entries
    .filter((e) => e.timeToLearn !== undefined)
    .map((e) => {
      const t = e.timeToLearn!;
      const seeds = t.seeds
        .map((s) => `seed ${s.seed}: ${s.seconds !== null ? `${s.seconds.toFixed(0)} s, ${s.iterations} it` : `not within ${t.maxIterations} it`} (${(100 * s.before).toFixed(0)}% → ${(100 * s.reached).toFixed(0)}%)`)
        .join('; ');
      return `| ${e.env} | ${backendCell(e)} | ${[t.preset, ...Object.entries(t.settings).map(([k, v]) => `${k}=${String(v)}`)].join(', ')} | ${e.timeToLearnS != null ? e.timeToLearnS.toFixed(0) : 'not reached'} | ${seeds} |`;
    });
  return ['| env | backend | preset | time to learn, s (mean) | per seed: training s, iterations (held-out ID accuracy, warm start → then) |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** Every note once, with the entries it applies to, as a list under the tables. */
export function notesList(entries: BenchEntry[]): string {
  const where = new Map<string, string[]>();
  for (const e of entries) for (const n of e.notes ?? []) where.set(n, [...(where.get(n) ?? []), `${e.env}/${backendCell(e)}`]);
  return [...where].map(([note, tags]) => `- ${tags.join(', ')}: ${note}`).join('\n');
}

/** The machines the entries were measured on, each part once ("2 x AMD EPYC, Node v20; headless Chromium 156"). */
export function machinesLine(entries: BenchEntry[]): string {
  return [...new Set(entries.flatMap((e) => e.machine.split('; ')))].join('; ');
}

export function resultsMarkdown(entries: BenchEntry[]): string {
  const notes = notesList(entries);
  return [
    `## Generation: KV cache vs full recomputation (${DEFAULT_MAX_NEW_TOKENS} new tokens)`,
    '',
    `Measured on ${machinesLine(entries) || 'this machine'}.`,
    '',
    generateTable(entries),
    ...(entries.some((e) => e.iterationMs !== undefined) ? iterationSection(entries) : []),
    ...(entries.some((e) => e.timeToLearn !== undefined) ? learnSection(entries) : []),
    ...(entries.some((e) => e.kernelProfile)
      ? ['', '## Longest kernels of one iteration (--profile: tf.profile, its timer overhead included)', '', profileTable(entries)]
      : []),
    ...(notes ? ['', 'Notes:', '', notes] : []),
    '',
  ].join('\n');
}

function learnSection(entries: BenchEntry[]): string[] {
  const t = entries.find((e) => e.timeToLearn !== undefined)!.timeToLearn!;
  return [
    '',
    `## Time to learn: a preset (the default, grpo, unless the row says otherwise) until held-out ID accuracy stands ${(100 * t.margin).toFixed(0)} points above the warm start`,
    '',
    `Wall seconds of training, held-out evaluations excluded (greedy, ${t.evalN} prompts every ${t.evalEvery} iterations, standard error about ${(100 * Math.sqrt(0.25 / t.evalN)).toFixed(0)} points), ` +
      `up to ${t.maxIterations} iterations. On wasm only: the plain-JS cpu backend is too slow, and webgl/webgpu here are software-emulated.`,
    '',
    learnTable(entries),
  ];
}

function iterationSection(entries: BenchEntry[]): string[] {
  return [
    '',
    '## One iteration of the default preset (GRPO, default model, B x G = 8 x 8, SFT warm start)',
    '',
    'iteration ms: mean wall time of the timed iterations; the split is the trainer\'s own `time/*` metrics ' +
      '(on webgl/webgpu the log-prob passes only queue work, which the update\'s readback waits for: read their efficiency together). ' +
      'readbacks: device-to-host reads the engine asks for. dispatches: GPU programs on webgl/webgpu, kernels elsewhere. ' +
      'MFLOP: matmul FLOPs per iteration from the model config (src/bench/flops.ts). matmul GFLOP/s: tf.matMul at the ' +
      'teacher-forced size (N·L x d x 4d); dispatch floor: one chained 1-element add. efficiency: max(FLOPs / matmul ' +
      'throughput, dispatches x dispatch floor) / iteration time, overall then per phase. tensors/bytes growth: tf.memory() ' +
      'after the last iteration of the growth run minus after its first reading (see notes). fps and longest task: the real app (vite ' +
      'preview) while its default run trains in the worker.',
    '',
    `The growth run's tiny config: ${JSON.stringify(TINY_GROWTH)} on the default preset.`,
    '',
    iterationTable(entries),
    '',
    'What the iteration asks of the backend: dispatches per phase and per decoding step (the rollout\'s over maxNewTokens, its prefill included), ' +
      'readbacks, and uploads (host-to-device writes outside kernels: tensors from JS data, scalars, the sampling noise) with their bytes.',
    '',
    countsTable(entries),
  ];
}

export function countsTable(entries: BenchEntry[]): string {
  const rows = entries
    .filter((e) => e.dispatchesPerIteration !== undefined)
    .map((e) => {
      const p = e.phaseDispatches;
      const split = p ? `${fixed(p.rollout)} / ${fixed(p.logprob)} / ${fixed(p.update)}` : '—';
      const kib = e.uploadBytesPerIteration === undefined ? '—' : (e.uploadBytesPerIteration / 1024).toFixed(1);
      return `| ${e.env} | ${backendCell(e)} | ${fixed(e.dispatchesPerIteration)} | ${split} | ${fixed(e.dispatchesPerDecodeStep)} | ${fixed(e.readbacksPerIteration)} | ${fixed(e.uploadsPerIteration)} | ${kib} |`;
    });
  return ['| env | backend | dispatches | rollout / log-prob / update | per decoding step | readbacks | uploads | KiB uploaded |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}
