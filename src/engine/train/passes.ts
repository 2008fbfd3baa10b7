/**
 * Phase 2 of an iteration: the passes over the assembled batch before the update, on clean
 * images. The frozen reference gives log π_ref (when there is one); the policy gives the
 * critic's V_old (critic algorithms) and, when the rollout saw perturbed images, log π_old
 * recomputed on the clean ones. Otherwise log π_old is the sampler's own log-probs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../algorithms';
import type { AssembledBatch } from './rollout';
import type { RunState } from './run';

/** The batch the algorithm trains on. Its new tensors (oldLogp, refLogp, oldValues) are disposed with `disposePassTensors`. */
export function referenceAndCriticPasses(run: RunState, a: AssembledBatch, recomputeOld: boolean): Batch {
  const { config, policy, ref, algorithm } = run;
  const temperature = config.sampling.temperature;
  const refLogp = ref ? tf.tidy(() => ref.forward(a.images, a.prompts, a.tokens, { temperature }).logp) : null;
  let oldLogp: tf.Tensor2D;
  let oldValues: tf.Tensor2D | null = null;
  if (algorithm.critic || recomputeOld) {
    // One pass gives both V_old and log π_old (the same code path as the update's forward).
    let out: { logp: tf.Tensor2D; values: tf.Tensor2D };
    try {
      out = tf.tidy(() => {
        const f = policy.forward(a.images, a.prompts, a.tokens, { temperature });
        return { logp: tf.mul<tf.Tensor2D>(f.logp, a.mask), values: tf.mul<tf.Tensor2D>(f.values, a.mask) }; // [N, T] each
      });
    } catch (e) {
      refLogp?.dispose(); // the caller never sees this batch, so it could not dispose it
      throw e;
    }
    oldLogp = out.logp;
    if (algorithm.critic) oldValues = out.values;
    else out.values.dispose();
  } else {
    oldLogp = tf.clone(a.behaviourLogp);
  }
  return {
    n: a.samples.length,
    groupSize: a.groupSize,
    T: config.sampling.maxNewTokens,
    images: a.images,
    prompts: a.prompts,
    tokens: a.tokens,
    mask: a.mask,
    oldLogp,
    refLogp,
    oldValues,
    scores: a.scores,
    accuracy: Float32Array.from(a.samples, (s) => s.scored.byFn.accuracy),
  };
}

/** Dispose what the passes made (the rest of the batch belongs to the assembled batch). */
export function disposePassTensors(b: Batch): void {
  tf.dispose([b.oldLogp, ...(b.refLogp ? [b.refLogp] : []), ...(b.oldValues ? [b.oldValues] : [])]);
}
