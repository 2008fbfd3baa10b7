/**
 * "Check yourself": two or three multiple-choice questions at the end of every lesson and
 * explainer, answered from what the learner just saw. Each choice has its own feedback, which
 * points at the chart or formula to look at again. Plain data; lessons.test.ts checks that every
 * lesson and explainer has 2-3 questions, each with exactly one right choice and feedback on all.
 */

export interface QuizChoice {
  text: string;
  /** Shown when this choice is picked: why it is right, or where to look to see why not. */
  feedback: string;
}

export interface QuizQuestion {
  /** Unique across the app: progress is kept under it (localStorage). */
  id: string;
  prompt: string;
  choices: QuizChoice[];
  /** Index of the right choice. */
  answer: number;
}

/** Questions by lesson id or explainer topic. */
export const QUIZZES: Readonly<Record<string, readonly QuizQuestion[]>> = {
  // Lessons
  'grpo-no-critic': [
    {
      id: 'grpo-no-critic/baseline',
      prompt: 'In GRPO, what plays the role of PPO\'s value network (the "expected" reward an answer is compared with)?',
      choices: [
        { text: 'The mean reward of the G answers to the same prompt', feedback: 'Right: A_i = (r_i − mean of the group) / std of the group. Inspect shows the group mean beside each prompt\'s answers.' },
        { text: 'A small value head trained alongside the policy', feedback: 'That is PPO\'s critic. Look at the GRPO explainer\'s formula: only the group\'s rewards appear in the advantage.' },
        { text: 'The reward of the reference model\'s answer', feedback: 'The reference model only enters through the KL term. The advantage in the GRPO explainer uses the group\'s own rewards.' },
      ],
      answer: 0,
    },
    {
      id: 'grpo-no-critic/g2',
      prompt: 'You set G = 2. What did the Zero-variance groups chart do, compared with G = 8?',
      choices: [
        { text: 'It fell: two answers rarely agree', feedback: 'Look at the chart again (and the grey measured runs): with two answers, both being right or both wrong is common, so the share rises.' },
        { text: 'It rose: far more groups have all answers scoring the same, and teach nothing', feedback: 'Right: the measured runs show about half of the G = 2 groups tie, against roughly a tenth with G = 8.' },
        { text: 'It stayed the same: G does not affect ties', feedback: 'The chance that all G answers score the same shrinks as G grows. Compare the two grey measured runs on the Zero-variance groups chart.' },
      ],
      answer: 1,
    },
  ],
  'what-clipping-does': [
    {
      id: 'what-clipping-does/one-step',
      prompt: 'With 1 epoch and 1 minibatch per rollout, what is the clip fraction?',
      choices: [
        { text: 'Exactly 0: the policy being updated is the one that sampled, so the ratio is 1', feedback: 'Right: r = π/π_old = 1 for every token in the only update, and 1 is inside [1 − ε, 1 + ε].' },
        { text: 'About ε = 0.2', feedback: 'ε is the width of the clip range, not a share of tokens. The Clip fraction chart of the 1 × 1 measured run is flat at 0.' },
        { text: 'It depends on the learning rate', feedback: 'The learning rate changes how far later updates move the ratio, but there is no later update with 1 × 1: the ratio is exactly 1.' },
      ],
      answer: 0,
    },
    {
      id: 'what-clipping-does/lr',
      prompt: 'You raised the learning rate 3×. What happened to Approx KL and the clip fraction?',
      choices: [
        { text: 'Both fell', feedback: 'Bigger steps move the policy further from π_old per update. Compare the Approx KL chart\'s measured runs.' },
        { text: 'Both rose: bigger steps push more ratios out of the clip range', feedback: 'Right: the measured runs at lr 3e-4 sit above those at 1e-4 on both charts.' },
        { text: 'Neither changed: the clip cancels the learning rate', feedback: 'The clip stops a token\'s gradient once its ratio left the range; it does not undo the step. Look at Approx KL.' },
      ],
      answer: 1,
    },
  ],
  'kl-anchor': [
    {
      id: 'kl-anchor/beta',
      prompt: 'What did a larger β (1 instead of 0.04) do to the KL chart?',
      choices: [
        { text: 'KL stayed lower: the penalty holds the policy near the reference', feedback: 'Right: the term −β·KL in the objective grows with β, so the policy pays more for drifting.' },
        { text: 'KL rose faster', feedback: 'β weighs a penalty on KL in the objective. Compare the two measured runs on the KL chart: the β = 1 one is lower.' },
        { text: 'Nothing: β only changes the reward chart', feedback: 'β multiplies the KL term of the objective (see the KL explainer); the KL chart is where it shows.' },
      ],
      answer: 0,
    },
    {
      id: 'kl-anchor/beta0',
      prompt: 'Why is the KL chart empty for a run with β = 0?',
      choices: [
        { text: 'The policy did not move', feedback: 'It moved (Approx KL and the reward show it). The chart\'s note says why it is empty.' },
        { text: 'With β = 0 no reference model is kept, so there is nothing to measure KL against', feedback: 'Right: the trainer drops the frozen copy when nothing uses it, and says so under the chart.' },
        { text: 'k3 is always 0 at β = 0', feedback: 'k3 = e^−x + x − 1 with x = log π − log π_ref does not involve β; without a reference there is no π_ref to put in it.' },
      ],
      answer: 1,
    },
  ],
  'reward-hacking': [
    {
      id: 'reward-hacking/what',
      prompt: 'While the reward climbed, what did the share of right answers (the Accuracy chart\'s train line) do?',
      choices: [
        { text: 'It climbed too', feedback: 'Look at the Accuracy chart\'s train line (and the measured run): it falls toward 0 while the reward rises.' },
        { text: 'It fell: the policy learned to say "because", not to answer right', feedback: 'Right: the reward paid for the word, and accuracy was not paid at all (measured: from about 0.09 to 0.01).' },
        { text: 'It stayed exactly where it was', feedback: 'Compare the first and last points of the train line in the Accuracy chart.' },
      ],
      answer: 1,
    },
    {
      id: 'reward-hacking/why',
      prompt: 'Why does the run sample at temperature 1.5?',
      choices: [
        { text: 'So the policy says "because" now and then, and the group advantage has something to push up', feedback: 'Right: at temperature 1 the warm start almost never says it, and an answer never sampled gets no gradient.' },
        { text: 'Higher temperature makes the model more accurate', feedback: 'It makes sampling more random. The reward chart\'s "hackable" component shows what it is for.' },
        { text: 'It is GRPO\'s default', feedback: 'The default is 1; this lesson sets 1.5 (see the panel).' },
      ],
      answer: 0,
    },
  ],
  'sft-vs-rl': [
    {
      id: 'sft-vs-rl/shift',
      prompt: 'With four Adam steps per batch, which arms gained more on the visual-shift split than SFT?',
      choices: [
        { text: 'GRPO and RFT: both learn from the model\'s own sampled answers', feedback: 'Right: the takeaway\'s visual-shift claims (GRPO and RFT above SFT at iteration 30 on every seed), by 3-4 points: about one standard error, a hint.' },
        { text: 'Only GRPO: it is the only arm with a negative signal', feedback: 'RFT keeps only its right samples and has no negative signal, yet it gained as much on the shift: read the eval visual shift line of each arm.' },
        { text: 'None: SFT gained most on every split', feedback: 'SFT gained most on ID (the pictures it trained on), not on the shifted pictures: compare the eval ID and eval visual shift lines.' },
      ],
      answer: 0,
    },
    {
      id: 'sft-vs-rl/novel',
      prompt: 'Why does the eval novel answers line stay flat for every arm?',
      choices: [
        { text: 'Those answers (three-digit sums) are never in training, and RL only rewards answers the policy already emits', feedback: 'Right: reward arrives only after the policy says the answer, which it never does here; SFT never shows it either.' },
        { text: 'The learning rate is too low', feedback: 'The same learning rate moves the ID and visual-shift lines; no step size helps with an answer no arm ever produces.' },
        { text: 'The novel-answer split is evaluated less often', feedback: 'All three splits are evaluated together, on 256 prompts each, every 15 iterations.' },
      ],
      answer: 0,
    },
    {
      id: 'sft-vs-rl/noise',
      prompt: 'The lesson evaluates 256 prompts per split, not 64. Why?',
      choices: [
        { text: 'The differences between arms are 3-4 points; on 64 prompts one accuracy near 50% is uncertain by about ±6 points', feedback: 'Right: on 256 prompts the standard error is about 3.1 points, the same size as the gap, so it stays a hint.' },
        { text: 'SFT needs more prompts to train', feedback: 'Evaluation prompts are held out: no arm trains on them.' },
        { text: 'GRPO samples 8 answers per prompt', feedback: 'Evaluation is greedy, one answer per prompt, for every arm.' },
      ],
      answer: 0,
    },
  ],
  'frame-order': [
    {
      id: 'frame-order/pays',
      prompt: 'With T-GRPO on, which answers earn the extra α?',
      choices: [
        { text: 'The right answers on the ordered frames, in groups whose ordered accuracy beat their shuffled accuracy', feedback: 'Right: r_t = α when p > p̃, added only to the right ordered answers; the shuffled answers only measure p̃ and are not trained on.' },
        { text: 'The right answers on the shuffled frames', feedback: 'The shuffled group is only a measurement (p̃). Read the objective\'s T-GRPO term: only ordered answers are trained on.' },
        { text: 'Every ordered answer whenever the frames were shuffled', feedback: 'Wrong answers never earn it, and a group whose ordered answers did no better than the shuffled ones earns nothing.' },
      ],
      answer: 0,
    },
    {
      id: 'frame-order/noise',
      prompt: 'From the very first iteration, with the warm start barely better on ordered than on shuffled frames, about half of the groups are paid the bonus. Why?',
      choices: [
        { text: 'Because the warm start already reads the order of the frames well', feedback: 'Its ordered and shuffled accuracies are close (the chart\'s two lines); look at how few answers each share is made of.' },
        { text: 'With 8 answers per group, p and p̃ are coarse and noisy, so p > p̃ happens often by chance', feedback: 'Right: each share moves in steps of 1/8, and two noisy shares differ one way or the other most of the time. The bonus pays the lucky groups as well as the ones that read the order.' },
        { text: 'Because α = 0.3 is large', feedback: 'α is how much is paid, not how often: the share of paid groups depends only on p > p̃.' },
      ],
      answer: 1,
    },
  ],
  'zero-variance': [
    {
      id: 'zero-variance/advantage',
      prompt: 'A group\'s 4 answers are all right. What is each answer\'s advantage?',
      choices: [
        { text: '1, since they are all right', feedback: 'The advantage is reward minus the group mean: 1 − 1 = 0 (GRPO explainer, edit a group to all 1s).' },
        { text: '0: no answer did better than the others, so the group teaches nothing', feedback: 'Right: (r − mean) is 0 for everyone, whatever the std.' },
        { text: 'Undefined: the std is 0', feedback: 'The trainer adds a small constant to the std (and treats such groups as zero-variance): the advantage is exactly 0.' },
      ],
      answer: 1,
    },
    {
      id: 'zero-variance/dynamic',
      prompt: 'With dynamic sampling on, what changes?',
      choices: [
        { text: 'The Zero-variance groups chart drops to 0', feedback: 'That chart counts the first sampling round, before anything is dropped, so it stays where it was.' },
        { text: 'Tied groups are dropped and extra rounds are sampled to refill the batch, so each iteration takes longer', feedback: 'Right: the measured run samples more than one round per iteration on average, and the Time chart grows.' },
        { text: 'G is raised until no group ties', feedback: 'G stays as set; dynamic sampling samples more prompts, not more answers per prompt.' },
      ],
      answer: 1,
    },
  ],
  'length-bias': [
    {
      id: 'length-bias/aggregation',
      prompt: 'In GRPO\'s per-sequence mean, how much does one token of a long answer weigh, compared with a token of a short one?',
      choices: [
        { text: 'Less: each answer\'s token losses are averaged first, so a long answer spreads its weight thin', feedback: 'Right: a token weighs 1/|o_i| (Length and aggregation explainer).' },
        { text: 'More', feedback: 'Look at the Length and aggregation explainer: each token is divided by its own answer\'s length.' },
        { text: 'The same', feedback: 'That is DAPO\'s token-mean (or Dr. GRPO\'s sum / L_max), not GRPO\'s per-sequence mean.' },
      ],
      answer: 0,
    },
    {
      id: 'length-bias/here',
      prompt: 'On this task, what did the response-length curves of GRPO and Dr. GRPO show?',
      choices: [
        { text: 'GRPO\'s answers grew longer', feedback: 'Look at the Response length chart: both measured runs sit at about 11 tokens.' },
        { text: 'Nothing to tell apart: the answers here are almost always the same length, so the bias has no length to act on', feedback: 'Right: a negative result. The bias needs answers whose length can vary.' },
        { text: 'Dr. GRPO\'s answers grew longer', feedback: 'Both measured runs stay at about 11 tokens on the Response length chart.' },
      ],
      answer: 1,
    },
  ],
  // Explainers
  mdp: [
    {
      id: 'mdp/action',
      prompt: 'When text generation is seen as an MDP, what is one action?',
      choices: [
        { text: 'Choosing the next token', feedback: 'Right: the state is the image, prompt and tokens so far; the action appends one token.' },
        { text: 'Writing the whole answer', feedback: 'The whole answer is one episode; the MDP explainer steps through it token by token, one action each.' },
        { text: 'One update of the weights', feedback: 'Updates are how the policy learns, not moves inside an episode.' },
      ],
      answer: 0,
    },
    {
      id: 'mdp/reward',
      prompt: 'When does an outcome reward arrive in this MDP?',
      choices: [
        { text: 'After every token', feedback: 'Only a per-token KL penalty (in the reward) arrives each step; the explainer shows the outcome reward at the end.' },
        { text: 'Once, at the end of the answer', feedback: 'Right: accuracy and format are scored on the finished answer, at the last token.' },
        { text: 'Never: RL here has no reward', feedback: 'The Reward chart plots it; the explainer marks where it arrives.' },
      ],
      answer: 1,
    },
  ],
  'ppo-clip': [
    {
      id: 'ppo-clip/positive',
      prompt: 'A token has advantage A > 0 and ratio r = 1.5 with ε = 0.2. What does the clipped objective use?',
      choices: [
        { text: 'r·A = 1.5·A', feedback: 'min(r·A, clip(r)·A) picks the smaller: clip(1.5) = 1.2, so 1.2·A, and the gradient through r is cut.' },
        { text: '(1 + ε)·A = 1.2·A, with no gradient from this token', feedback: 'Right: the min takes the clipped branch, which is constant in θ.' },
        { text: '0', feedback: 'The clipped value is 1.2·A, not 0; only its gradient is 0. See the explainer\'s plot of the objective against r.' },
      ],
      answer: 1,
    },
    {
      id: 'ppo-clip/trpo',
      prompt: 'What does TRPO do instead of clipping?',
      choices: [
        { text: 'It adds an entropy bonus', feedback: 'Not TRPO\'s tool: the explainer\'s trust-region toy shows a constraint on KL.' },
        { text: 'It takes a natural-gradient step and a line search that keeps the mean KL within δ', feedback: 'Right: a hard trust region instead of a clipped objective.' },
        { text: 'It uses a larger learning rate', feedback: 'TRPO sets its step size from the KL bound δ, not from a learning rate.' },
      ],
      answer: 1,
    },
  ],
  grpo: [
    {
      id: 'grpo/compute',
      prompt: 'A group\'s rewards are 1, 0, 0, 1. What is the advantage of the first answer (group std scaling)?',
      choices: [
        { text: '0.5', feedback: 'That is r − mean = 1 − 0.5. GRPO then divides by the group std (0.5 here): 1.' },
        { text: 'About 1: (1 − 0.5) / 0.5', feedback: 'Right: mean 0.5, std 0.5 (plus a tiny constant), so about 1.' },
        { text: '1, because the answer is right', feedback: 'It is 1 here, but because of (r − mean)/std, not because it is right: edit the group in the explainer to all 1s and it becomes 0.' },
      ],
      answer: 1,
    },
    {
      id: 'grpo/drgrpo',
      prompt: 'What does Dr. GRPO change in the advantage?',
      choices: [
        { text: 'It drops the division by the group std', feedback: 'Right: scaling by std gives low-variance (very easy or very hard) prompts more weight.' },
        { text: 'It adds a value network', feedback: 'No critic in any GRPO variant; switch the explainer\'s scaling option to "none" to see Dr. GRPO.' },
        { text: 'It uses the reference model\'s reward', feedback: 'The advantage still uses only the group\'s rewards, without the std.' },
      ],
      answer: 0,
    },
  ],
  kl: [
    {
      id: 'kl/k3',
      prompt: 'Why does GRPO use the k3 estimator of KL?',
      choices: [
        { text: 'It is unbiased, and every single sample is ≥ 0', feedback: 'Right: k3 = e^−x + x − 1 ≥ 0, and its mean is the KL (see the explainer\'s sampling table).' },
        { text: 'It is the only unbiased one', feedback: 'k1 = x is unbiased too, but it can be negative on single samples (the explainer\'s table).' },
        { text: 'It is the fastest to compute', feedback: 'All three are a few operations per token; the explainer compares bias and variance.' },
      ],
      answer: 0,
    },
    {
      id: 'kl/k1-negative',
      prompt: 'One token has log π − log π_ref = −0.3. What is k1 for that token?',
      choices: [
        { text: '−0.3: a single k1 sample can be negative', feedback: 'Right: k1 = x. Only its average over samples estimates the (non-negative) KL.' },
        { text: '0.3', feedback: 'k1 = x itself, sign included.' },
        { text: '0.045', feedback: 'That is k2 = x²/2 = 0.045.' },
      ],
      answer: 0,
    },
  ],
  gae: [
    {
      id: 'gae/lambda',
      prompt: 'What does λ = 1 make GAE?',
      choices: [
        { text: 'The Monte-Carlo return minus the value: no bootstrapping, most variance', feedback: 'Right: with λ = 1 (and γ = 1) the advantage is the sum of all later rewards minus V(s_t).' },
        { text: 'One-step TD: r + γV(s′) − V(s)', feedback: 'That is λ = 0. Drag λ in the explainer to 0 to see it.' },
        { text: 'Zero advantages', feedback: 'Drag λ to 1 in the explainer: the advantages do not vanish, they become the whole remaining return minus V(s_t).' },
      ],
      answer: 0,
    },
    {
      id: 'gae/critic',
      prompt: 'What does GAE need that GRPO does not?',
      choices: [
        { text: 'A value estimate V(s_t) for every token: a critic', feedback: 'Right: δ_t = r_t + γV(s_{t+1}) − V(s_t) uses the value head.' },
        { text: 'A group of answers per prompt', feedback: 'That is what GRPO needs. GAE works on one answer with a critic.' },
        { text: 'A reference model', feedback: 'Neither needs one for the advantage; the reference is for the KL term.' },
      ],
      answer: 0,
    },
  ],
  length: [
    {
      id: 'length/token-mean',
      prompt: 'Which aggregation weighs every token of the batch the same?',
      choices: [
        { text: 'token-mean (DAPO)', feedback: 'Right: all tokens of the batch averaged together, whatever answer they belong to.' },
        { text: 'seq-mean-token-mean (GRPO)', feedback: 'That averages within each answer first, so tokens of long answers weigh less.' },
        { text: 'None of them', feedback: 'Look at the explainer\'s per-token weights under token-mean: all equal.' },
      ],
      answer: 0,
    },
    {
      id: 'length/long-wrong',
      prompt: 'Under GRPO\'s per-sequence mean, a long wrong answer is punished...',
      choices: [
        { text: '...less per token than a short wrong one', feedback: 'Right: its negative advantage is spread over more tokens, which is what lets wrong answers grow long.' },
        { text: '...more per token', feedback: 'Each token weighs 1/|o|: more tokens, less each.' },
        { text: '...exactly as much per token', feedback: 'That holds for token-mean or sum / L_max, not the per-sequence mean.' },
      ],
      answer: 0,
    },
  ],
  objectives: [
    {
      id: 'objectives/diff',
      prompt: 'Diff GRPO against DAPO. Which of these is a term DAPO drops?',
      choices: [
        { text: 'The KL penalty to the reference (β = 0)', feedback: 'Right: DAPO sets β = 0, so its objective has no −β·KL term.' },
        { text: 'The clipped surrogate', feedback: 'DAPO keeps it, with a higher upper clip (clip-higher).' },
        { text: 'The reward', feedback: 'Every objective keeps the reward, through the advantage.' },
      ],
      answer: 0,
    },
    {
      id: 'objectives/entropy',
      prompt: 'Raising the entropy coefficient adds which term to the objective?',
      choices: [
        { text: '+ c·H(π): a bonus for spreading probability', feedback: 'Right: it rewards uncertainty, keeping exploration up.' },
        { text: '− β·KL', feedback: 'That term comes from β, not from the entropy coefficient.' },
        { text: 'A value loss', feedback: 'The value loss comes with a critic (PPO), weighted by the value coefficient.' },
      ],
      answer: 0,
    },
  ],
  iteration: [
    {
      id: 'iteration/order',
      prompt: 'In one iteration, what comes right after the answers are sampled?',
      choices: [
        { text: 'The rewards are scored on the host', feedback: 'Right: sample, score, compute advantages, then update.' },
        { text: 'The weights are updated', feedback: 'The update needs the advantages, which need the rewards first. Step through the walk again.' },
        { text: 'A held-out evaluation', feedback: 'Evaluation happens every evalEvery iterations, after the update.' },
      ],
      answer: 0,
    },
    {
      id: 'iteration/readbacks',
      prompt: 'Why does the trainer read back the sampled tokens from the device before the update?',
      choices: [
        { text: 'The rewards are computed on the host from the decoded answers', feedback: 'Right: rule-based rewards parse text, which the host does.' },
        { text: 'To save a checkpoint', feedback: 'Checkpoints are saved every 10 iterations, not in every update.' },
        { text: 'It does not', feedback: 'It does: one readback for the rollout\'s tokens, one for the metrics (on wasm and cpu also the rows\' finished flags after each decoding step, so sampling can stop once every answer has ended).' },
      ],
      answer: 0,
    },
  ],
  'locate-iou': [
    {
      id: 'locate-iou/ties',
      prompt: 'IoU is a continuous reward. Why did about a quarter of GRPO\'s groups still have zero variance on locate?',
      choices: [
        { text: 'The eight sampled answers were often the same box, or boxes that all missed, so their IoUs were equal', feedback: 'Right: a policy that samples few distinct boxes ties as often as a 0/1 reward does; the Zero-variance chart counts them.' },
        { text: 'IoU is rounded to 0 or 1 before the advantage', feedback: 'Only with rewards.box iou50; the default pays the IoU itself.' },
        { text: 'The zero-variance test ignores continuous rewards', feedback: 'It uses a tolerance that is right for continuous rewards too: equal IoUs tie, a one-cell slip never does.' },
      ],
      answer: 0,
    },
    {
      id: 'locate-iou/recall',
      prompt: 'Paid by recall (the share of the gold box covered), what did the measured runs do?',
      choices: [
        { text: 'The paid recall rose while held-out IoU fell on every seed', feedback: 'Right: recall pays a bigger box at least as much, so the reward climbs while the boxes get worse. Compare the reward chart with the accuracy (IoU) chart.' },
        { text: 'Held-out IoU rose faster than with the IoU reward', feedback: 'It fell: -5.7 points (-6.6 to -4.4) against GRPO\'s -1.4 with the true reward.' },
        { text: 'Nothing changed: recall and IoU are the same for a right box', feedback: 'They agree on the gold box, but recall also pays a box that covers the gold one and much else; that is the hack.' },
      ],
      answer: 0,
    },
  ],
  'click-many-answers': [
    {
      id: 'click-many-answers/right',
      prompt: 'The target button covers columns 4-7 and rows 9-11. Which answers does the accuracy reward pay 1?',
      choices: [
        { text: 'Any click X Y with X in 4-7 and Y in 9-11: twelve right answers', feedback: 'Right: UI-R1\'s coordinate reward pays any point inside the box, so many answers are right.' },
        { text: 'Only click 5 10, the box\'s centre', feedback: 'That is the gold answer SFT imitates; the reward pays every point in the box.' },
        { text: 'Any answer that starts with click', feedback: 'That is only the action-type part (the action reward); accuracy also needs the point inside the box.' },
      ],
      answer: 0,
    },
    {
      id: 'click-many-answers/hack',
      prompt: 'Why can the distance reward (1 − d/16) be gamed without looking at the screen?',
      choices: [
        { text: 'Every target lies within 10 units of the screen\'s middle, so always clicking 8 8 earns at least 0.38', feedback: 'Right: partial credit by distance pays a blind constant answer, and a miss near the middle can earn more than a hit in a box\'s far corner.' },
        { text: 'It pays 1 for any click', feedback: 'It pays 1 only at the gold click and less with distance; the blind middle still earns a lot.' },
        { text: 'It ignores the action word', feedback: 'It needs a click on the screen (0 otherwise); the problem is what it pays for a click anywhere near the middle.' },
      ],
      answer: 0,
    },
  ],
};
