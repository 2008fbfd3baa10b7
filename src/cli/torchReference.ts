/**
 * npm run torch-reference [-- --out bench/torch/out/reference.json]
 *
 * Writes what bench/torch/check.py needs to show that its PyTorch port is the same function as
 * this engine: a fixed default-preset batch (8 digit-sum prompts x 8 samples from the SFT warm
 * start, on the wasm backend the bench times) and, computed here by the app's own code, every
 * output the port must reproduce: the sampler's per-step logits and tokens under the recorded
 * Gumbel noise, the teacher-forced logits, log-probs and entropies, the group advantages, the
 * GRPO loss, the gradient of every policy weight, and the weights after one clipped Adam step.
 * The file is a test fixture, not a result: it is rebuilt whenever it is needed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { Recorder } from '../engine/algorithms';
import { batchRows, policyParams, surrogateObjective, type UpdateContext } from '../engine/algorithms/common';
import { Adam, clipScale } from '../engine/algorithms/optim';
import { applyPreset } from '../engine/presets';
import { Policy, groupedImages } from '../engine/model';
import { gumbelNoise } from '../engine/model/sampling';
import { Rng, mixSeed } from '../engine/random';
import { scoreSample } from '../engine/rewards';
import { groupAdvantages } from '../engine/rl';
import { TASKS } from '../engine/tasks';
import { answerWords, id } from '../engine/tokenizer';
import { instancesToTensors } from '../engine/train/batch';
import { roundInstances, runScoreOptions } from '../engine/train/rollout';
import { initBackend } from './backend';
import { parseCli, runCli } from './args';
import { fileHandler } from './fileHandler';

const USAGE = 'usage: npm run torch-reference [-- --out FILE]';
const ArgsSchema = z.object({ out: z.string().min(1).default('bench/torch/out/reference.json') });

/** Row-major numbers of a tensor (JSON keeps a float32 exactly: its double is printed shortest-round-trip). */
const flat = async (t: tf.Tensor): Promise<number[]> => Array.from(await t.data());

/** The sampler's seed: any fixed number; the noise it draws is written out, so Python needs no Rng of ours. */
const SAMPLE_SEED = 12345;

runCli(USAGE, async () => {
  const args = parseCli(process.argv.slice(2), { out: { type: 'string' } }, ArgsSchema);
  await initBackend('wasm');
  const config = applyPreset('grpo');
  const { promptsPerIter: b, groupSize: g, temperature, maxNewTokens: T } = config.sampling;
  const policy = await Policy.fromCheckpoint(fileHandler(`public/checkpoints/${config.task.task}`));
  const v = policy.config.vocabSize;
  const n = b * g;
  const instances = roundInstances(TASKS[config.task.task], config, { iteration: 1, round: 0, difficulty: config.task.difficulty });
  const { images, prompts } = instancesToTensors(instances, policy.config.promptLen);

  // 1. Generation with the KV cache, as the rollout runs it, keeping every step's logits.
  const sampled = await policy.sample(images, prompts, { groupSize: g, temperature, topK: config.sampling.topK, maxNewTokens: T, seed: SAMPLE_SEED, returnLogits: true });
  const noise = Array.from({ length: T }, (_, t) => Array.from(gumbelNoise(mixSeed(SAMPLE_SEED, t), n * v)));

  // 2. Real rewards of the samples, then the group advantages the GRPO update computes.
  const scores = Array.from({ length: n }, (_, i) => {
    const tokens = Array.from(sampled.tokenIds.slice(i * T, (i + 1) * T));
    return scoreSample({ tokens, maxNewTokens: T }, instances[Math.floor(i / g)]!, config.rewards.weights, runScoreOptions(config)).total;
  });
  const scoresT = tf.tensor1d(scores);
  const advantages = groupAdvantages(scoresT, g, config.objective.advantageScale);

  // 3. Teacher-forced pass on the trainer's batch layout: shared images, prompts repeated per row.
  const shared = groupedImages(images.clone(), g);
  const promptsN = tf.tidy(() => tf.gather(prompts, shared.row));
  const logits = policy.responseLogits(shared, promptsN, sampled.tokens);
  const fwd = policy.forward(shared, promptsN, sampled.tokens, { temperature });
  // A reference policy that differs from the policy, so the k3 term and its gradient are not zero.
  const refLogp = tf.tidy(() => tf.add<tf.Tensor2D>(fwd.logp, tf.mul(tf.sin(tf.reshape(tf.range(0, n * T), [n, T])), 0.1)));

  // 4. The GRPO loss and its gradient, through the app's own objective (one epoch x one minibatch: π_old = sg(π_θ)).
  const vars = policyParams(policy);
  const policyOpt = new Adam(vars);
  const ctx: UpdateContext = {
    config,
    policy,
    policyOpt,
    valueOpt: new Adam(policy.valueHeadVariables),
    batch: { n, groupSize: g, T, images: shared, prompts: promptsN, tokens: sampled.tokens, mask: sampled.mask, oldLogp: sampled.logp, refLogp, refLogProbs: null, oldLogProbs: null, oldValues: null, scores: scoresT },
    beta: config.objective.beta,
    lr: config.optim.lr,
    valueLr: config.optim.valueLr,
    rng: new Rng(1),
    rec: new Recorder(),
    keepTokens: false,
  };
  const rows = batchRows(ctx.batch, advantages);
  const objective = { epsLow: config.objective.epsLow, epsHigh: config.objective.epsHigh, beta: ctx.beta, reportClip: true };
  const { value: loss, grads } = tf.variableGrads(() => surrogateObjective(ctx, rows, policy.forward(shared, promptsN, sampled.tokens, { temperature }), objective).loss, vars);
  const ordered = vars.map((x) => grads[x.name]!);
  const { norm, scale } = clipScale(ordered, config.optim.gradClip);
  const names = [...policy.net.store.byName].filter(([, x]) => vars.includes(x)).map(([name]) => name);
  const gradsOut = Object.fromEntries(await Promise.all(names.map(async (name, i) => [name, await flat(ordered[i]!)] as const)));
  policyOpt.step(ordered, ctx.lr, scale ?? undefined);
  const after = Object.fromEntries(await Promise.all(names.map(async (name, i) => [name, await flat(vars[i]!)] as const)));

  const goldAnswers = instances.map((inst) => answerWords(inst.answer).map(id));
  const out = {
    config: { model: policy.config, sampling: config.sampling, optim: config.optim, objective: config.objective, rewardWeights: config.rewards.weights },
    inputs: {
      images: await flat(images),
      prompts: await flat(prompts),
      goldAnswers,
      noise,
      refLogp: await flat(refLogp),
      scores,
    },
    outputs: {
      sampleLogits: await flat(sampled.logits!),
      tokens: Array.from(sampled.tokenIds),
      sampleLogp: await flat(sampled.logp),
      mask: await flat(sampled.mask),
      advantages: await flat(advantages),
      logits: await flat(logits),
      logp: await flat(fwd.logp),
      entropy: await flat(fwd.entropy),
      loss: (await loss.data())[0],
      gradNorm: (await norm.data())[0],
      grads: gradsOut,
      weightsAfter: after,
    },
  };
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, JSON.stringify(out));
  const right = scores.filter((s) => s >= 1).length;
  process.stderr.write(`wrote ${args.out}: ${n} samples (${right} right), loss ${out.outputs.loss}, grad norm ${out.outputs.gradNorm}\n`);
});
