import katex from 'katex';
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../engine/config';
import { PRESET_IDS, applyPreset } from '../../engine/presets';
import { buildObjective, diffObjectives, type ObjectiveTerm, type TermId } from './objectives';

const terms = (preset: string, edit?: (c: RunConfig) => void): Map<TermId, ObjectiveTerm> => {
  const c = applyPreset(preset);
  edit?.(c);
  return new Map(buildObjective(c).terms.map((t) => [t.id, t]));
};
const ids = (preset: string): TermId[] => [...terms(preset).keys()];

describe('buildObjective: each preset\'s terms', () => {
  it('GRPO (arXiv:2402.03300 eq. 3): group std advantage, symmetric clip 0.2, per-sequence mean, β = 0.04 k3 KL in the loss', () => {
    const t = terms('grpo');
    expect(ids('grpo')).toEqual(['sampling', 'reward', 'advantage', 'ratio', 'clip', 'kl', 'aggregation', 'update']);
    expect(t.get('advantage')?.tex).toContain('\\operatorname{std}');
    expect(t.get('clip')?.value).toBe('symmetric clip [1 − 0.2, 1 + 0.2]');
    expect(t.get('clip')?.tex).toContain('1 - 0.2,\\, 1 + 0.2');
    expect(t.get('aggregation')?.tex).toContain('\\frac{1}{|o_i|}');
    expect(t.get('kl')?.value).toBe('k3 in the loss, β = 0.04, fixed');
    expect(t.get('kl')?.knobs).toContain('objective.beta');
    const full = buildObjective(applyPreset('grpo')).tex;
    expect(full).toContain('- 0.04\\, \\hat{\\mathbb D}');
    expect(full).toContain('\\{o_i\\}_{i=1}^{8}');
  });

  it('DAPO (arXiv:2503.14476): clip-higher 0.28, token-mean, no KL, the dynamic-sampling constraint 0 < correct < G', () => {
    const t = terms('dapo');
    expect(t.get('clip')?.value).toContain('clip-higher');
    expect(t.get('clip')?.tex).toContain('1 + 0.28');
    expect(t.get('aggregation')?.value).toContain('token-mean');
    expect(t.get('aggregation')?.tex).toContain('\\frac{1}{\\sum_{i=1}^{8} |o_i|}');
    expect(t.has('kl')).toBe(false);
    expect(t.get('filter')?.tex).toContain('0 < \\big|\\{o_i : r_i \\text{ correct}\\}\\big| < 8');
    expect(t.get('reward')?.knobs).toContain('rewards.weights.length');
    expect(buildObjective(applyPreset('dapo')).tex).not.toContain('\\mathbb D');
  });

  it('Dr. GRPO (arXiv:2503.20783): no std division, no 1/|o_i| (sum / L_max)', () => {
    const t = terms('dr-grpo');
    expect(t.get('advantage')?.tex).not.toContain('std');
    expect(t.get('advantage')?.value).toContain('no std');
    expect(t.get('aggregation')?.tex).not.toContain('|o_i|}\\sum');
    expect(t.get('aggregation')?.tex).toContain('\\frac{1}{24}');
  });

  it('GSPO (arXiv:2507.18071): a length-normalised sequence ratio inside the clip', () => {
    const t = terms('gspo');
    expect(t.get('ratio')?.value).toContain('sequence');
    expect(t.get('ratio')?.tex).toContain('^{1/|o_i|}');
    expect(t.get('clip')?.tex).toContain('s_i(\\theta)');
    expect(t.get('clip')?.tex).toContain('3 \\times 10^{-4}');
  });

  it('PPO-Clip (arXiv:1707.06347): GAE advantage, clip, value loss weighted c_V, KL in the reward', () => {
    const t = terms('ppo');
    expect(t.get('advantage')?.value).toContain('GAE');
    expect(t.has('clip')).toBe(true);
    expect(t.get('value')?.tex).toContain('c_V = 0.5');
    expect(t.get('value')?.knobs).toContain('objective.valueCoef');
    expect(t.get('kl')?.value).toContain('in the reward');
    expect(buildObjective(applyPreset('ppo')).tex).toContain('- 0.5\\, L^{V}');
  });

  it('PPO-Penalty (eq. 8): no clip, β on KL(π_old‖π_θ), adaptive; no reference KL term', () => {
    const t = terms('ppo-penalty');
    expect(t.has('clip')).toBe(false);
    expect(t.has('kl')).toBe(false);
    expect(t.get('penalty')?.tex).toContain('\\mathrm{KL}\\big[\\pi_{\\theta_{\\text{old}}}');
    expect(t.get('penalty')?.value).toContain('adaptive');
    expect(t.get('penalty')?.knobs).toEqual(expect.arrayContaining(['objective.beta', 'objective.targetKl']));
    expect(t.has('value')).toBe(true);
  });

  it('TRPO (arXiv:1502.05477): a KL constraint δ, no clip, a natural-gradient update', () => {
    const t = terms('trpo');
    expect(t.has('clip')).toBe(false);
    expect(t.get('surrogate')?.tex).toBe('\\rho_{i,t}(\\theta)\\,\\hat A_{i,t}');
    expect(t.get('constraint')?.tex).toContain('\\le \\delta = 0.01');
    expect(t.get('update')?.value).toContain('natural gradient');
    const full = buildObjective(applyPreset('trpo')).tex;
    expect(full.startsWith('\\max_\\theta')).toBe(true);
    expect(full).toContain('\\text{s.t.}');
  });

  it('REINFORCE: batch-mean baseline, no KL; RLOO (arXiv:2402.14740): leave-one-out over G − 1 = 7, KL in the reward', () => {
    expect(terms('reinforce').get('advantage')?.value).toBe('batch mean');
    expect(terms('reinforce').has('kl')).toBe(false);
    expect(terms('rloo').get('advantage')?.tex).toContain('\\frac{1}{7}\\sum_{j \\ne i} r_j');
    expect(terms('rloo').get('kl')?.tex).toContain('r_i \\leftarrow r_i - 0.05');
  });

  it('a mixture gets its own true objective: PPO with token-mean, an entropy bonus and a sequence ratio', () => {
    const t = terms('ppo', (c) => {
      c.objective.lossAggregation = 'token-mean';
      c.objective.entropyCoef = 0.01;
      c.objective.ratioLevel = 'sequence';
    });
    expect(t.get('aggregation')?.value).toContain('token-mean');
    expect(t.get('entropy')?.tex).toContain('0.01');
    expect(t.get('ratio')?.value).toContain('sequence');
    expect(t.has('value')).toBe(true);
  });

  it('every preset: every term cites a source, and every knob is a real config path', () => {
    for (const id of PRESET_IDS) {
      const c = applyPreset(id);
      for (const t of buildObjective(c).terms) {
        expect(t.source, `${id}/${t.id}`).not.toBe('');
        expect(t.text.length, `${id}/${t.id}`).toBeGreaterThan(20);
        for (const k of t.knobs) expect(k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], c), `${id}/${t.id}: ${k}`).not.toBeUndefined();
      }
    }
  });
});

