/**
 * Guided lessons, each a URL (`#lesson=grpo-no-critic`) that loads a preset plus a few
 * settings, shows only the controls that matter (the way TensorFlow Playground's classroom
 * links hide the rest) and walks through short steps. Data only: the lesson slice applies a
 * lesson, the LessonPanel shows its steps, lessons.test.ts checks every path and id here.
 */
import type { LessonPromise } from './promises';

/** Where a step can send the learner. */
export type LessonAction =
  | { kind: 'start' }
  | { kind: 'view'; view: 'train' | 'inspect' | 'compare' }
  | { kind: 'explainer'; topic: LearnTopic }
  | {
      kind: 'set';
      path: string;
      value: string | number | boolean;
      label: string;
      /** More knobs the same button sets (dotted paths), e.g. epochs and minibatches together. */
      also?: Record<string, string | number | boolean>;
    }
  | { kind: 'preset'; preset: string; label: string }
  /** Open Compare with these presets (on the lesson's task, seed and iterations) and run them. */
  | { kind: 'compare'; presets: string[]; label: string };

export interface LessonStep {
  text: string;
  action?: LessonAction;
  /** Charts to draw the eye to (chart ids of src/app/charts/specs.ts). */
  highlight?: string[];
}

export interface Lesson {
  id: string;
  title: string;
  /** One line for the lesson list. */
  summary: string;
  preset: string;
  /** Dotted RunConfig paths on top of the preset (as in the URL hash). */
  settings: Record<string, string | number | boolean>;
  /** The only config fields shown (dotted paths). */
  controls: string[];
  /** Show the preset selector too (lessons that compare presets). */
  presetPicker: boolean;
  /** The charts the Train view shows during the lesson. */
  charts: string[];
  steps: LessonStep[];
  /**
   * What the lesson promises, checked on 3 seeds by `npm run lessons -- --check` (promises.ts);
   * the README's table and reference.json hold what that measured.
   */
  promise?: LessonPromise;
  /** Why a lesson declares no promise yet (said on its takeaway and in the table). */
  noPromise?: string;
}

/** The Learn view's explainers (and the TRL export page). */
export const LEARN_TOPICS = [
  { id: 'mdp', title: 'Text generation as an MDP' },
  { id: 'ppo-clip', title: 'PPO-Clip, PPO-Penalty, TRPO' },
  { id: 'grpo', title: 'GRPO advantages' },
  { id: 'kl', title: 'KL estimators' },
  { id: 'gae', title: 'GAE' },
  { id: 'length', title: 'Length and aggregation' },
  { id: 'objectives', title: 'Objectives, term by term' },
  { id: 'iteration', title: 'One iteration, step by step' },
  { id: 'lessons', title: 'Lessons' },
  { id: 'trl', title: 'Export to TRL' },
] as const;
export type LearnTopic = (typeof LEARN_TOPICS)[number]['id'];

/** Short runs that still show the effect on the default model (the warm-start checkpoint). */
const SHORT = { 'run.iterations': 60, 'run.evalEvery': 10, 'run.evalN': 32 } as const;

