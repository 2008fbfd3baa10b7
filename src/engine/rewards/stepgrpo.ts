/**
 * StepGRPO's two rule-based reasoning rewards (R1-VL, Zhang et al. 2025, arXiv:2503.12937, §3.2):
 *
 * - StepRAR, the step-wise reasoning accuracy reward: the share of the gold reasoning's key steps
 *   that the response's reasoning contains, by soft key-step matching. The paper extracts the
 *   key steps (essential variables and equations) from the gold solution, augments each with
 *   equivalent forms, and counts one as matched when any form appears anywhere in the
 *   reasoning (no alignment, no order): k = |matched| / |key steps|. Its reward is
 *   1 + α·k for a right answer and α·k for a wrong one, i.e. the accuracy reward plus α times
 *   this one: here that is rewards.weights { accuracy: 1, stepRAR: α }.
 * - StepRVR, the step-wise reasoning validity reward: 1 when the reasoning is complete (the
 *   paper: background / what was seen, step-by-step reasoning, conclusion, all present) and
 *   logical (in that order, each step following from the previous), else 0. Our traces have no
 *   prose, so each task states what complete and logical mean for its trace
 *   (TaskDef.validReasoning); a task that does not asks for a trace and an answer.
 *
 * Both differ from the older `step` reward (each task's scoreSteps), which aligns the trace
 * slot by slot with the gold one: a key step found out of place still counts here.
 */
import { getTask } from '../tasks';
import type { KeyStep, TaskInstance } from '../tasks/types';
import { THINK } from '../tokenizer';
import type { RewardFn, RewardSample } from './functions';
import { parseResponse } from './parse';

/** Where `run` first occurs in `trace` as consecutive words: the index of its last word, or -1. */
export function findRun(trace: readonly string[], run: readonly string[]): number {
  if (run.length === 0) return -1;
  for (let i = 0; i + run.length <= trace.length; i++) {
    if (run.every((w, j) => trace[i + j] === w)) return i + run.length - 1;
  }
  return -1;
}

/** The task's key steps, or every gold trace word as a key step of one form. */
export function keyStepsOf(instance: TaskInstance): KeyStep[] {
  const task = getTask(instance.taskId);
  return task.keySteps ? task.keySteps(instance) : instance.goldTrace.map((w) => [[w]]);
}

/**
 * Soft key-step matching: for each key step, the end (index of the last word in the trace) of
 * the earliest occurrence of any of its forms, or -1 when none occurs.
 */
export function matchKeySteps(keySteps: readonly KeyStep[], trace: readonly string[]): number[] {
  return keySteps.map((forms) => {
    const ends = forms.map((f) => findRun(trace, f)).filter((e) => e >= 0);
    return ends.length === 0 ? -1 : Math.min(...ends);
  });
}

/** StepRAR: the share of key steps matched in the trace inside <think> ... </think>; 0 without a trace or key steps. */
export const stepRAR: RewardFn = (sample, instance) => {
  const { trace } = parseResponse(sample.tokens);
  if (trace === null) return 0;
  const ends = matchKeySteps(keyStepsOf(instance), trace);
  return ends.length === 0 ? 0 : ends.filter((e) => e >= 0).length / ends.length;
};

/**
 * StepRAR's value split over the tokens that earned it, for dense rewards: each matched key
 * step is worth 1/K and lands on the response token that completes it (the last word of its
 * match inside the trace). The values sum to stepRAR(sample, instance).
 */
export function stepRARCredits(sample: RewardSample, instance: TaskInstance): { at: number; value: number }[] {
  const { trace } = parseResponse(sample.tokens);
  if (trace === null) return [];
  const ends = matchKeySteps(keyStepsOf(instance), trace);
  const traceStart = sample.tokens.indexOf(THINK) + 1; // the trace is the words after the first <think>
  return ends.filter((e) => e >= 0).map((e) => ({ at: traceStart + e, value: 1 / ends.length }));
}

/** StepRVR: 1 if the trace is complete and logical (TaskDef.validReasoning) and the answer is its conclusion, else 0. */
export const stepRVR: RewardFn = (sample, instance) => {
  const { trace, answer } = parseResponse(sample.tokens);
  if (trace === null || answer === null || trace.length === 0) return 0;
  const task = getTask(instance.taskId);
  return !task.validReasoning || task.validReasoning(instance, trace, answer.split(' ')) ? 1 : 0;
};