describe('the TeX typesets', () => {
  it('every preset\'s whole objective and every term parse in KaTeX (throwOnError)', () => {
    for (const id of PRESET_IDS) {
      const o = buildObjective(applyPreset(id));
      for (const tex of [o.tex, ...o.terms.map((t) => t.tex)]) expect(() => katex.renderToString(tex, { throwOnError: true, strict: 'ignore' }), `${id}: ${tex}`).not.toThrow();
    }
    const mixed = applyPreset('dapo');
    Object.assign(mixed.objective, { klSchedule: 'cosine', beta: 0.1, betaFinal: 0.01, entropyCoef: 0.02, earlyStopKl: 0.05 });
    Object.assign(mixed.tricks, { onlineFilter: true });
    const o = buildObjective(mixed);
    for (const tex of [o.tex, ...o.terms.map((t) => t.tex)]) expect(() => katex.renderToString(tex, { throwOnError: true, strict: 'ignore' }), tex).not.toThrow();
  });
});

describe('buildObjective: the sampling and data tricks', () => {
  const tex = (t: ObjectiveTerm | undefined) => {
    expect(t).toBeDefined();
    expect(() => katex.renderToString(t!.tex, { throwOnError: true, strict: 'ignore' }), t!.tex).not.toThrow();
    return t!.tex;
  };

  it('NoisyRollout (arXiv:2504.13055): hybrid G = 8 samples 4 responses from I and 4 from the noisy Ĩ, on the sigmoid', () => {
    const t = terms('grpo', (c) => Object.assign(c.tricks, { noisyRollout: true })).get('perturbation');
    expect(tex(t)).toContain('\\{o_i\\}_{i=1}^{4}');
    expect(t!.tex).toContain('\\{o_i\\}_{i=5}^{8}');
    expect(t!.tex).toContain('1 - \\sigma\\big(30');
    expect(t!.value).toBe('NoisyRollout, hybrid (4 clean + 4 noisy)');
    const all = terms('grpo', (c) => Object.assign(c.tricks, { noisyRollout: true, noiseMix: 'all', noiseSchedule: 'linear' })).get('perturbation');
    expect(tex(all)).toContain('\\{o_i\\}_{i=1}^{8} \\sim');
    expect(all!.tex).toContain('\\max(0,\\ 1 - t/100)');
    expect(ids('grpo')).not.toContain('perturbation');
  });

  it('ThinkLite-VL (arXiv:2504.07934): prompts from the hard subset; the online filter names its freeze and refill', () => {
    expect(tex(terms('grpo', (c) => Object.assign(c.tricks, { selectByDifficulty: true })).get('selection'))).toContain('\\ge 2');
    const filter = terms('grpo', (c) => Object.assign(c.tricks, { onlineFilter: true, filterFreezeIters: 5 })).get('filter');
    expect(filter!.text).toMatch(/from iteration 6 on, sampling up to 3 extra rounds to refill the batch/);
  });

  it('Curr-ReFT (arXiv:2503.07065): the curriculum term lists each stage\'s weights and the self-improvement stage', () => {
    const t = terms('grpo', (c) => Object.assign(c.tricks, { curriculum: true, curriculumRejectIters: 5 })).get('curriculum');
    expect(t!.text).toMatch(/stage 1 1, 0\.5, 0\.5; stage 2 1, 0\.2, 0\.2; stage 3 1, 0\.1, 0; the last 5 iterations keep only the right samples/);
    expect(tex(t)).toContain('t > T - 5');
    const fixed = terms('grpo', (c) => Object.assign(c.tricks, { curriculum: true, curriculumRewards: 'fixed' })).get('curriculum');
    expect(fixed!.text).not.toMatch(/stage 1/);
    expect(ids('grpo')).not.toContain('curriculum');
    // Staged question formats: each stage's question named, evaluation said to stay open.
    expect(t!.text).not.toMatch(/asks its own question/);
    const formats = terms('grpo', (c) => Object.assign(c.tricks, { curriculum: true, curriculumFormat: 'staged' })).get('curriculum');
    expect(formats!.value).toContain('staged formats');
    expect(formats!.text).toMatch(/each stage asks its own question: stage 1 a binary question \(two candidate answers\); stage 2 a choice among three candidates; stage 3 the open question \(held-out evaluation always asks the open one\)/);
    expect(tex(formats)).toContain('q_s \\in (\\text{binary},\\ \\text{choice},\\ \\text{open})');
    expect(formats!.knobs).toContain('tricks.curriculumFormat');
  });

  it('StepGRPO (arXiv:2503.12937): the reward names StepRAR and StepRVR, and says when StepRAR is paid on its tokens', () => {
    const dense = terms('ppo', (c) => Object.assign(c.rewards, { dense: true, weights: { ...c.rewards.weights, stepRAR: 0.5, stepRVR: 0.2 } })).get('reward');
    expect(tex(dense)).toContain('0.5\\, r^{\\text{RAR}}_i + 0.2\\, r^{\\text{RVR}}_i');
    expect(dense!.text).toMatch(/StepRAR is paid where it is earned/);
    expect(dense!.knobs).toContain('rewards.dense');
    expect(dense!.source).toBe('arXiv:2503.12937');
    // GRPO has one advantage per response: dense means nothing there (and the config refuses it).
    const grpo = terms('grpo', (c) => Object.assign(c.rewards, { dense: true, weights: { ...c.rewards.weights, stepRAR: 0.5 } })).get('reward');
    expect(grpo!.text).not.toMatch(/paid where it is earned/);
  });
});