export const LESSONS: readonly Lesson[] = [
  {
    id: 'grpo-no-critic',
    title: 'Why GRPO needs no critic',
    summary: 'G answers to the same prompt are their own baseline: no value network to train.',
    preset: 'grpo',
    // 10 iterations: the promise (G = 2 ties far more often) shows from the first iteration.
    settings: { ...SHORT, 'run.iterations': 10 },
    controls: ['sampling.groupSize', 'sampling.promptsPerIter', 'objective.advantageScale', 'optim.lr', 'run.seed'],
    presetPicker: false,
    charts: ['reward', 'accuracy', 'advantage', 'zero-std', 'kl'],
    steps: [
      {
        text: 'A policy gradient pushes up answers that did better than expected. PPO learns a value network to say what "expected" is; GRPO samples G answers to each prompt and uses their mean reward instead.',
        action: { kind: 'explainer', topic: 'grpo' },
      },
      { text: 'Press Start. Each iteration samples B prompts × G answers, scores them, and moves the policy toward the above-average ones. The grey dashed lines are the measured runs of this lesson: yours draws over them.', action: { kind: 'start' }, highlight: ['reward', 'zero-std'] },
      {
        text: 'Open Inspect: pick a prompt and read its G answers side by side. The advantage of each is (reward − group mean) / group std: no critic anywhere.',
        action: { kind: 'view', view: 'inspect' },
      },
      {
        text: 'Watch the Zero-variance groups chart: a group whose answers all scored the same has advantage 0 everywhere and teaches nothing. With G = 2 that happens far more often; set it and run again.',
        action: { kind: 'set', path: 'sampling.groupSize', value: 2, label: 'Set G = 2' },
        highlight: ['zero-std'],
      },
    ],
    promise: {
      arms: [
        { id: 'g8', label: 'G = 8', settings: {} },
        { id: 'g2', label: 'G = 2', settings: { 'sampling.groupSize': 2 } },
      ],
      claims: [
        {
          id: 'g2-ties',
          text: 'With G = 2, at least 0.25 more of the groups tie (teach nothing) than with G = 8',
          metric: 'groups/zero_std_frac',
          arm: 'g2',
          at: [1, 10],
          base: { arm: 'g8', at: [1, 10] },
          expect: 'above',
          by: 0.25,
        },
      ],
      meaning: 'The group is the baseline: the fewer answers per prompt, the more often they all score the same and the iteration learns nothing from them.',
    },
  },
  {
    id: 'what-clipping-does',
    title: 'What clipping does',
    summary: 'Several updates per rollout move the ratio π/π_old off 1; the clip stops the ones that go too far.',
    preset: 'ppo',
    // 10 iterations of B = 4: clipping shows from the first iteration (measured: reference.json).
    settings: { ...SHORT, 'run.iterations': 10, 'sampling.promptsPerIter': 4 },
    controls: ['objective.epsLow', 'objective.epsHigh', 'optim.epochs', 'optim.minibatches', 'optim.lr'],
    presetPicker: false,
    charts: ['clip', 'approx-kl', 'reward', 'policy-loss'],
    steps: [
      {
        text: 'With one epoch and one minibatch the policy that sampled the data is the one being updated: the ratio r = π/π_old is exactly 1 and nothing can be clipped. This preset takes 2 epochs × 2 minibatches per rollout.',
      },
      { text: 'Press Start and watch the clip fraction: the share of tokens whose ratio left [1 − ε_low, 1 + ε_high] in the direction the advantage pushes. The grey dashed lines are this lesson\'s measured runs.', action: { kind: 'start' }, highlight: ['clip', 'approx-kl'] },
      {
        text: 'Open the PPO-Clip explainer: your run\'s tokens sit on the clipped objective. Drag ε_high and see which tokens stop contributing gradient.',
        action: { kind: 'explainer', topic: 'ppo-clip' },
      },
      {
        text: 'Set 1 epoch × 1 minibatch and run again: one update per rollout, so the clip fraction stays at exactly 0 (the flat measured line).',
        action: { kind: 'set', path: 'optim.epochs', value: 1, also: { 'optim.minibatches': 1 }, label: 'Set 1 epoch × 1 minibatch' },
        highlight: ['clip'],
      },
      {
        text: 'Back to 2 × 2, with the learning rate 3× higher (3e-4): bigger steps move more ratios out of the range, so the clip fraction and Approx KL both rise. (Much higher, 1e-3 and up, destroys the warm start in one update.)',
        action: { kind: 'set', path: 'optim.lr', value: 0.0003, also: { 'optim.epochs': 2, 'optim.minibatches': 2 }, label: 'Set lr = 3e-4 (2 × 2)' },
        highlight: ['clip', 'approx-kl'],
      },
    ],
    promise: {
      arms: [
        { id: 'mu4', label: '2 epochs × 2 minibatches', settings: {} },
        { id: 'one-step', label: '1 epoch × 1 minibatch', settings: { 'optim.epochs': 1, 'optim.minibatches': 1 } },
        { id: 'lr3', label: 'lr 3e-4, 2 × 2', settings: { 'optim.lr': 0.0003 } },
      ],
      claims: [
        {
          id: 'clips',
          text: 'With 2 epochs × 2 minibatches some tokens are clipped: the clip fraction averages at least 0.005',
          metric: 'clip/region',
          arm: 'mu4',
          at: [1, 10],
          base: { value: 0 },
          expect: 'above',
          by: 0.005,
        },
        {
          id: 'one-step-never',
          text: 'With 1 epoch × 1 minibatch nothing is ever clipped: the clip fraction is exactly 0',
          metric: 'clip/region',
          arm: 'one-step',
          at: [1, 10],
          base: { value: 0 },
          expect: 'within',
          by: 0,
        },
        {
          id: 'lr-clips-more',
          text: 'A 3× higher learning rate clips more: at least 0.02 more of the tokens',
          metric: 'clip/region',
          arm: 'lr3',
          at: [1, 10],
          base: { arm: 'mu4', at: [1, 10] },
          expect: 'above',
          by: 0.02,
        },
        {
          id: 'lr-moves-more',
          text: 'A 3× higher learning rate moves the policy further per iteration: Approx KL at least 0.005 higher',
          metric: 'policy/approx_kl',
          arm: 'lr3',
          at: [1, 10],
          base: { arm: 'mu4', at: [1, 10] },
          expect: 'above',
          by: 0.005,
        },
      ],
      meaning: 'Clipping only acts once updates reuse a rollout (more than one step per batch), and it acts more the bigger each step is: it is a brake on steps, not a fix for a learning rate far too high.',
    },
  },
  {
    id: 'kl-anchor',
    title: 'KL keeps you close to where you started',
    summary: 'β · KL(π‖π_ref) is a leash to the starting model: compare β = 0.04 with β = 1.',
    preset: 'grpo',
    // The default learning rate (1e-4): at 3e-3 the policy collapsed (KL 4-5, reward 0).
    settings: { ...SHORT, 'run.iterations': 20, 'sampling.promptsPerIter': 4 },
    controls: ['objective.beta', 'objective.klEstimator', 'optim.lr'],
    presetPicker: false,
    charts: ['kl', 'reward', 'entropy', 'accuracy'],
    steps: [
      { text: 'GRPO subtracts β times an estimate of KL(π_θ ‖ π_ref) from its objective: the frozen warm-start model is the anchor.', action: { kind: 'explainer', topic: 'kl' } },
      { text: 'Press Start with β = 0.04 and watch the KL chart rise while the policy learns. The grey dashed lines are this lesson\'s measured runs (β = 0.04 and β = 1).', action: { kind: 'start' }, highlight: ['kl', 'reward'] },
      {
        text: 'Now set β = 1 (a tight leash) and run again: the penalty pulls the policy back toward the reference and KL stays lower. (β = 0 removes the leash and the reference model with it, so the KL chart has nothing to draw.)',
        action: { kind: 'set', path: 'objective.beta', value: 1, label: 'Set β = 1' },
        highlight: ['kl', 'entropy'],
      },
      { text: 'Switch the estimator between k1, k2 and k3: the explainer shows why GRPO prefers k3 (unbiased and never negative).', action: { kind: 'explainer', topic: 'kl' } },
    ],
    promise: {
      arms: [
        { id: 'b004', label: 'β = 0.04', settings: {} },
        { id: 'b1', label: 'β = 1', settings: { 'objective.beta': 1 } },
      ],
      claims: [
        {
          id: 'leash',
          text: 'β = 1 keeps the policy closer to the reference: KL over iterations 11-20 at least 0.03 lower than with β = 0.04',
          metric: 'kl/ref',
          arm: 'b1',
          at: [11, 20],
          base: { arm: 'b004', at: [11, 20] },
          expect: 'below',
          by: 0.03,
        },
      ],
      meaning: 'β sets how much drifting from the starting model costs: a larger β keeps the policy nearer to it, whatever the reward pulls toward.',
    },
  },
  {
    id: 'reward-hacking',
    title: 'Reward hacking',
    summary: 'Pay for the word "because" and RL learns to say it, right or wrong.',
    preset: 'grpo',
    // Measured (README, "Reward hacking, live"): at temperature 1 the warm start says
    // "because" in 0.3% of samples and never learns to in 100 iterations; at 1.5, with
    // accuracy unpaid and B = 16, the hack takes off between iterations 60 and 90 (3 seeds).
    settings: {
      ...SHORT,
      'run.iterations': 100,
      'sampling.promptsPerIter': 16,
      'sampling.temperature': 1.5,
      'rewards.weights.hackable': 1,
      'rewards.weights.accuracy': 0,
    },
    controls: ['rewards.weights.hackable', 'rewards.weights.accuracy', 'rewards.weights.format', 'sampling.temperature', 'objective.beta'],
    presetPicker: false,
    charts: ['reward', 'accuracy', 'length'],
    steps: [
      { text: 'This run pays a deliberately hackable reward instead of accuracy: +1 for any answer that says "because", right or wrong. Sampling at temperature 1.5 lets the policy stumble on the word now and then; at 1 it almost never does.' },
      { text: 'Press Start. The reward chart splits by function: "hackable" idles near 0, then races toward 1 (between about iterations 60 and 90 in the measured runs, seeds 1-3) while accuracy falls.', action: { kind: 'start' }, highlight: ['reward', 'accuracy'] },
      { text: 'Open Inspect and read the answers: "because" everywhere. The policy optimised exactly what it was paid for.', action: { kind: 'view', view: 'inspect' } },
      { text: 'A larger β slows the hack down (the reference model never says "because"); removing the reward stops it. Try β = 0.3.', action: { kind: 'set', path: 'objective.beta', value: 0.3, label: 'Set β = 0.3' } },
    ],
    promise: {
      arms: [{ id: 'hack', label: 'paid for "because"', settings: {} }],
      claims: [
        {
          id: 'hack-takes-off',
          text: 'The policy learns the hack: the hackable reward over the last 10 iterations is at least 0.3 above the first 10',
          metric: 'reward/hackable/mean',
          arm: 'hack',
          at: [91, 100],
          base: { at: [1, 10] },
          expect: 'above',
          by: 0.3,
        },
        {
          id: 'accuracy-falls',
          text: 'Meanwhile it stops answering right: train accuracy over the last 10 iterations at least 0.03 below the first 10',
          metric: 'acc/train',
          arm: 'hack',
          at: [91, 100],
          base: { at: [1, 10] },
          expect: 'below',
          by: 0.03,
        },
      ],
      meaning: 'RL optimises exactly what it is paid for: a reward that can be earned without the task is earned without the task.',
    },
  },
  {
    id: 'sft-vs-rl',
    title: 'SFT vs RL: who generalises',
    summary: 'SFT, GRPO and RFT from the same warm start with the same budget: in-distribution, visual-shift and novel-answer accuracy side by side.',
    preset: 'grpo',
    // The budget of the README's measured table (SFT, RFT and RL from the same warm start, its
    // "-mu4" rows): B = 16 prompts, 30 iterations, four Adam steps per iteration (2 epochs × 2
    // minibatches) for each arm, evaluated on the table's 256 held-out prompts per split (64
    // would leave ±6 points of noise on a 3-4 point difference). At one step per iteration no
    // arm moved beyond the noise (the table's other rows; the last step's button).
    settings: { 'run.iterations': 30, 'run.evalEvery': 15, 'run.evalN': 256, 'sampling.promptsPerIter': 16, 'optim.epochs': 2, 'optim.minibatches': 2 },
    controls: ['task.task', 'run.iterations', 'sampling.promptsPerIter', 'optim.epochs', 'optim.minibatches', 'optim.lr', 'run.seed'],
    presetPicker: false,
    charts: ['accuracy', 'reward'],
    steps: [
      {
        text: 'Three ways to spend the same budget from the same warm start: SFT imitates the gold traces of the prompts; GRPO samples G answers per prompt and pushes up the better-rewarded ones; RFT samples G answers and imitates only the right ones (rejection sampling). Same prompts (same seed), same B per iteration, the same four Adam steps per iteration (2 epochs × 2 minibatches), same learning rate.',
      },
      {
        text: 'Run all three side by side in Compare. Each arm is evaluated on three held-out splits of 256 prompts: ID (pictures like training), visual shift (the same questions drawn differently) and novel answers (answers training never shows).',
        action: { kind: 'compare', presets: ['sft', 'grpo', 'rft'], label: 'Compare SFT, GRPO and RFT' },
        highlight: ['accuracy'],
      },
      {
        text: 'Read the Accuracy chart arm by arm at iteration 30: eval ID, eval visual shift and eval novel answers (SFT has no train line: it samples nothing). What we measured on digit-sum (3 seeds, starting from 47.7% ID, 34.4% visual shift, 14.8% novel answers): SFT gains most on ID (+11.6 points) but only +2.2 on the visual shift; GRPO gains +5.5 and RFT +6.5 on the shift, and every GRPO and RFT seed ends above every SFT seed there. Novel answers (three-digit sums) move for none. The gap is 3-4 points, about one standard error of a 256-prompt accuracy: a hint that learning from the model\'s own samples generalises better here, not a result. The takeaway checks it on your runs.',
        highlight: ['accuracy'],
      },
      {
        text: 'Now spend the budget in smaller steps: with 1 epoch × 1 minibatch (one Adam step per iteration, the button) we measured no arm moving any split beyond the noise (ID +3.5 for SFT, +1.6 for GRPO, −0.5 for RFT; visual shift within ±1.2). Compare again to see the arms stay together. On count (novel answers are 6-9 objects, never trained: every arm stays at 0%) the visual-shift line swings by tens of points between evaluations of one run, so read it over seeds, not one run.',
        action: { kind: 'set', path: 'optim.epochs', value: 1, label: 'Set 1 epoch × 1 minibatch', also: { 'optim.minibatches': 1 } },
        highlight: ['accuracy'],
      },
    ],
    promise: {
      // Margins from the README's table (256 prompts, seeds 1-3, the same runs as these arms):
      // GRPO's and RFT's visual shift ended at 37.9-41.4% and 37.9-46.9%, SFT's at 35.9-37.1%;
      // SFT's ID at 57.0-63.3%, RFT's at 44.9-55.5%; novel answers 11.7-18.0% against 14.8%.
      arms: [
        { id: 'grpo', label: 'GRPO', settings: {} },
        { id: 'sft', label: 'SFT', preset: 'sft', settings: {} },
        { id: 'rft', label: 'RFT', preset: 'rft', settings: {} },
      ],
      claims: [
        {
          id: 'grpo-shift',
          text: 'GRPO generalises further than SFT to the visual shift: its shifted-picture accuracy at iteration 30 is at least 0.5 points above SFT\'s',
          metric: 'acc/eval_shift',
          arm: 'grpo',
          at: [30, 30],
          base: { arm: 'sft', at: [30, 30] },
          expect: 'above',
          by: 0.005,
        },
        {
          id: 'rft-shift',
          text: 'So does RFT: its shifted-picture accuracy at iteration 30 is at least 0.5 points above SFT\'s',
          metric: 'acc/eval_shift',
          arm: 'rft',
          at: [30, 30],
          base: { arm: 'sft', at: [30, 30] },
          expect: 'above',
          by: 0.005,
        },
        {
          id: 'sft-id',
          text: 'SFT fits the training distribution best: its ID accuracy at iteration 30 is at least 1 point above RFT\'s',
          metric: 'acc/eval_id',
          arm: 'sft',
          at: [30, 30],
          base: { arm: 'rft', at: [30, 30] },
          expect: 'above',
          by: 0.01,
        },
        {
          id: 'novel-flat',
          text: 'No arm learns answers it never saw: GRPO\'s novel-answer accuracy ends within 5 points of the warm start\'s 14.8%',
          metric: 'acc/eval_ood',
          arm: 'grpo',
          at: [30, 30],
          base: { value: 0.148 },
          expect: 'within',
          by: 0.05,
        },
      ],
      meaning: 'Imitating gold answers fits the pictures it was trained on best; learning from your own sampled answers (GRPO, RFT) carries a little further to pictures drawn differently. Here the gap is a few points, about one standard error: a hint, on a 250k-parameter model.',
    },
  },
  {
    id: 'click-many-answers',
    title: 'Click: many right answers',
    summary: 'A GUI action: click X Y anywhere in the right button. SFT imitated the centre, RL pays any hit, and a distance reward can be gamed by clicking the middle.',
    preset: 'grpo',
    // The budget of the README's click rows ("click: does RL learn?"): 60 iterations at B = 8,
    // G = 8, 128 held-out prompts per split every 20 iterations; 3 seeds each of GRPO, grpo-mu4, PPO.
    settings: { 'task.task': 'click', 'run.iterations': 60, 'run.evalEvery': 20, 'run.evalN': 128 },
    controls: ['rewards.weights.accuracy', 'rewards.weights.action', 'rewards.weights.distance', 'sampling.temperature', 'run.seed'],
    presetPicker: false,
    charts: ['accuracy', 'reward'],
    steps: [
      {
        text: 'A 32x32 screen of 2-4 buttons and an instruction ("click red square"). The answer is an action and a point on a 16 x 16 grid, <answer> click X Y </answer>. As in UI-R1, accuracy pays 1 for the click action with a point anywhere inside the target\'s box: a 4 x 4 button has 16 right answers. The warm start imitated one of them, the box\'s centre (28% of 256 held-out screens of every level right, greedy; 25.0% on the 128 level-1 prompts the runs below are evaluated on).',
      },
      {
        text: 'Press Start (GRPO, 60 iterations). What we measured, 3 seeds each: held-out ID accuracy did not rise beyond the noise (±3.8 points on 128 prompts): GRPO ended at 20.6% (19.5-21.1) from 25.0%, grpo-mu4 at 22.7%, PPO at 24.2% (18.0-34.4). Sampled train accuracy rose a little (about 11% to 12-15%): RL reshapes the sampling before it moves the greedy answer.',
        action: { kind: 'start' },
        highlight: ['accuracy', 'reward'],
      },
      {
        text: 'Open Inspect. Every sampled click of the group is drawn over the target\'s dashed box: green inside, red outside. The hits land on several points of the box, not only its centre: in our measurement only 3.6% of the warm start\'s hits and 4.7% after RL were exactly the gold click.',
        action: { kind: 'view', view: 'inspect' },
      },
      {
        text: 'The visual-shift line stays at 0: on dark-theme screens the warm start writes no well-formed answer at all, before and after RL. The novel-answer line (targets in the bottom-right quarter, never the ID answer) stays at 0-3%.',
        highlight: ['accuracy'],
      },
      {
        text: 'Now pay the deliberately hackable distance reward instead: 1 - d/16 for a click d units from the gold one. Always clicking the middle of the screen earns 0.38 or more on every screen without looking, and a near miss can earn more than a hit in the box\'s far corner. Set it and run again; watch reward/distance against the accuracy line. What we measured (GRPO, 60 iterations, 3 seeds): the distance reward rose from about 0.53 to 0.58-0.62 and accuracy did not fall, so RL moved clicks towards the targets; the blind middle click would have earned 0.685, more than that, but no run found it in 60 iterations.',
        action: { kind: 'set', path: 'rewards.weights.distance', value: 1, label: 'Pay distance, not accuracy', also: { 'rewards.weights.accuracy': 0 } },
        highlight: ['reward', 'accuracy'],
      },
    ],
    noPromise: 'The runs behind it (README, "click: does RL learn?", 3 seeds each of GRPO, grpo-mu4 and PPO) showed no held-out gain beyond the noise in 60 iterations, so there is no improvement to promise; the lesson says what they showed.',
  },
  {
    id: 'locate-iou',
    title: 'Grounding: an IoU reward, ties and a hackable recall',
    summary: 'Answer a box x y w h; the reward is its IoU with the gold box, a number between 0 and 1. Watch ties, std scaling and a reward that can be gamed.',
    preset: 'grpo',
    // The budget of the README's locate rows ("locate: does RL learn?"): 40 iterations at B = 8,
    // G = 8, 128 held-out prompts per split; 3 seeds each of GRPO, grpo-mu4, PPO, Dr. GRPO and recall.
    settings: { 'task.task': 'locate', 'run.iterations': 40, 'run.evalEvery': 20, 'run.evalN': 128 },
    controls: ['rewards.box', 'objective.advantageScale', 'sampling.groupSize', 'run.seed'],
    presetPicker: false,
    charts: ['accuracy', 'reward', 'zero-std', 'advantage'],
    steps: [
      {
        text: 'A picture with a target and distractors, and a question ("where is red square ?"). The answer is the target\'s box, x y w h on an 8 x 8 grid of 4-pixel cells: four words. As in Visual-RFT, the accuracy reward is the box\'s IoU with the gold one (overlap over union), 0 to 1, so a box one cell off still earns part of the reward. The warm start\'s held-out mean IoU is 0.30 on all levels, 0.385 on the level-1 prompts this lesson evaluates.',
      },
      {
        text: 'Press Start (GRPO, 40 iterations), then read Zero-variance groups. A continuous reward should rarely tie, yet about a quarter of the groups do (measured: 22%, 20-24% over 3 seeds): the eight answers are often the same box, or boxes that all miss. Those groups teach nothing, as with 0/1 rewards.',
        action: { kind: 'start' },
        highlight: ['zero-std'],
      },
      {
        text: 'Open Inspect: every sampled box of a group is drawn over the gold one (dashed) with its IoU. In a group 1, 1, 1, 0.75 (one box a cell too tall), GRPO divides by the group\'s small std and gives the slip an advantage of -1.50, as much as a plainly wrong answer in a 1, 1, 1, 0 group. Dr. GRPO (no std scaling, objective.advantageScale none) gives it -0.19.',
        action: { kind: 'view', view: 'inspect' },
      },
      {
        text: 'What we measured (README, "locate: does RL learn?"; 3 seeds, 40 iterations, 128 held-out prompts, a mean IoU ± up to 4.4 points): no preset moved held-out IoU beyond the noise. GRPO -1.4 points (-3.2 to +0.3), grpo-mu4 +0.5, PPO +1.6, Dr. GRPO +3.2 (-0.1 to +5.5). Dr. GRPO ended 4.6 points above GRPO: about one standard error, and its preset changes the loss aggregation too, so a hint, not a result. Set advantageScale to none and run again to see your own.',
        action: { kind: 'set', path: 'objective.advantageScale', value: 'none', label: 'Drop std scaling (Dr. GRPO)' },
        highlight: ['advantage', 'accuracy'],
      },
      {
        text: 'Now pay recall instead: the share of the gold box a box covers. A bigger box never earns less, and the whole image earns 1 without looking. Measured (GRPO, 3 seeds): the paid recall rose from 0.28 to 0.38 while held-out IoU fell on every seed, -5.7 points (-6.6 to -4.4), and the share of boxes with IoU >= 0.5 from 36.7% to 26.8%. The reward went up and the skill went down: reward hacking, with a grounding reward.',
        action: { kind: 'set', path: 'rewards.box', value: 'recall', label: 'Pay recall (hackable)', also: { 'objective.advantageScale': 'group' } },
        highlight: ['reward', 'accuracy'],
      },
    ],
    noPromise: 'The runs behind it (README, "locate: does RL learn?", 3 seeds each) showed no held-out gain beyond the noise with the true reward in 40 iterations, and the Dr. GRPO difference is within one standard error, so there is no improvement to promise; the lesson says what they showed, including the recall hack\'s measured fall.',
  },
  {
    id: 'zero-variance',
    title: 'Zero-variance groups and online filtering',
    summary: 'Groups where every answer scored the same carry no gradient; filter them or resample.',
    preset: 'grpo',
    settings: { ...SHORT, 'run.iterations': 10, 'sampling.groupSize': 4 },
    controls: ['sampling.groupSize', 'tricks.dynamicSampling', 'tricks.onlineFilter', 'tricks.filterLow', 'tricks.filterHigh'],
    presetPicker: false,
    charts: ['zero-std', 'advantage', 'reward', 'accuracy', 'time'],
    steps: [
      { text: 'If all G answers to a prompt are right (or all wrong), every advantage is 0: the group costs compute and teaches nothing.', action: { kind: 'explainer', topic: 'grpo' } },
      { text: 'Press Start and read the Zero-variance groups chart: the share of groups whose answers all tie (all right on easy prompts, all wrong on hard ones). With G = 4 a fair share of them do, every iteration.', action: { kind: 'start' }, highlight: ['zero-std'] },
      { text: 'In Inspect, filter "zero-variance" to see such groups and why they give nothing.', action: { kind: 'view', view: 'inspect' } },
      {
        text: 'Turn on dynamic sampling (DAPO): those groups are dropped and more prompts sampled until the batch is full. The Zero-variance chart still counts the first round (before anything is dropped), so it stays where it was; the step time grows, since extra rounds are sampled.',
        action: { kind: 'set', path: 'tricks.dynamicSampling', value: true, label: 'Turn on dynamic sampling' },
        highlight: ['zero-std', 'time'],
      },
    ],
    promise: {
      arms: [
        { id: 'plain', label: 'G = 4', settings: {} },
        { id: 'dynamic', label: 'G = 4, dynamic sampling', settings: { 'tricks.dynamicSampling': true } },
      ],
      claims: [
        {
          id: 'ties',
          text: 'With G = 4, at least 0.1 of the groups tie and teach nothing, on average over the run',
          metric: 'groups/zero_std_frac',
          arm: 'plain',
          at: [1, 10],
          base: { value: 0 },
          expect: 'above',
          by: 0.1,
        },
        {
          id: 'extra-rounds',
          text: 'Dynamic sampling pays for them in sampling: at least 0.5 extra rollout rounds per iteration on average (1 round = no refill)',
          metric: 'sampling/rounds',
          arm: 'dynamic',
          at: [1, 10],
          base: { value: 1 },
          expect: 'above',
          by: 0.5,
        },
      ],
      meaning: 'Ties are common with small groups, and every tied group is compute spent for no gradient: dynamic sampling buys a full batch of useful groups with extra sampling rounds.',
    },
  },
  {
    id: 'length-bias',
    title: 'Overthinking and length bias',
    summary: 'Averaging per sequence lets long wrong answers off lightly: GRPO vs Dr. GRPO. Here: a negative result, with its numbers.',
    preset: 'grpo',
    settings: { ...SHORT, 'run.iterations': 10 },
    controls: ['objective.lossAggregation', 'objective.advantageScale', 'rewards.weights.length', 'sampling.maxNewTokens'],
    presetPicker: true,
    charts: ['length', 'truncated', 'reward', 'accuracy'],
    steps: [
      { text: 'GRPO averages each answer\'s token losses and then averages answers: a token in a long answer weighs less. A long wrong answer is punished less per token than a short one, which lets wrong answers grow long (Dr. GRPO, arXiv:2503.20783).', action: { kind: 'explainer', topic: 'length' } },
      { text: 'Press Start and watch the response length. On this task (digit-sum) a well-formed answer is always the same length, 11 tokens: the grey measured runs sit flat at about 11.', action: { kind: 'start' }, highlight: ['length', 'truncated'] },
      {
        text: 'Switch to Dr. GRPO (sum / L_max, no std) and run again on the same seed: both runs are drawn on these charts. Here their lengths cannot be told apart: the bias needs answers whose length can vary, and these cannot. What the aggregation changes is the weight of each token, which the explainer shows.',
        action: { kind: 'preset', preset: 'dr-grpo', label: 'Switch to Dr. GRPO' },
        highlight: ['length'],
      },
    ],
    promise: {
      arms: [
        { id: 'grpo', label: 'GRPO', settings: {} },
        { id: 'dr-grpo', label: 'Dr. GRPO', settings: {}, preset: 'dr-grpo' },
      ],
      claims: [
        {
          id: 'same-length',
          text: 'A negative result: on digit-sum, Dr. GRPO\'s mean response length is within 0.5 tokens of GRPO\'s',
          metric: 'len/mean',
          arm: 'dr-grpo',
          at: [1, 10],
          base: { arm: 'grpo', at: [1, 10] },
          expect: 'within',
          by: 0.5,
        },
        {
          id: 'eleven',
          text: 'GRPO\'s answers stay at 11 tokens, give or take 0.5',
          metric: 'len/mean',
          arm: 'grpo',
          at: [1, 10],
          base: { value: 11 },
          expect: 'within',
          by: 0.5,
        },
      ],
      meaning: 'Length bias needs room to act: on a task whose right answers all have one length, GRPO and Dr. GRPO grow no different lengths; the difference is in how each token is weighted.',
    },
  },
  {
    id: 'frame-order',
    title: 'Does it read the frames in order? (T-GRPO)',
    summary: 'Four frames tiled into one picture: which way did it move? Shuffle the frames and see whether the answers needed their order.',
    preset: 'grpo',
    // The README's motion budget: 40 iterations of B = 8 x G = 8 from the motion warm start (its runs evaluate 128 held-out
    // prompts at the end); here 64 prompts per split every 10 iterations, so the lesson's curve draws while it trains.
    settings: { 'task.task': 'motion', 'run.iterations': 40, 'run.evalEvery': 10, 'run.evalN': 64 },
    controls: ['task.task', 'tricks.temporalGrpo', 'tricks.temporalAlpha', 'optim.epochs', 'optim.minibatches', 'run.iterations', 'run.seed'],
    presetPicker: false,
    charts: ['accuracy', 'reward', 'temporal-accuracy'],
    steps: [
      {
        text: 'The motion task shows a short video: 4 frames tiled 2 x 2 into the one picture the model reads (top-left is frame 1, bottom-right frame 4). "which way red move ?" needs two frames in order; "how many frames blue triangle ?" needs every frame but not their order. A policy can also cheat on direction from one frame: an object that ends near the right edge probably moved right.',
      },
      {
        text: 'Press Start (GRPO from the motion warm start), then open Inspect: the prompt\'s image is un-tiled into a strip of its four frames, and an arrow marks each direction the group answered (the gold one solid).',
        action: { kind: 'start' },
        highlight: ['accuracy'],
      },
      { text: 'Read a few groups in Inspect.', action: { kind: 'view', view: 'inspect' } },
      {
        text: 'Now turn on T-GRPO (Video-R1): every prompt is answered a second time with its frames shuffled. When the ordered answers are right more often than the shuffled ones (p > p̃), each right ordered answer earns α = 0.3 more. The chart "Ordered vs shuffled frames" shows both accuracies and how many groups were paid.',
        action: { kind: 'set', path: 'tricks.temporalGrpo', value: true, label: 'Turn on T-GRPO' },
        highlight: ['temporal-accuracy'],
      },
      {
        text: 'What we measured (README, "motion: does RL learn?"; 3 seeds, 40 iterations, 128 held-out prompts, each accuracy ± about 4 points): the ordered line sits only a few points above the shuffled one, yet about half of the groups are paid from the first iteration: with G = 8 the two shares are coarse and noisy, and p > p̃ often happens by chance. T-GRPO\'s ID gain (+4.5 points) equalled plain GRPO\'s. With every frame shuffled, "which way" fell to chance for every trained policy, so the answers do use the order; one GRPO seed answered as well from the last frame alone (its shortcut). What made policies read the order was more Adam steps per batch (2 epochs × 2 minibatches): with it, "which way" rose to 43-78% with the frames in order against 20-38% from the last frame alone, with or without T-GRPO (plain: 35 points apart on average; with T-GRPO: 30). The temporal contrast did not remove the shortcut beyond what RL did anyway. Watch your own two lines, then set 2 × 2 and compare.',
        action: { kind: 'set', path: 'optim.epochs', value: 2, label: 'Set 2 epochs × 2 minibatches', also: { 'optim.minibatches': 2 } },
        highlight: ['temporal-accuracy', 'accuracy'],
      },
    ],
    noPromise: 'T-GRPO removing the single-frame shortcut did not show on 3 seeds: its ID gain equalled GRPO\'s, and with 2 × 2 Adam steps plain GRPO read the frame order as well as T-GRPO did. So the lesson states what the README\'s motion runs measured instead of a promise the checker would hold it to.',
  },
];

