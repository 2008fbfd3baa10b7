import { RunConfigSchema, type RunConfig } from '../engine/config';
import { TASKS } from '../engine/tasks';
import type { TaskInstance } from '../engine/tasks/types';
import { BOS, encode, isKnownWord } from '../engine/tokenizer';
import { crossTaskEvaluation } from '../engine/train/crossTask';
import { sampledEvaluation, sampleResponses, scoreOwn } from '../engine/train/sampledEval';
import { restoreRun } from './db';
import { compactedAfterTruncate, type StoredCheckpoint, type StoredRun } from './dbSchema';
import { getRun, snapshotRun } from './queries';
import type { Runner } from './runner';
import {
  CROSS_TASK_DEFAULT_PROMPTS,
  CrossTaskRequestSchema,
  EvaluateRunRequestSchema,
  type CrossTaskRequest,
  type CrossTaskResult,
  ForkRequestSchema,
  OwnRequestSchema,
  type EvaluateRunRequest,
  type EvaluateRunResult,
  type ForkRequest,
  type ForkResult,
  type OwnRequest,
  type OwnResult,
} from './toolsProtocol';

/**
 * Three tools the page asks for (TrainerApi.evaluateRun, sampleOwn, forkRun), each on a run's
 * newest saved weights and in turn with the trainers' work (Runner.latestCheckpoint).
 */

async function storedConfig(runId: string): Promise<RunConfig> {
  const run = await getRun(runId);
  if (!run) throw new Error(`No run ${runId} in storage (it was deleted, or never added).`);
  return run.config;
}

/** pass@k, best@N, majority@N and greedy accuracy on held-out prompts, with progress. */
export async function evaluateRun(runner: Runner, runId: string, raw: EvaluateRunRequest, onProgress?: (done: number, total: number) => unknown): Promise<EvaluateRunResult> {
  const req = EvaluateRunRequestSchema.parse(raw);
  const c = await storedConfig(runId);
  const report = (done: number, total: number) => {
    if (onProgress) void Promise.resolve(onProgress(done, total)).catch(() => undefined);
  };
  return runner.latestCheckpoint(runId, async (ckpt) => {
    const { policy, iteration } = await runner.policyOf(ckpt);
    const result = await sampledEvaluation(policy, TASKS[c.task.task], {
      split: req.split,
      prompts: req.prompts ?? c.run.evalN,
      n: req.n,
      k: req.k,
      difficulty: c.task.difficulty,
      imageSize: c.task.imageSize,
      jitter: c.task.jitter,
      temperature: c.sampling.temperature,
      maxNewTokens: c.sampling.maxNewTokens,
      seed: c.run.seed,
      onProgress: report,
    });
    return { ...result, iteration, runId };
  });
}

/** Greedy accuracy of the run's newest weights on every task's id, shift and ood splits, with progress. */
export async function evaluateAcrossTasks(runner: Runner, runId: string, raw: CrossTaskRequest, onProgress?: (done: number, total: number) => unknown): Promise<CrossTaskResult> {
  const req = CrossTaskRequestSchema.parse(raw);
  const c = await storedConfig(runId);
  const report = (done: number, total: number) => {
    if (onProgress) void Promise.resolve(onProgress(done, total)).catch(() => undefined);
  };
  return runner.latestCheckpoint(runId, async (ckpt) => {
    const { policy, iteration } = await runner.policyOf(ckpt);
    const cells = await crossTaskEvaluation(policy, {
      n: req.prompts ?? CROSS_TASK_DEFAULT_PROMPTS,
      difficulty: c.task.difficulty,
      imageSize: c.task.imageSize,
      jitter: c.task.jitter,
      maxNewTokens: c.sampling.maxNewTokens,
      onProgress: report,
    });
    return { runId, iteration, trainedOn: c.task.task, cells };
  });
}

/** The person's image and question as a task instance (the question checked word by word). */
function ownInstance(c: RunConfig, req: OwnRequest, promptLen: number): TaskInstance {
  const size = c.task.imageSize;
  if (req.imageSize !== size || req.image.length !== size * size * 3) throw new Error(`The image must be ${size} x ${size} RGB, as the run's task.imageSize.`);
  const words = req.question.trim().split(/\s+/);
  const unknown = words.filter((w) => !isKnownWord(w));
  if (unknown.length > 0) throw new Error(`The model does not know ${unknown.map((w) => `"${w}"`).join(', ')}: use words of the task's questions.`);
  const promptTokens = [BOS, ...encode(req.question)];
  if (promptTokens.length > promptLen) throw new Error(`The question has ${words.length} words; the model reads at most ${promptLen - 1}.`);
  const gold = req.gold?.trim() ?? '';
  if (gold !== '' && !isKnownWord(gold)) throw new Error(`The gold answer "${gold}" is not a word the model can say.`);
  return { taskId: c.task.task, seed: 0, split: 'id', difficulty: c.task.difficulty, imageSize: size, image: req.image, promptTokens, answer: gold, goldTrace: [] };
}

