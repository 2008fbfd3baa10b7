/**
 * Phase 2 of an iteration: the passes over the assembled batch before the update, on clean
 * images. The frozen reference gives log π_ref (when there is one); the policy gives the
 * critic's V_old (critic algorithms) and, when the rollout saw perturbed images, log π_old
 * recomputed on the clean ones. Otherwise log π_old is the sampler's own log-probs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fullDistributions, type Batch } from '../algorithms/common';
import type { AssembledBatch } from './rollout';
import type { RunState } from './run';

/** The batch the algorithm trains on. Its new tensors (oldLogp, refLogp, the whole distributions, oldValues) are disposed with `disposePassTensors`. */
export function referenceAndCriticPasses(run: RunState, a: AssembledBatch, recomputeOld: boolean): Batch {
  const { config, policy, ref, algorithm } = run;
  const temperature = config.sampling.temperature;
  // The exact KLs sum over whole distributions [N, T, V]: π_ref's from this pass, π_old's from the policy's.
  const full = fullDistributions(config);
  // Every row is <pad> after the longest response (the host knows each length): the passes stop there.
  const length = Math.max(1, ...a.samples.map((s) => s.length));
  const refOut = ref ? tf.tidy(() => withFull(ref.forward(a.images, a.prompts, a.tokens, { temperature, full: full.ref, length }))) : null;
  const refLogp = (refOut?.[0] as tf.Tensor2D | undefined) ?? null;
  const refLogProbs = (refOut?.[1] as tf.Tensor3D | undefined) ?? null;
  let oldLogp: tf.Tensor2D;
  let oldValues: tf.Tensor2D | null = null;
  let oldLogProbs: tf.Tensor3D | null = null;
  if (algorithm.critic || recomputeOld || full.old) {
    // One pass gives both V_old and log π_old (the same code path as the update's forward).
    let out: tf.Tensor[];
    try {
      out = tf.tidy(() => {
        const f = policy.forward(a.images, a.prompts, a.tokens, { temperature, full: full.old, length });
        // [N, T] log π_old and V_old, then [N, T, V] when asked.
        return [tf.mul(f.logp, a.mask), tf.mul(f.values, a.mask), ...(f.logProbs ? [f.logProbs] : [])];
      });
    } catch (e) {
      if (refOut) tf.dispose(refOut); // the caller never sees this batch, so it could not dispose it
      throw e;
    }
    oldLogp = out[0] as tf.Tensor2D;
    oldLogProbs = (out[2] as tf.Tensor3D | undefined) ?? null;
    if (algorithm.critic) oldValues = out[1] as tf.Tensor2D;
    else out[1]!.dispose();
  } else {
    oldLogp = tf.clone(a.behaviourLogp);
  }
  return {
    n: a.samples.length,
    groupSize: a.groupSize,
    T: config.sampling.maxNewTokens,
    responseLength: length,
    images: a.images,
    prompts: a.prompts,
    tokens: a.tokens,
    mask: a.mask,
    oldLogp,
    refLogp,
    refLogProbs,
    oldLogProbs,
    oldValues,
    scores: a.scores,
    tokenScores: a.tokenScores,
    accuracy: Float32Array.from(a.samples, (s) => s.scored.byFn.accuracy),
  };
}

/** Dispose what the passes made (the rest of the batch belongs to the assembled batch). */
export function disposePassTensors(b: Batch): void {
  const made: (tf.Tensor | null)[] = [b.oldLogp, b.refLogp, b.refLogProbs, b.oldLogProbs, b.oldValues];
  tf.dispose(made.filter((t): t is tf.Tensor => t !== null));
}

/** A forward's log-probs [N, T], then its whole distribution [N, T, V] when it has one (tidy returns arrays). */
function withFull(f: { logp: tf.Tensor2D; logProbs?: tf.Tensor3D }): tf.Tensor[] {
  return f.logProbs ? [f.logp, f.logProbs] : [f.logp];
}
