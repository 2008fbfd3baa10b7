import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, RunConfigSchema, algorithmTaskIssue } from './config';
import { ALGORITHM_SPECS } from './algorithms/spec';
import { issueSentence } from './issues';
import { TASK_IDS } from './tasks/types';

/** The first issue's path and message for a config with some fields changed. */
function firstIssue(patch: Record<string, Record<string, unknown>>): { path: string; message: string } | null {
  const input = structuredClone(DEFAULT_RUN_CONFIG) as unknown as Record<string, Record<string, unknown>>;
  for (const [group, fields] of Object.entries(patch)) Object.assign(input[group]!, fields);
  const r = RunConfigSchema.safeParse(input);
  if (r.success) return null;
  const i = r.error.issues[0]!;
  return { path: i.path.join('.'), message: i.message };
}

describe('RunConfigSchema', () => {
  it('gives a complete, valid default config: GRPO on digit-sum from the warm start', () => {
    expect(RunConfigSchema.parse({})).toEqual(DEFAULT_RUN_CONFIG);
    expect(DEFAULT_RUN_CONFIG.objective.algorithm).toBe('grpo');
    expect(DEFAULT_RUN_CONFIG.task.task).toBe('digit-sum');
    expect(DEFAULT_RUN_CONFIG.run.init).toBe('sft');
  });

  it('bounds every field and names it', () => {
    expect(firstIssue({ optim: { lr: -1 } })?.path).toBe('optim.lr');
    expect(firstIssue({ sampling: { groupSize: 0 } })?.path).toBe('sampling.groupSize');
    expect(firstIssue({ objective: { klEstimator: 'k4' } })?.path).toBe('objective.klEstimator');
  });

  it.each([
    [{ task: { imageSize: 48 } }, 'model.imageSize', /task's image size \(48\)/],
    [{ sampling: { maxNewTokens: 40 } }, 'sampling.maxNewTokens', /maxResponseLen \(32\)/],
    [{ objective: { algorithm: 'rloo' }, sampling: { groupSize: 1 } }, 'sampling.groupSize', /RLOO needs at least 2/],
    [{ objective: { algorithm: 'grpo' }, sampling: { groupSize: 1 } }, 'sampling.groupSize', /GRPO needs at least 2 .*group's mean/],
    [{ task: { difficulty: 5 } }, 'task.difficulty', /has 3 levels/],
    [{ tricks: { filterLow: 0.5, filterHigh: 0.5 } }, 'tricks.filterHigh', /above filterLow/],
  ])('refuses cross-field conflict %j at the field to fix', (patch, path, message) => {
    const issue = firstIssue(patch);
    expect(issue?.path).toBe(path);
    expect(issue?.message).toMatch(message);
  });
});

describe('a group of one', () => {
  it('is refused at sampling.groupSize for every algorithm whose baseline is the group (read from the spec), accepted for the others', () => {
    for (const [algorithm, spec] of Object.entries(ALGORITHM_SPECS)) {
      const r = RunConfigSchema.safeParse({ objective: { algorithm }, sampling: { groupSize: 1 } });
      const needsGroup = spec.baseline === 'group' || spec.baseline === 'leave-one-out' || spec.minGroupSize >= 2;
      expect(r.success, algorithm).toBe(!needsGroup);
      if (!r.success) expect(r.error.issues.map((i) => i.path.join('.'))).toEqual(['sampling.groupSize']);
    }
  });
});

describe('dual clip', () => {
  it('is refused at objective.dualClipC between 0 and 1 (it would cap losses the ordinary clip bounds), accepted at 0 and above 1', () => {
    for (const c of [0.5, 1]) {
      const r = RunConfigSchema.safeParse({ objective: { dualClipC: c } });
      expect(r.success).toBe(false);
      if (!r.success) {
        expect(r.error.issues.map((i) => i.path.join('.'))).toEqual(['objective.dualClipC']);
        expect(r.error.issues[0]!.message).toMatch(/^Must be above 1 .*or 0 for off\.$/);
      }
    }
    for (const c of [0, 1.01, 3]) expect(RunConfigSchema.safeParse({ objective: { dualClipC: c } }).success, String(c)).toBe(true);
  });
});

describe('reward products', () => {
  it('are refused at rewards.combine while a term can be negative (the length penalty, a negative weight), naming the weights', () => {
    const r = RunConfigSchema.safeParse({ rewards: { combine: 'product', weights: { length: 1, format: -0.5 } } });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues.map((i) => i.path.join('.'))).toEqual(['rewards.combine']);
      expect(r.error.issues[0]!.message).toMatch(/rewards\.weights\.format and rewards\.weights\.length|rewards\.weights\.length and rewards\.weights\.format/);
    }
    expect(RunConfigSchema.safeParse({ rewards: { combine: 'product' } }).success).toBe(true); // accuracy 1, format 0.2
    expect(RunConfigSchema.safeParse({ rewards: { combine: 'sum', weights: { length: 1 } } }).success).toBe(true);
  });
});


