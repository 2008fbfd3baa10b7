import { describe, expect, it } from 'vitest';
import { ALGORITHM_SPECS } from '../algorithms/spec';
import { PRESET_IDS, applyPreset, type PresetId } from '../presets';
import { RunConfigSchema, type RunConfig } from '../config';
import { setPath, type Json } from '../paths';
import { pyFloat, rlExportRefusal, trlFileName, trlMapping, trlScript, type MapStatus } from './trl';

/** A config with one knob changed, validated (the app's fields.withValue, which the engine may not import). */
function withValue(config: RunConfig, path: string, value: unknown): RunConfig {
  const copy = structuredClone(config) as unknown as Json;
  setPath(copy, path, value);
  return RunConfigSchema.parse(copy);
}

/** The GRPOConfig arguments the issue names, as each must read for a config. */
function expected(c: RunConfig): Record<string, string> {
  const o = c.objective;
  const alg = o.algorithm;
  return {
    // PPO-Penalty's β is about π_old, not the reference: nothing in GRPO takes it.
    // A scheduled β (linear, cosine) goes out as its mean over the run.
    beta: alg === 'ppo-penalty' ? '0.0' : pyFloat(o.klSchedule === 'linear' || o.klSchedule === 'cosine' ? (o.beta + o.betaFinal) / 2 : o.beta),
    epsilon: pyFloat(o.epsLow),
    epsilon_high: pyFloat(o.epsHigh),
    num_generations: String(Math.max(2, c.sampling.groupSize)),
    loss_type: JSON.stringify({ 'token-mean': 'dapo', 'seq-mean-token-mean': 'grpo', 'seq-mean-token-sum-norm': 'dr_grpo' }[o.lossAggregation]),
    scale_rewards: JSON.stringify(alg === 'grpo' ? o.advantageScale : alg === 'rloo' || alg === 'reinforce' ? 'none' : 'group'),
    learning_rate: pyFloat(c.optim.lr),
    temperature: pyFloat(c.sampling.temperature),
    max_completion_length: String(c.sampling.maxNewTokens),
    num_iterations: String(c.optim.epochs),
    importance_sampling_level: JSON.stringify(o.ratioLevel),
    steps_per_generation: String(c.optim.minibatches),
    per_device_train_batch_size: String((c.sampling.promptsPerIter * c.sampling.groupSize) / c.optim.minibatches),
    max_steps: String(c.run.iterations * c.optim.epochs * c.optim.minibatches),
    top_k: String(c.sampling.topK),
  };
}