describe('diffObjectives', () => {
  it('GRPO vs DAPO: the clip (clip-higher), aggregation (token-mean) and KL terms differ, and nothing that is equal is marked', () => {
    const diff = diffObjectives(applyPreset('grpo'), applyPreset('dapo'));
    const differs = new Set(diff.filter((d) => d.differs).map((d) => d.id));
    expect(differs).toContain('clip');
    expect(differs).toContain('aggregation');
    expect(differs).toContain('kl');
    // The rest of what DAPO changes: dynamic sampling, the overlong reward, 2 minibatches.
    expect([...differs].sort()).toEqual(['aggregation', 'clip', 'filter', 'kl', 'reward', 'update']);
    for (const d of diff.filter((x) => !x.differs)) {
      expect(d.a?.tex, d.id).toBe(d.b?.tex);
      expect(d.knobs.every((k) => !k.changed), d.id).toBe(true);
    }
    const clip = diff.find((d) => d.id === 'clip')!;
    expect(clip.b?.value).toContain('clip-higher');
    expect(clip.knobs).toContainEqual({ path: 'objective.epsHigh', a: 0.2, b: 0.28, changed: true });
    const agg = diff.find((d) => d.id === 'aggregation')!;
    expect(agg.knobs).toContainEqual({ path: 'objective.lossAggregation', a: 'seq-mean-token-mean', b: 'token-mean', changed: true });
    const kl = diff.find((d) => d.id === 'kl')!;
    expect(kl.b).toBeNull();
    expect(kl.knobs).toContainEqual({ path: 'objective.beta', a: 0.04, b: 0, changed: true });
  });

  it('a user\'s mixture against a preset: GRPO with clip-higher already has DAPO\'s clip, so only the rest differs', () => {
    const mine = applyPreset('grpo');
    mine.objective.epsHigh = 0.28;
    const differs = diffObjectives(mine, applyPreset('dapo')).filter((d) => d.differs).map((d) => d.id);
    expect(differs).not.toContain('clip');
    expect(differs).toEqual(expect.arrayContaining(['aggregation', 'kl', 'filter']));
  });

  it('a config against itself differs nowhere', () => {
    for (const id of PRESET_IDS) expect(diffObjectives(applyPreset(id), applyPreset(id)).filter((d) => d.differs)).toEqual([]);
  });

  it('a term that differs only by algorithm names the algorithm knob (GRPO vs RLOO advantage)', () => {
    const adv = diffObjectives(applyPreset('grpo'), applyPreset('rloo')).find((d) => d.id === 'advantage')!;
    expect(adv.differs).toBe(true);
    expect(adv.knobs[0]).toEqual({ path: 'objective.algorithm', a: 'grpo', b: 'rloo', changed: true });
  });
});

describe('buildObjective: the supervised arms', () => {
  it('SFT is the cross-entropy of gold traces: no reward, ratio, clip, KL or value term', () => {
    const o = buildObjective(applyPreset('sft'));
    expect(o.terms.map((t) => t.id)).toEqual(['sampling', 'advantage', 'surrogate', 'update']);
    expect(o.terms.find((t) => t.id === 'surrogate')!.role).toBe('cross-entropy');
    expect(o.terms[0]!.text).toMatch(/gold traces; nothing is sampled/);
    expect(o.tex).toMatch(/\\log \\pi_\\theta/);
    expect(o.tex).not.toMatch(/clip|w_i/);
  });

  it('RFT samples and scores like RL, then imitates the right samples only (weight w_i)', () => {
    const o = buildObjective(applyPreset('rft'));
    expect(o.terms.map((t) => t.id)).toEqual(['sampling', 'reward', 'advantage', 'surrogate', 'update']);
    expect(o.terms.find((t) => t.id === 'advantage')!.value).toMatch(/1 if right, else dropped/);
    expect(o.tex).toMatch(/w_i/);
  });
});
