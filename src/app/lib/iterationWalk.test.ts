import { describe, expect, it } from 'vitest';
import { applyPreset } from '../../engine/presets';
import { encode, id } from '../../engine/tokenizer';
import type { MetricsRecord } from '../../engine/train/metrics';
import type { InspectBatch, InspectSample } from '../../engine/train/types';
import { buildWalk, fromInspectBatch, nextStep, prevStep, recordFor, walkable, workedExample } from './iterationWalk';
import { groupAdvantages } from '../../engine/rl/host';

const RIGHT = encode('<think> 3 + 4 = 7 </think> <answer> 7 </answer> <eos>');
const WRONG = encode('<think> 3 + 4 = 6 </think> <answer> 6 </answer> <eos>');

function sample(promptIndex: number, reward: number, ratio: number): InspectSample {
  const tokens = reward > 0 ? RIGHT : WRONG;
  const n = tokens.length;
  return {
    promptIndex,
    tokens,
    reward,
    rewardByFn: { accuracy: reward, format: 1, step: 0, length: 0, hackable: 0, stepRAR: 0, stepRVR: 0, action: 0, distance: 0 },
    advantage: 0,
    logp: new Array<number>(n).fill(-0.5),
    oldLogp: new Array<number>(n).fill(-0.5),
    refLogp: new Array<number>(n).fill(-0.6),
    ratio: new Array<number>(n).fill(ratio),
    clipped: new Array<number>(n).fill(0),
    kl: new Array<number>(n).fill(0.01),
    entropy: new Array<number>(n).fill(1),
  };
}

/** Prompt 1: all wrong (zero variance); prompt 2: half right. */
function batch(ratio = 1): InspectBatch {
  const rewards = [[0, 0, 0, 0], [1, 0, 1, 0]];
  const samples = rewards.flatMap((rs, p) => rs.map((r) => sample(p, r, ratio)));
  const adv = groupAdvantages(samples.map((s) => s.reward), 4, 'group');
  samples.forEach((s, i) => (s.advantage = adv[i]!));
  const image = new Float32Array(16 * 16 * 3);
  return {
    iteration: 5,
    groupSize: 4,
    prompts: rewards.map(() => ({ image, imageSize: 16, promptTokens: [id('<bos>'), ...encode('sum of digits ?')], answer: '7', difficulty: 1 })),
    samples,
    groupStats: rewards.map(() => ({ mean: 0, std: 0 })),
  };
}

const config = () => {
  const c = applyPreset('grpo');
  c.sampling.groupSize = 4;
  c.sampling.promptsPerIter = 2;
  return c;
};

const record: MetricsRecord = { iteration: 5, wallMs: 1000, klEstimator: 'k3', difficulty: 1, values: { 'reward/mean': 0.25, 'acc/train': 0.25, 'kl/ref': 0.01, 'loss/policy': 0.0004, 'grad/norm': 0.7, 'policy/approx_kl': 0, 'clip/region': 0, lr: 1e-4, 'kl/beta': 0.04 } };