describe('dense rewards', () => {
  const issues = (input: Parameters<typeof RunConfigSchema.safeParse>[0]) => {
    const r = RunConfigSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('are refused at rewards.dense for an algorithm without per-token credit (declared in its spec), naming the fix', () => {
    for (const id of Object.keys(ALGORITHM_SPECS) as (keyof typeof ALGORITHM_SPECS)[]) {
      const got = issues({ objective: { algorithm: id }, rewards: { dense: true, weights: { stepRAR: 0.5 } }, sampling: { groupSize: 4 } });
      if (ALGORITHM_SPECS[id].perTokenCredit) expect(got, id).toEqual([]);
      else expect(got, id).toEqual([expect.stringMatching(/^rewards\.dense: .* one shared advantage.*turn rewards\.dense off, or pick an algorithm with a critic/)]);
    }
    expect(ALGORITHM_SPECS.ppo.perTokenCredit && ALGORITHM_SPECS.trpo.perTokenCredit && !ALGORITHM_SPECS.grpo.perTokenCredit).toBe(true);
  });
  it('need a StepRAR term to place and a sum to split', () => {
    expect(issues({ objective: { algorithm: 'ppo' }, rewards: { dense: true } })).toEqual([expect.stringMatching(/^rewards\.dense: .*rewards\.weights\.stepRAR is 0/)]);
    expect(issues({ objective: { algorithm: 'ppo' }, rewards: { dense: true, combine: 'product', weights: { stepRAR: 1 } } })).toEqual([expect.stringMatching(/^rewards\.dense: A product of terms does not split/)]);
    expect(issues({ objective: { algorithm: 'grpo' }, rewards: { dense: false, weights: { stepRAR: 1 } } })).toEqual([]); // off: nothing to check
  });
});

describe('verbose traces', () => {
  it('are accepted for digit-sum and refused at task.verbose for a task without that style', () => {
    expect(RunConfigSchema.safeParse({ task: { task: 'digit-sum', verbose: true } }).success).toBe(true);
    const r = RunConfigSchema.safeParse({ task: { task: 'count', verbose: true } });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['task.verbose: The count task has no verbose trace style (digit-sum has one): turn task.verbose off.']);
  });
});

describe('the exact KL', () => {
  it('is refused at objective.klEstimator with klMode reward (the reward path keeps no whole distributions), accepted in the loss', () => {
    const r = RunConfigSchema.safeParse({ objective: { klEstimator: 'exact', klMode: 'reward' } });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues.map((i) => i.path.join('.'))).toEqual(['objective.klEstimator']);
      expect(r.error.issues[0]!.message).toMatch(/klMode loss only.*pick k1, k2 or k3, or set klMode to loss\.$/);
    }
    expect(RunConfigSchema.safeParse({ objective: { klEstimator: 'exact', klMode: 'loss' } }).success).toBe(true);
    // PPO-Penalty and TRPO measure KL(π_old ‖ π) exactly unless told otherwise.
    expect(RunConfigSchema.parse({}).objective.policyKl).toBe('exact');
  });
});

describe('what an algorithm needs of its task and group (the spec and the task say, as data)', () => {
  const task = (hasGoldTraces: boolean) => ({ id: 'count' as const, hasGoldTraces });
  it('refuses SFT at objective.algorithm on a task that declares no gold traces, with a sentence naming the task', () => {
    const issue = algorithmTaskIssue(ALGORITHM_SPECS.sft, task(false), 8);
    expect(issue?.path).toEqual(['objective', 'algorithm']);
    expect(issue?.message).toMatch(/SFT trains on gold reasoning traces, and the count task has none/);
    expect(algorithmTaskIssue(ALGORITHM_SPECS.sft, task(true), 8)).toBeNull();
    // Algorithms that learn from rewards never need gold traces.
    for (const id of ['grpo', 'ppo', 'rft'] as const) expect(algorithmTaskIssue(ALGORITHM_SPECS[id], task(false), 8), id).toBeNull();
  });

  it('refuses RFT with G = 1 at sampling.groupSize (nothing to choose among), and takes G = 2', () => {
    const issue = algorithmTaskIssue(ALGORITHM_SPECS.rft, task(true), 1);
    expect(issue?.path).toEqual(['sampling', 'groupSize']);
    expect(issue?.message).toMatch(/needs at least 2 samples per prompt.*with G = 1 there is nothing to choose among/);
    expect(algorithmTaskIssue(ALGORITHM_SPECS.rft, task(true), 2)).toBeNull();
    const r = RunConfigSchema.safeParse({ objective: { algorithm: 'rft' }, sampling: { groupSize: 1 } });
    expect(r.success).toBe(false);
    if (!r.success) expect(issueSentence(r.error.issues[0]!)).toMatch(/^sampling\.groupSize: RFT .* needs at least 2 samples/);
  });

  it('every task here declares gold traces, so SFT is accepted on each', () => {
    for (const t of TASK_IDS) expect(RunConfigSchema.safeParse({ task: { task: t }, objective: { algorithm: 'sft' } }).success, t).toBe(true);
  });
});
