import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Policy, saveCheckpoint } from '../model';
import { TASKS } from '../tasks';
import type { MetricsRecord } from './metrics';
import { SCRATCH_DEPS, TINY_MODEL, memoryHandler, tinyConfig } from './testing';
import { createTrainer } from './trainer';
import { disposeRound, sampleRound } from './rollout';
import { disposeRun, planIteration, startRun, updateAlgorithm } from './run';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Everything but wall-clock quantities. */
function timeless(m: MetricsRecord): Record<string, number> {
  return Object.fromEntries(Object.entries(m.values).filter(([k]) => !k.startsWith('time/') && !k.startsWith('throughput/')));
}

describe('trainer', () => {
  it('is deterministic: same config and seed, identical metrics (cpu backend)', async () => {
    const config = tinyConfig('ppo', { run: { iterations: 2 } }); // PPO: minibatch shuffles, critic, reference
    const runs: Record<string, number>[][] = [];
    for (let r = 0; r < 2; r++) {
      const trainer = await createTrainer(config, SCRATCH_DEPS);
      runs.push([timeless(await trainer.step()), timeless(await trainer.step())]);
      trainer.dispose();
    }
    expect(runs[1]).toEqual(runs[0]);
    const other = await createTrainer({ ...config, run: { ...config.run, seed: 2 } }, SCRATCH_DEPS);
    expect(timeless(await other.step())).not.toEqual(runs[0]![0]);
    other.dispose();
  });

  it('reads back twice per iteration (the tokens, then everything else), besides sampling\'s finished flags on the CPU backends', async () => {
    for (const preset of ['grpo', 'ppo'] as const) {
      const config = tinyConfig(preset);
      const trainer = await createTrainer(config, SCRATCH_DEPS);
      await trainer.step(); // warm-up
      // Sampling reads the rows' [N] bool finished flags after each decoding step but the last
      // (on cpu and wasm, to stop once every row has ended); every other read is counted apart.
      const spies = (['data', 'dataSync', 'array', 'arraySync'] as const).map((m) => vi.spyOn(tf.Tensor.prototype, m));
      await trainer.step();
      const read = spies.flatMap((spy) => spy.mock.contexts as tf.Tensor[]); // the tensors read back
      const flags = read.filter((t) => t.dtype === 'bool' && t.rank === 1).length;
      const others = read.length - flags;
      expect(others, preset).toBe(2);
      expect(flags, preset).toBeGreaterThan(0);
      expect(flags, preset).toBeLessThanOrEqual(config.sampling.maxNewTokens - 1);
      for (const spy of spies) spy.mockRestore();
      trainer.dispose();
    }
  });

  it('evaluates held-out ID, visual-shift and OOD prompts only every evalEvery iterations', async () => {
    const trainer = await createTrainer(tinyConfig('grpo', { run: { iterations: 4, evalEvery: 2, evalN: 3 } }), SCRATCH_DEPS);
    const has = [];
    while (!trainer.done) {
      const m = await trainer.step();
      has.push('acc/eval_id' in m.values && 'acc/eval_ood' in m.values && 'acc/eval_shift' in m.values);
    }
    expect(has).toEqual([false, true, false, true]);
    const ev = await trainer.evaluate(5);
    expect(ev.id.n).toBe(5);
    expect(ev.ood.split).toBe('ood');
    expect([ev.shift.split, ev.shift.n]).toEqual(['shift', 5]);
    await expect(trainer.step()).rejects.toThrow(/done/);
    trainer.dispose();
  });

  it('keeps the last keepBatches rollout batches for the inspector', async () => {
    const config = tinyConfig('grpo', { run: { iterations: 3, keepBatches: 2 } });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    for (let i = 0; i < 3; i++) await trainer.step();
    const batches = trainer.inspectBatches();
    expect(batches.map((b) => b.iteration)).toEqual([2, 3]);
    const b = batches[1]!;
    expect(b.prompts).toHaveLength(2);
    expect(b.prompts[0]!.image).toHaveLength(16 * 16 * 3);
    expect(b.prompts[0]!.cleanImage).toBeUndefined();
    expect(b.groupStats).toHaveLength(2);
    const s = b.samples[0]!;
    expect(s.tokens.length).toBeGreaterThan(0);
    expect(s.refLogp).toHaveLength(s.tokens.length);
    expect(Object.keys(s.rewardByFn).sort()).toEqual(['accuracy', 'action', 'distance', 'format', 'hackable', 'length', 'step', 'stepRAR', 'stepRVR']);
    // Group-normalised advantages: each group's advantages sum to 0.
    for (let p = 0; p < 2; p++) {
      const sum = b.samples.slice(p * 4, p * 4 + 4).reduce((a, x) => a + x.advantage, 0);
      expect(sum).toBeCloseTo(0, 4);
    }
    trainer.dispose();
  });

  it('a critic run keeps each response\'s token rewards for Inspect: dense ones sum to its reward, and GAE ran on them minus β·KL; nothing leaks', async () => {
    const before = tf.memory().numTensors;
    // PPO's preset: KL in the reward (β 0.04), so the snapshot also holds what GAE ran on.
    const config = tinyConfig('ppo', { task: { task: 'digit-sum' }, rewards: { dense: true, weights: { stepRAR: 0.5 } }, run: { iterations: 1, keepBatches: 1 } });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    await trainer.step();
    const samples = trainer.inspectBatches().flatMap((b) => b.samples);
    expect(samples).toHaveLength(2 * 4);
    for (const s of samples) {
      expect(s.tokenRewards).toHaveLength(s.tokens.length);
      expect(s.gaeRewards).toHaveLength(s.tokens.length);
      expect(s.tokenRewards!.reduce((a, b) => a + b, 0)).toBeCloseTo(s.reward, 5);
    }
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws "diverged at iteration N: <quantity> is NaN" when the loss goes NaN', async () => {
    const trainer = await createTrainer(tinyConfig('grpo'), SCRATCH_DEPS);
    await trainer.step();
    const forward = Object.getOwnPropertyDescriptor(Policy.prototype, 'forward')!.value as Policy['forward'];
    vi.spyOn(Policy.prototype, 'forward').mockImplementation(function (this: Policy, ...args: Parameters<Policy['forward']>) {
      const out = forward.apply(this, args);
      return { ...out, logp: tf.mul(out.logp, NaN) };
    });
    await expect(trainer.step()).rejects.toThrow(/^diverged at iteration 2: (loss\/policy|grad\/norm|policy\/approx_kl|kl\/ref) is NaN$/);
    trainer.dispose();
  });

  it('starts from a warm-start checkpoint, and refuses one whose model config differs', async () => {
    const handler = memoryHandler();
    const warm = Policy.create(tinyConfig('grpo').model, 123);
    await saveCheckpoint(warm, handler, { task: 'count' });
    const config = tinyConfig('grpo', { run: { init: 'sft' } });
    const trainer = await createTrainer(config, { loadWarmStart: () => handler });
    const fromScratch = await createTrainer(tinyConfig('grpo'), SCRATCH_DEPS);
    // Same rollout seeds, different weights: different samples.
    expect(timeless(await trainer.step())).not.toEqual(timeless(await fromScratch.step()));
    trainer.dispose();
    fromScratch.dispose();
    const other = tinyConfig('grpo', { run: { init: 'sft' }, model: { ...TINY_MODEL, dModel: 32 } });
    await expect(createTrainer(other, { loadWarmStart: () => handler })).rejects.toThrow(/warm-start checkpoint.*dModel is 16 .* but 32 in config\.model/);
    // Verbose traces start from their own warm start (tasks/index.ts warmStartName).
    const names: string[] = [];
    const verbose = await createTrainer(tinyConfig('grpo', { run: { init: 'sft' }, task: { task: 'digit-sum', imageSize: TINY_MODEL.imageSize, verbose: true } }), {
      loadWarmStart: (name) => (names.push(name), handler),
    });
    verbose.dispose();
    expect(names).toEqual(['digit-sum-verbose']);
    warm.dispose();
  });

  it('saves a checkpoint that resumes the run', async () => {
    const config = tinyConfig('grpo', { run: { iterations: 3 } });
    const a = await createTrainer(config, SCRATCH_DEPS);
    await a.step();
    const handler = memoryHandler();
    await a.saveCheckpoint(handler);
    const second = await a.step();
    const b = await createTrainer(config, { ...SCRATCH_DEPS, resume: { checkpoint: handler, iteration: 1 } });
    expect(b.iteration).toBe(1);
    const resumed = await b.step();
    // Adam's moments restart on resume, so only the rollout (same weights, same seeds) matches.
    expect(resumed.values['reward/mean']).toBe(second.values['reward/mean']);
    expect(resumed.values['len/mean']).toBe(second.values['len/mean']);
    a.dispose();
    b.dispose();
  });

  it('refuses inconsistent configs with the schema\'s message', async () => {
    const ok = tinyConfig('rloo');
    await expect(createTrainer({ ...ok, task: { ...ok.task, imageSize: 32 } }, SCRATCH_DEPS)).rejects.toThrow(/Must equal the task's image size/);
    await expect(createTrainer({ ...ok, sampling: { ...ok.sampling, groupSize: 1 } }, SCRATCH_DEPS)).rejects.toThrow(/RLOO needs/);
  });
});

describe('trainer tricks', () => {
  it('NoisyRollout: rollouts see noised images, the inspector keeps both', async () => {
    const config = tinyConfig('grpo', { tricks: { noisyRollout: true, noiseStd: 0.3, noiseAnneal: 10 }, optim: { epochs: 2 } });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    const m = await trainer.step();
    expect(m.values['noise/std']).toBeCloseTo(0.3);
    const p = trainer.inspectBatches()[0]!.prompts[0]!;
    expect(p.cleanImage).toBeDefined();
    expect(p.image).not.toEqual(p.cleanImage);
    for (const x of p.image) expect(x >= 0 && x <= 1).toBe(true);
    for (const [k, v] of Object.entries(m.values)) expect(Number.isFinite(v), k).toBe(true);
    trainer.dispose();
  });

  it('NoisyRollout hybrid groups: half of each group from the clean image, the off-policy ratio and the accuracy gap logged', async () => {
    const config = tinyConfig('grpo', { tricks: { noisyRollout: true, noiseStd: 0.5, noiseAnneal: 10 } });
    expect(config.tricks.noiseMix).toBe('hybrid');
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    const m = await trainer.step();
    for (const k of ['noise/acc_clean', 'noise/acc_noisy', 'noise/acc_gap']) expect(m.values, k).toHaveProperty(k);
    const ratio = m.values['sampling/importance_sampling_ratio/mean']!;
    const [lo, hi] = [m.values['sampling/importance_sampling_ratio/min']!, m.values['sampling/importance_sampling_ratio/max']!];
    expect(lo).toBeLessThanOrEqual(ratio);
    expect(hi).toBeGreaterThanOrEqual(ratio);
    expect(m.values['sampling/sampling_logp_difference/max']).toBeGreaterThan(0); // the noisy image moved log π
    expect(hi).not.toBe(lo);
    // G = 4: in every group the first two rollouts saw the clean image, the last two the noisy one.
    expect(trainer.inspectBatches()[0]!.samples.map((x) => x.perturbed)).toEqual([false, false, true, true, false, false, true, true]);
    // Memory stays flat across hybrid iterations (the per-row images and the ratio's mask are freed).
    const after2 = (await trainer.step()).values['mem/tensors'];
    expect((await trainer.step()).values['mem/tensors']).toBe(after2);
    trainer.dispose();
    // 'all': every rollout sees the noise, so there is no clean half to compare.
    const all = await createTrainer(tinyConfig('grpo', { tricks: { noisyRollout: true, noiseMix: 'all' } }), SCRATCH_DEPS);
    const a = await all.step();
    expect(a.values).not.toHaveProperty('noise/acc_gap');
    expect(a.values).toHaveProperty('sampling/importance_sampling_ratio/mean');
    all.dispose();
    // No perturbation: no mismatch to report.
    const clean = await createTrainer(tinyConfig('grpo'), SCRATCH_DEPS);
    expect((await clean.step()).values).not.toHaveProperty('sampling/importance_sampling_ratio/mean');
    clean.dispose();
  });

  it.each(['crop', 'affine'] as const)('augment %s runs and changes the rollout images', async (augment) => {
    const trainer = await createTrainer(tinyConfig('grpo', { tricks: { augment } }), SCRATCH_DEPS);
    await trainer.step();
    const p = trainer.inspectBatches()[0]!.prompts[0]!;
    expect(p.image).not.toEqual(p.cleanImage);
    trainer.dispose();
  });

  it('dynamic sampling drops zero-variance groups and refills the batch from extra rounds', async () => {
    const notes: string[] = [];
    const config = tinyConfig('dapo', { sampling: { promptsPerIter: 4 }, rewards: { weights: { accuracy: 1, format: 0, length: 0, hackable: 1 } }, tricks: { maxExtraRounds: 6 }, run: { iterations: 3 } });
    const trainer = await createTrainer(config, { ...SCRATCH_DEPS, onNote: (n) => notes.push(n) });
    let extra = 0;
    for (let i = 0; i < 3; i++) {
      const m = await trainer.step();
      extra += m.values['sampling/rounds']! - 1;
      expect(m.values['groups/kept']).toBeLessThanOrEqual(4);
      // Every group trained on has reward spread.
      for (const g of trainer.inspectBatches().at(-1)!.groupStats) expect(g.std).toBeGreaterThan(0);
    }
    expect(extra).toBeGreaterThan(0);
    expect(notes.some((n) => /dynamic sampling/.test(n))).toBe(true);
    trainer.dispose();
  });

  it('online filtering drops groups outside (filterLow, filterHigh) and samples extra rounds to refill: from scratch every group is at accuracy 0', async () => {
    const notes: string[] = [];
    const trainer = await createTrainer(tinyConfig('grpo', { tricks: { onlineFilter: true, maxExtraRounds: 2 } }), { ...SCRATCH_DEPS, onNote: (n) => notes.push(n) });
    const m = await trainer.step();
    expect(m.values['acc/train']).toBe(0);
    expect(m.values['groups/kept']).toBe(0);
    expect(m.values['sampling/rounds']).toBe(3); // round 0 and both extra rounds, as EasyR1's max_try_make_batch
    expect(notes.join('\n')).toMatch(/online filtering kept 0\/2 groups in 3 rounds/);
    expect(m.values).not.toHaveProperty('loss/policy'); // no update
    expect(notes.join('\n')).toMatch(/filtered out/);
    trainer.dispose();
  });

  it('online filtering waits out its freeze (MM-EUREKA freezing_filter_steps): the first iteration trains on every group', async () => {
    const trainer = await createTrainer(tinyConfig('grpo', { tricks: { onlineFilter: true, filterFreezeIters: 1, maxExtraRounds: 0 } }), SCRATCH_DEPS);
    const first = await trainer.step();
    expect(first.values['groups/kept']).toBe(2);
    expect(first.values).toHaveProperty('loss/policy');
    const second = await trainer.step();
    expect(second.values['groups/kept']).toBe(0);
    trainer.dispose();
  });

  it('curriculum raises the level once train accuracy passes the threshold', async () => {
    const notes: string[] = [];
    const config = tinyConfig('grpo', { tricks: { curriculum: true, curriculumThreshold: 0 }, run: { iterations: 8 } });
    const trainer = await createTrainer(config, { ...SCRATCH_DEPS, onNote: (n) => notes.push(n) });
    const levels: number[] = [];
    while (!trainer.done) levels.push((await trainer.step()).difficulty);
    expect(levels).toEqual([1, 1, 1, 2, 2, 2, 3, 3]); // count has 3 levels; 3 iterations at each before moving up
    expect(notes.filter((n) => /curriculum moved up/.test(n))).toHaveLength(2);
    trainer.dispose();
  });

  it('curriculum: the level is charted, and held-out evaluation stays at the starting level', async () => {
    const config = tinyConfig('grpo', { tricks: { curriculum: true, curriculumThreshold: 0 }, run: { iterations: 7, evalEvery: 7 } });
    const generate = vi.spyOn(TASKS.count, 'generate');
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    const levels: number[] = [];
    while (!trainer.done) levels.push((await trainer.step()).values['curriculum/level']!);
    expect(levels).toEqual([1, 1, 1, 2, 2, 2, 3]);
    // Only evaluation asks for OOD prompts; it asked at level 1 while training sampled level 3.
    const ood = generate.mock.calls.map(([o]) => o).filter((o) => o.split === 'ood');
    expect(ood.length).toBeGreaterThan(0);
    expect(new Set(ood.map((o) => o.difficulty))).toEqual(new Set([1]));
    trainer.dispose();
  });

  it('Curr-ReFT: each stage scores with its own reward weights, and the last iterations run the RFT update', async () => {
    // PPO, so the RL stages log an advantage and the self-improvement stage's RFT update logs rft/accepted_frac instead.
    const config = tinyConfig('ppo', {
      rewards: { weights: { accuracy: 1, format: 0.2, step: 0, length: 0, hackable: 0 } },
      tricks: { curriculum: true, curriculumThreshold: 0, curriculumRejectIters: 2 },
      run: { iterations: 8 },
    });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    const records = [];
    while (!trainer.done) records.push(await trainer.step());
    // count has 3 levels, 3 iterations at each before moving up; the last 2 iterations are stage 4.
    expect(records.map((r) => r.values['curriculum/stage'])).toEqual([1, 1, 1, 2, 2, 2, 4, 4]);
    // The summed reward's mean is the stage's weights times each function's mean (stage 1: format 0.5, step 0.5).
    const weightsAt = [undefined, { format: 0.5, step: 0.5 }, { format: 0.2, step: 0.2 }, { format: 0.1, step: 0 }];
    for (const r of records) {
      const v = r.values;
      const w = weightsAt[Math.min(v['curriculum/stage']!, 3)]!;
      const expected = v['reward/accuracy/mean']! + w.format * v['reward/format/mean']! + w.step * v['reward/step/mean']!;
      expect(v['reward/mean']).toBeCloseTo(expected, 5);
    }
    expect(records.slice(0, 6).every((r) => r.values['rft/accepted_frac'] === undefined)).toBe(true);
    expect(records.slice(6).every((r) => r.values['rft/accepted_frac'] !== undefined)).toBe(true);
    trainer.dispose();
  });

  it('Curr-ReFT: the plan carries the stage\'s reward weights and update, and the rollout scores with those weights', async () => {
    const config = tinyConfig('ppo', {
      rewards: { weights: { accuracy: 1, format: 0.2, step: 0, length: 1, hackable: 0 } },
      tricks: { curriculum: true, curriculumThreshold: 0, curriculumRejectIters: 2 },
      run: { iterations: 8 },
    });
    const run = await startRun(config, SCRATCH_DEPS);
    try {
      const first = planIteration(run);
      expect([first.stage, first.rewardWeights]).toEqual([1, { ...config.rewards.weights, format: 0.5, step: 0.5 }]);
      expect(updateAlgorithm(run, first)).toBe(run.algorithm);
      for (let i = 0; i < 6; i++) run.curriculum.observe(1); // two level-ups: level 3, stage 3
      run.iteration = 6; // 0-based t = 6 of 8: the last 2 are self-improvement
      const last = planIteration(run);
      expect([last.difficulty, last.stage, last.rewardWeights.format, last.rewardWeights.step]).toEqual([3, 4, 0.1, 0]);
      expect(updateAlgorithm(run, last).trainsOn).toBe('accepted-samples');
      // The round scores with the weights it is given: only length, weight 7, so each total is 7 x its length value.
      const round = await sampleRound(run.policy, run.task, config, { iteration: 1, round: 0, difficulty: 1, rewardWeights: { length: 7 } });
      try {
        expect(round.samples.some((x) => x.scored.byFn.length !== 0)).toBe(true); // from scratch most responses run out of room
        for (const x of round.samples) expect(x.scored.total).toBeCloseTo(7 * x.scored.byFn.length, 6);
      } finally {
        disposeRound(round);
      }
    } finally {
      disposeRun(run);
    }
  });

  it('Curr-ReFT formats: each stage asks its own question format, evaluation always the open one, and train accuracy is charted per format', async () => {
    const config = tinyConfig('grpo', {
      task: { task: 'digit-sum', imageSize: 16, difficulty: 1 },
      tricks: { curriculum: true, curriculumThreshold: 0, curriculumFormat: 'staged', curriculumRejectIters: 1 },
      run: { iterations: 8, evalEvery: 8 },
    });
    const generate = vi.spyOn(TASKS['digit-sum'], 'generate');
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    const records: MetricsRecord[] = [];
    while (!trainer.done) records.push(await trainer.step());
    // Levels 1, 2, 3 are stages 1, 2, 3 (3 iterations each before moving up), the last iteration is self-improvement.
    expect(records.map((r) => r.values['curriculum/stage'])).toEqual([1, 1, 1, 2, 2, 2, 3, 4]);
    const trainCalls = generate.mock.calls.map(([o]) => o).filter((o) => o.split === 'id' && o.seed !== undefined);
    // Training prompts: binary at level 1, choice at level 2, open (no format asked) at level 3.
    const byLevel = (d: number) => new Set(trainCalls.filter((o) => o.difficulty === d).map((o) => o.format ?? 'open'));
    expect(byLevel(2)).toEqual(new Set(['choice']));
    expect(byLevel(3)).toEqual(new Set(['open']));
    // Level 1 holds the binary training prompts and the open held-out ones: evaluation asks every split open.
    expect(byLevel(1)).toEqual(new Set(['binary', 'open']));
    expect(generate.mock.calls.map(([o]) => o).filter((o) => o.split !== 'id').every((o) => o.format === undefined)).toBe(true);
    const key = (r: MetricsRecord) => Object.keys(r.values).filter((k) => k.startsWith('curriculum/acc_'));
    const expected: string[][] = (['binary', 'binary', 'binary', 'choice', 'choice', 'choice', 'open', 'open'] as const).map((f) => [`curriculum/acc_${f}`]);
    expect(records.map(key)).toEqual(expected);
    for (const r of records) expect(r.values[key(r)[0]!]).toBe(r.values['acc/train']);
    // The closed questions' iterations also log how many answers named a candidate; the open ones do not.
    expect(records.map((r) => r.values['curriculum/answer_in_candidates'] !== undefined)).toEqual([true, true, true, true, true, true, false, false]);
    trainer.dispose();
  });

  it('ThinkLite selection: tries a pool before training, trains only on the kept prompts, charts their difficulty', async () => {
    const notes: string[] = [];
    const config = tinyConfig('grpo', { tricks: { selectByDifficulty: true, selectPool: 8, selectTries: 2, selectMinTries: 3 } });
    const generate = vi.spyOn(TASKS.count, 'generate');
    const trainer = await createTrainer(config, { ...SCRATCH_DEPS, onNote: (n) => notes.push(n) });
    // From scratch nothing is solved: every candidate needed K + 1 = 3 tries, so all 8 are kept.
    expect(notes.join('\n')).toMatch(/ThinkLite selection: 8 prompts tried 2 times each .*unsolved: 100%.*kept 8 needing >= 3 tries/);
    const pool = new Set(generate.mock.calls.slice(0, 8).map(([o]) => o.seed));
    generate.mockClear();
    const m = await trainer.step();
    expect((await trainer.step()).values['mem/tensors']).toBe(m.values['mem/tensors']); // flat
    expect(m.values['select/tries_unsolved']).toBe(1);
    expect(m.values['select/kept']).toBe(8);
    const trained = generate.mock.calls.map(([o]) => o.seed);
    expect(trained.length).toBeGreaterThan(0);
    for (const seed of trained) expect(pool.has(seed)).toBe(true);
    trainer.dispose();
  });

  it('adaptive β (GRPO) follows the measured reference KL; a linear schedule decays it', async () => {
    const adaptive = await createTrainer(tinyConfig('grpo', { objective: { klSchedule: 'adaptive', targetKl: 10, klHorizon: 1 }, run: { iterations: 2 } }), SCRATCH_DEPS);
    const b1 = (await adaptive.step()).values['kl/beta']!;
    const b2 = (await adaptive.step()).values['kl/beta']!;
    expect(b2).toBeLessThan(b1); // KL far below target: β falls
    adaptive.dispose();
    const linear = await createTrainer(tinyConfig('grpo', { objective: { klSchedule: 'linear', beta: 0.1, betaFinal: 0 }, run: { iterations: 3 } }), SCRATCH_DEPS);
    const betas = [];
    while (!linear.done) betas.push((await linear.step()).values['kl/beta']);
    expect(betas).toEqual([0.1, expect.closeTo(0.05, 6), 0]);
    linear.dispose();
  });
});