describe('the walk through one iteration', () => {
  it('nine steps in order, each with a paragraph and an explainer topic', () => {
    const walk = buildWalk(fromInspectBatch(batch()), config(), record, 'run');
    expect(walk.steps.map((s) => s.id)).toEqual(['prompt', 'samples', 'rewards', 'group', 'advantages', 'tokens', 'aggregation', 'update', 'metrics']);
    for (const s of walk.steps) {
      expect(s.text.length, s.id).toBeGreaterThan(60);
      expect(s.topic, s.id).toBeTruthy();
    }
  });

  it('follows the first group with reward spread, and its response with the largest |advantage|', () => {
    const walk = buildWalk(fromInspectBatch(batch()), config(), record, 'run');
    expect(walk.promptIndex).toBe(1);
    expect(walk.focusSample).toBe(4);
    const group = walk.steps.find((s) => s.id === 'group')!;
    expect(group.tex).toContain('\\operatorname{mean}(r) = 0.5');
    expect(group.text).toContain('1 of the 2 groups');
    const adv = walk.steps.find((s) => s.id === 'advantages')!;
    // (1 - 0.5) / (Bessel std 0.57735 + 1e-4) = 0.86588
    expect(adv.table?.rows[0]).toEqual(['1', '1', '0.8659']);
    expect(adv.topic).toBe('grpo');
  });

  it('token objectives: ρ·Â (ratio 1, unclipped) minus β·KL, and the aggregation over the batch', () => {
    const walk = buildWalk(fromInspectBatch(batch()), config(), record, 'run');
    const tokens = walk.steps.find((s) => s.id === 'tokens')!;
    expect(tokens.table?.rows).toHaveLength(RIGHT.length);
    const a = 0.5 / (Math.sqrt(1 / 3) + 1e-4);
    expect(Number(tokens.table?.rows[0]?.[5])).toBeCloseTo(a - 0.04 * 0.01, 3);
    expect(tokens.text).toContain('exactly 1');
    // Per-sequence mean: every response contributes its advantage - β·KL; the advantages sum to 0 per group.
    const agg = walk.steps.find((s) => s.id === 'aggregation')!;
    expect(agg.tex).toMatch(/= -4 \\times 10\^\{-4\}$/);
    expect(agg.text).toContain('loss/policy = 4.00e-4');
  });

  it('marks clipped tokens the way the loss does: clip-higher (DAPO) lets ratio 1.25 through with A > 0', () => {
    const dapo = applyPreset('dapo');
    dapo.sampling.groupSize = 4;
    const walk = buildWalk(fromInspectBatch(batch(1.25)), dapo, null, 'run');
    const row = walk.steps.find((s) => s.id === 'tokens')!.table!.rows[0]!;
    const a = 0.5 / (Math.sqrt(1 / 3) + 1e-4);
    expect(Number(row[5])).toBeCloseTo(1.25 * a, 3); // 1.25 < 1 + 0.28: not clipped
    const grpo = buildWalk(fromInspectBatch(batch(1.25)), config(), null, 'run').steps.find((s) => s.id === 'tokens')!.table!.rows[0]!;
    expect(Number(grpo[5])).toBeCloseTo(1.2 * a - 0.04 * 0.01, 3); // clipped at 1 + 0.2
  });

  it('PPO-Penalty: ρ·Â minus β·(ρ − 1 − log ρ), with the β the run logged; an entropy bonus adds c_H·H', () => {
    const c = applyPreset('ppo-penalty');
    c.sampling.groupSize = 4;
    c.objective.whitenAdvantages = false; // the batch has no per-token advantages: the sequence ones are used as they are
    c.objective.entropyCoef = 0.01;
    const walk = buildWalk(fromInspectBatch(batch(1.25)), c, { ...record, values: { ...record.values, 'kl/beta': 2 } }, 'run');
    const row = walk.steps.find((s) => s.id === 'tokens')!.table!.rows[0]!;
    const a = 0.5 / (Math.sqrt(1 / 3) + 1e-4);
    expect(Number(row[5])).toBeCloseTo(1.25 * a - 2 * (0.25 - Math.log(1.25)) + 0.01 * 1, 3);
    expect(walk.steps.find((s) => s.id === 'tokens')!.text).toContain('KL from π_old');
  });

  it('the new metrics point comes from the record of the batch\'s own iteration', () => {
    expect(recordFor([{ ...record, iteration: 4 }, record], 5)).toBe(record);
    expect(recordFor([{ ...record, iteration: 4 }], 5)).toBeNull();
    const walk = buildWalk(fromInspectBatch(batch()), config(), record, 'run');
    const metrics = walk.steps.find((s) => s.id === 'metrics')!;
    expect(metrics.facts).toContainEqual({ label: 'reward/mean', value: '0.25' });
    expect(metrics.text).toContain('Iteration 5');
  });

  it('the adapter reads only what the walk needs', () => {
    const w = fromInspectBatch(batch());
    expect(Object.keys(w.samples[0]!).sort()).toEqual(['advantage', 'clipped', 'entropy', 'kl', 'logp', 'promptIndex', 'ratio', 'reward', 'rewardByFn', 'tokens']);
  });

  it('a worked example for every preset when there is no run: one group of G, with reward spread', () => {
    for (const preset of ['grpo', 'dapo', 'ppo', 'trpo', 'rloo', 'reinforce', 'ppo-penalty', 'gspo', 'dr-grpo']) {
      const c = applyPreset(preset);
      const ex = workedExample(c);
      expect(ex.samples).toHaveLength(c.sampling.groupSize);
      expect(new Set(ex.samples.map((s) => s.reward)).size, preset).toBeGreaterThan(1);
      const walk = buildWalk(ex, c, null, 'example');
      expect(walk.steps).toHaveLength(9);
      expect(walk.steps.at(-1)!.text).toContain('Start a run');
    }
  });

  it('a prompt with no responses is skipped; a batch with none is not walkable', () => {
    const b = fromInspectBatch(batch());
    const onlySecond = { ...b, samples: b.samples.filter((s) => s.promptIndex === 1).map((s) => ({ ...s, reward: 0 })) };
    expect(buildWalk(onlySecond, config(), null, 'run').promptIndex).toBe(1);
    expect(walkable(onlySecond)).toBe(true);
    expect(walkable({ ...b, samples: [] })).toBe(false);
    expect(walkable(null)).toBe(false);
  });

  it('steps stop at both ends', () => {
    expect(nextStep(8, 9)).toBe(8);
    expect(nextStep(3, 9)).toBe(4);
    expect(prevStep(0)).toBe(0);
  });
});