/** G samples of the run's newest weights on one instance a person made, scored when a gold answer is given. */
export async function sampleOwn(runner: Runner, runId: string, raw: OwnRequest): Promise<OwnResult> {
  const req = OwnRequestSchema.parse(raw);
  const c = await storedConfig(runId);
  return runner.latestCheckpoint(runId, async (ckpt) => {
    const { policy, iteration } = await runner.policyOf(ckpt);
    const instance = ownInstance(c, req, policy.config.promptLen);
    const maxNewTokens = c.sampling.maxNewTokens;
    const n = req.samples ?? c.sampling.groupSize;
    const [responses] = await sampleResponses(policy, [instance], { n, temperature: c.sampling.temperature, topK: c.sampling.topK, maxNewTokens, seed: req.seed ?? c.run.seed });
    const samples = (responses ?? []).map((t) => scoreOwn(t, instance, c.rewards.weights, maxNewTokens));
    const totals = samples.flatMap((s) => (s.reward ? [s.reward.total] : []));
    if (totals.length === 0) return { iteration, promptTokens: instance.promptTokens, samples };
    const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
    const std = Math.sqrt(totals.reduce((a, b) => a + (b - mean) ** 2, 0) / totals.length);
    return { iteration, promptTokens: instance.promptTokens, samples, group: { mean, std } };
  });
}

/** The parts of a config a checkpoint's weights fix: a fork may not change them. */
function fixedByWeights(c: RunConfig): string {
  return JSON.stringify({ model: c.model, imageSize: c.task.imageSize, task: c.task.task });
}

/** One branch's record: the source's, renamed, in the fork's group, not live (a resume builds it). */
function branch(source: StoredRun, spec: { id: string; name: string; color: string }, config: RunConfig, group: string, from: number, iterations: number): StoredRun {
  const { error: _e, compactedThrough, ...rest } = source;
  const cfg = RunConfigSchema.parse({ ...config, name: spec.name, run: { ...config.run, iterations } });
  // The history it shares was thinned as far as the source's was (up to the checkpoint).
  const thinned = compactedAfterTruncate(compactedThrough, from + 1);
  return { ...rest, id: spec.id, name: spec.name, color: spec.color, config: cfg, status: 'stopped', visible: true, createdAt: Date.now(), group, ...(thinned !== undefined ? { compactedThrough: thinned } : {}) };
}

/**
 * Two new runs from the source's newest checkpoint: A with its config, B with one knob changed.
 * Each gets the checkpoint's weights, the source's metrics up to it, and `extra` more iterations.
 * Both resume as any run does: fresh Adam moments (the checkpoint holds no optimizer state), the
 * same seed, so the same prompts and sampling noise from the next iteration on.
 */
export async function forkRun(runner: Runner, sourceId: string, raw: ForkRequest): Promise<ForkResult> {
  const req = ForkRequestSchema.parse(raw);
  return runner.latestCheckpoint(sourceId, async (ckpt: StoredCheckpoint) => {
    const snap = await snapshotRun(sourceId);
    if (!snap) throw new Error('The run to fork is no longer stored.');
    if (fixedByWeights(snap.run.config) !== fixedByWeights(req.b.config)) {
      throw new Error('A fork cannot change the task, the image size or the model (model.*): the checkpoint\'s weights fix them.');
    }
    const metrics = snap.metrics.filter((r) => r.iteration <= ckpt.iteration);
    const total = ckpt.iteration + req.extra;
    const runs = [branch(snap.run, req.a, snap.run.config, req.group, ckpt.iteration, total), branch(snap.run, req.b, req.b.config, req.group, ckpt.iteration, total)];
    for (const run of runs) {
      await runner.journal.serial(() => restoreRun({ run, metrics, checkpoint: { ...ckpt, runId: run.id } }));
      runner.journal.send({ type: 'note', runId: run.id, note: `Forked from "${snap.run.name}" at iteration ${ckpt.iteration} (${run.id === req.a.id ? 'A: unchanged' : `B: ${req.knob}`}); Adam's moments start afresh.` });
    }
    return { iteration: ckpt.iteration };
  });
}
