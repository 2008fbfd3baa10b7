/**
 * "Download bundle": one ZIP that carries a run out to a real trainer.
 *
 *   README.md                      how to run each part, and what has no counterpart
 *   config.json                    the run's RunConfig (the playground reads it back)
 *   metrics.jsonl                  the run's metrics, one record per iteration (when given)
 *   data/{train,test,ood,shift}/   metadata.jsonl + NNNNN.png (Hugging Face ImageFolder)
 *   rewards.py                     the reward functions in Python (standard library only)
 *   check_rewards.py               re-checks rewards.py on tests/reward_cases.jsonl
 *   tests/reward_cases.jsonl       sampled responses with the TypeScript rewards' scores
 *   trl/train_grpo.py              TRL GRPOTrainer script (TRL 1.9.0)
 *   trl/mapping.md, easyr1/mapping.md   the mapping tables
 *   easyr1/config.yaml, easyr1/format_prompt.jinja   EasyR1 (veRL) config
 *   (trl/ and easyr1/ only for an RL run: SFT and RFT are refused, trl.ts's rlExportRefusal, and
 *   the README says what to run instead)
 *
 * Pure: config (and metrics) in, bytes out; no DOM, no Node, no tfjs. The app and the CLI
 * (npm run export) both call buildBundle.
 */
import type { RunConfig } from '../config';
import type { MetricsRecord } from '../train/metrics';
import { TASKS } from '../tasks';
import { taskSplits, splitFiles } from './dataset';
import { EASYR1_COMMIT, FORMAT_PROMPT_JINJA, easyr1Mapping, easyr1Yaml } from './easyr1';
import { CHECK_REWARDS_PY, rewardsPy, rewardsPyOptions } from './rewardsPy';
import { rewardCases } from './samples';
import { TRL_VERSION, rlExportRefusal, trlMapping, trlScript, type MapStatus } from './trl';
import { zip, type ZipEntry } from './zip';

export interface BundleOptions {
  /** Training examples (test and ood get max(16, n/10) each). */
  n?: number;
  runName?: string;
  presetTitle?: string;
  iteration?: number;
  metrics?: readonly MetricsRecord[];
  /** Called between files with the share done, 0..1 (the app's progress bar). */
  onProgress?: (done: number) => void;
}

export const DEFAULT_BUNDLE_N = 256;
export const MAX_BUNDLE_N = 20_000;

const STATUS: Record<MapStatus, string> = { exact: 'maps', approx: 'close', none: 'does not map' };
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(head: string, rows: { key: string; value: string; ours: string; ourValue: string; status: MapStatus; note: string }[]): string {
  return [
    `| ${head} | value | playground | here | status | note |`,
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.key ? `\`${cell(r.key)}\`` : '—'} | ${r.value ? `\`${cell(r.value)}\`` : ''} | \`${cell(r.ours)}\` | ${cell(r.ourValue)} | ${STATUS[r.status]} | ${cell(r.note)} |`),
  ].join('\n');
}

/** How to run the TRL script and the EasyR1 config, with their mapping tables (an RL run). */
function rlReadme(c: RunConfig): string {
  const trl = trlMapping(c);
  const trlNone = trl.rows.filter((r) => r.status === 'none');
  const e = easyr1Mapping(c);
  const eNone = e.filter((r) => r.status === 'none');
  return `## Run with TRL

\`\`\`sh
pip install "trl==${TRL_VERSION}" transformers datasets accelerate pillow
python3 trl/train_grpo.py        # or: accelerate launch trl/train_grpo.py
\`\`\`

Every option the script passes exists in TRL ${TRL_VERSION}'s \`GRPOConfig\` (trl/trainer/grpo_config.py at tag v${TRL_VERSION}) or in the \`transformers.TrainingArguments\` it extends.

${trl.notes.map((n) => `> ${n}`).join('\n>\n')}

${table('GRPOConfig', trl.rows.map((r) => ({ ...r, key: r.trl })))}

${trlNone.length ? `No counterpart in TRL: ${trlNone.map((r) => `\`${r.ours}\``).join(', ')}.` : 'Every knob of this run has a TRL counterpart.'}

## Run with EasyR1 (veRL)

\`\`\`sh
git clone https://github.com/hiyouga/EasyR1 && pip install -e EasyR1
python3 -m verl.trainer.main config=easyr1/config.yaml     # from this folder
\`\`\`

Keys follow EasyR1's \`examples/config.yaml\` (commit ${EASYR1_COMMIT.slice(0, 12)}); anything not set keeps EasyR1's default. With \`trainer.logger\` including \`file\`, EasyR1 writes \`experiment_log.jsonl\`, which the playground's import reads back as a run.

${table('config.yaml', e)}

${eNone.length ? `No counterpart in EasyR1: ${eNone.map((r) => `\`${r.ours}\``).join(', ')}.` : 'Every knob of this run has an EasyR1 counterpart.'}
`;
}

