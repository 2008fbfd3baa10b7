/**
 * The RL trainer: one `step()` is one iteration,
 *
 *   sample B prompts -> G rollouts each -> rewards (host) -> [filter / refill groups]
 *     -> reference and critic passes -> the algorithm's advantages and updates
 *     -> one metrics record (+ held-out evaluation every evalEvery iterations).
 *
 * This file is the public face (createTrainer, the TrainerHandle of ./types.ts). The run's
 * state and start are in ./run.ts; the iteration, phase by phase, in ./iteration.ts.
 *
 * Deterministic: every random choice (prompts, sampling noise, minibatch order, image noise,
 * weights from scratch) is seeded from config.run.seed, so the same config gives the same
 * metrics on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RunConfigSchema, type RunConfig } from '../config';
import { saveCheckpoint } from '../model';
import { runIteration } from './iteration';
import { disposeRun, evaluateRun, startRun, type RunState } from './run';
import type { TrainerDeps, TrainerHandle } from './types';
import { patchWasmBackend } from './wasmPatches';
import type { MetricsRecord } from './metrics';

let gradientsChecked = false;

function assertGradientsRegistered(): void {
  if (gradientsChecked) return;
  const x = tf.tidy(() => tf.variable(tf.scalar(1)));
  try {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(x, x)), [x]);
    tf.dispose([value, ...Object.values(grads)]);
    gradientsChecked = true;
  } catch (e) {
    throw new Error(
      `tfjs gradients are not registered (${e instanceof Error ? e.message : String(e)}). Import '@tensorflow/tfjs-core/dist/register_all_gradients' ` +
        `(browser, worker, Vitest) or call registerGradients() from src/cli/gradients.ts (Node) before createTrainer.`,
      { cause: e },
    );
  } finally {
    x.dispose();
  }
}

export async function createTrainer(input: RunConfig, deps: TrainerDeps): Promise<TrainerHandle> {
  // The schema also checks the cross-field rules (image sizes agree, RLOO has G >= 2, ...).
  const config = RunConfigSchema.parse(input);
  // On wasm, kernels of ours where tfjs's are slow (matmuls, copies, LayerNorm): same bits (./wasmPatches.ts).
  if (tf.getBackend() === 'wasm') patchWasmBackend();
  assertGradientsRegistered();
  return trainerHandle(await startRun(config, deps));
}

/** step(), guarded: one iteration at a time, never after dispose, divergence or the last iteration. */
function stepper(run: RunState, isDisposed: () => boolean): () => Promise<MetricsRecord> {
  let busy = false;
  return async () => {
    if (isDisposed()) throw new Error('step: the trainer was disposed');
    if (run.divergedAt) throw run.divergedAt;
    if (run.iteration >= run.total) throw new Error(`step: the run is done (${run.total} iterations)`);
    if (busy) throw new Error('step: an iteration is already running (await the previous step)');
    busy = true;
    try {
      return await runIteration(run);
    } finally {
      busy = false;
    }
  };
}

function trainerHandle(run: RunState): TrainerHandle {
  const { config } = run;
  let disposed = false;
  return {
    config,
    get iteration() {
      return run.iteration;
    },
    get done() {
      return run.iteration >= run.total;
    },
    step: stepper(run, () => disposed),
    evaluate: (n) => evaluateRun(run, n),
    inspectBatches: () => [...run.inspect],
    async saveCheckpoint(handler) {
      // Never let diverged weights replace the last good checkpoint (whoever calls this).
      if (run.divergedAt) throw new Error(`The checkpoint was not saved: the run ${run.divergedAt.message}`);
      await saveCheckpoint(run.policy, handler, { iteration: run.iteration, task: config.task.task, preset: config.preset, algorithm: config.objective.algorithm, seed: config.run.seed });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeRun(run);
    },
  };
}
