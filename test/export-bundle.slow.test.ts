/**
 * The bundle end to end, with the system python3 (standard library only): train a tiny run
 * (2 GRPO iterations of the smoke model from its committed warm start), export its bundle,
 * unpack it with Python's zipfile, and run what it ships: check_rewards.py on its own cases and
 * on a few hundred more over every task, split and level (rewards.py must give the TypeScript
 * scores exactly), py_compile on every .py, and the TRL script's GRPOConfig keywords read with
 * ast against the option list copied from TRL 1.9.0. Skipped where python3 is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../src/engine/export/bundle';
import { EASYR1_KEYS } from '../src/engine/export/easyr1';
import { KNOWN_GRPO_OPTIONS } from '../src/engine/export/grpoConfigFields';
import { CHECK_REWARDS_PY, rewardsPy } from '../src/engine/export/rewardsPy';
import { rewardCases } from '../src/engine/export/samples';
import { applyPreset } from '../src/engine/presets';
import { TASKS, TASK_IDS } from '../src/engine/tasks';
import type { MetricsRecord } from '../src/engine/train/metrics';
import { createTrainer } from '../src/engine/train/trainer';
import { fileHandler } from '../src/cli/fileHandler';
import { SMOKE_CHECKPOINT, SMOKE_MODEL } from './fixtures/smoke';

const python = spawnSync('python3', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'rft-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const py = (args: string[], cwd = dir) => spawnSync('python3', args, { cwd, encoding: 'utf8' });

describe.skipIf(!python)('the exported bundle runs in Python', () => {
  it('a finished tiny run: unzip, check the rewards, compile the scripts', { timeout: 240_000 }, async () => {
    const config = applyPreset('dapo', {
      model: SMOKE_MODEL,
      task: { task: 'count', difficulty: 1, imageSize: SMOKE_MODEL.imageSize },
      sampling: { promptsPerIter: 2, groupSize: 4, maxNewTokens: 12 },
      rewards: { weights: { accuracy: 1, format: 0.5, step: 0.5, length: 1, hackable: 0 } },
      run: { init: 'sft', seed: 3, iterations: 2, evalEvery: 0, keepBatches: 0 },
    });
    const trainer = await createTrainer(config, { loadWarmStart: () => fileHandler(SMOKE_CHECKPOINT) });
    const metrics: MetricsRecord[] = [];
    try {
      while (!trainer.done) metrics.push(await trainer.step());
    } finally {
      trainer.dispose();
    }
    writeFileSync(join(dir, 'run.zip'), buildBundle(config, { n: 40, runName: 'tiny run', metrics, iteration: 2 }));
    const unpack = py(['-c', 'import zipfile,sys; z=zipfile.ZipFile("run.zip"); assert z.testzip() is None; z.extractall("b"); print("\\n".join(z.namelist()))']);
    expect(unpack.stderr).toBe('');
    const names = unpack.stdout.trim().split('\n');
    expect(names).toContain('trl/train_grpo.py');
    expect(names).toContain('data/train/metadata.jsonl');
    expect(readFileSync(join(dir, 'b', 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

    const check = py(['check_rewards.py'], join(dir, 'b'));
    expect(check.stdout).toMatch(/^\d+ cases, 0 mismatches$/m);
    expect(check.status).toBe(0);

    const compiled = py(['-m', 'py_compile', 'rewards.py', 'check_rewards.py', 'trl/train_grpo.py'], join(dir, 'b'));
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);

    // The EasyR1 config parses as YAML (where PyYAML is installed): every key one EasyR1 has, numbers as numbers.
    const yaml = py(['-c', 'import json, yaml; c = yaml.safe_load(open("easyr1/config.yaml")); flat = lambda d, p="": [kv for k, v in d.items() for kv in (flat(v, p + k + ".") if isinstance(v, dict) else [(p + k, v)])]; print(json.dumps(dict(flat(c))))'], join(dir, 'b'));
    if (yaml.status === 0) {
      const flat = JSON.parse(yaml.stdout) as Record<string, unknown>;
      for (const key of Object.keys(flat)) expect(EASYR1_KEYS.has(key), `EasyR1 key ${key}`).toBe(true);
      expect(flat['worker.actor.optim.lr']).toBe(config.optim.lr);
      expect(flat['worker.rollout.n']).toBe(4);
      expect(flat['data.max_response_length']).toBe(12);
      expect(flat['trainer.logger']).toEqual(['console', 'file']);
    } else expect(yaml.stderr).toMatch(/No module named 'yaml'/);

    // The trainers' adapters: a real model's text (tags unspaced, no <eos> word), TRL's kwargs, EasyR1's batch inputs.
    const adapters = py(['-c', [
      'import json, rewards as R',
      'ok = ["<think> 1 2 </think> <answer>2</answer>"]; cut = ["<think> 1 2 3"]',
      'ids = [[0] * 5]; full = [[0] * R.MAX_COMPLETION_LENGTH]',
      'out = {',
      ' "acc": R.accuracy_reward(ok, solution=["2"], completion_ids=ids), "fmt": R.format_reward(ok, completion_ids=ids),',
      ' "fmt_cut": R.format_reward(ok, completion_ids=full), "step": R.step_reward(ok, task=["count"], solution=["2"], trace=["1 2"], completion_ids=ids),',
      ' "len": R.length_reward(cut, completion_ids=full), "hack": R.hackable_reward(["because"]),',
      // StepGRPO: "1 2" holds 2 of the 3 key steps of a count to 3; it counts up and ends on its answer, so it is valid.
      ' "rar": R.stepRAR_reward(ok, task=["count"], solution=["3"], trace=["1 2 3"], completion_ids=ids), "rvr": R.stepRVR_reward(ok, task=["count"], solution=["3"], trace=["1 2 3"], completion_ids=ids),',
      ' "click": R.accuracy_reward(["<think> </think> <answer> click 6 11 </answer>"], solution=["click 5 10"], task=["click"], trace=["red square width 4 to 7 height 9 to 11"], completion_ids=ids),',
      ' "act": R.action_reward(["<think> </think> <answer> click 8 8 </answer>"]), "dist": R.distance_reward(["<think> </think> <answer> click 8 14 </answer>"], task=["click"], solution=["click 5 10"]),',
      ' "easy": R.compute_score([{"response": ok[0], "response_length": 5, "ground_truth": json.dumps({"task": "count", "answer": "2", "trace": "1 2"})}]),',
      '}',
      'print(json.dumps(out))',
    ].join('\n')], join(dir, 'b'));
    expect(adapters.stderr).toBe('');
    const got = JSON.parse(adapters.stdout) as Record<string, unknown>;
    expect(got).toMatchObject({ acc: [1], fmt: [1], fmt_cut: [0], step: [1], len: [-1], hack: [1], rar: [2 / 3], rvr: [1], click: [1], act: [1], dist: [1 - 5 / 16] });
    // A click anywhere in the box (read from the trace column) is right; 8 14 is 5 units from 5 10 (3-4-5): 1 - 5/16.
    // accuracy 1 + format 0.5 + step 0.5 + length 0 (weights of the run above): the weighted sum.
    expect(got.easy).toEqual([{ overall: 2, accuracy: 1, format: 1, step: 1, length: 0, hackable: 0, stepRAR: 1, stepRVR: 1, action: 0, distance: 0 }]);

    const kw = py(['-c', 'import ast; t=ast.parse(open("trl/train_grpo.py").read()); c=[n for n in ast.walk(t) if isinstance(n, ast.Call) and getattr(n.func, "id", "")=="GRPOConfig"]; print(",".join(k.arg for k in c[0].keywords))'], join(dir, 'b'));
    const args = kw.stdout.trim().split(',');
    expect(args.length).toBeGreaterThan(15);
    for (const a of args) expect(KNOWN_GRPO_OPTIONS.has(a), `GRPOConfig(${a}=...)`).toBe(true);
  });

  it('rewards.py equals the TypeScript rewards on a few hundred responses over every task, split and level', () => {
    const insts = TASK_IDS.flatMap((t) =>
      (['id', 'ood'] as const).flatMap((split) => [1, 2, 3].flatMap((difficulty) => [11, 12].map((seed) => TASKS[t].generate({ seed, split, difficulty, imageSize: 32, jitter: 0.5 })))),
    );
    const cases = [...rewardCases(insts, { maxNewTokens: 24, cache: 4, seed: 1 }), ...rewardCases(insts.slice(0, 12), { maxNewTokens: 12, cache: 6, seed: 2 })];
    expect(cases.length).toBeGreaterThan(300);
    // Its own copy of rewards.py, so this test does not lean on the one above.
    mkdirSync(join(dir, 'parity'), { recursive: true });
    writeFileSync(join(dir, 'parity', 'rewards.py'), rewardsPy({ maxNewTokens: 24, lengthCache: 4, weights: { accuracy: 1 } }));
    writeFileSync(join(dir, 'parity', 'check_rewards.py'), CHECK_REWARDS_PY);
    writeFileSync(join(dir, 'parity', 'cases.jsonl'), cases.map((c) => JSON.stringify(c)).join('\n'));
    const check = py(['check_rewards.py', 'cases.jsonl'], join(dir, 'parity'));
    expect(check.stdout.trim()).toBe(`${cases.length} cases, 0 mismatches`);
    expect(check.status).toBe(0);
  });

  it('npm run export writes the same bundle as a folder, and exits 2 naming a bad flag', { timeout: 120_000 }, () => {
    const tsx = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/export.ts', ...args], { encoding: 'utf8' });
    const out = join(dir, 'cli');
    const ok = tsx(['--preset', 'gspo', '--task', 'area', '--n', '8', '--out', out]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/-> .*cli/);
    const check = py(['check_rewards.py'], out);
    expect(check.stdout).toMatch(/^\d+ cases, 0 mismatches$/m);
    expect(readFileSync(join(out, 'trl', 'train_grpo.py'), 'utf8')).toContain('importance_sampling_level="sequence",');
    const bad = tsx(['--n', '0', '--out', join(dir, 'x.zip')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: --n: /);
  });
});