/** The README's sections for the RL scripts, or the sentence saying why there are none. */
function rlSections(c: RunConfig): { files: string; sections: string } {
  const refusal = rlExportRefusal(c);
  if (refusal) {
    return {
      files: '',
      sections: `## No TRL or EasyR1 script for this run

${refusal}

The data (with each prompt's gold \`trace\` and \`solution\`) and \`rewards.py\` are here for that.
`,
    };
  }
  return { files: `| \`trl/train_grpo.py\` | a TRL ${TRL_VERSION} \`GRPOTrainer\` script with this run's hyperparameters |
| \`easyr1/config.yaml\` | an EasyR1 (veRL) config with the same hyperparameters |
`, sections: rlReadme(c) };
}

export function bundleReadme(c: RunConfig, o: BundleOptions, counts: Record<string, number>, cases: number): string {
  const rl = rlSections(c);
  return `# ${o.runName ?? `${c.preset} on ${c.task.task}`}: exported from RFT Playground

${o.presetTitle ?? c.preset} (algorithm \`${c.objective.algorithm}\`) on the \`${c.task.task}\` task (${TASKS[c.task.task].description}), seed ${c.run.seed}${o.iteration !== undefined ? `, ${o.iteration} / ${c.run.iterations} iterations done in the browser` : ''}.

## What is here

| path | what |
|---|---|
| \`data/train/\` | ${counts.train} training prompts (ID split, level ${c.task.difficulty}): \`metadata.jsonl\` + PNG images |
| \`data/test/\` | ${counts.test} held-out ID prompts |
| \`data/ood/\` | ${counts.ood} novel-answer prompts (answers training never shows) |
| \`data/shift/\` | ${counts.shift} visual-shift prompts (ID answers, pictures drawn differently: ${TASKS[c.task.task].shift}) |
| \`rewards.py\` | the reward functions, ported line for line from the TypeScript (standard library only) |
| \`check_rewards.py\`, \`tests/reward_cases.jsonl\` | ${cases} sampled responses with the playground's scores; \`python3 check_rewards.py\` re-checks \`rewards.py\` |
${rl.files}| \`config.json\`${o.metrics ? ', `metrics.jsonl`' : ''} | the playground's own config${o.metrics ? ' and this run\'s metrics (one JSON record per iteration)' : ''} |

Each row of \`data/*/metadata.jsonl\`: \`file_name\` (the PNG), \`images\` (the same, relative to \`data/\`, for EasyR1), \`prompt\` (the question), \`solution\` (the gold answer), \`trace\` (the gold reasoning, words separated by spaces), \`task\`, \`split\`, \`difficulty\`, \`seed\`, \`ground_truth\` (JSON of task, answer and trace, for EasyR1's reward function).

\`\`\`python
from datasets import load_dataset
train = load_dataset("imagefolder", data_dir="data/train", split="train")           # with the images
rows = load_dataset("json", data_files="data/train/metadata.jsonl", split="train")   # the columns only
\`\`\`

## Check the rewards

\`\`\`sh
python3 check_rewards.py        # exit status 0: every score equals the TypeScript one
\`\`\`

The playground's tokenizer is word-level, so its responses split on whitespace are its tokens. A real model's decoded text has no \`<eos>\` word: the adapters add one unless the completion used its whole budget (then it counts as cut off), and \`length_reward\` counts the real tokenizer's tokens.

${rl.sections}
## Bring the run back

Import TRL's \`trainer_state.json\` (in \`rft-${c.preset}-${c.task.task}/checkpoint-<step>/\`), EasyR1's \`experiment_log.jsonl\` (in \`checkpoints/easy_r1/rft-${c.preset}-${c.task.task}/\`) or a W&B CSV export in the playground (the runs list's "Import run"): the curves appear next to the browser runs, read-only, with their metric names mapped onto the playground's (the tables are in Learn → Graduate); anything without a counterpart is charted under its own name.
`;
}