const BY_ID = new Map(LESSONS.map((l) => [l.id, l]));
export const lessonById = (id: string | null | undefined): Lesson | undefined => (id ? BY_ID.get(id) : undefined);

/** The lesson id in a URL hash (`#lesson=...&...`), if any. */
export function lessonParam(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('lesson');
}

/**
 * A lesson's hash: its preset and settings, overlaid by whatever else the URL says (a shared
 * link after edits; the last good value of a key counts), without the lesson parameter itself.
 */
export function lessonConfigHash(lesson: Lesson, hash: string): string {
  const given = new URLSearchParams(hash.replace(/^#/, ''));
  given.delete('lesson');
  const out = new URLSearchParams();
  out.set('preset', given.get('preset') ?? lesson.preset);
  for (const [k, v] of Object.entries(lesson.settings)) out.set(k, String(v));
  // Appended, not replacing: a bad override is dropped by the hash reader and the lesson's value stays.
  for (const [k, v] of given) if (k !== 'preset') out.append(k, v);
  return `#${out.toString()}`;
}

/** Prefix a config hash with the lesson, so the URL keeps naming it. */
export function withLesson(hash: string, lessonId: string | null): string {
  if (!lessonId) return hash;
  const rest = hash.replace(/^#/, '');
  return `#lesson=${encodeURIComponent(lessonId)}${rest ? `&${rest}` : ''}`;
}