/** What each preset must say, by hand: its distinctive values and the knobs that do not carry over. */
const BY_PRESET: Record<PresetId, { values: Record<string, string>; status?: Record<string, MapStatus>; unmapped?: string[]; note: RegExp; rewards: string }> = {
  grpo: { values: { beta: '0.04', loss_type: '"grpo"', scale_rewards: '"group"', epsilon: '0.2', epsilon_high: '0.2', num_iterations: '1' }, status: { beta: 'exact', scale_rewards: 'exact' }, note: /GRPOTrainer runs it, knob for knob/, rewards: '[accuracy_reward, format_reward]' },
  'dr-grpo': { values: { scale_rewards: '"none"', loss_type: '"dr_grpo"', beta: '0.04' }, status: { loss_type: 'exact' }, note: /knob for knob/, rewards: '[accuracy_reward, format_reward]' },
  dapo: {
    values: { loss_type: '"dapo"', epsilon: '0.2', epsilon_high: '0.28', beta: '0.0', steps_per_generation: '2', reward_weights: '[1.0, 0.2, 1.0]' },
    unmapped: ['tricks.dynamicSampling'],
    note: /knob for knob/,
    rewards: '[accuracy_reward, format_reward, length_reward]',
  },
  gspo: { values: { importance_sampling_level: '"sequence"', epsilon: '0.0003', epsilon_high: '0.0004', beta: '0.0', steps_per_generation: '2' }, note: /knob for knob/, rewards: '[accuracy_reward, format_reward]' },
  ppo: {
    values: { num_iterations: '2', steps_per_generation: '2', beta: '0.04', epsilon: '0.2' },
    status: { scale_rewards: 'none', beta: 'approx' },
    unmapped: ['objective.gamma / lambda', 'objective.valueCoef / valueClip', 'objective.whitenAdvantages', 'optim.valueLr', 'objective.klEstimator'],
    note: /PPOTrainer/,
    rewards: '[accuracy_reward, format_reward]',
  },
  'ppo-penalty': {
    values: { beta: '0.0', num_iterations: '2' },
    status: { beta: 'none', epsilon: 'none', learning_rate: 'exact' },
    unmapped: ['objective.gamma / lambda', 'objective.valueCoef / valueClip', 'optim.valueLr', 'objective.klSchedule / targetKl'],
    note: /TRL has no PPO-Penalty/,
    rewards: '[accuracy_reward, format_reward]',
  },
  trpo: {
    values: { beta: '0.0' },
    status: { epsilon: 'none', epsilon_high: 'none', learning_rate: 'approx', beta: 'exact' },
    unmapped: ['objective.trpoMaxKl', 'objective.gamma / lambda', 'optim.valueLr'],
    note: /no TRPO trainer/,
    rewards: '[accuracy_reward, format_reward]',
  },
  rloo: { values: { scale_rewards: '"none"', beta: '0.05' }, status: { scale_rewards: 'approx', beta: 'approx' }, unmapped: ['objective.klEstimator'], note: /RLOOTrainer/, rewards: '[accuracy_reward, format_reward]' },
  'grpo-d': { values: { beta: '0.04', loss_type: '"grpo"' }, status: { beta: 'approx' }, note: /knob for knob/, rewards: '[accuracy_reward, format_reward]' },
  reinforce: { values: { scale_rewards: '"none"', beta: '0.0' }, status: { scale_rewards: 'approx' }, note: /batch-mean baseline/, rewards: '[accuracy_reward, format_reward]' },
  // Supervised arms: the mapping says the algorithm has no counterpart in GRPOTrainer, and no script is written (export-bundle.test.ts).
  sft: { values: { scale_rewards: '"group"', beta: '0.0' }, status: { scale_rewards: 'none' }, note: /SFTTrainer trains on gold traces/, rewards: '' },
  rft: { values: { scale_rewards: '"group"', beta: '0.0' }, status: { scale_rewards: 'none' }, note: /no rejection-sampling trainer/, rewards: '' },
};