/** trl/ and easyr1/: the RL scripts and their mapping tables (an RL run only). */
function rlFiles(c: RunConfig, o: BundleOptions, ctx: { runName?: string; presetTitle?: string; iteration?: number }): ZipEntry[] {
  return [
    { path: 'trl/train_grpo.py', data: trlScript(c, { ...ctx, rewards: 'module', root: '..' }) },
    { path: 'trl/mapping.md', data: `${table('GRPOConfig', trlMapping(c).rows.map((r) => ({ ...r, key: r.trl })))}\n` },
    { path: 'easyr1/config.yaml', data: easyr1Yaml(c, [`EasyR1 config exported from RFT Playground (${o.runName ?? c.preset}); keys as in hiyouga/EasyR1 examples/config.yaml @ ${EASYR1_COMMIT.slice(0, 12)}.`, 'Run from the bundle root: python3 -m verl.trainer.main config=easyr1/config.yaml']) },
    { path: 'easyr1/format_prompt.jinja', data: FORMAT_PROMPT_JINJA },
    { path: 'easyr1/mapping.md', data: `${table('config.yaml', easyr1Mapping(c))}\n` },
  ];
}

/**
 * The bundle's files, built in steps: yields the share done (0..1) between pieces of work (a
 * chunk of images, the scripts), returns the files in archive order. The app awaits a frame
 * between steps to show progress; bundleFiles runs it straight through.
 */
export function* bundleSteps(c: RunConfig, o: BundleOptions = {}): Generator<number, ZipEntry[], void> {
  const n = o.n ?? DEFAULT_BUNDLE_N;
  if (!Number.isInteger(n) || n < 1 || n > MAX_BUNDLE_N) throw new Error(`Bundle: n must be an integer in 1..${MAX_BUNDLE_N}, got ${n}.`);
  const splits = taskSplits(c, { n });
  yield 0.1;
  const total = splits.reduce((s, x) => s + x.rows.length, 0);
  const data: ZipEntry[] = [];
  let done = 0;
  for (const split of splits) {
    const files = splitFiles(split, (k) => {
      done++;
      return k;
    });
    data.push(...files);
    yield 0.1 + (0.8 * done) / total;
  }
  const test = splits.find((s) => s.name === 'test')!;
  const ood = splits.find((s) => s.name === 'ood')!;
  const cases = rewardCases([...test.instances.slice(0, 8), ...ood.instances.slice(0, 4)], { maxNewTokens: c.sampling.maxNewTokens, cache: c.rewards.overlongCache, seed: c.run.seed, box: c.rewards.box });
  const counts = Object.fromEntries(splits.map((s) => [s.name, s.rows.length]));
  const ctx = { runName: o.runName, presetTitle: o.presetTitle, iteration: o.iteration };
  yield 0.95;
  return [
    { path: 'README.md', data: bundleReadme(c, o, counts, cases.length) },
    { path: 'config.json', data: `${JSON.stringify(c, null, 2)}\n` },
    ...(o.metrics ? [{ path: 'metrics.jsonl', data: o.metrics.map((m) => JSON.stringify(m)).join('\n') + (o.metrics.length ? '\n' : '') }] : []),
    { path: 'rewards.py', data: rewardsPy(rewardsPyOptions(c)) },
    { path: 'check_rewards.py', data: CHECK_REWARDS_PY },
    { path: 'tests/reward_cases.jsonl', data: cases.map((x) => JSON.stringify(x)).join('\n') + '\n' },
    ...(rlExportRefusal(c) ? [] : rlFiles(c, o, ctx)),
    ...data,
  ];
}

/** The bundle's files, in archive order (bundleSteps run straight through, reporting to onProgress). */
export function bundleFiles(c: RunConfig, o: BundleOptions = {}): ZipEntry[] {
  const steps = bundleSteps(c, o);
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    o.onProgress?.(r.value);
  }
}

/** The bundle as ZIP bytes. */
export function buildBundle(c: RunConfig, o: BundleOptions = {}): Uint8Array {
  const bytes = zip(bundleFiles(c, o));
  o.onProgress?.(1);
  return bytes;
}

/** "my run" -> "my-run.bundle.zip". */
export const bundleFileName = (runName: string): string => `${runName.replace(/[^a-z0-9._-]+/gi, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'run'}.bundle.zip`;