describe('Export to TRL: the mapping for every preset', () => {
  for (const id of PRESET_IDS) {
    it(id, () => {
      const c = applyPreset(id);
      const { rows, notes } = trlMapping(c);
      if (rlExportRefusal(c)) {
        // A supervised algorithm: refused in one sentence naming the field, its mapping still shown.
        expect(() => trlScript(c)).toThrow(`objective.algorithm is ${c.objective.algorithm}`);
        expect(notes.join(' ')).toMatch(BY_PRESET[id].note);
        return;
      }
      const script = trlScript(c, { runName: `${id} run`, iteration: 3 });
      const byArg = new Map(rows.filter((r) => r.trl).map((r) => [r.trl, r]));
      // Every argument the issue names, mapped from this config, and written into the script.
      for (const [arg, value] of Object.entries(expected(c))) {
        expect(byArg.get(arg)?.value, `${id}: ${arg}`).toBe(value);
        expect(script, `${id}: ${arg} in the script`).toMatch(new RegExp(`^ {4}${arg}=${value.replace(/[[\]().*+?]/g, '\\$&')},`, 'm'));
      }
      const want = BY_PRESET[id];
      for (const [arg, value] of Object.entries(want.values)) expect(byArg.get(arg)?.value, `${id}: ${arg}`).toBe(value);
      for (const [arg, status] of Object.entries(want.status ?? {})) expect(byArg.get(arg)?.status, `${id}: ${arg} status`).toBe(status);
      const unmapped = rows.filter((r) => !r.trl && r.status === 'none').map((r) => r.ours);
      for (const ours of want.unmapped ?? []) expect(unmapped, `${id}: ${ours} is said not to map`).toContain(ours);
      expect(notes.join(' ')).toMatch(want.note);
      // The whole-run note is the algorithm's own (engine/algorithms/spec.ts), not a copy.
      expect(notes[0]).toContain(ALGORITHM_SPECS[c.objective.algorithm].trl.note);
      expect(script).toContain(`reward_funcs=${want.rewards},`);
      // Every row explains itself; every written argument appears exactly once.
      for (const r of rows) expect(r.ours.length).toBeGreaterThan(0);
      for (const arg of byArg.keys()) expect(script.match(new RegExp(`^ {4}${arg}=`, 'gm'))).toHaveLength(1);
      expect(script).toContain('from trl import GRPOConfig, GRPOTrainer');
      expect(script).toContain(`# Run: ${id} run`);
    });
  }

  it('follows edits: a run\'s own values, not the preset\'s', () => {
    let c = applyPreset('dapo');
    for (const [path, v] of [['optim.lr', 0.0023], ['objective.epsHigh', 0.27], ['sampling.groupSize', 6], ['sampling.temperature', 0.9], ['sampling.maxNewTokens', 12], ['optim.epochs', 3], ['rewards.weights.hackable', 0.5]] as const) {
      c = withValue(c, path, v);
    }
    const script = trlScript(c);
    for (const line of ['learning_rate=0.0023,', 'epsilon_high=0.27,', 'num_generations=6,', 'temperature=0.9,', 'max_completion_length=12,', 'num_iterations=3,', 'MAX_COMPLETION_LENGTH = 12']) {
      expect(script).toContain(line);
    }
    expect(script).toContain('reward_funcs=[accuracy_reward, format_reward, length_reward, hackable_reward],');
    expect(script).toContain('def hackable_reward(');
    // The script carries all of rewards.py; only the weighted functions are passed.
    expect(script).not.toMatch(/reward_funcs=\[[^\]]*step_reward/);
  });

  it('reads the algorithm\'s facts, not its name: TRPO\'s β is KL to the reference, its lr and early stop unused', () => {
    const c = withValue(applyPreset('trpo'), 'objective.beta', 0.02);
    const byArg = new Map(trlMapping(c).rows.filter((r) => r.trl).map((r) => [r.trl, r]));
    // TRPO puts β·KL(π_θ ‖ π_ref) in its loss, as GRPOTrainer does: the value carries over.
    expect(byArg.get('beta')?.value).toBe('0.02');
    expect(byArg.get('learning_rate')?.note).toMatch(/TRPO ignores it/);
    // An early stop TRPO ignores (its step is a line search) is not listed as lost; PPO-Clip's is.
    const stopping = (id: PresetId) => trlMapping(withValue(applyPreset(id), 'objective.earlyStopKl', 0.05)).rows.map((r) => r.ours);
    expect(stopping('trpo')).not.toContain('objective.earlyStopKl');
    expect(stopping('ppo')).toContain('objective.earlyStopKl');
  });

  it('lists Curr-ReFT\'s staged rewards and self-improvement as having no GRPOTrainer counterpart', () => {
    const ours = (c: RunConfig) => trlMapping(c).rows.map((r) => r.ours);
    const curr = withValue(withValue(applyPreset('grpo'), 'tricks.curriculum', true), 'tricks.curriculumRejectIters', 5);
    expect(ours(curr)).toEqual(expect.arrayContaining(['tricks.curriculum', 'tricks.curriculumRewards', 'tricks.curriculumRejectIters']));
    expect(ours(withValue(curr, 'tricks.curriculumRewards', 'fixed'))).not.toContain('tricks.curriculumRewards');
    expect(ours(curr)).not.toContain('tricks.curriculumFormat'); // open questions: the bundle's own
    expect(ours(withValue(curr, 'tricks.curriculumFormat', 'staged'))).toContain('tricks.curriculumFormat');
  });

  it('writes Python literals and file names', () => {
    expect(pyFloat(0)).toBe('0.0');
    expect(pyFloat(1)).toBe('1.0');
    expect(pyFloat(0.0003)).toBe('0.0003');
    expect(pyFloat(1e-7)).toBe('1e-7');
    expect(() => pyFloat(Number.NaN)).toThrow();
    expect(trlFileName('GRPO · digit-sum #1')).toBe('GRPO-digit-sum-1.trl.py');
  });
});
